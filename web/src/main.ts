/** The explorer's page: form state in the URL, a simulation worker, live histogram, fits and sweeps. */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { families } from "../../src/families/index.js";
import { histogramCurvesChart } from "../../src/report/charts.js";
import { fitToGridDensity } from "../../src/stats/fit.js";
import { assemble, type ChunkResult, type Plan } from "../../src/simulate.js";
import { describeSpec, parseSpec } from "../../src/spec/index.js";
import { histDensity, histogramOf } from "../../src/stats/histogram.js";
import { type SummaryStats, stats, summarize } from "../../src/stats/summary.js";
import {
  cliCommand,
  familyDefaults,
  observableOptions,
  readForm,
  showsField,
  type State,
  specJson,
  stateFromQuery,
  sweepAxisOptions,
  sweepCells,
  sweepCliCommand,
  sweepFile,
  stateToQuery,
  writeForm,
} from "./state.js";

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;
const form = $<HTMLFormElement>("#controls");
const statusEl = $<HTMLParagraphElement>("#status");
const errorEl = $<HTMLParagraphElement>("#error");
const chartEl = $<HTMLDivElement>("#chart");
const statsEl = $<HTMLTableElement>("#stats");
const fitsEl = $<HTMLTableElement>("#fits");
const cliEl = $<HTMLPreElement>("#cli");
const staleEl = $<HTMLParagraphElement>("#stale");
const runBtn = $<HTMLButtonElement>("#run");
const stopBtn = $<HTMLButtonElement>("#stop");

interface Curve {
  name: string;
  source: string;
  x: number[];
  density: number[];
  leftAtom: number;
}

let worker = makeWorker();
let runId = 0;
let view: vega.View | null = null;

function makeWorker(): Worker {
  const w = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  w.onmessage = (ev) => onMessage(ev.data);
  return w;
}

// ---- state, URL, visibility -------------------------------------------------------------------

// The family menu lists the registered families (src/families/index.ts).
(form.elements.namedItem("family") as HTMLSelectElement).innerHTML = families()
  .map((f) => `<option value="${f.name}">${f.title}</option>`)
  .join("");

/** Fill the observable menu for the family (keeping the current choice when it applies). */
function syncObservables(s: State): void {
  const sel = form.elements.namedItem("observable") as HTMLSelectElement;
  const opts = observableOptions(s.family);
  const keys = opts.map(([k]) => k).join(",");
  if (sel.dataset.keys !== keys) {
    sel.innerHTML = opts.map(([k, label]) => `<option value="${k}">${label}</option>`).join("");
    sel.dataset.keys = keys;
  }
  sel.value = opts.some(([k]) => k === s.observable) ? s.observable : opts[0][0];
}

/** Fill the sweep axis menus with the fields the family's form offers. */
function syncSweepAxes(s: State): void {
  const axes = sweepAxisOptions(s.family);
  for (const [name, none] of [
    ["sweepParam", false],
    ["sweepParam2", true],
  ] as const) {
    const sel = form.elements.namedItem(name) as HTMLSelectElement;
    const keys = (none ? ["", ...axes] : axes).join(",");
    if (sel.dataset.keys !== keys) {
      sel.innerHTML = (none ? [`<option value="">(none)</option>`] : [])
        .concat(axes.map((k) => `<option value="${k}">${k}</option>`))
        .join("");
      sel.dataset.keys = keys;
    }
    const want = s[name];
    sel.value = want === "" && none ? "" : axes.includes(want) ? want : none ? "" : axes[0];
  }
}

function syncVisibility(s: State): void {
  syncObservables(s);
  syncSweepAxes(s);
  // Family-specific fields: shown when the family's form declares them (src/families/<family>/).
  document.querySelectorAll<HTMLElement>("[data-field]").forEach((el) => {
    el.hidden = !showsField(s.family, el.dataset.field ?? "");
  });
  const hurst = $<HTMLElement>(".param-hurst");
  hurst.hidden = hurst.hidden || s.correlation !== "fbm";
  document.querySelectorAll<HTMLElement>(".sweep").forEach((el) => (el.hidden = s.view !== "sweep"));
  $<HTMLElement>(".param-a").hidden = !["linear", "two-slope", "ou"].includes(s.activation);
  $<HTMLElement>(".param-b").hidden = !["two-slope", "ou"].includes(s.activation);
}

function saveUrl(s: State): void {
  const q = stateToQuery(s);
  history.replaceState(null, "", q ? `?${q}` : location.pathname);
}

function showError(msg: string | null): void {
  errorEl.hidden = msg === null;
  errorEl.textContent = msg ?? "";
}

// ---- charts -----------------------------------------------------------------------------------

async function render(spec: Record<string, unknown>): Promise<void> {
  view?.finalize();
  const v = new vega.View(vega.parse(compile(spec as unknown as TopLevelSpec).spec), {
    renderer: "svg",
    container: chartEl,
    hover: true,
  });
  view = v;
  await v.runAsync();
  chartEl.dataset.rendered = "true";
}

// ---- histogram runs ---------------------------------------------------------------------------

interface Run {
  id: number;
  state: State;
  plan?: Plan;
  chunks: ChunkResult[];
  values?: Float64Array;
  done: number;
  curves: Curve[];
  range?: [number, number];
  t0: number;
  lastDraw: number;
  finished: boolean;
  /** Goodness of fit of the samples drawn so far against each theory curve. */
  fits?: { curve: string; source: string; ks: number; ksPValue: number; w1: number }[];
  sweep?: {
    /** The axes' form fields and each cell's values (first axis slowest). */
    axes: string[];
    cells: (string | number | boolean)[][];
    points: {
      index: number;
      engine: string;
      stats: SummaryStats;
      theory: { name: string; source: string; mean: number; variance: number }[];
    }[];
  };
}

let run: Run | null = null;

function fmt(x: number, d = 4): string {
  return Number.isFinite(x) ? x.toFixed(d) : String(x);
}

function setRunning(on: boolean): void {
  runBtn.disabled = on;
  stopBtn.disabled = !on;
}

function statsRows(s: SummaryStats, r: Run, partial: boolean): string {
  return [
    ["engine", r.plan?.engine ?? ""],
    ["samples", `${r.done} / ${r.plan?.samples ?? r.state.samples}${partial ? " (partial)" : ""}`],
    ["mean +- SE", `${fmt(s.mean)} +- ${fmt(s.seMean)}`],
    ["variance +- SE", `${fmt(s.variance)} +- ${fmt(s.seVariance)}`],
    ["non-finite (dead networks: -inf)", `${s.nonFinite}`],
  ]
    .map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`)
    .join("");
}

function draw(r: Run, final: boolean, partial = false): void {
  if (!r.plan || !r.values) return;
  const values = r.values.subarray(0, r.done);
  const s: SummaryStats =
    final && !partial ? assemble(r.plan, r.chunks).stats[r.plan.observables[0]] : stats(summarize(values));
  if (!r.range) {
    const sorted = Float64Array.from(values).filter(Number.isFinite).sort();
    if (sorted.length === 0) return;
    const lo = sorted[Math.floor(0.0005 * (sorted.length - 1))];
    const hi = sorted[Math.ceil(0.9995 * (sorted.length - 1))];
    const pad = 0.08 * (hi - lo || 1);
    r.range = [lo - pad, hi + pad];
  }
  const h = histDensity(histogramOf(values, r.range[0], r.range[1], 60));
  const rows = h.x.map((x, i) => ({
    kind: "hist",
    x0: x - h.width / 2,
    x1: x + h.width / 2,
    density: h.density[i],
  }));
  const curves = r.curves.map((c) => ({
    ...c,
    x: c.x.filter((x) => x >= r.range![0] && x <= r.range![1]),
    density: c.density.filter((_, i) => c.x[i] >= r.range![0] && c.x[i] <= r.range![1]),
  }));
  const obs =
    observableOptions(r.state.family).find(([k]) => k === r.state.observable)?.[1] ?? r.state.observable;
  const curveRows = curves.flatMap((c) =>
    c.x.map((x, i) => ({ kind: "curve", curve: `${c.name} [${c.source}]`, y: x, density: c.density[i] })),
  );
  void render(
    histogramCurvesChart({
      title: describeSpec(parseSpec(specJson(r.state))),
      rows: [...rows, ...curveRows],
      xTitle: obs,
      width: "container",
      height: 300,
    }),
  );
  statsEl.hidden = false;
  statsEl.tBodies[0].innerHTML = statsRows(s, r, partial);
  statsEl.dataset.final = String(final && !partial);
  statsEl.dataset.mean = String(s.mean);
  statsEl.dataset.variance = String(s.variance);
  statsEl.dataset.n = String(s.count);
  statsEl.dataset.engine = r.plan.engine;
  // Goodness of fit of the samples so far against every theory curve.
  fitsEl.hidden = r.curves.length === 0;
  // NaN marks an undefined value (e.g. Hayou's growth when phi(Y_0) = 0): the laws condition it away.
  const defined = values.filter((v) => !Number.isNaN(v));
  r.fits = r.curves.map((c) => ({
    curve: c.name,
    source: c.source,
    ...fitToGridDensity(defined, Float64Array.from(c.x), Float64Array.from(c.density), c.leftAtom),
  }));
  fitsEl.tBodies[0].innerHTML = r.fits
    .map(
      (f) =>
        `<tr data-curve="${f.curve}" data-ks="${f.ks}" data-ks-p="${f.ksPValue}"><td>${f.curve}</td><td>${f.source}</td><td>${fmt(f.ks)}</td><td>${f.ksPValue.toExponential(2)}</td><td>${fmt(f.w1)}</td></tr>`,
    )
    .join("");
  const secs = (performance.now() - r.t0) / 1000;
  const rate = r.done / Math.max(secs, 1e-3);
  statusEl.textContent = final
    ? `${partial ? "Stopped" : "Done"}: ${r.done} samples in ${secs.toFixed(2)} s with the ${r.plan.engine} engine.`
    : `Running (${r.plan.engine} engine): ${r.done} / ${r.plan.samples} samples, ${rate.toFixed(0)} samples/s, ETA ${((r.plan.samples - r.done) / rate).toFixed(1)} s`;
}

function onMessage(msg: { type: string; id: number } & Record<string, unknown>): void {
  if (!run || msg.id !== run.id) return;
  const r = run;
  switch (msg.type) {
    case "plan":
      r.plan = msg.plan as Plan;
      r.values = new Float64Array(r.plan.samples);
      break;
    case "theory":
      r.curves = msg.curves as Curve[];
      break;
    case "chunk": {
      const c = msg.result as ChunkResult;
      r.chunks.push(c);
      r.values!.set(c.columns[0], c.start);
      r.done = c.end;
      const now = performance.now();
      if (now - r.lastDraw > 300) {
        r.lastDraw = now;
        draw(r, false);
      }
      break;
    }
    case "point":
      r.sweep!.points.push(msg as never);
      drawSweep(r, false);
      break;
    case "done":
      r.finished = true;
      setRunning(false);
      if (r.sweep) drawSweep(r, true);
      else draw(r, true);
      break;
    case "error":
      setRunning(false);
      showError(String(msg.message));
      statusEl.textContent = "";
      break;
  }
}

function start(): void {
  const state = readForm(form);
  syncVisibility(state);
  saveUrl(state);
  showError(null);
  cliEl.hidden = true;
  try {
    parseSpec(specJson(state));
  } catch (e) {
    showError(e instanceof Error ? e.message : String(e));
    return;
  }
  run = {
    id: ++runId,
    state,
    chunks: [],
    done: 0,
    curves: [],
    t0: performance.now(),
    lastDraw: 0,
    finished: false,
  };
  chartEl.dataset.rendered = "false";
  statsEl.dataset.final = "false";
  markStale(state);
  setRunning(true);
  statusEl.textContent = "Starting...";
  const common = {
    id: run.id,
    samples: state.samples,
    seed: state.seed,
    engine: state.engine,
    observable: state.observable,
  };
  if (state.view === "sweep") {
    let cells;
    try {
      cells = sweepCells(state);
      for (const c of cells) parseSpec(specJson(c.state));
    } catch (e) {
      run.finished = true;
      setRunning(false);
      showError(e instanceof Error ? e.message : String(e));
      statusEl.textContent = "";
      return;
    }
    const axes = [
      state.sweepParam,
      ...(state.sweepParam2 && state.sweepParam2 !== state.sweepParam ? [state.sweepParam2] : []),
    ];
    run.sweep = { axes, cells: cells.map((c) => c.values), points: [] };
    const specs = cells.map((c) => specJson(c.state));
    worker.postMessage({ type: "sweep", specs, ...common });
  } else {
    worker.postMessage({ type: "run", spec: specJson(state), ...common });
  }
}

function stop(): void {
  if (!run || run.finished) return;
  worker.terminate();
  worker = makeWorker();
  run.finished = true;
  setRunning(false);
  if (run.sweep) drawSweep(run, true);
  else draw(run, true, true);
}

// ---- sweeps -----------------------------------------------------------------------------------

function drawSweep(r: Run, final: boolean): void {
  const sw = r.sweep!;
  const [param, param2] = sw.axes;
  const numericX = sw.cells.every((c) => typeof c[0] === "number");
  const seriesOf = (values: (string | number | boolean)[]) =>
    param2 === undefined ? "simulation" : `${param2}=${values[1]}`;
  const rows: object[] = [];
  for (const p of sw.points) {
    const values = sw.cells[p.index];
    const base = { x: values[0], series: seriesOf(values) };
    for (const [panel, y, se] of [
      ["mean", p.stats.mean, p.stats.seMean],
      ["variance", p.stats.variance, p.stats.seVariance],
    ] as const)
      rows.push({ kind: "sim", panel, ...base, y, lo: y - 2 * se, hi: y + 2 * se });
    for (const t of p.theory) {
      const source = `${t.name} [${t.source}]`;
      rows.push(
        { kind: "theory", panel: "mean", ...base, y: t.mean, source },
        { kind: "theory", panel: "variance", ...base, y: t.variance, source },
      );
    }
  }
  const obs =
    observableOptions(r.state.family).find(([k]) => k === r.state.observable)?.[1] ?? r.state.observable;
  const x = numericX
    ? { field: "x", type: "quantitative", title: param, scale: { zero: false } }
    : { field: "x", type: "nominal", title: param };
  const color = {
    field: "series",
    type: "nominal",
    title: param2 ?? null,
    sort: [...new Set(sw.cells.map(seriesOf))],
    legend: param2 === undefined ? null : { orient: "bottom" },
  };
  void render({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `${obs}: mean and variance against ${param}${param2 ? `, one line per ${param2}` : ""}`,
    data: { values: rows },
    facet: { field: "panel", type: "nominal", title: null },
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 300,
      height: 240,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'theory'" }],
          mark: { type: "line", strokeWidth: 1.5 },
          encoding: {
            x,
            y: { field: "y", type: "quantitative", title: null },
            color,
            detail: { field: "series" },
            strokeDash: {
              field: "source",
              type: "nominal",
              title: "theory",
              scale: {
                range: [
                  [6, 3],
                  [2, 2],
                  [10, 3, 2, 3],
                  [1, 4],
                ],
              },
              legend: { orient: "bottom", direction: "vertical", labelLimit: 600 },
            },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'sim'" }],
          mark: { type: "rule" },
          encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color },
        },
        {
          transform: [{ filter: "datum.kind === 'sim'" }],
          mark: { type: "point", filled: true, tooltip: true },
          encoding: { x, y: { field: "y", type: "quantitative" }, color },
        },
      ],
    },
  });
  statsEl.hidden = false;
  statsEl.tBodies[0].innerHTML = sw.points
    .map((p) => {
      const label = sw.axes.map((a, i) => `${a} = ${sw.cells[p.index][i]}`).join(", ");
      return `<tr data-cell="${p.index}" data-mean="${p.stats.mean}" data-variance="${p.stats.variance}"><th>${label}</th><td>mean ${fmt(p.stats.mean)} +- ${fmt(p.stats.seMean)}, variance ${fmt(p.stats.variance)} +- ${fmt(p.stats.seVariance)} (${p.engine})</td></tr>`;
    })
    .join("");
  fitsEl.hidden = true;
  statusEl.textContent = final
    ? `Sweep done: ${sw.points.length} of ${sw.cells.length} points.`
    : `Sweep: ${sw.points.length} / ${sw.cells.length} points...`;
}

// ---- wiring -----------------------------------------------------------------------------------

form.addEventListener("submit", (e) => {
  e.preventDefault();
  start();
});
let lastFamily = "";
form.addEventListener("change", (e) => {
  let s = readForm(form);
  if ((e.target as HTMLElement | null)?.getAttribute("name") === "family" && s.family !== lastFamily) {
    s = { ...s, ...familyDefaults(s.family) };
    writeForm(form, s);
  }
  lastFamily = s.family;
  syncVisibility(s);
  s = readForm(form);
  saveUrl(s);
  markStale(s);
});
form.addEventListener("input", () => markStale(readForm(form)));

/** The result shown belongs to the last run: say so when the form no longer describes it. */
function markStale(s: State): void {
  const stale = run !== null && stateToQuery(s) !== stateToQuery(run.state);
  staleEl.hidden = !stale;
  chartEl.dataset.stale = String(stale);
}
stopBtn.addEventListener("click", stop);
$<HTMLButtonElement>("#copy-cli").addEventListener("click", async () => {
  const s = readForm(form);
  let cmd: string;
  try {
    cmd = s.view === "sweep" ? sweepCliCommand(s) : cliCommand(s);
  } catch (e) {
    showError(e instanceof Error ? e.message : String(e));
    return;
  }
  cliEl.hidden = false;
  cliEl.textContent = cmd;
  try {
    await navigator.clipboard.writeText(cmd);
  } catch {
    // Clipboard access can be refused (file://, permissions): the command is shown anyway.
  }
});
$<HTMLButtonElement>("#export-json").addEventListener("click", () => {
  // The run shown, with its own spec and options (not the form's, which may have changed since).
  const r = run;
  const s = r ? r.state : readForm(form);
  if (s.view === "sweep") {
    // The sweep file of the run shown: `deeplimits sweep deeplimits-sweep.json` gives the same numbers.
    try {
      download("deeplimits-sweep.json", sweepFile(s));
    } catch (e) {
      showError(e instanceof Error ? e.message : String(e));
    }
    return;
  }
  const payload = {
    spec: specJson(s),
    samples: s.samples,
    seed: s.seed,
    engine: s.engine,
    observable: s.observable,
    cli: cliCommand(s),
    result: r?.plan
      ? {
          engine: r.plan.engine,
          done: r.done,
          partial: !r.finished || r.done < r.plan.samples,
          stats: stats(summarize(r.values!.subarray(0, r.done))),
          fits: r.fits ?? [],
        }
      : null,
  };
  download("deeplimits-run.json", payload);
});

function download(name: string, value: unknown): void {
  const blob = new Blob([JSON.stringify(value, null, 2)], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
}

const initial = stateFromQuery(location.search);
syncObservables(initial);
syncSweepAxes(initial);
writeForm(form, initial);
syncVisibility(initial);
lastFamily = initial.family;
