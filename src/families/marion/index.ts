/**
 * Marion et al.'s scaled ResNets res-1 and res-3 with alpha_L = L^-beta and weights iid, smooth or
 * fractional across depth (docs/theory/scaling-resnets.md §1): dense engine, and a reduced engine for
 * Gaussian iid weights.
 */
import { parseWithSchema } from "../../spec/parse.js";
import { logNormRatioLaw } from "../../theory/marion/index.js";
import type { TheoryMoments } from "../../theory/types.js";
import { pickForm } from "../shared/form.js";
import { NTK_OBSERVABLES } from "../shared/ntk.js";
import type { Family, ObservableDef } from "../types.js";
import { compileDenseMarion, marionDenseBytes, marionDenseCost, needsGradient } from "./dense.js";
import { compileReducedMarion, marionLaneBytes, marionReducedUnsupported } from "./reduced.js";
import { type MarionSpec, marionSchema } from "./schema.js";

function parse(input: object): MarionSpec {
  const p = parseWithSchema(marionSchema, input);
  return {
    ...p,
    widths: new Array(p.depth + 1).fill(p.width),
    gain: 1,
    inputs: Array.from({ length: p.nInputs }, () => ({ kind: "ones" as const })),
    tangent: "orthogonal",
    alpha: p.depth > 0 ? p.depth ** -p.beta : 1,
    alphas: (p.betas ?? [p.beta]).map((b) => (p.depth > 0 ? p.depth ** -b : 1)),
  };
}

const scalar = (label: string): ObservableDef<MarionSpec> => ({ layer: "none", label });

/**
 * relDisp = ||h_L - h_0|| / ||h_0||, normRatio = ||h_L|| / ||h_0||, gradRelDisp = ||p_0 - p_L|| / ||p_L||,
 * gradNormRatio = ||p_0|| / ||p_L|| (p_k = dloss/dh_k, loss ||B h_L - y||^2), and their log10
 * (computed in log scale, finite where the linear value overflows).
 */
const OBSERVABLES: Record<string, ObservableDef<MarionSpec>> = {
  relDisp: scalar("||h_L - h_0|| / ||h_0||"),
  normRatio: scalar("||h_L|| / ||h_0||"),
  gradRelDisp: scalar("||p_0 - p_L|| / ||p_L||"),
  gradNormRatio: scalar("||p_0|| / ||p_L||"),
  log10RelDisp: scalar("log10 ||h_L - h_0|| / ||h_0||"),
  log10NormRatio: scalar("log10 ||h_L|| / ||h_0||"),
  log10GradRelDisp: scalar("log10 ||p_0 - p_L|| / ||p_L||"),
  log10GradNormRatio: scalar("log10 ||p_0|| / ||p_L||"),
  // The NTK of f = (B h_L)_1 (docs/theory/ntk.md §1; dense engine): ntkLayer[0] is A, ntkLayer[k] block k.
  ...NTK_OBSERVABLES,
};
const RATIOS = Object.keys(OBSERVABLES).filter((name) => !(name in NTK_OBSERVABLES));

/**
 * res-3, ReLU, iid weights of any symmetric law: the log-normal approximation of docs/theory/scaling-resnets.md §2.2,
 * ln(||h_L||^2/||h_0||^2) ~ N(L alpha^2 (1/2 - 1/d), 2 L alpha^2 / d), for log10NormRatio; the same law
 * for log10GradNormRatio, which the sheet reports to track the forward ratio (not a theorem).
 */
function theory(spec: MarionSpec, observable: string): TheoryMoments[] {
  if (spec.model !== "res3" || spec.activation.name !== "relu") return [];
  if (spec.correlation.kind !== "iid" || spec.alphas.length !== 1) return [];
  if (observable !== "log10NormRatio" && observable !== "log10GradNormRatio") return [];
  const law = logNormRatioLaw(spec.depth, spec.beta, spec.width);
  const c = 1 / (2 * Math.LN10);
  return [
    {
      name: "log-normal N(L a^2 (1/2 - 1/d), 2 L a^2 / d)",
      source:
        observable === "log10NormRatio"
          ? "Marion, docs/theory/scaling-resnets.md §2.2 (log-normal approximation)"
          : "Marion, docs/theory/scaling-resnets.md §2.2 (forward law; backward tracks it numerically)",
      mean: law.mean * c,
      variance: law.variance * c * c,
    },
  ];
}

const MARION_RES3 = {
  family: "marion",
  model: "res3",
  width: 40,
  depth: 1000,
  nIn: 64,
  nOut: 1,
  beta: 0.5,
  activation: "relu",
  weights: { law: "uniform" },
  correlation: { kind: "iid" },
};

export const marionFamily: Family<MarionSpec> = {
  name: "marion",
  title: "ResNet (Marion, L^-beta)",
  parse,
  describe(s) {
    const c = s.correlation;
    const corr = c.kind === "fbm" ? `fbm(H=${c.H})` : c.kind === "smooth" ? `smooth(${c.variant})` : "iid";
    const beta = s.betas ? `betas=[${s.betas.join(",")}]` : `beta=${s.beta}`;
    const inputs = s.nInputs > 1 ? ` inputs=${s.nInputs}` : "";
    return `marion ${s.model} d=${s.width} L=${s.depth} ${beta} ${s.activation.name} ${s.weights.law} ${corr}${inputs}`;
  },
  presets: {
    "marion-res3": {
      description:
        "Marion's res-3 h_{k+1} = h_k + L^{-beta} V_{k+1} relu(W_{k+1} h_k), d = 40, L = 1000, beta = 1/2, n_in = 64, iid U(+-sqrt(3/d))",
      reference:
        "Marion et al., Scaling ResNets in the large-depth regime, Figs 1-3 setup (docs/theory/scaling-resnets.md §1, 4)",
      spec: MARION_RES3,
    },
    "marion-res1": {
      description:
        "Marion's res-1 h_{k+1} = h_k + L^{-beta} V_{k+1} relu(h_k), d = 30, L = 1000, beta = 1/2, n_in = 64, iid U(+-sqrt(3/d))",
      reference:
        "Marion et al., res-1 of Table 1 (the training experiments' model; docs/theory/scaling-resnets.md §1, 4)",
      spec: { ...MARION_RES3, model: "res1", width: 30 },
    },
  },
  examples: [
    {
      label: "res-3, d = 4, L = 6",
      spec: { ...MARION_RES3, width: 4, depth: 6, nIn: 3, weights: { law: "gaussian" } },
    },
    {
      label: "res-1, d = 3, L = 8, beta = 1",
      spec: {
        ...MARION_RES3,
        model: "res1",
        width: 3,
        depth: 8,
        nIn: 2,
        beta: 1,
        weights: { law: "gaussian" },
      },
    },
  ],
  defaultObservables: ["relDisp", "gradRelDisp"],
  observables: OBSERVABLES,
  betas: (s) => s.alphas.length,
  kernels: {
    dense: {
      computes: Object.keys(OBSERVABLES),
      cost: marionDenseCost,
      memory: marionDenseBytes,
      compile: compileDenseMarion,
    },
    reduced: {
      computes: RATIOS,
      unsupported: marionReducedUnsupported,
      // ReLU runs four networks per WebAssembly call: ~4.5 ns per coordinate and matrix forward, ~10 with
      // the backward pass; other activations ~9 (JavaScript), 2.2 times that with the backward pass.
      cost: (s, obs) =>
        s.depth *
          s.width *
          (s.model === "res3" ? 2 : 1) *
          (marionLaneBytes(s, obs) > 0
            ? needsGradient(obs)
              ? 10
              : 4.5
            : 9 * (needsGradient(obs) ? 2.2 : 1)) +
        s.width * s.nIn * 7,
      // The backward pass keeps h, u and t of every layer (and four networks' worth in the lanes).
      memory: (s, obs) => ({
        bytes: needsGradient(obs) ? 3 * 8 * s.depth * s.width : 0,
        wasmBytes: marionLaneBytes(s, obs),
      }),
      compile: compileReducedMarion,
    },
  },
  theory,
  trainAs: () => ({ native: true }),
  form: {
    preset: "marion-res3",
    fields: ["nOut", "model", "beta", "correlation", "hurst"],
    defaults: {
      observable: "log10NormRatio",
      width: "40",
      depth: 200,
      nIn: 64,
      nOut: 1,
      law: "uniform",
      samples: 400,
      activation: "relu",
    },
    observables: ["log10NormRatio", "log10RelDisp", "log10GradNormRatio", "log10GradRelDisp", "logNtk"],
    toSpec: (v) => ({
      family: "marion",
      ...pickForm(v, ["model", "width", "depth", "nIn", "nOut", "beta", "activation", "law", "correlation"]),
    }),
  },
};
