/** Vega-Lite builders shared by experiments (isomorphic: plain JSON). */

/** A dashed line's legend entry naming its theory (a constant stroke-dash datum). */
const dashedLegend = (label: string, dash = [5, 3]) => ({
  strokeDash: {
    datum: label,
    type: "nominal",
    title: null,
    scale: { range: [dash] },
    legend: { orient: "bottom", labelLimit: 600 },
  },
});

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
            shape: { field: "source", type: "nominal", title: "theory", legend: { orient: "bottom", labelLimit: 700, direction: "vertical" } },
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
  /** The theory line's legend label (its source). */
  theoryLabel?: string;
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
      encoding: {
        x: { field: "L", type: "quantitative" },
        y: { field: opts.theoryField, type: "quantitative" },
        ...dashedLegend(opts.theoryLabel ?? opts.theoryField),
      },
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
  /** The critical curve's legend label. */
  curveLabel?: string;
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
      encoding: {
        x: { field: "H", type: "quantitative" },
        y: { field: "beta", type: "quantitative" },
        ...dashedLegend(opts.curveLabel ?? "beta_c(H) = max(1/2, H)", [6, 3]),
      },
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


const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

export interface LineAxis {
  field: string;
  title?: string | null;
  /** A log scale (true: base 10; a number: that base). */
  log?: boolean | number;
  /** A fixed domain (values outside are clamped). */
  domain?: [number, number];
}

function axisEncoding(a: LineAxis): Record<string, unknown> {
  const scale = {
    ...(a.log ? { type: "log", ...(typeof a.log === "number" ? { base: a.log } : {}) } : {}),
    ...(a.domain ? { domain: a.domain, clamp: true } : {}),
  };
  return {
    field: a.field,
    type: "quantitative",
    title: a.title ?? null,
    ...(Object.keys(scale).length ? { scale } : {}),
  };
}

/**
 * Lines of y against x, coloured by a field, optionally faceted; rows with kind "theory" are drawn as
 * a dashed black line (name the theory in the caption or by its own colour value), a `rule` field as a
 * dashed horizontal line at its mean. On a log y scale only positive values are drawn.
 */
export function linesChart(o: {
  title: string;
  rows: Record<string, unknown>[];
  x: LineAxis;
  y: LineAxis;
  color?: { field: string; title?: string | null };
  facet?: { field: string; sort?: string[]; independentY?: boolean };
  /** Rows with kind "theory" form a dashed black line; this is its legend label (its source). */
  theory?: string;
  rule?: string;
  points?: boolean;
  strokeWidth?: number;
  width?: number;
  height?: number;
}): Record<string, unknown> {
  const x = axisEncoding(o.x);
  const y = axisEncoding(o.y);
  const filters = [
    ...(o.theory ? ["datum.kind !== 'theory'"] : []),
    ...(o.y.log ? [`datum['${o.y.field}'] > 0`] : []),
  ];
  const layer: Record<string, unknown>[] = [
    {
      ...(filters.length ? { transform: [{ filter: filters.join(" && ") }] } : {}),
      mark: {
        type: "line",
        strokeWidth: o.strokeWidth ?? 1.5,
        ...(o.points ? { point: true, tooltip: true } : {}),
      },
      encoding: {
        x,
        y,
        ...(o.color
          ? {
              color: {
                field: o.color.field,
                type: "nominal",
                title: o.color.title ?? null,
                legend: { orient: "bottom" },
              },
            }
          : {}),
      },
    },
  ];
  if (o.theory)
    layer.unshift({
      transform: [{ filter: "datum.kind === 'theory'" }],
      mark: { type: "line", color: "#222", strokeDash: [5, 3] },
      // One dashed line per coloured group (theory rows carry the group's colour value, or none).
      encoding: { x, y, ...dashedLegend(o.theory), ...(o.color ? { detail: { field: o.color.field } } : {}) },
    });
  if (o.rule)
    layer.push({
      mark: { type: "rule", strokeDash: [4, 3], color: "#666" },
      encoding: { y: { field: o.rule, aggregate: "mean", type: "quantitative" } },
    });
  const view = { width: o.width ?? 320, height: o.height ?? 220, layer };
  const head = { $schema: SCHEMA, title: { text: o.title, fontSize: 14 }, data: { values: o.rows } };
  if (!o.facet) return { ...head, ...view, config: CONFIG };
  return {
    ...head,
    facet: { column: { field: o.facet.field, type: "nominal", title: null, ...(o.facet.sort ? { sort: o.facet.sort } : {}) } },
    ...(o.facet.independentY ? { resolve: { scale: { y: "independent" } } } : {}),
    spec: view,
    config: CONFIG,
  };
}

/**
 * A density histogram (rows with kind "hist": x0, x1, density) under theory curves (rows with kind
 * "curve": y, density, curve = the label naming the source), optionally one panel per facet value;
 * a click on the legend highlights one curve. `styles` fixes the curves' colours and dashes.
 */
export function histogramCurvesChart(o: {
  title: string;
  rows: Record<string, unknown>[];
  xTitle: string;
  facet?: { field: string; sort: string[] };
  styles?: { domain: string[]; colors: string[]; dashes: number[][] };
  width?: number | "container";
  height?: number;
}): Record<string, unknown> {
  const legend = { orient: "bottom", direction: "vertical", labelLimit: 600 };
  const scale = (range: unknown[]) => (o.styles ? { scale: { domain: o.styles.domain, range } } : {});
  const view = {
    width: o.width ?? 260,
    height: o.height ?? 220,
    layer: [
      {
        transform: [{ filter: "datum.kind === 'hist'" }],
        mark: { type: "rect", color: "#c7c7c7", stroke: "#ffffff", strokeWidth: 0.3, tooltip: true },
        encoding: {
          x: { field: "x0", type: "quantitative", title: o.xTitle, scale: { zero: false } },
          x2: { field: "x1" },
          y: { field: "density", type: "quantitative", title: "density" },
        },
      },
      {
        transform: [{ filter: "datum.kind === 'curve'" }],
        params: [{ name: "pick", select: { type: "point", fields: ["curve"] }, bind: "legend" }],
        mark: { type: "line", strokeWidth: 1.8 },
        encoding: {
          x: { field: "y", type: "quantitative" },
          y: { field: "density", type: "quantitative" },
          color: { field: "curve", type: "nominal", title: null, ...scale(o.styles?.colors ?? []), legend },
          ...(o.styles
            ? { strokeDash: { field: "curve", type: "nominal", title: null, ...scale(o.styles.dashes), legend } }
            : {}),
          opacity: { condition: { param: "pick", value: 1 }, value: 0.15 },
        },
      },
    ],
  };
  const head = { $schema: SCHEMA, title: { text: o.title, fontSize: 14 }, data: { values: o.rows } };
  if (!o.facet)
    return {
      ...head,
      ...view,
      ...(o.width === "container" ? { autosize: { type: "fit-x", contains: "padding" } } : {}),
      config: CONFIG,
    };
  return {
    ...head,
    facet: { column: { field: o.facet.field, type: "nominal", title: null, sort: o.facet.sort } },
    resolve: { scale: { x: "independent", y: "independent" } },
    spec: view,
    config: CONFIG,
  };
}


/**
 * An (H, beta) heatmap (rows with kind "cell" and "critical", see hBetaCellLayers), optionally one panel
 * per `facet` value, with rows of kind "boundary" (H, beta, and the `points` field naming the estimator)
 * drawn as points.
 */
export function hBetaHeatmapChart(
  o: Parameters<typeof hBetaCellLayers>[0] & {
    title: string;
    rows: Record<string, unknown>[];
    facet?: string;
    points?: { field: string; title: string };
    width?: number;
    height?: number;
  },
): Record<string, unknown> {
  const layer = hBetaCellLayers(o);
  if (o.points)
    layer.push({
      transform: [{ filter: "datum.kind === 'boundary' && isFinite(datum.beta)" }],
      mark: { type: "point", filled: true, size: 45, tooltip: true },
      encoding: {
        x: { field: "H", type: "quantitative" },
        y: { field: "beta", type: "quantitative" },
        shape: {
          field: o.points.field,
          type: "nominal",
          title: o.points.title,
          legend: { orient: "bottom", direction: "vertical" },
        },
        color: { value: "#111" },
      },
    });
  const view = { width: o.width ?? 320, height: o.height ?? 280, layer };
  const head = { $schema: SCHEMA, title: { text: o.title, fontSize: 14 }, data: { values: o.rows } };
  return o.facet
    ? { ...head, facet: { column: { field: o.facet, type: "nominal", title: null } }, spec: view, config: CONFIG }
    : { ...head, ...view, config: CONFIG };
}
