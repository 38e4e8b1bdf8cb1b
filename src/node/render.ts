/** Vega-Lite spec -> SVG (vega, headless) -> PNG (resvg, with a bundled DejaVu font). */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

const require = createRequire(import.meta.url);

function fontFiles(): string[] {
  try {
    const dir = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
    return [join(dir, "DejaVuSans.ttf"), join(dir, "DejaVuSans-Bold.ttf")];
  } catch {
    return [];
  }
}

/**
 * Vega-Lite's warnings go to stderr, but for "Maximum optimization runs(5) reached": its dataflow
 * optimiser stops after 5 passes on layered charts, which costs nothing in the figure.
 */
const logger = {
  lvl: 2,
  level(l?: number) {
    if (l === undefined) return this.lvl;
    this.lvl = l;
    return this;
  },
  error(...a: unknown[]) {
    console.error("Vega-Lite:", ...a);
    return this;
  },
  warn(...a: unknown[]) {
    if (!/Maximum optimization runs/.test(String(a[0]))) console.warn("Vega-Lite:", ...a);
    return this;
  },
  info() {
    return this;
  },
  debug() {
    return this;
  },
};

export async function vegaLiteToSvg(spec: Record<string, unknown>): Promise<string> {
  const vg = compile(spec as unknown as TopLevelSpec, { logger: logger as never }).spec;
  const view = new vega.View(vega.parse(vg), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

export function svgToPng(svg: string, scale = 2): Uint8Array {
  const r = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: { fontFiles: fontFiles(), loadSystemFonts: false, defaultFontFamily: "DejaVu Sans" },
  });
  return r.render().asPng();
}
