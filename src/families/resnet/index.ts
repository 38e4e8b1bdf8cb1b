/**
 * The log-Gaussian ResNet of Nica's notes and Li, Nica & Roy (2021) (docs/theory/log-gaussian.md §2.3), standard or
 * balanced, with a fixed alpha^2 or depth-scaled branches lambda^2 = c/d.
 */
import { SpecError } from "../../spec/errors.js";
import { checkVectors, parseWithSchema } from "../../spec/parse.js";
import {
  betaResNet,
  HYPOACTIVATION_ESTIMATES,
  meanStandardResNet,
  varianceStandardResNet,
} from "../../theory/lnr/index.js";
import type { TheoryMoments } from "../../theory/types.js";
import * as lg from "../shared/log-gaussian.js";
import { pickForm } from "../shared/form.js";
import type { Family } from "../types.js";
import { compileDenseResNet } from "./dense.js";
import { type ResNetSpec, resnetSchema } from "./schema.js";

function parse(input: object): ResNetSpec {
  const p = parseWithSchema(resnetSchema, input);
  checkVectors(p);
  let lambda2 = 1 - p.alpha2;
  if (p.lambda2Depth !== undefined) {
    if (p.depth === 0 || p.lambda2Depth > p.depth) {
      throw new SpecError(
        "lambda2Depth",
        `must be at most depth (${p.depth}) so that lambda^2 = c/d <= 1`,
        p.lambda2Depth,
      );
    }
    lambda2 = p.lambda2Depth / p.depth;
  }
  return {
    ...p,
    alpha: Math.sqrt(1 - lambda2),
    lambda: Math.sqrt(lambda2),
    widths: new Array(p.depth + 1).fill(p.width),
  };
}

/** The notes' beta (docs/theory/log-gaussian.md §2.3) and, for the standard ResNet, the corrected moments (iv). */
function gMoments(spec: ResNetSpec): TheoryMoments[] {
  if (!lg.isReluGaussian(spec) || spec.gain !== 2) return [];
  const a2 = Number((spec.alpha ** 2).toPrecision(12)); // alpha is stored as a square root
  const b = betaResNet(spec.width, spec.depth, a2);
  const out: TheoryMoments[] = [
    {
      name: "notes' beta N(-beta/2, beta)",
      source: "Nica, skips (docs/theory/log-gaussian.md §2.3)",
      mean: -b / 2,
      variance: b,
    },
  ];
  const hyp = HYPOACTIVATION_ESTIMATES[String(a2)];
  if (!spec.balanced && hyp) {
    out.push({
      name: "corrected (correlations, hypoactivation)",
      source: "docs/theory/log-gaussian.md §2.3 (iv); c(alpha) by simulation",
      mean: meanStandardResNet(spec.width, spec.depth, a2, hyp.c),
      variance: varianceStandardResNet(spec.width, spec.depth, a2),
    });
  }
  return out;
}

const LNR_RESNET = {
  family: "resnet",
  width: 100,
  depth: 100,
  nIn: 10,
  nOut: 10,
  alpha2: 0.5,
  balanced: false,
  activation: "relu",
  gain: 2,
  weights: { law: "gaussian" },
  inputs: [{ kind: "ones" }],
};

export const resnetFamily: Family<ResNetSpec> = {
  name: "resnet",
  title: "ResNet (log-Gaussian)",
  parse,
  describe: (s) =>
    `resnet${s.balanced ? " (balanced)" : ""} n=${s.width} d=${s.depth} n_in=${s.nIn} n_out=${s.nOut} ${s.activation.name} ${s.weights.law} alpha^2=${(s.alpha ** 2).toPrecision(4)}`,
  presets: {
    "lnr-resnet": {
      description:
        "ReLU ResNet z^l = alpha z^{l-1} + lambda sqrt(2/n) W^l relu(z^{l-1}), alpha^2 = lambda^2 = 1/2, n = d = 100",
      reference: "Nica's notes section on skips; Li, Nica & Roy (2021) (docs/theory/log-gaussian.md §2.3)",
      spec: LNR_RESNET,
    },
    "lnr-resnet-balanced": {
      description:
        "Balanced ReLU ResNet: relu(s^l * z) with a fresh random sign vector s^l per layer, n = d = 100",
      reference: "Li, Nica & Roy (2021), Balanced ResNet (docs/theory/log-gaussian.md §2.3)",
      spec: { ...LNR_RESNET, balanced: true },
    },
  },
  examples: [
    { label: "n = 6, d = 5", spec: { ...LNR_RESNET, width: 6, depth: 5, nIn: 3, nOut: 2 } },
    {
      label: "balanced, tanh",
      spec: { ...LNR_RESNET, width: 5, depth: 4, nIn: 3, balanced: true, activation: "tanh" },
    },
  ],
  defaultObservables: lg.DEFAULT_LOG_GAUSSIAN,
  observables: lg.LOG_GAUSSIAN_OBSERVABLES,
  kernels: {
    dense: lg.denseKernel(compileDenseResNet),
    reduced: lg.reducedKernel<ResNetSpec>((s) => s),
  },
  theory: (s, observable) => lg.logGaussianTheory(s, observable, gMoments(s)),
  theoryCurves: (s, observable, x) => lg.logGaussianCurves(s, observable, x, gMoments(s)),
  form: {
    preset: "lnr-resnet",
    fields: ["nOut", "gain", "input", "alpha2", "lambda2Depth", "balanced"],
    defaults: { gain: 2, observable: "G" },
    observables: ["G", "logOutNorm2", "logNtk"],
    toSpec: (v) => ({
      family: "resnet",
      ...pickForm(v, ["width", "depth", "alpha2", "balanced", "lambda2Depth", ...lg.FORM_FIELDS]),
    }),
  },
};
