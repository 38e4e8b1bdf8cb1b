/**
 * The imaginary error function erfi(x) = (2/sqrt(pi)) int_0^x e^{t^2} dt and its inverse (not in
 * @stdlib). Needed by Hayou's Ornstein-Uhlenbeck activation phi(x) = alpha exp(erfi^-1(beta x)^2).
 *   |x| < 7:  the Maclaurin series (2/sqrt(pi)) sum_k x^{2k+1} / (k! (2k+1)), all terms of one sign
 *             (no cancellation; relative error ~1e-15).
 *   |x| >= 7: the asymptotic series e^{x^2} / (x sqrt(pi)) sum_k (2k-1)!! / (2 x^2)^k, truncated at its
 *             smallest term (error ~ e^{-x^2}).
 * Accuracy is tested against mpmath fixtures (test/fixtures/reference-values.json).
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
const LN_TWO_OVER_SQRT_PI = Math.log(TWO_OVER_SQRT_PI);

export function erfi(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  const sign = x < 0 ? -1 : 1;
  if (ax < 7) {
    const x2 = x * x;
    let term = ax; // x^{2k+1} / k!
    let sum = ax;
    for (let k = 1; k < 500; k++) {
      term *= x2 / k;
      const t = term / (2 * k + 1);
      sum += t;
      if (t < 1e-17 * sum) break;
    }
    return sign * TWO_OVER_SQRT_PI * sum;
  }
  if (ax > 26.7) return sign * Number.POSITIVE_INFINITY; // e^{x^2} overflows
  return (sign * Math.exp(ax * ax) * INV_SQRT_PI * asymptoticSum(ax)) / ax;
}

function asymptoticSum(ax: number): number {
  const inv = 1 / (2 * ax * ax);
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 200; k++) {
    const next = term * (2 * k - 1) * inv;
    if (next >= term) break;
    term = next;
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

/** ln erfi(x) for x > 0, finite beyond the overflow of erfi itself. */
export function logErfi(x: number): number {
  if (!(x > 0)) return x === 0 ? Number.NEGATIVE_INFINITY : Number.NaN;
  if (x < 7) return Math.log(erfi(x));
  return x * x - Math.log(x) - 0.5 * Math.log(Math.PI) + Math.log(asymptoticSum(x));
}

/** The inverse of erfi: the z with erfi(z) = y (any real y; erfiInv(+-inf) = +-inf). */
export function erfiInv(y: number): number {
  if (Number.isNaN(y)) return Number.NaN;
  if (y === 0) return 0;
  const sign = y < 0 ? -1 : 1;
  const ay = Math.abs(y);
  if (ay === Number.POSITIVE_INFINITY) return sign * Number.POSITIVE_INFINITY;
  // Newton on h(z) = ln erfi(z) - ln y, h'(z) = (2/sqrt(pi)) e^{z^2} / erfi(z) (monotone, convex in z).
  const lnY = Math.log(ay);
  let z =
    ay < 1
      ? ay / TWO_OVER_SQRT_PI / (1 + (ay * ay) / 3)
      : Math.sqrt(Math.max(0.25, lnY + 0.5 * Math.log(Math.max(lnY, 1))));
  for (let i = 0; i < 100; i++) {
    const le = logErfi(z);
    const h = le - lnY;
    // d/dz ln erfi(z) = (2/sqrt(pi)) e^{z^2} / erfi(z) = exp(z^2 + ln(2/sqrt(pi)) - ln erfi(z))
    const dh = Math.exp(z * z + LN_TWO_OVER_SQRT_PI - le);
    let step = h / dh;
    if (z - step <= 0) step = z / 2; // stay positive
    z -= step;
    if (Math.abs(step) <= 1e-16 * Math.max(1, z)) break;
  }
  return sign * z;
}
