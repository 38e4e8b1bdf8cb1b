/**
 * Binomial sampler, exact for every n and p.
 * - p = 1/2: popcount of n random bits (the case of ReLU activity patterns; O(n / 32)).
 * - otherwise: Knuth's beta-splitting recursion (TAOCP vol. 2, 3.4.1, exercise 3.4.1-27) down to
 *   n <= 16, then Bernoulli trials: O(log n) gamma draws.
 */
import { gamma } from "./gamma.js";
import type { Rng } from "./rng.js";

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Bin(n, 1/2): the number of set bits among n fresh random bits. */
export function binomialHalf(rng: Rng, n: number): number {
  let k = 0;
  let left = n;
  while (left >= 32) {
    k += popcount32(rng.nextU32());
    left -= 32;
  }
  if (left > 0) k += popcount32(rng.nextU32() >>> (32 - left));
  return k;
}

/** Bin(n, p) for integer n >= 0 and p in [0, 1]. */
export function binomial(rng: Rng, n: number, p: number): number {
  if (p === 0.5) return binomialHalf(rng, n);
  if (p <= 0 || n === 0) return 0;
  if (p >= 1) return n;
  let k = 0;
  while (n > 16) {
    // The a-th order statistic of n uniforms is Beta(a, n + 1 - a).
    const a = 1 + (n >>> 1);
    const b = n + 1 - a;
    const ga = gamma(rng, a);
    const x = ga / (ga + gamma(rng, b));
    if (x >= p) {
      n = a - 1;
      p = p / x;
    } else {
      k += a;
      n = b - 1;
      p = (p - x) / (1 - x);
    }
  }
  for (let i = 0; i < n; i++) if (rng.uniform() < p) k++;
  return k;
}
