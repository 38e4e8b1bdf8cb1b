/** End-to-end tests of the built CLI (`npm test` builds first). */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const CLI = new URL("../dist/src/node/cli.js", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "deeplimits-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    env: { ...process.env, CI: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("bad input: exit code 2, a message naming the field, nothing written", () => {
  const cases: [string[], RegExp][] = [
    [
      ["simulate", "nica-mlp", "--set", "width=-3"],
      /invalid input: width: width must be an integer from 1 to 1000000 \(got -3\)/,
    ],
    [
      ["simulate", "nica-mlp", "--set", "activation=softmax"],
      /activation: activation must be one of relu.*\(got "softmax"\)/,
    ],
    [["simulate", "nica-mlp", "--samples", "0"], /--samples: must be an integer from 1 to 1000000000/],
    [["simulate", "nica-mlp", "--seed", "-4"], /--seed: must be an integer from 0/],
    [
      ["simulate", "nica-mlp", "--engine", "gpu"],
      /--engine: must be one of auto, dense, reduced, product, sde \(got "gpu"\)/,
    ],
    [["simulate", "nica-mlp", "--observables", "G,foo"], /observables: unknown observable/],
    [
      ["simulate", "nica-mlp", "--set", "activation=tanh", "--engine", "product"],
      /engine: product is not exact/,
    ],
    [
      ["simulate", "no-such-preset"],
      /model: unknown preset; give one of nica-mlp, lnr-resnet, lnr-resnet-balanced/,
    ],
    [["simulate", "/nonexistent/spec.json"], /model: cannot read the spec file/],
    [["run", "nica/nope"], /experiment: unknown; available: nica\/log-gaussian, nica\/unequal-widths/],
    [["simulate", "nica-mlp", "--threads", "0"], /--threads: must be an integer from 1 to 1024/],
  ];
  for (const [args, re] of cases) {
    it(args.slice(1).join(" "), () => {
      const out = join(tmp, `bad-${Math.random().toString(36).slice(2)}`);
      const r = cli(...args, "--out", out);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stdout).toBe("");
      expect(existsSync(out)).toBe(false);
    });
  }
  it("unknown options are refused with exit code 2", () => {
    const r = cli("simulate", "nica-mlp", "--widht", "3");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--widht'/);
  });
});

describe("threads do not change results", () => {
  for (const [engine, samples, sets] of [
    ["dense", "700", ["--set", "width=100", "--set", "depth=10"]],
    ["product", "150000", ["--set", "depth=50"]],
  ] as const) {
    it(`${engine}: --threads 1 and --threads 2 give bit-identical summaries and samples`, () => {
      const runs = ["1", "2"].map((t) => {
        const out = join(tmp, `threads-${engine}-${t}`);
        const r = cli(
          "simulate",
          "nica-mlp",
          ...sets,
          "--engine",
          engine,
          "--samples",
          samples,
          "--seed",
          "7",
          "--threads",
          t,
          "--json",
          "--out",
          out,
        );
        expect(r.code, r.stderr).toBe(0);
        const json = JSON.parse(r.stdout);
        expect(json.engine).toBe(engine);
        return { summaries: json.summaries, csv: readFileSync(join(out, "samples.csv"), "utf8") };
      });
      expect(runs[1].summaries).toEqual(runs[0].summaries);
      expect(runs[1].csv === runs[0].csv).toBe(true);
    });
  }
});

describe("commands", () => {
  it("simulate prints a table and JSON mode prints JSON only", () => {
    const t = cli("simulate", "nica-mlp", "--samples", "2^10", "--set", "width=32");
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/engine=product samples=1024/);
    expect(t.stdout).toMatch(/^G\s+1024/m);
    const j = cli("simulate", "nica-mlp", "--samples", "1000", "--json", "--observables", "G,logNorm2[3]");
    expect(j.code).toBe(0);
    const parsed = JSON.parse(j.stdout);
    expect(Object.keys(parsed.stats)).toEqual(["G", "logNorm2[3]"]);
    expect(j.stderr).toBe("");
  });
  it("run nica/log-gaussian writes the figure, data and table", () => {
    const out = join(tmp, "fig");
    const r = cli("run", "nica/log-gaussian", "--samples", "3000", "--out", out, "--json");
    expect(r.code, r.stderr).toBe(0);
    for (const f of ["figure.svg", "figure.png", "figure.vl.json", "result.json", "table.txt"]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const png = readFileSync(join(out, "figure.png"));
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    const res = JSON.parse(readFileSync(join(out, "result.json"), "utf8"));
    type Fit = { depth: number; curve: string; ksPValue: number };
    const fits: Fit[] = res.results.fits;
    expect([...new Set(fits.map((f) => f.depth))]).toEqual([1, 10, 100]);
    for (const f of fits) {
      // Samples follow the exact law (the sampler is exact): a KS failure here is a bug.
      if (f.curve === "exact finite (n, d)") expect(f.ksPValue).toBeGreaterThan(0.001);
      // The infinite-width curve is far off once d/n is not small.
      if (f.curve === "infinite width (blue)" && f.depth >= 10) expect(f.ksPValue).toBeLessThan(1e-6);
    }
    expect(fits.length).toBe(9);
    expect(readFileSync(join(out, "figure.svg"), "utf8")).toMatch(/^<svg/);
  });
  it("simulate --theory puts every theory that applies beside the statistics, with z-scores", () => {
    const r = cli("simulate", "nica-mlp", "--samples", "20000", "--seed", "3", "--theory", "--json");
    expect(r.code, r.stderr).toBe(0);
    type Row = { observable: string; name: string; mean: number; zMean: number; zVariance: number };
    const rows: Row[] = JSON.parse(r.stdout).theory;
    const exact = rows.filter((t) => t.name.startsWith("exact"));
    expect(exact.map((t) => t.observable)).toEqual(["G", "logOutNorm2"]);
    // The exact law holds at this sample size (|z| < 5) ...
    for (const t of exact) expect(Math.max(Math.abs(t.zMean), Math.abs(t.zVariance))).toBeLessThan(5);
    // ... and the same comparison rejects the theory of another depth (the test can fail).
    const deeper = cli(
      "simulate",
      "nica-mlp",
      "--samples",
      "20000",
      "--seed",
      "3",
      "--set",
      "depth=14",
      "--json",
    );
    const g = JSON.parse(deeper.stdout).stats.G;
    expect(Math.abs((g.mean - exact[0].mean) / g.seMean)).toBeGreaterThan(5);
    const text = cli("simulate", "hayou-resnet", "--samples", "500", "--set", "depth=50", "--theory");
    expect(text.stdout).toMatch(/Quasi-GBM N\(A\(n\), 1\/n\)/);
  });
  it("--strict: exit 0 when every claim is as predicted, exit 3 (results written) when one is not", async () => {
    const out = join(tmp, "strict");
    const ok = cli("run", "hayou/fig2-activation", "--strict", "--out", out, "--json");
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).claims.length).toBeGreaterThan(0);
    const { strictExit, EXIT_UNEXPECTED } = await import("../src/node/commands/common.js");
    const { zClaim } = await import("../src/claims/index.js");
    const claim = (simulated: number) =>
      zClaim({
        id: "x",
        statement: "",
        explanation: "",
        basis: "exact",
        wrong: { name: "w", theory: 100 },
        theory: 0,
        simulated,
        se: 1,
      });
    const before = process.exitCode;
    try {
      strictExit(true, [claim(0.5)]);
      expect(process.exitCode).toBe(before);
      strictExit(false, [claim(9)]);
      expect(process.exitCode).toBe(before);
      strictExit(true, [claim(0.5), claim(9)]);
      expect(process.exitCode).toBe(EXIT_UNEXPECTED);
    } finally {
      process.exitCode = before;
    }
  });
  it("list shows the experiment and the preset", () => {
    const r = cli("list", "--json");
    const j = JSON.parse(r.stdout);
    expect(j.experiments[0].id).toBe("nica/log-gaussian");
    expect(j.presets[0].name).toBe("nica-mlp");
  });
});
