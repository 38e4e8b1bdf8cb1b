/**
 * Theory of Marion et al.'s scaling regimes (docs/theory/scaling-resnets.md §2). alpha_L = L^{-beta}.
 */

export function alphaL(L: number, beta: number): number {
  return L ** -beta;
}

/**
 * Exact for res-3 with ReLU and any symmetric weight law of variance 1/d (docs/theory/scaling-resnets.md §2.2):
 * E||h_L||^2 / ||h_0||^2 = (1 + alpha^2/2)^L and E||h_L - h_0||^2 / ||h_0||^2 = (1 + alpha^2/2)^L - 1.
 */
export function meanSquaredRelDisp(L: number, beta: number): number {
  const a = alphaL(L, beta);
  return Math.expm1(L * Math.log1p((a * a) / 2));
}

export function meanSquaredNormRatio(L: number, beta: number): number {
  const a = alphaL(L, beta);
  return Math.exp(L * Math.log1p((a * a) / 2));
}

/** The regime by L alpha_L^2 = L^{1 - 2 beta}: identity (beta > 1/2), stable (= 1/2), explosion (< 1/2). */
export function iidRegime(beta: number): "identity" | "stable" | "explosion" {
  return beta > 0.5 ? "identity" : beta < 0.5 ? "explosion" : "stable";
}

/** Log-normal approximation: ln(||h_L||^2/||h_0||^2) ~ N(L alpha^2 (1/2 - 1/d), 2 L alpha^2 / d) (res-3, ReLU). */
export function logNormRatioLaw(L: number, beta: number, d: number): { mean: number; variance: number } {
  const la2 = L * alphaL(L, beta) ** 2;
  return { mean: la2 * (0.5 - 1 / d), variance: (2 * la2) / d };
}

/** Smooth weights: the relevant quantity is L alpha_L = L^{1 - beta} (ODE regime at beta = 1; docs/theory/scaling-resnets.md §2.5). */
export function smoothRegime(beta: number): "identity" | "ode" | "explosion" {
  return beta > 1 ? "identity" : beta < 1 ? "explosion" : "ode";
}

/** fBM weights: critical exponent beta_c(H) = max(1/2, H) (an empirical / heuristic law, docs/theory/scaling-resnets.md §2.6). */
export function criticalBeta(H: number): number {
  return Math.max(0.5, H);
}
