/** Every ```js example in docs/api.md runs against the built package (as `import ... from "deeplimits"`). */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DOC_TABLES } from "../src/families/tables.js";

const root = new URL("..", import.meta.url).pathname;
const doc = readFileSync(new URL("../docs/api.md", import.meta.url), "utf8");
const examples = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

describe("docs/api.md examples", () => {
  it("has examples", () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
  });
  examples.forEach((code, i) => {
    it(`example ${i + 1} runs`, () => {
      // A file inside the package folder, so that `import "deeplimits"` resolves to this package.
      const file = `${root}.doc-example-${i}.mjs`;
      writeFileSync(file, code);
      try {
        const r = spawnSync(process.execPath, [file], { encoding: "utf8", cwd: root });
        expect(r.status, r.stderr).toBe(0);
      } finally {
        rmSync(file, { force: true });
      }
    });
  });
});

describe("the docs' registry tables", () => {
  /** Table rows as trimmed cells (column padding is the formatter's business). */
  const cells = (text: string) =>
    text
      .trim()
      .split("\n")
      .map((l) => l.split(/(?<!\\)\|/).map((c) => c.trim().replace(/^-+$/, "-")));
  for (const [file, name, table] of DOC_TABLES) {
    it(`${file} lists what the registry says (${name})`, () => {
      const doc = readFileSync(new URL(`../${file}`, import.meta.url), "utf8");
      const section = new RegExp(`<!-- registry:${name} -->([\\s\\S]*?)<!-- /registry -->`).exec(doc);
      expect(section, `${file} has a registry:${name} section`).not.toBeNull();
      expect(cells(section![1])).toEqual(cells(table()));
    });
  }
});

describe("citations", () => {
  const root = new URL("../src/", import.meta.url).pathname;
  const sources = readdirSync(root, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => [f, readFileSync(`${root}${f}`, "utf8")] as const);
  it("every docs/theory section the code cites exists", () => {
    const cited = new Set<string>();
    for (const [, text] of sources)
      for (const m of text.matchAll(/docs\/theory\/([a-z-]+\.md) §(\d+(?:\.\d+)?)/g))
        cited.add(`${m[1]} ${m[2]}`);
    expect(cited.size).toBeGreaterThan(20);
    for (const c of cited) {
      const [file, section] = c.split(" ");
      const doc = readFileSync(new URL(`../docs/theory/${file}`, import.meta.url), "utf8");
      expect(doc, c).toMatch(new RegExp(`^#+ ${section.replace(".", "\\.")}[. ]`, "m"));
    }
  });
  it("no claim or legend cites a reference sheet users do not have", () => {
    for (const [f, text] of sources)
      expect(text, f).not.toMatch(
        /(?<!docs\/theory\/)(log-gaussian|hayou-infinite-depth|marion-scaling-resnets)\.md/,
      );
  });
});
