/**
 * The HTML report: one self-contained page (opens offline from the file system) with every figure as
 * interactive Vega-Lite (data embedded; vega and vega-lite inlined) over a PNG fallback, the claims
 * table, run metadata and links to the raw data.
 */
import { type Claim, holds } from "../claims/index.js";

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
  return `<tr class="${ok ? "ok" : "bad"}"><td>${escapeHtml(c.statement)}<div class="ref">${escapeHtml(c.reference)}</div></td><td>${value}</td><td class="verdict">${c.verdict}${ok ? "" : ` <b>(expected ${c.expected})</b>`}</td><td>${escapeHtml(c.explanation)}</td></tr>`;
}

export function buildReportHtml(input: ReportInput): string {
  const { meta, sections, claims } = input;
  const nOk = claims.filter(holds).length;
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
<p class="files">${s.files.map((f) => `<a href="${escapeHtml(f.path)}">${escapeHtml(f.label)}</a>`).join(" &middot; ")}</p>
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
tr.bad{background:#fde8e8} .verdict{white-space:nowrap} .ref{color:#666;font-size:12px} .caption{font-size:13px;color:#444}
.figure{overflow-x:auto;min-height:100px} .warning{background:#fff4d6;padding:.4em .6em;border-radius:4px;font-size:13px} .figure img{max-width:100%}
</style></head>
<body>
<h1>deeplimits report</h1>
<p>${claims.length} claims checked: <b>${nOk}</b> as the theory predicts, <b>${claims.length - nOk}</b> unexpected.</p>
<table class="meta">${metaRows}</table>
<h2 id="claims">Claims</h2>
<p>Each row is a reference result checked by a simulation of this run. z tests: agreement within the stated number of
Monte Carlo standard errors; KS tests: p-value above the threshold. "Expected" is what the exact theory predicts at
this sample size (a predicted deviation, e.g. an asymptotic formula at finite size, is not a failure).</p>
<table class="claims"><thead><tr><th>claim</th><th>theory</th><th>simulated &plusmn; SE</th><th>statistic</th><th>verdict</th><th>explanation</th></tr></thead>
<tbody>${claims.map(claimRow).join("\n")}</tbody></table>
${body}
<script>${scriptText(input.scripts.vega)}</script>
<script>${scriptText(input.scripts.vegaLite)}</script>
<script>
(function () {
  var figs = document.querySelectorAll("[data-figure]");
  figs.forEach(function (el) {
    var i = el.getAttribute("data-figure");
    try {
      var spec = JSON.parse(document.getElementById("spec-" + i).textContent);
      var vg = vegaLite.compile(spec).spec;
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
