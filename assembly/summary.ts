// The mergeable summary of src/stats/summary.ts (count, non-finite counts, the first four central
// moments by Pébay's one-pass update, min, max) of an f64 array, with push's float operations in
// push's order: bit-identical to pushing the values one by one in JavaScript (tested).

/**
 * Push a[0 .. n - 1] into the summary at s (11 f64: count, n, nan, posInf, negInf, mean, m2, m3, m4,
 * min, max), in place.
 */
export function summaryPush(a: usize, n: i32, s: usize): void {
  let count = load<f64>(s);
  let k = load<f64>(s, 8);
  let nan = load<f64>(s, 16);
  let posInf = load<f64>(s, 24);
  let negInf = load<f64>(s, 32);
  let mean = load<f64>(s, 40);
  let m2 = load<f64>(s, 48);
  let m3 = load<f64>(s, 56);
  let m4 = load<f64>(s, 64);
  let min = load<f64>(s, 72);
  let max = load<f64>(s, 80);
  for (let i = 0; i < n; i++) {
    const x = load<f64>(a + ((<usize>i) << 3));
    count++;
    if (!isFinite(x)) {
      if (isNaN(x)) nan++;
      else if (x > 0) posInf++;
      else negInf++;
      continue;
    }
    const n1 = k;
    const nn = n1 + 1;
    const delta = x - mean;
    const dn = delta / nn;
    const dn2 = dn * dn;
    const term1 = delta * dn * n1;
    mean += dn;
    m4 += term1 * dn2 * (nn * nn - 3 * nn + 3) + 6 * dn2 * m2 - 4 * dn * m3;
    m3 += term1 * dn * (nn - 2) - 3 * dn * m2;
    m2 += term1;
    k = nn;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  store<f64>(s, count);
  store<f64>(s, k, 8);
  store<f64>(s, nan, 16);
  store<f64>(s, posInf, 24);
  store<f64>(s, negInf, 32);
  store<f64>(s, mean, 40);
  store<f64>(s, m2, 48);
  store<f64>(s, m3, 56);
  store<f64>(s, m4, 64);
  store<f64>(s, min, 72);
  store<f64>(s, max, 80);
}
