/**
 * The package as users get it: `npm pack`, installed into a scratch folder with its dependencies from
 * the registry (the optional training data is a peer dependency, not installed), then the README's library example, the `./node`
 * entry and `npx deeplimits simulate` run there.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), "deeplimits-pack-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The environment of a user's shell: without the npm_* settings that `npm test` / npx pass down. */
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
  CI: "1",
};
const run = (cmd: string, args: string[], cwd: string) =>
  spawnSync(cmd, args, { cwd, encoding: "utf8", env });

/** The README's first ```ts block that imports the package (the library example). */
const readmeExample = () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const block = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => m[1])
    .find((b) => b.includes('"deeplimits"'));
  if (!block) throw new Error("README has no library example");
  return block;
};

describe("npm pack, install into a scratch folder, use", () => {
  let files: string[] = [];
  beforeAll(() => {
    const pack = run("npm", ["pack", "--json", "--pack-destination", scratch], root);
    expect(pack.status, pack.stderr).toBe(0);
    const [info] = JSON.parse(pack.stdout);
    files = info.files.map((f: { path: string }) => f.path);
    const app = join(scratch, "app");
    run("mkdir", ["-p", app], scratch);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    const install = run(
      "npm",
      ["install", join(scratch, info.filename), "--no-audit", "--no-fund", "--loglevel=error"],
      app,
    );
    expect(install.status, install.stderr).toBe(0);
  }, 300_000);

  it("ships the built code, docs and licence; no bench, no source maps, no tests", () => {
    expect(files).toContain("LICENSE");
    expect(files).toContain("dist/src/index.js");
    expect(files).toContain("dist/src/node/cli.js");
    expect(files.some((f) => f.startsWith("dist/bench/"))).toBe(false);
    expect(files.some((f) => f.endsWith(".map"))).toBe(false);
    expect(files.some((f) => f.startsWith("test/") || f.startsWith("src/"))).toBe(false);
  });

  it("runs the README's library example and the ./node entry", () => {
    const app = join(scratch, "app");
    // The example's last line is an expression; print it so that the test sees a number.
    const code = `${readmeExample().replace(/^(r\.stats\.G\.mean);.*$/m, "console.log(JSON.stringify({ mean: $1 }));")}
import { simulateParallel, closePool } from "deeplimits/node";
const p = await simulateParallel(spec, { samples: 2000, seed: 1 }, { threads: 2 });
console.log(JSON.stringify({ parallel: p.stats.G.mean }));
await closePool();
`;
    writeFileSync(join(app, "example.mjs"), code);
    const r = run(process.execPath, ["example.mjs"], app);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0].mean).toBeLessThan(0); // E[G] = -beta/2 + O(1/n) < 0 at depth 50
    expect(Number.isFinite(lines[1].parallel)).toBe(true);
  });

  it("npx deeplimits simulate runs from the installed package (no training data needed)", () => {
    const app = join(scratch, "app");
    const r = run("npx", ["deeplimits", "simulate", "nica-mlp", "--samples", "2000", "--json"], app);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.stats.G.count).toBe(2000);
    const list = run("npx", ["deeplimits", "list"], app);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toContain("nica/log-gaussian");
  });
});
