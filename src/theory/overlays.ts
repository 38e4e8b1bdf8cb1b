/**
 * Theory overlays for a spec and an observable: the curves (densities on a grid) and moments that the
 * report, the explorer and the claims compare simulations with. Each carries the source it comes from.
 */
import trigamma from "@stdlib/math-base-special-trigamma";
import digamma from "@stdlib/math-base-special-digamma";
import { inputVector, type ModelSpec } from "../spec/index.js";
import { identityLogGrowth, meanLogGrowthFactor, sequentialLimit } from "./hayou/index.js";
import { logNormRatioLaw } from "./marion/index.js";
import {
  HYPOACTIVATION_ESTIMATES,
  betaResNet,
  meanStandardResNet,
  varianceStandardResNet,
} from "./lnr/index.js";
import {
  beta,
  blueDensity,
  exactDensity,
  exactGMoments,
  exactMass,
  redDensity,
} from "./loggaussian/index.js";

export interface TheoryMoments {
  name: string;
  source: string;
  mean: number;
  variance: number;
}

export interface TheoryCurve {
  name: string;
  source: string;
  x: Float64Array;
  density: Float64Array;
  /** Mass at -infinity (dead networks) not shown by the density. */
  leftAtom: number;
}

function isReluGaussian(spec: ModelSpec): boolean {
  return spec.activation.name === "relu" && spec.weights.law === "gaussian";
}

function logC(spec: ModelSpec): number {
  const x = inputVector(spec, 0);
  let s = 0;
  for (const v of x) s += v * v;
  return Math.log(s / spec.nIn);
}

/** Moments of G predicted for the spec (empty when no theory applies). */
export function gMoments(spec: ModelSpec): TheoryMoments[] {
  if (!isReluGaussian(spec)) return [];
  if (spec.family === "mlp") {
    const out: TheoryMoments[] = [];
    const ex = exactGMoments(spec.widths, spec.gain);
    out.push({
      name: "exact finite (n, d)",
      source: "log-gaussian.md 1.4",
      mean: ex.mean,
      variance: ex.variance,
    });
    if (spec.gain === 2) {
      const b = beta(spec.widths);
      out.push({
        name: "log-Gaussian N(-beta/2, beta)",
        source: "Nica, Thm 2 (log-gaussian.md 1.2, 2.1)",
        mean: -b / 2,
        variance: b,
      });
    }
    return out;
  }
  if (spec.family !== "resnet" || spec.gain !== 2) return [];
  const a2 = Number((spec.alpha ** 2).toPrecision(12)); // alpha is stored as a square root
  const b = betaResNet(spec.width, spec.depth, a2);
  const out: TheoryMoments[] = [
    {
      name: "notes' beta N(-beta/2, beta)",
      source: "Nica, skips (log-gaussian.md 2.3)",
      mean: -b / 2,
      variance: b,
    },
  ];
  const hyp = HYPOACTIVATION_ESTIMATES[String(a2)];
  if (!spec.balanced && hyp) {
    out.push({
      name: "corrected (correlations, hypoactivation)",
      source: "log-gaussian.md 2.3 (iv); c(alpha) by simulation",
      mean: meanStandardResNet(spec.width, spec.depth, a2, hyp.c),
      variance: varianceStandardResNet(spec.width, spec.depth, a2),
    });
  }
  return out;
}

/** Hayou family: predictions for logPostNormGrowth (at L) and preact (infinite depth). */
function hayouMoments(spec: ModelSpec, observable: string): TheoryMoments[] {
  if (spec.family !== "hayou" || spec.weights.law !== "gaussian" || spec.gain !== 1) return [];
  const n = spec.width;
  const a = spec.activation;
  if (observable === "logPostNormGrowth") {
    if (a.name === "relu") {
      return [
        {
          name: "Quasi-GBM N(A(n), 1/n)",
          source: "Hayou Thm 1 (mean drift at t = 0; Gaussian heuristic)",
          mean: meanLogGrowthFactor(n),
          variance: 1 / n,
        },
      ];
    }
    if (a.name === "identity") {
      const m = identityLogGrowth(n);
      return [{ name: "GBM N((n-2)/(2n), 1/n)", source: "Hayou Prop. 9 (L -> infinity)", ...m }];
    }
    return [];
  }
  if (observable === "preact" && a.name === "relu") {
    const x = inputVector(spec, 0);
    let q0 = 0;
    for (const v of x) q0 += v * v;
    const lim = sequentialLimit(q0 / spec.nIn, 1);
    return [
      {
        name: "N(0, q0 e^{1/2})",
        source: "Hayou Thms 2-3 (n, L -> infinity)",
        mean: 0,
        variance: lim.preactVariance,
      },
    ];
  }
  return [];
}

/**
 * Marion family (res-3, ReLU, iid weights of any symmetric law): the log-normal approximation of sheet
 * 2.2, ln(||h_L||^2/||h_0||^2) ~ N(L alpha^2 (1/2 - 1/d), 2 L alpha^2 / d), for log10NormRatio; the same law
 * for log10GradNormRatio, which the sheet reports to track the forward ratio (not a theorem).
 */
function marionMoments(spec: ModelSpec, observable: string): TheoryMoments[] {
  if (spec.family !== "marion" || spec.model !== "res3" || spec.activation.name !== "relu") return [];
  if (spec.correlation.kind !== "iid" || spec.alphas.length !== 1) return [];
  if (observable !== "log10NormRatio" && observable !== "log10GradNormRatio") return [];
  const law = logNormRatioLaw(spec.depth, spec.beta, spec.width);
  const c = 1 / (2 * Math.LN10);
  return [
    {
      name: "log-normal N(L a^2 (1/2 - 1/d), 2 L a^2 / d)",
      source:
        observable === "log10NormRatio"
          ? "Marion, sheet 2.2 (log-normal approximation)"
          : "Marion, sheet 2.2 (forward law; backward tracks it numerically)",
      mean: law.mean * c,
      variance: law.variance * c * c,
    },
  ];
}

/** Moments of the observable predicted for the spec ("G", "logOutNorm2"; Hayou: "logPostNormGrowth", "preact"). */
export function theoryMoments(spec: ModelSpec, observable: string): TheoryMoments[] {
  if (spec.family === "hayou") return hayouMoments(spec, observable);
  if (spec.family === "marion") return marionMoments(spec, observable);
  const g = gMoments(spec);
  if (observable === "G") return g;
  if (observable !== "logOutNorm2") return [];
  const k = spec.nOut;
  const lc = logC(spec);
  return g.map((m) => ({
    ...m,
    mean: m.mean + lc + digamma(k / 2) + Math.LN2,
    variance: m.variance + trigamma(k / 2),
  }));
}

const gaussianPdf = (x: Float64Array, m: number, v: number) =>
  x.map((y) => Math.exp(-((y - m) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v));

/** A grid covering the predicted law (mean +- 7 sd, more on the left for log chi-square tails). */
export function theoryRange(spec: ModelSpec, observable: string): [number, number] | null {
  const ms = theoryMoments(spec, observable);
  if (ms.length === 0) return null;
  const lo = Math.min(...ms.map((m) => m.mean - 9 * Math.sqrt(m.variance)));
  const hi = Math.max(...ms.map((m) => m.mean + 6 * Math.sqrt(m.variance)));
  return [lo, hi];
}

/** Density curves of the observable on [lo, hi] (points nodes). */
export function theoryCurves(
  spec: ModelSpec,
  observable: string,
  range?: [number, number],
  points = 401,
): TheoryCurve[] {
  const r = range ?? theoryRange(spec, observable);
  if (!r) return [];
  const x = Float64Array.from({ length: points }, (_, i) => r[0] + ((r[1] - r[0]) * i) / (points - 1));
  if (spec.family === "hayou" || spec.family === "marion") {
    return theoryMoments(spec, observable).map((m) => ({
      name: m.name,
      source: m.source,
      x,
      density: gaussianPdf(x, m.mean, m.variance),
      leftAtom: 0,
    }));
  }
  if (observable !== "G" && observable !== "logOutNorm2") return [];
  const out: TheoryCurve[] = [];
  const k = spec.nOut;
  const lc = logC(spec);
  const output = observable === "logOutNorm2";
  for (const m of gMoments(spec)) {
    if (m.name.startsWith("exact") && spec.family === "mlp") {
      out.push({
        name: m.name,
        source: "characteristic-function inversion (log-gaussian.md 1.5)",
        x,
        density: exactDensity(x, { widths: spec.widths, nOut: k, logC: lc, gain: spec.gain, output }),
        leftAtom: 1 - exactMass(spec.widths),
      });
    } else {
      out.push({
        name: m.name,
        source: m.source,
        x,
        density: output ? redDensity(x, k, lc, m.mean, m.variance) : gaussianPdf(x, m.mean, m.variance),
        leftAtom: 0,
      });
    }
  }
  if (output && isReluGaussian(spec)) {
    out.push({
      name: "infinite width (G = 0)",
      source: "Nica, log-gaussian.md 1.5 (blue)",
      x,
      density: blueDensity(x, k, lc),
      leftAtom: 0,
    });
  }
  return out;
}
