/**
 * nica/log-gaussian: the figure of the log-Gaussian notes (log-gaussian.md 3.1). Density of
 * ln ||z_out||^2 for the ReLU MLP, n = 100, n_in = n_out = 10, d in {1, 10, 100}, 2^15 samples,
 * with the infinite-width (blue), log-Gaussian (red) and exact finite-(n, d) curves overlaid.
 * The input is x = (1,...,1) (||x||^2 = n_in, so c = 1): the sheet's recommended choice; the notes do
 * not state theirs.
 */
import { type ModelSpec, parseSpec, presetSpec } from "../spec/index.js";
import { histDensity, histogramOf } from "../stats/histogram.js";
import type { SummaryStats } from "../stats/summary.js";
import {
  betaEqual,
  blueDensity,
  exactDensity,
  exactGMoments,
  exactMass,
  redDensity,
} from "../theory/loggaussian/index.js";
import { type FitStats, fitToGridDensity } from "./fit.js";
import type { Experiment, ExperimentOutput } from "./types.js";

const N_WIDTH = 100;
const DEPTHS = [1, 10, 100];
const CURVES = ["log-Gaussian (red)", "infinite width (blue)", "exact finite (n, d)"] as const;

interface Panel {
  depth: number;
  spec: ModelSpec;
  quantiles: Record<string, number>;
  beta: number;
  engine: string;
  samples: number;
  G: SummaryStats;
  logOutNorm2: SummaryStats;
  theory: { meanG: number; varG: number; asymptoticMeanG: number; asymptoticVarG: number; pAlive: number };
  fit: Record<(typeof CURVES)[number], FitStats>;
}

function quantileSorted(s: Float64Array, q: number): number {
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(q * (s.length - 1))))];
}

export const nicaLogGaussian: Experiment = {
  id: "nica/log-gaussian",
  title: "Log-Gaussian output norm of deep ReLU MLPs",
  reference: "Nica, log-Gaussian notes, Theorem 2 and its Monte Carlo figure (log-gaussian.md 1.5, 3.1)",
  description:
    "Density of ln||z_out||^2 for the ReLU MLP (n = 100, n_in = n_out = 10, d = 1, 10, 100) against the infinite-width, log-Gaussian and exact finite-(n, d) laws",
  defaults: { samples: 2 ** 15, seed: 1 },
  async run(ctx, opts): Promise<ExperimentOutput> {
    const samples = opts.samples ?? this.defaults.samples;
    const seed = opts.seed ?? this.defaults.seed;
    const engine = opts.engine ?? "auto";
    const panels: Panel[] = [];
    const rows: Record<string, unknown>[] = [];
    for (const depth of DEPTHS) {
      const spec = parseSpec({ ...presetSpec("nica-mlp"), width: N_WIDTH, depth });
      const sim = await ctx.simulate(
        spec,
        { samples, seed, engine, observables: ["G", "logOutNorm2"] },
        `d = ${depth}`,
      );
      const Y = sim.samples.logOutNorm2;
      const sorted = Float64Array.from(Y).sort();
      const finite = sorted.filter(Number.isFinite);
      const lo = quantileSorted(finite, 0.0005);
      const hi = quantileSorted(finite, 0.9995);
      const pad = 0.05 * (hi - lo);
      // Fine grid for fit statistics (covers every sample), coarse one for the plotted curves.
      const gLo = Math.min(finite[0], lo) - 3;
      const gHi = Math.max(finite[finite.length - 1], hi) + 3;
      const fine = Float64Array.from({ length: 1501 }, (_, i) => gLo + ((gHi - gLo) * i) / 1500);
      const plot = Float64Array.from({ length: 301 }, (_, i) => lo - pad + ((hi - lo + 2 * pad) * i) / 300);
      const widths = spec.widths;
      const b = betaEqual(N_WIDTH, depth);
      const k = spec.nOut;
      const setting = { widths, nOut: k, logC: 0 };
      const curves = {
        "log-Gaussian (red)": (y: Float64Array) => redDensity(y, k, 0, -b / 2, b),
        "infinite width (blue)": (y: Float64Array) => blueDensity(y, k, 0),
        "exact finite (n, d)": (y: Float64Array) => exactDensity(y, setting),
      };
      const dead = 1 - exactMass(widths);
      const fit = {} as Panel["fit"];
      for (const name of CURVES) {
        fit[name] = fitToGridDensity(Y, fine, curves[name](fine), name === "exact finite (n, d)" ? dead : 0);
        const f = curves[name](plot);
        plot.forEach((y, i) => {
          rows.push({ panel: `d = ${depth}`, kind: "curve", curve: name, y, density: f[i] });
        });
      }
      const h = histDensity(histogramOf(Y, lo - pad, hi + pad, 60));
      h.x.forEach((x, i) => {
        rows.push({
          panel: `d = ${depth}`,
          kind: "hist",
          x0: x - h.width / 2,
          x1: x + h.width / 2,
          density: h.density[i],
        });
      });
      const exact = exactGMoments(widths);
      panels.push({
        depth,
        spec,
        quantiles: sim.quantiles.logOutNorm2,
        beta: b,
        engine: sim.plan.engine,
        samples,
        G: sim.stats.G,
        logOutNorm2: sim.stats.logOutNorm2,
        theory: {
          meanG: exact.mean,
          varG: exact.variance,
          asymptoticMeanG: -b / 2,
          asymptoticVarG: b,
          pAlive: exact.pAlive,
        },
        fit,
      });
    }
    return {
      id: this.id,
      title: this.title,
      reference: this.reference,
      params: { width: N_WIDTH, nIn: 10, nOut: 10, depths: DEPTHS, samples, seed, engine, input: "ones" },
      results: { panels },
      figure: figureSpec(rows),
      table: textTable(panels),
    };
  },
};

function figureSpec(rows: Record<string, unknown>[]): Record<string, unknown> {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Density of ln ||z_out||^2, ReLU MLP, n = 100, n_in = n_out = 10", fontSize: 14 },
    data: { values: rows },
    facet: { column: { field: "panel", type: "nominal", title: null, sort: ["d = 1", "d = 10", "d = 100"] } },
    resolve: { scale: { x: "independent", y: "independent" } },
    spec: {
      width: 260,
      height: 220,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'hist'" }],
          mark: { type: "rect", color: "#c7c7c7", stroke: "#ffffff", strokeWidth: 0.3 },
          encoding: {
            x: { field: "x0", type: "quantitative", title: "ln ||z_out||^2", scale: { zero: false } },
            x2: { field: "x1" },
            y: { field: "density", type: "quantitative", title: "density" },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'curve'" }],
          mark: { type: "line", strokeWidth: 1.8 },
          encoding: {
            x: { field: "y", type: "quantitative" },
            y: { field: "density", type: "quantitative" },
            color: {
              field: "curve",
              type: "nominal",
              title: null,
              scale: { domain: [...CURVES], range: ["#d62728", "#1f77b4", "#222222"] },
              legend: { orient: "bottom", labelLimit: 400 },
            },
            strokeDash: {
              field: "curve",
              type: "nominal",
              title: null,
              scale: {
                domain: [...CURVES],
                range: [
                  [1, 0],
                  [1, 0],
                  [5, 3],
                ],
              },
              legend: { orient: "bottom", labelLimit: 400 },
            },
          },
        },
      ],
    },
    config: { font: "DejaVu Sans", view: { stroke: "#888" } },
  };
}

const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));

function textTable(panels: Panel[]): string {
  const lines = [
    "  d   beta   engine   E[G] sim +- SE      exact     -beta/2 | Var[G] sim +- SE     exact    beta",
  ];
  for (const p of panels) {
    lines.push(
      `${String(p.depth).padStart(3)}  ${p.beta.toFixed(2).padStart(5)}  ${p.engine.padEnd(7)} ${f4(p.G.mean).padStart(8)} +- ${f4(p.G.seMean)}  ${f4(p.theory.meanG).padStart(8)}  ${f4(p.theory.asymptoticMeanG).padStart(8)} | ${f4(p.G.variance).padStart(7)} +- ${f4(p.G.seVariance)}  ${f4(p.theory.varG).padStart(7)}  ${f4(p.theory.asymptoticVarG)}`,
    );
  }
  lines.push("", "  d   curve                    KS D     KS p      W1");
  for (const p of panels) {
    for (const name of CURVES) {
      const f = p.fit[name];
      lines.push(
        `${String(p.depth).padStart(3)}   ${name.padEnd(22)} ${f.ks.toFixed(4)}  ${f.ksPValue.toExponential(2).padStart(8)}  ${f.w1.toFixed(4)}`,
      );
    }
  }
  return lines.join("\n");
}
