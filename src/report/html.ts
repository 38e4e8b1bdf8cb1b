/**
 * The HTML report: one self-contained page (opens offline from the file system) with every figure as
 * interactive Vega-Lite (data embedded; vega and vega-lite inlined) over a PNG fallback, the claims
 * table, run metadata and links to the raw data.
 */
import { type Claim, claimCounts, holds } from "../claims/index.js";

export interface ReportSection {
  id: string;
  title: string;
  reference: string;
  caption: string;
  figure: Record<string, unknown>;
  table: string;
  wallSeconds: number;
  /** Non-finite sample values across the experiment's observables (dead or exploded networks). */
  nonFinite: number;
  /** Samples, seed and engine of this experiment's run. */
  params: Record<string, unknown>;
  /** Paths relative to the report folder. */
  files: { label: string; path: string }[];
  png: string;
}

export interface ReportInput {
  meta: Record<string, unknown>;
  sections: ReportSection[];
  claims: Claim[];
  /** Source text of vega.min.js and vega-lite.min.js (inlined so the page works offline). */
  scripts: { vega: string; vegaLite: string };
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** JSON safe inside a <script> element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c");
}

/** Inline JS safe inside a <script> element. */
function scriptText(js: string): string {
  return js.replace(/<\/script/gi, "<\\/script");
}

const num = (x: number) =>
  !Number.isFinite(x) ? String(x) : Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : x.toFixed(4);

function claimRow(c: Claim): string {
  const ok = holds(c);
  const value =
    c.test === "z"
      ? `${num(c.theory)}</td><td>${num(c.simulated)} &plusmn; ${num(c.se)}</td><td>z = ${c.statistic.toFixed(2)}`
      : c.test === "abs"
        ? `${num(c.theory)}</td><td>${num(c.simulated)} &plusmn; ${num(c.se)}</td><td>|diff| = ${num(c.statistic)} &le; ${num(c.threshold)}?`
        : `&mdash;</td><td>&mdash;</td><td>KS D = ${num(c.statistic)}, p = ${num(c.pValue ?? Number.NaN)}`;
  const exp = escapeHtml(c.experiment);
  const w = c.wrong;
  const wrongStat =
    c.test === "ks"
      ? `D = ${num(w.statistic)}, p = ${num(w.pValue ?? Number.NaN)}`
      : c.test === "abs"
        ? `|diff| = ${num(w.statistic)}`
        : `z = ${num(w.statistic)}`;
  const wrong = `${escapeHtml(w.name)}${Number.isFinite(w.theory) ? ` (${num(w.theory)})` : ""}: ${wrongStat}, ${w.verdict}${c.weak ? ` <b class="weak">weak</b>` : ""}`;
  return `<tr class="${ok ? "ok" : "bad"}" id="claim-${escapeHtml(c.id)}" data-experiment="${exp}" data-verdict="${c.verdict}" data-holds="${ok}" data-basis="${c.basis}" data-weak="${c.weak}"><td><a href="#${exp}">${exp}</a></td><td>${escapeHtml(c.statement)}<div class="ref">${escapeHtml(c.reference)}</div></td><td>${value}</td><td class="verdict">${c.verdict}${ok ? "" : ` <b>(expected ${c.expected})</b>`}</td><td class="expected">${c.expected}<div class="ref">${c.basis}${c.basis === "asymptotic" || c.basis === "empirical" ? `, effect ${num(c.effect)}` : ""}</div></td><td class="wrong">${wrong}</td><td>${escapeHtml(c.explanation)}</td></tr>`;
}

export function buildReportHtml(input: ReportInput): string {
  const { meta, sections, claims } = input;
  const nOk = claims.filter(holds).length;
  const counts = claimCounts(claims);
  const metaRows = Object.entries(meta)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(typeof v === "string" ? v : JSON.stringify(v))}</td></tr>`)
    .join("");
  const body = sections
    .map(
      (s, i) => `<section id="${escapeHtml(s.id)}">
<h2>${escapeHtml(s.title)}</h2>
<p class="ref"><code>${escapeHtml(s.id)}</code> &middot; ${escapeHtml(s.reference)} &middot; samples ${escapeHtml(String(s.params.samples))}, seed ${escapeHtml(String(s.params.seed))}, engine ${escapeHtml(String(s.params.engine))} &middot; ${s.wallSeconds.toFixed(2)} s</p>
<div class="figure" id="fig-${i}" data-figure="${i}"><img src="${escapeHtml(s.png)}" alt="${escapeHtml(s.title)} (static image)"></div>
<script type="application/json" id="spec-${i}">${scriptJson(s.figure)}</script>
<p class="caption">${escapeHtml(s.caption)}</p>
${s.nonFinite > 0 ? `<p class="warning">Warning: ${s.nonFinite} non-finite sample value(s) (collapsed, dead or overflowing networks), counted per observable in summaries.csv and kept out of the moments.</p>` : ""}
<pre>${escapeHtml(s.table)}</pre>
<p class="files">Figure: <a href="${escapeHtml(s.id)}/figure.svg" download>SVG</a> &middot; <a href="${escapeHtml(s.png)}" download>PNG</a> &middot; <a href="${escapeHtml(s.id)}/figure.vl.json">Vega-Lite spec</a> &middot; <a href="#claims" data-show="${escapeHtml(s.id)}">its claims</a><br>Data: ${s.files.map((f) => `<a href="${escapeHtml(f.path)}">${escapeHtml(f.label)}</a>`).join(" &middot; ")}</p>
</section>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>deeplimits report</title>
<style>
body{font-family:system-ui,-apple-system,"DejaVu Sans",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}
h1{margin-bottom:.2em} h2{margin-top:2em;border-bottom:1px solid #ddd}
pre{background:#f6f6f6;padding:1em;overflow:auto;font-size:12px}
table{border-collapse:collapse;font-size:13px;width:100%} td,th{border-bottom:1px solid #e4e4e4;padding:4px 6px;text-align:left;vertical-align:top}
tr.bad{background:#fde8e8} .weak{color:#b35900} .verdict{white-space:nowrap} .ref{color:#666;font-size:12px} .caption{font-size:13px;color:#444}
.scroll{overflow-x:auto;max-width:100%} nav#toc ol{columns:2;font-size:13px} @media (max-width:700px){nav#toc ol{columns:1}}
.filters{display:flex;flex-wrap:wrap;gap:.5em;align-items:center;font-size:13px;margin:.5em 0} th[data-sort]{cursor:pointer;text-decoration:underline dotted}
.figure{overflow-x:auto;min-height:100px} .warning{background:#fff4d6;padding:.4em .6em;border-radius:4px;font-size:13px} .figure img{max-width:100%}
</style></head>
<body>
<h1>deeplimits report</h1>
<p id="claim-counts">${claims.length} claims checked: <b>${nOk}</b> as the theory predicts (<b>${counts.falsifiableHolding}</b> of them falsifiable), <b>${counts.weak}</b> weak (they cannot fail at this sample size), <b>${counts.empirical}</b> resting on an empirical constant, <b>${claims.length - nOk}</b> unexpected.</p>
<div class="scroll"><table class="meta">${metaRows}</table></div>
<nav id="toc"><h2>Contents</h2><ol><li><a href="#claims">Claims</a></li>${sections
    .map((s) => {
      const mine = claims.filter((c) => c.experiment === s.id);
      const bad = mine.filter((c) => !holds(c)).length;
      return `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.id)}</a>: ${escapeHtml(s.title)} <span class="ref">(${mine.length} claims${bad ? `, <b>${bad} unexpected</b>` : ""})</span></li>`;
    })
    .join("")}</ol></nav>
<h2 id="claims">Claims</h2>
<p>Each row is a reference result checked by a simulation of this run. z tests: agreement within the stated number of
Monte Carlo standard errors; KS tests: p-value above the threshold. "Expected" is computed, never typed in: from
the claim's basis (exact: no effect; asymptotic: the effect of the exact theory or a computed correction at this
run's standard error; empirical: a constant fitted by simulation; tolerance: a law stated to a tolerance). A
predicted deviation is not a failure. Each claim names a plausible wrong alternative and what the same test
says of it on the same simulation: a claim expected to agree whose alternative is not rejected, or one whose
expected verdict is "either", is <b>weak</b> (it cannot fail).</p>
<div class="filters"><label>Experiment <select id="f-experiment"><option value="">all</option>${sections.map((s) => `<option>${escapeHtml(s.id)}</option>`).join("")}</select></label>
<label>Show <select id="f-holds"><option value="">all claims</option><option value="false">unexpected only</option><option value="true">as predicted only</option></select></label>
<label>Verdict <select id="f-verdict"><option value="">any</option><option>agrees</option><option>deviates</option><option>not applicable</option></select></label>
<label>Basis <select id="f-basis"><option value="">any</option><option>exact</option><option>asymptotic</option><option>empirical</option><option>tolerance</option></select></label>
<label>Power <select id="f-weak"><option value="">any</option><option value="false">falsifiable</option><option value="true">weak only</option></select></label>
<label>Search <input id="f-text" type="search" placeholder="word in the claim"></label> <span id="f-count"></span></div>
<div class="scroll"><table class="claims"><thead><tr><th data-sort="0">experiment</th><th data-sort="1">claim</th><th>theory</th><th>simulated &plusmn; SE</th><th>statistic</th><th data-sort="5">verdict</th><th data-sort="6">expected (basis)</th><th>wrong alternative: its statistic</th><th>explanation</th></tr></thead>
<tbody>${claims.map(claimRow).join("\n")}</tbody></table></div>
${body}
<script>${scriptText(input.scripts.vega)}</script>
<script>${scriptText(input.scripts.vegaLite)}</script>
<script>
(function () {
  // Claims: filter by experiment, outcome, verdict and text; sort by a column; a figure's "its claims" link filters.
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.claims tbody tr"));
  var fe = document.getElementById("f-experiment"), fh = document.getElementById("f-holds");
  var fv = document.getElementById("f-verdict"), ft = document.getElementById("f-text");
  var fb = document.getElementById("f-basis"), fw = document.getElementById("f-weak");
  function filter() {
    var shown = 0, text = ft.value.toLowerCase();
    rows.forEach(function (r) {
      var ok = (!fe.value || r.dataset.experiment === fe.value) && (!fh.value || r.dataset.holds === fh.value) &&
        (!fv.value || r.dataset.verdict === fv.value) && (!fb.value || r.dataset.basis === fb.value) &&
        (!fw.value || r.dataset.weak === fw.value) && (!text || r.textContent.toLowerCase().indexOf(text) >= 0);
      r.hidden = !ok;
      if (ok) shown++;
    });
    document.getElementById("f-count").textContent = shown + " of " + rows.length + " claims";
  }
  [fe, fh, fv, fb, fw].forEach(function (el) { el.addEventListener("change", filter); });
  ft.addEventListener("input", filter);
  document.querySelectorAll("[data-show]").forEach(function (a) {
    a.addEventListener("click", function () { fe.value = a.getAttribute("data-show"); filter(); });
  });
  document.querySelectorAll("th[data-sort]").forEach(function (th) {
    th.addEventListener("click", function () {
      var col = Number(th.getAttribute("data-sort")), up = th.dataset.dir !== "asc";
      th.dataset.dir = up ? "asc" : "desc";
      var body = rows[0] && rows[0].parentNode;
      rows.sort(function (a, b) {
        var x = a.cells[col].textContent, y = b.cells[col].textContent;
        return (x < y ? -1 : x > y ? 1 : 0) * (up ? 1 : -1);
      }).forEach(function (r) { body.appendChild(r); });
    });
  });
  filter();
  var figs = document.querySelectorAll("[data-figure]");
  // Vega-Lite's warnings go to the console, but for its dataflow optimiser stopping after 5 passes on
  // layered charts (harmless; the same filter as the Node renderer's).
  var logger = vega.logger(vega.Warn);
  var warn = logger.warn;
  logger.warn = function () {
    if (!/Maximum optimization runs/.test(String(arguments[0]))) warn.apply(logger, arguments);
    return logger;
  };
  figs.forEach(function (el) {
    var i = el.getAttribute("data-figure");
    try {
      var spec = JSON.parse(document.getElementById("spec-" + i).textContent);
      var vg = vegaLite.compile(spec, { logger: logger }).spec;
      var view = new vega.View(vega.parse(vg), { renderer: "svg", hover: true });
      view.initialize(el).runAsync().then(function () {
        var img = el.querySelector("img");
        if (img) img.remove();
        el.setAttribute("data-rendered", "true");
      });
    } catch (e) {
      console.warn("interactive figure " + i + " failed; showing the PNG", e);
    }
  });
})();
</script>
</body></html>
`;
}
