/**
 * Log-Gaussian ResNets (docs/theory/log-gaussian.md §2.3): z^l = alpha z^{l-1} + lambda sqrt(2/n) W^l phi(z^{l-1}),
 * alpha^2 + lambda^2 = 1, ReLU, in the joint limit d, n -> infinity with d/n fixed.
 */

/** The notes' beta for skips: 2/n + (5 lambda^4 + 4 alpha^2 lambda^2) d/n (exact to leading order for the balanced ResNet). */
export function betaResNet(n: number, d: number, alpha2: number): number {
  const l2 = 1 - alpha2;
  return 2 / n + ((5 * l2 * l2 + 4 * alpha2 * l2) * d) / n;
}

/**
 * J(rho) = E[relu(u)^2 relu(w)^2] for standard Gaussians with correlation rho:
 * [3 sin(t) cos(t) + (pi - t)(1 + 2 cos^2 t)] / (2 pi), t = arccos(rho). J(1) = 3/2, J(0) = 1/4.
 */
export function reluFourthMoment(rho: number): number {
  const t = Math.acos(Math.max(-1, Math.min(1, rho)));
  const c = Math.cos(t);
  return (3 * Math.sin(t) * c + (Math.PI - t) * (1 + 2 * c * c)) / (2 * Math.PI);
}

/** S(alpha) = sum_{m>=1} [J(alpha^m) - J(-alpha^m)], the interlayer correlation sum (alpha < 1). */
export function correlationSum(alpha: number): number {
  let s = 0;
  let a = alpha;
  for (let m = 1; m < 100000 && a > 1e-17; m++) {
    s += reluFourthMoment(a) - reluFourthMoment(-a);
    a *= alpha;
  }
  return s;
}

/**
 * Var[G] of the standard ReLU ResNet to leading order in d/n, with interlayer correlations (docs/theory/log-gaussian.md §2.3 iv):
 * 2/n + (d/n)(5 lambda^4 + 4 alpha^2 lambda^2) + (4 lambda^4/n) sum_{m=1}^{d-1} (d - m)[J(alpha^m) - J(-alpha^m)].
 */
export function varianceStandardResNet(n: number, d: number, alpha2: number): number {
  const l2 = 1 - alpha2;
  const alpha = Math.sqrt(alpha2);
  let corr = 0;
  let a = alpha;
  for (let m = 1; m < d && a > 1e-17; m++) {
    corr += (d - m) * (reluFourthMoment(a) - reluFourthMoment(-a));
    a *= alpha;
  }
  return 2 / n + (d / n) * (5 * l2 * l2 + 4 * alpha2 * l2) + ((4 * l2 * l2) / n) * corr;
}

/**
 * Hypoactivation constant c(alpha) = lim n (E p - 1/2), p = ||phi(z)||^2 / ||z||^2 in the stationary
 * regime. No closed form is known (docs/theory/log-gaussian.md §2.3 iv): these are estimates by simulation (the sheet's, and
 * re-estimated by the experiment lnr/resnet-log-gaussian from its own runs).
 */
export const HYPOACTIVATION_ESTIMATES: Record<string, { c: number; se: number; source: string }> = {
  "0.5": {
    c: -0.88,
    se: 0.05,
    source: "simulation (docs/theory/log-gaussian.md §2.3 iv; -0.876 in the third-party code [C3])",
  },
  "0.9": { c: -1.5, se: 0.1, source: "simulation (docs/theory/log-gaussian.md §2.3 iv)" },
};

/** E[G] of the standard ResNet to leading order: -beta/2 + 2 lambda^2 c(alpha) d/n (hypoactivation). */
export function meanStandardResNet(n: number, d: number, alpha2: number, c: number): number {
  return -betaResNet(n, d, alpha2) / 2 + (2 * (1 - alpha2) * c * d) / n;
}

/** Output variance growth E[e^G] ~ exp((2 lambda^2 c + 2 lambda^4 S(alpha)) d/n); 1 for MLP and balanced ResNet. */
export function outputVarianceGrowth(n: number, d: number, alpha2: number, c: number): number {
  const l2 = 1 - alpha2;
  return Math.exp((2 * l2 * c + 2 * l2 * l2 * correlationSum(Math.sqrt(alpha2))) * (d / n));
}

/** Depth-scaled branches lambda^2 = c/d: beta -> (2 + 4c)/n + O(1/(n d)) (balanced), independent of d. */
export function betaDepthScaled(n: number, c: number): number {
  return (2 + 4 * c) / n;
}

/** beta at finite d for lambda^2 = c/d, alpha^2 = 1 - c/d (the notes' formula, exact as d -> infinity). */
export function betaDepthScaledFinite(n: number, d: number, c: number): number {
  return betaResNet(n, d, 1 - c / d);
}

/**
 * Allowance for the neglected O(d/n^2) terms in the balanced-ResNet claims: the MLP's exact
 * second-order coefficients (49/12 for the mean, 37/2 for the variance, docs/theory/log-gaussian.md §1.4) times lambda^4 <= 1,
 * doubled: a bound, not an estimate (the balanced net's own coefficients are not known).
 */
export function secondOrderAllowance(n: number, d: number, alpha2: number) {
  const l4 = (1 - alpha2) ** 2;
  return { mean: (2 * (49 / 12) * l4 * d + 1) / n ** 2, variance: (2 * (37 / 2) * l4 * d + 4) / n ** 2 };
}
