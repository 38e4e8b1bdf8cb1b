/**
 * Hayou's finite-width ResNet with 1/sqrt(L) branches (docs/theory/infinite-depth.md §1): dense, reduced
 * (exact, O(width k^2) per layer by Gaussian conditioning) and SDE (the L -> infinity limit) engines.
 */
import { perWeight } from "../../engines/dense/cost.js";
import type { Observable } from "../../engines/observables.js";
import { SpecError } from "../../spec/errors.js";
import { checkVectors, parseWithSchema } from "../../spec/parse.js";
import { inputVector } from "../../spec/vectors.js";
import { identityLogGrowth, meanLogGrowthFactor, sequentialLimit } from "../../theory/hayou/index.js";
import type { TheoryMoments } from "../../theory/types.js";
import { pickForm } from "../shared/form.js";
import { isNtk, NTK_OBSERVABLES } from "../shared/ntk.js";
import type { Family, ObservableDef } from "../types.js";
import { compileDenseHayou } from "./dense.js";
import { compileReducedHayou } from "./reduced.js";
import { type HayouSpec, hayouSchema } from "./schema.js";

function parse(input: object): HayouSpec {
  const p = parseWithSchema(hayouSchema, input);
  checkVectors({ ...p, tangent: "orthogonal" });
  if (p.y0 !== undefined) {
    if (p.inputs.length !== 1)
      throw new SpecError("y0", "fixes Y_0 for a single input: give exactly one input", p.inputs.length);
    if (Array.isArray(p.y0) && p.y0.length !== p.width)
      throw new SpecError("y0", `must have length width = ${p.width}`, p.y0.length);
  }
  // nOut and tangent are not part of this family; set so that shared code can read them.
  return { ...p, widths: new Array(p.depth + 1).fill(p.width), nOut: 1, tangent: "orthogonal" };
}

const atL = (s: HayouSpec) => s.depth;

/**
 *   logPostNormGrowth[l]  ln(||phi(Y_l)|| / ||phi(Y_0)||), default l = L (-inf after a collapse)
 *   collapsed             1 if phi(Y_l) = 0 for some l <= L, else 0
 *   preact                Y_L^1, the first coordinate of the last pre-activation
 *   activeFraction[l]     fraction of coordinates of Y_l that are > 0, default l = L
 *   corr[l]               <Y_l^a, Y_l^b> / (||Y_l^a|| ||Y_l^b||) of inputs a = 0 and b = 1 (b = k with @k)
 *   gradNorm[l]           ||dloss/dY_l|| with the last-layer gradient fixed to (1,...,1)/sqrt(n), default l = 0
 *   meanActiveFraction[l] the active fraction averaged over layers 0..l-1 (NaN at l = 0), default l = L
 */
const OBSERVABLES: Record<string, ObservableDef<HayouSpec>> = {
  logPostNormGrowth: { layer: atL, label: "ln(||phi(Y_L)|| / ||phi(Y_0)||)" },
  collapsed: { layer: "none", label: "collapsed" },
  preact: { layer: "none", label: "Y_L^1" },
  activeFraction: { layer: atL, label: "active fraction at Y_L" },
  corr: { layer: atL, label: "corr(Y_L^a, Y_L^b)", pairsInputs: true },
  gradNorm: { layer: () => 0, label: "||dloss/dY_0||" },
  meanActiveFraction: { layer: atL, label: "active fraction averaged over layers < L" },
  // The NTK of f = sum(Y_L) / sqrt(n) (the gradients' readout) over W_in, W_1..W_L (docs/theory/ntk.md §1).
  ...Object.fromEntries(Object.entries(NTK_OBSERVABLES).filter(([name]) => name !== "ntkOut")),
};
const NTK_KEYS = Object.keys(NTK_OBSERVABLES);
const FORWARD = Object.keys(OBSERVABLES).filter((n) => n !== "gradNorm" && !NTK_KEYS.includes(n));

const hasGrad = (obs: readonly Observable[]) => obs.some((o) => o.name === "gradNorm" || isNtk(o));
const needsGaussian = (s: HayouSpec) =>
  s.weights.law === "gaussian" ? null : `needs Gaussian weights (spec has ${s.weights.law})`;
/** The reduced recursion's cost per step: O(width k^2) for k inputs plus a k x k factorisation. */
const stepCost = (s: HayouSpec) => {
  const k = s.inputs.length;
  return s.width * (8 + 3 * k * k) + 50 * k * k * k;
};

/** One input, ReLU, no backward pass: four networks per WebAssembly call, ~4 ns per coordinate and step. */
const reluLanes = (s: HayouSpec, obs: readonly Observable[]) =>
  s.inputs.length === 1 && s.activation.name === "relu" && !hasGrad(obs);

/** Predictions for logPostNormGrowth (at L) and preact (infinite depth), Gaussian weights, gain 1. */
function theory(spec: HayouSpec, observable: string): TheoryMoments[] {
  if (spec.weights.law !== "gaussian" || spec.gain !== 1) return [];
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

export const hayouFamily: Family<HayouSpec> = {
  name: "hayou",
  title: "ResNet (Hayou, 1/sqrt(L))",
  parse,
  describe: (s) => `hayou-resnet n=${s.width} L=${s.depth} d=${s.nIn} ${s.activation.name} gain=${s.gain}`,
  presets: {
    "hayou-resnet": {
      description:
        "Hayou's ResNet Y_l = Y_{l-1} + L^{-1/2} W_l relu(Y_{l-1}), W_l ~ N(0, 1/n), n = 100, L = 1000, d = 10, ||x|| = 1",
      reference:
        "Hayou, On the infinite-depth limit of finite-width neural networks (docs/theory/infinite-depth.md §1)",
      spec: {
        family: "hayou",
        width: 100,
        depth: 1000,
        nIn: 10,
        activation: "relu",
        gain: 1,
        weights: { law: "gaussian" },
        inputs: [{ kind: "unit" }],
        sdeSteps: 1000,
      },
    },
  },
  examples: [
    { label: "n = 4, L = 8", spec: { family: "hayou", width: 4, depth: 8, nIn: 3 } },
    {
      label: "n = 3, L = 6, 2 inputs, tanh",
      spec: { family: "hayou", width: 3, depth: 6, nIn: 2, activation: "tanh", inputs: ["unit", "e1"] },
    },
  ],
  defaultObservables: ["logPostNormGrowth", "collapsed"],
  observables: OBSERVABLES,
  kernels: {
    dense: {
      computes: Object.keys(OBSERVABLES),
      cost: (s, obs) =>
        (s.width * s.nIn + s.depth * s.width * s.width * (hasGrad(obs) ? 2 : 1)) *
          (perWeight(s.weights.law, Math.max(s.width, s.nIn)) + 2 * (s.inputs.length - 1)) +
        150 * s.depth,
      // Gradients keep every layer's activations for the backward pass.
      memory: (s, obs) => ({
        bytes: hasGrad(obs) ? 8 * (s.depth + 1) * s.width * s.inputs.length * 3 : 0,
        wasmBytes: 0,
      }),
      compile: compileDenseHayou,
    },
    reduced: {
      computes: Object.keys(OBSERVABLES),
      unsupported: needsGaussian,
      cost: (s, obs) => s.depth * (reluLanes(s, obs) ? 4 * s.width + 40 : stepCost(s)),
      // The backward pass keeps Phi, U and Y of every layer.
      memory: (s, obs) => ({
        bytes: hasGrad(obs) ? 3 * 8 * s.depth * s.inputs.length * s.width : 0,
        wasmBytes: 0,
      }),
      compile: (s, obs) => compileReducedHayou(s, obs, false),
    },
    sde: {
      computes: FORWARD,
      unsupported: needsGaussian,
      cost: (s) => s.sdeSteps * stepCost(s),
      compile: (s, obs) => compileReducedHayou(s, obs, true),
    },
  },
  theory,
  // Y_l = Y_{l-1} + L^{-1/2} W_l phi(Y_{l-1}): res-1 with alpha = sqrt(gain / L).
  trainAs: (s) => ({ native: false, skip: 1, alpha: Math.sqrt(s.gain / s.depth) }),
  form: {
    preset: "hayou-resnet",
    fields: ["gain", "input"],
    defaults: { gain: 1, observable: "logPostNormGrowth", width: "10", depth: 100, nIn: 10, input: "unit" },
    observables: ["logPostNormGrowth", "preact", "activeFraction", "gradNorm", "logNtk"],
    toSpec: (v) => ({
      family: "hayou",
      ...pickForm(v, ["width", "depth", "nIn", "activation", "gain", "law", "input"]),
    }),
  },
};
