/**
 * What the MLP and the log-Gaussian ResNet share: their observables (docs/theory/log-gaussian.md §1.2), the dense
 * engine's cost, the reduced engine's kernel and the theory of G and of the output norm.
 */
import digamma from "@stdlib/math-base-special-digamma";
import trigamma from "@stdlib/math-base-special-trigamma";
import { perWeight } from "../../engines/dense/cost.js";
import type { Observable } from "../../engines/observables.js";
import type { SpecBase } from "../../spec/base.js";
import { inputVector } from "../../spec/vectors.js";
import { blueDensity, redDensity } from "../../theory/loggaussian/index.js";
import { gaussianPdf } from "../../theory/gaussian.js";
import type { TheoryCurve, TheoryMoments } from "../../theory/types.js";
import type { KernelDef, ObservableDef } from "../types.js";
import { compileReducedLogGaussian, type SkipBranch } from "./reduced-log-gaussian.js";
import { NTK_OBSERVABLES, wantsNtk } from "./ntk.js";
import { compileReducedNtk } from "./reduced-ntk.js";

/**
 *   G            ln(||z^d||^2 / n_d) - ln(||x||^2 / n_in)
 *   logOutNorm2  ln ||z^out||^2
 *   logNorm2[l]  ln ||z^l||^2 at hidden layer l in 0..d (pre-activations)
 *   logJvpNorm2  ln ||(d z^out / dx) u||^2, u = the spec's tangent (docs/theory/log-gaussian.md §2.4)
 * and the NTK's observables (./ntk.ts, docs/theory/ntk.md) for f = z^out_1.
 */
export const LOG_GAUSSIAN_OBSERVABLES: Record<string, ObservableDef<SpecBase>> = {
  G: { layer: "none", label: "G" },
  logOutNorm2: { layer: "none", label: "ln ||z_out||^2" },
  logNorm2: { layer: "required", label: "ln ||z^l||^2" },
  logJvpNorm2: { layer: "none", label: "ln ||J u||^2" },
  ...NTK_OBSERVABLES,
};

export const DEFAULT_LOG_GAUSSIAN = ["G", "logOutNorm2"];

/** The dense engine's declaration for the MLP and the ResNet: every observable, the dense cost. */
export const denseKernel = <S extends SpecBase>(compile: KernelDef<S>["compile"]): KernelDef<S> => ({
  computes: Object.keys(LOG_GAUSSIAN_OBSERVABLES),
  cost: denseCost,
  // The NTK's backward pass keeps z^l of every layer for every input (and the balanced signs).
  memory: (spec, observables) => ({
    bytes: wantsNtk(observables) ? 8 * (spec.inputs.length + 1) * sumWidths(spec) : 0,
    wasmBytes: 0,
  }),
  compile,
});

const sumWidths = (spec: SpecBase) => spec.widths.reduce((a, b) => a + b, 0);

/**
 * Dense cost: every weight drawn and multiplied, once more per extra input or tangent; the NTK's
 * backward pass draws every weight again (once per input when the mat-vec runs in WebAssembly).
 */
export function denseCost(spec: SpecBase, observables: readonly Observable[]): number {
  const k = spec.inputs.length * (observables.some((o) => o.name === "logJvpNorm2") ? 2 : 1);
  const backward = wantsNtk(observables) ? 1 + spec.inputs.length : 1;
  const w = spec.widths;
  let c = w[0] * spec.nIn;
  for (let l = 1; l < w.length; l++) c += w[l] * w[l - 1];
  c += spec.nOut * w[w.length - 1];
  const widest = w.reduce((a, b) => Math.max(a, b), Math.max(spec.nIn, spec.nOut));
  return c * (perWeight(spec.weights.law, widest) + 2 * (k - 1)) * backward;
}

const needsGaussian = (spec: SpecBase) =>
  spec.weights.law === "gaussian" ? null : `needs Gaussian weights (spec has ${spec.weights.law})`;

/** The reduced engine for one input and Gaussian weights (the ResNet passes its skip branch). */
export function reducedKernel<S extends SpecBase>(skip: (s: S) => SkipBranch | null): KernelDef<S> {
  return {
    computes: ["G", "logOutNorm2", "logNorm2", "ntk", "logNtk", "ntkLayer", "ntkOut"],
    unsupported(spec, observables) {
      if (spec.weights.law !== "gaussian") return needsGaussian(spec);
      if (observables.some((o) => o.input !== 0) || spec.inputs.length > 1) {
        return "simulates a single input (several inputs need their joint Gram matrix)";
      }
      return null;
    },
    // ~8 ns per coordinate and layer: one normal, the activation and a few flops; the NTK's backward
    // pass about as much again.
    cost: (spec, observables) =>
      (8 * sumWidths(spec) + 100 * (spec.depth + 1)) * (wantsNtk(observables) ? 2.5 : 1),
    // The NTK keeps z^l and the forward draws xi^l of every layer (and the balanced signs).
    memory: (spec, observables) => ({
      bytes: wantsNtk(observables) ? 24 * sumWidths(spec) : 0,
      wasmBytes: 0,
    }),
    compile: (spec, observables) =>
      wantsNtk(observables)
        ? compileReducedNtk(spec, skip(spec), observables)
        : compileReducedLogGaussian(spec, skip(spec), observables),
  };
}

/** ln(||x||^2 / n_in) of input 0. */
export function logC(spec: SpecBase): number {
  const x = inputVector(spec, 0);
  let s = 0;
  for (const v of x) s += v * v;
  return Math.log(s / spec.nIn);
}

export const isReluGaussian = (spec: SpecBase) =>
  spec.activation.name === "relu" && spec.weights.law === "gaussian";

/**
 * The moments of G or of ln ||z^out||^2 = G + ln c + ln chi2_{n_out} (independent given G), from the
 * family's moments of G.
 */
export function logGaussianTheory(spec: SpecBase, observable: string, g: TheoryMoments[]): TheoryMoments[] {
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

/**
 * Density curves of G or ln ||z^out||^2 on the grid x: Gaussian in G (red curve for the output: the
 * log-normal mixed with the chi-square), the infinite-width law (blue) for the output; `exact` gives
 * the family's exact curve for a moment it knows exactly (null: use the Gaussian).
 */
export function logGaussianCurves(
  spec: SpecBase,
  observable: string,
  x: Float64Array,
  g: TheoryMoments[],
  exact: (m: TheoryMoments, output: boolean) => TheoryCurve | null = () => null,
): TheoryCurve[] {
  if (observable !== "G" && observable !== "logOutNorm2") return [];
  const k = spec.nOut;
  const lc = logC(spec);
  const output = observable === "logOutNorm2";
  const out: TheoryCurve[] = g.map(
    (m) =>
      exact(m, output) ?? {
        name: m.name,
        source: m.source,
        x,
        density: output ? redDensity(x, k, lc, m.mean, m.variance) : gaussianPdf(x, m.mean, m.variance),
        leftAtom: 0,
      },
  );
  if (output && isReluGaussian(spec)) {
    out.push({
      name: "infinite width (G = 0)",
      source: "Nica, docs/theory/log-gaussian.md §1.5 (blue)",
      x,
      density: blueDensity(x, k, lc),
      leftAtom: 0,
    });
  }
  return out;
}

/** The explorer's form fields the MLP and the ResNet share, in spec order (after width, depth). */
export const FORM_FIELDS = ["nIn", "nOut", "activation", "gain", "law", "input"];
