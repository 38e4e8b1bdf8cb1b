/** The MLP of the log-Gaussian notes (docs/theory/log-gaussian.md §1.1), generalised: any widths, activation, law. */
import { SpecError } from "../../spec/errors.js";
import { checkVectors, parseWithSchema } from "../../spec/parse.js";
import { exactDensity, exactGMoments, exactMass, beta } from "../../theory/loggaussian/index.js";
import type { TheoryMoments } from "../../theory/types.js";
import { gaussianPdf } from "../../theory/gaussian.js";
import { reluNtkMoments } from "../../theory/ntk/index.js";
import * as lg from "../shared/log-gaussian.js";
import { pickForm } from "../shared/form.js";
import type { Family } from "../types.js";
import { compileDenseMlp } from "./dense.js";
import { productKernel } from "./product.js";
import { type MlpSpec, mlpSchema } from "./schema.js";

function parse(input: object): MlpSpec {
  const p = parseWithSchema(mlpSchema, input);
  let widths: number[];
  let depth: number;
  if (Array.isArray(p.width)) {
    widths = p.width;
    depth = widths.length - 1;
    if (p.depth !== undefined && p.depth !== depth) {
      throw new SpecError(
        "depth",
        `must equal the number of widths minus one (${depth}) when width is a list, or be left out`,
        p.depth,
      );
    }
  } else {
    if (p.depth === undefined) throw new SpecError("depth", "is required when width is a single integer");
    depth = p.depth;
    widths = new Array(depth + 1).fill(p.width);
  }
  checkVectors(p);
  return { ...p, width: p.width, depth, widths };
}

/** The exact moments of G (docs/theory/log-gaussian.md §1.4) and, for He scaling, Nica's log-Gaussian law. */
function gMoments(spec: MlpSpec): TheoryMoments[] {
  if (!lg.isReluGaussian(spec)) return [];
  const ex = exactGMoments(spec.widths, spec.gain);
  const out: TheoryMoments[] = [
    {
      name: "exact finite (n, d)",
      source: "docs/theory/log-gaussian.md §1.4",
      mean: ex.mean,
      variance: ex.variance,
      exact: true,
    },
  ];
  if (spec.gain === 2) {
    const b = beta(spec.widths);
    out.push({
      name: "log-Gaussian N(-beta/2, beta)",
      source: "Nica, Thm 2 (docs/theory/log-gaussian.md §1.2, 2.1)",
      mean: -b / 2,
      variance: b,
    });
  }
  return out;
}

/**
 * The NTK's exact finite-(n, d) moments (ReLU, Gaussian weights; docs/theory/ntk.md §3) and, for ln K, the
 * log-normal matched to them (§6, an approximation).
 */
function ntkTheory(spec: MlpSpec, observable: string): TheoryMoments[] {
  if (!lg.isReluGaussian(spec) || (observable !== "ntk" && observable !== "logNtk")) return [];
  const c = Math.exp(lg.logC(spec));
  const m = reluNtkMoments(spec.widths, spec.gain, c);
  if (observable === "ntk") {
    return [
      {
        name: "exact finite (n, d)",
        source: "docs/theory/ntk.md §3",
        mean: m.mean,
        variance: m.variance,
        exact: true,
      },
    ];
  }
  const v = Math.log(m.ratio);
  return [
    {
      name: "log-normal with the exact E[K], E[K^2]",
      source: "docs/theory/ntk.md §6 (an approximation)",
      mean: Math.log(m.mean) - v / 2,
      variance: v,
    },
  ];
}

export const mlpFamily: Family<MlpSpec> = {
  name: "mlp",
  title: "MLP (Nica)",
  parse,
  describe(s) {
    const uniform = s.widths.every((w) => w === s.widths[0]);
    const w = uniform ? `n=${s.widths[0]}` : `widths=[${s.widths.join(",")}]`;
    return `mlp ${w} d=${s.depth} n_in=${s.nIn} n_out=${s.nOut} ${s.activation.name} ${s.weights.law}`;
  },
  presets: {
    "nica-mlp": {
      description:
        "ReLU MLP of the log-Gaussian notes, He scaling sqrt(2/n), iid N(0,1) weights, x = (1,...,1)",
      reference: "Nica, log-Gaussian notes, Definition 1 / Theorem 2 (docs/theory/log-gaussian.md §1.1)",
      spec: {
        family: "mlp",
        width: 100,
        depth: 10,
        nIn: 10,
        nOut: 10,
        activation: "relu",
        gain: 2,
        weights: { law: "gaussian" },
        inputs: [{ kind: "ones" }],
      },
    },
  },
  examples: [
    { label: "n = 6, d = 4", spec: { family: "mlp", width: 6, depth: 4, nIn: 3, nOut: 2 } },
    {
      label: "widths [3, 8, 5]",
      spec: { family: "mlp", width: [3, 8, 5], nIn: 2, nOut: 3, activation: "leaky-relu" },
    },
  ],
  defaultObservables: lg.DEFAULT_LOG_GAUSSIAN,
  observables: lg.LOG_GAUSSIAN_OBSERVABLES,
  kernels: {
    dense: lg.denseKernel(compileDenseMlp),
    reduced: lg.reducedKernel(() => null),
    product: productKernel,
  },
  theory: (s, observable) => [
    ...lg.logGaussianTheory(s, observable, gMoments(s)),
    ...ntkTheory(s, observable),
  ],
  theoryCurves: (s, observable, x) =>
    observable === "logNtk"
      ? ntkTheory(s, observable).map((m) => ({
          name: m.name,
          source: m.source,
          x,
          density: gaussianPdf(x, m.mean, m.variance),
          leftAtom: 0,
        }))
      : lg.logGaussianCurves(s, observable, x, gMoments(s), (m, output) =>
          m.name.startsWith("exact")
            ? {
                name: m.name,
                source: "characteristic-function inversion (docs/theory/log-gaussian.md §1.5)",
                x,
                density: exactDensity(x, {
                  widths: s.widths,
                  nOut: s.nOut,
                  logC: lg.logC(s),
                  gain: s.gain,
                  output,
                }),
                leftAtom: 1 - exactMass(s.widths),
              }
            : null,
        ),
  // z^l = sqrt(gain/n) W^l phi(z^{l-1}): Marion's res-1 without the skip, alpha = sqrt(gain).
  trainAs: (s) => ({ native: false, skip: 0, alpha: Math.sqrt(s.gain) }),
  form: {
    preset: "nica-mlp",
    fields: ["nOut", "gain", "input"],
    defaults: { gain: 2, observable: "G" },
    observables: ["G", "logOutNorm2", "logNtk"],
    toSpec: (v) => ({
      family: "mlp",
      ...pickForm(v, Array.isArray(v.width) ? ["width"] : ["width", "depth"]),
      ...pickForm(v, lg.FORM_FIELDS),
    }),
  },
};
