/**
 * The registry as text: the families with their engines and observables, and the presets. `list`
 * prints them; docs/engines.md and docs/spec.md hold them between registry markers, and
 * test/docs.test.ts checks that those equal what the registry says (`node scripts/docs-tables.mjs`
 * rewrites them after a change).
 */
import { ENGINE_NAMES } from "../engines/types.js";
import { families, PRESETS } from "./index.js";

const md = (rows: string[][]): string => {
  const w = rows[0].map((_, j) => Math.max(3, ...rows.map((r) => r[j].length)));
  const line = (r: string[]) => `| ${r.map((c, j) => c.padEnd(w[j])).join(" | ")} |`;
  return [line(rows[0]), line(w.map((n) => "-".repeat(n))), ...rows.slice(1).map(line)].join("\n");
};

/** One row per (family, engine that serves it): the observables that engine declares. */
export function capabilityRows(): string[][] {
  return families().flatMap((f) =>
    ENGINE_NAMES.filter((e) => f.kernels[e]).map((e) => [
      `\`${f.name}\``,
      `\`${e}\``,
      f.kernels[e]!.computes.map((o) => `\`${o}\``).join(", "),
    ]),
  );
}

export const capabilityTable = (): string => md([["family", "engine", "observables"], ...capabilityRows()]);

export const presetTable = (): string =>
  md([
    ["name", "family", "what"],
    ...Object.entries(PRESETS).map(([name, p]) => [
      `\`${name}\``,
      `\`${String(p.spec.family)}\``,
      p.description.replace(/\|/g, "\\|"),
    ]),
  ]);

/** The docs' registry sections: file, marker name, content. */
export const DOC_TABLES: [string, string, () => string][] = [
  ["docs/engines.md", "capabilities", capabilityTable],
  ["docs/spec.md", "presets", presetTable],
];

/** Replace the text between `<!-- registry:NAME -->` and `<!-- /registry -->` in a document. */
export function withTable(doc: string, name: string, table: string): string {
  const re = new RegExp(`(<!-- registry:${name} -->\\n)[\\s\\S]*?(<!-- /registry -->)`);
  if (!re.test(doc)) throw new Error(`no registry:${name} section`);
  return doc.replace(re, `$1\n${table}\n\n$2`);
}
