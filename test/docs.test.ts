/** Every ```js example in docs/api.md runs against the built package (as `import ... from "deeplimits"`). */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

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
