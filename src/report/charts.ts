/** Vega-Lite builders shared by experiments (isomorphic: plain JSON). */

const CONFIG = { font: "DejaVu Sans", view: { stroke: "#888" }, axis: { labelLimit: 300 }, legend: { labelLimit: 700 } };

export interface EstimateRow {
  /** Facet (e.g. the statistic). */
  panel: string;
  /** x category (e.g. the configuration). */
  config: string;
  /** Colour (e.g. the architecture or the law). */
  series: string;
  value: number;
  /** value +- 2 SE. */
  lo: number;
  hi: number;
}

export interface TheoryRow {
  panel: string;
  config: string;
  /** The theory curve's label, naming its source. */
  source: string;
  value: number;
}

/**
 * Simulated estimates with +-2 SE error bars (coloured by series) against theory values (shapes,
 * labelled by source), one panel per facet value.
 */
export function estimatesVsTheoryChart(opts: {
  title: string;
  estimates: EstimateRow[];
  theory: TheoryRow[];
  configTitle: string;
  configOrder?: string[];
  width?: number;
  columns?: number;
}): Record<string, unknown> {
  const rows = [
    ...opts.estimates.map((r) => ({ ...r, kind: "sim" })),
    ...opts.theory.map((r) => ({ ...r, kind: "theory" })),
  ];
  const x = { field: "config", type: "nominal", title: opts.configTitle, sort: opts.configOrder ?? null, axis: { labelAngle: -30 } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: opts.title, fontSize: 14 },
    data: { values: rows },
    facet: { field: "panel", type: "nominal", title: null },
    columns: opts.columns ?? 2,
    resolve: { scale: { y: "independent" } },
    spec: {
      width: opts.width ?? 320,
      height: 220,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'sim'" }],
          mark: { type: "rule", strokeWidth: 1.5 },
          encoding: {
            x,
            xOffset: { field: "series", type: "nominal" },
            y: { field: "lo", type: "quantitative", title: null, scale: { zero: false } },
            y2: { field: "hi" },
            color: { field: "series", type: "nominal", title: "simulation (+-2 SE)", legend: { orient: "bottom" } },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'sim'" }],
          mark: { type: "point", filled: true, size: 40, tooltip: true },
          encoding: {
            x,
            xOffset: { field: "series", type: "nominal" },
            y: { field: "value", type: "quantitative" },
            color: { field: "series", type: "nominal" },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'theory'" }],
          mark: { type: "point", size: 90, strokeWidth: 1.5, color: "#222", tooltip: true },
          encoding: {
            x,
            y: { field: "value", type: "quantitative" },
            shape: { field: "source", type: "nominal", title: "theory", legend: { orient: "bottom", labelLimit: 500, direction: "vertical" } },
          },
        },
      ],
    },
    config: CONFIG,
  };
}

export interface HistogramRow {
  panel: string;
  series: string;
  x0: number;
  x1: number;
  density: number;
}

/** Overlaid step histograms (one colour per series), one panel per facet value. */
export function overlaidHistogramsChart(opts: { title: string; rows: HistogramRow[]; xTitle: string; columns?: number }): Record<string, unknown> {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: opts.title, fontSize: 14 },
    data: { values: opts.rows },
    facet: { field: "panel", type: "nominal", title: null },
    columns: opts.columns ?? 3,
    resolve: { scale: { x: "independent", y: "independent" } },
    spec: {
      width: 260,
      height: 200,
      mark: { type: "rect", opacity: 0.45, tooltip: true },
      encoding: {
        x: { field: "x0", type: "quantitative", title: opts.xTitle, scale: { zero: false } },
        x2: { field: "x1" },
        y: { field: "density", type: "quantitative", title: "density", stack: null },
        color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom", labelLimit: 500 } },
      },
    },
    config: CONFIG,
  };
}

/**
 * Mean against depth with a band (fields L, mean, lo, hi), one column per `panel` (in `panels` order) and
 * one row per `quantity`; optionally a dashed theory line from the field `theoryField`.
 */
export function bandAgainstDepthChart(opts: {
  title: string;
  rows: Record<string, unknown>[];
  panels: string[];
  logDepth?: boolean;
  theoryField?: string;
}): Record<string, unknown> {
  const layer: Record<string, unknown>[] = [
    {
      mark: { type: "area", opacity: 0.25 },
      encoding: {
        x: { field: "L", type: "quantitative", title: "depth L", ...(opts.logDepth ? { scale: { type: "log" } } : {}) },
        y: { field: "lo", type: "quantitative", title: null },
        y2: { field: "hi" },
      },
    },
    {
      mark: { type: "line", point: true, tooltip: true },
      encoding: { x: { field: "L", type: "quantitative" }, y: { field: "mean", type: "quantitative" } },
    },
  ];
  if (opts.theoryField) {
    layer.push({
      mark: { type: "line", strokeDash: [5, 3], color: "#222" },
      encoding: { x: { field: "L", type: "quantitative" }, y: { field: opts.theoryField, type: "quantitative" } },
    });
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: opts.title, fontSize: 14 },
    data: { values: opts.rows },
    facet: {
      column: { field: "panel", type: "nominal", title: null, sort: opts.panels },
      row: { field: "quantity", type: "nominal", title: null },
    },
    resolve: { scale: { y: "independent" } },
    spec: { width: 230, height: 170, layer },
    config: CONFIG,
  };
}

/**
 * Layers of an (H, beta) heatmap: rows with kind "cell" (edges H0, H1, b0, b1 and the colour field) drawn
 * as rectangles, and rows with kind "critical" (H, beta) as the dashed critical curve beta_c(H).
 */
export function hBetaCellLayers(opts: {
  colorField: string;
  colorTitle: string;
  colorScale: Record<string, unknown>;
  betaDomain: [number, number];
  curveColor: string;
}): Record<string, unknown>[] {
  return [
    {
      transform: [{ filter: "datum.kind === 'cell'" }],
      mark: { type: "rect", tooltip: true },
      encoding: {
        x: { field: "H0", type: "quantitative", title: "Hurst index H", scale: { domain: [0, 1] } },
        x2: { field: "H1" },
        y: { field: "b0", type: "quantitative", title: "beta", scale: { domain: opts.betaDomain } },
        y2: { field: "b1" },
        color: { field: opts.colorField, type: "quantitative", title: opts.colorTitle, scale: opts.colorScale },
      },
    },
    {
      transform: [{ filter: "datum.kind === 'critical'" }],
      mark: { type: "line", color: opts.curveColor, strokeWidth: 2, strokeDash: [6, 3] },
      encoding: { x: { field: "H", type: "quantitative" }, y: { field: "beta", type: "quantitative" } },
    },
  ];
}

/** Charts one above the other (each without its top-level-only keys), under the shared config. */
export function stackCharts(charts: Record<string, unknown>[]): Record<string, unknown> {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    vconcat: charts.map((c) => {
      const out = { ...c };
      delete out.$schema;
      delete out.config;
      return out;
    }),
    config: CONFIG,
  };
}

/** Density rows of N(0, 1) on `bins` bins of [lo, hi) (a reference curve under a histogram). */
export function standardNormalRows(panel: string, series: string, lo: number, hi: number, bins: number): HistogramRow[] {
  const w = (hi - lo) / bins;
  return Array.from({ length: bins }, (_, j) => lo + (j + 0.5) * w).map((x) => ({
    panel,
    series,
    x0: x - w / 2,
    x1: x + w / 2,
    density: Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI),
  }));
}
