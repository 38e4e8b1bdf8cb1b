/**
 * Gamma and chi-square samplers (Marsaglia & Tsang, ACM TOMS 26(3), 2000), exact for any real
 * shape > 0: shapes below 1 use the boost G(a) = G(a + 1) U^(1/a).
 */
import type { Rng } from "./rng.js";

/** Gamma(shape, scale = 1). Requires shape > 0. */
export function gamma(rng: Rng, shape: number): number {
  if (shape < 1) {
    const g = gammaAtLeastOne(rng, shape + 1);
    return g * rng.uniformOpen() ** (1 / shape);
  }
  return gammaAtLeastOne(rng, shape);
}

function gammaAtLeastOne(rng: Rng, a: number): number {
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniformOpen();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Chi-square with k > 0 degrees of freedom (any real k); chiSquare(0) is the point mass at 0. */
export function chiSquare(rng: Rng, k: number): number {
  if (k === 0) return 0;
  return 2 * gamma(rng, k / 2);
}
