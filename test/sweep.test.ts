/**
 * Sweeps: the grid syntax, the library, the `sweep` command (rows equal `simulate` of each cell bit
 * for bit, shards merged equal the unsharded sweep, bad grids refused with nothing written, a sweep
 * file round-trips), claims from the command line, and docs/sweeps.md's examples run as written.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseGridAxis, parseSweep, sweep } from "../src/sweep/index.js";
import { parseSpec, presetSpec } from "../src/spec/index.js";
import { simulate } from "../src/simulate.js";
import { CLI, dist, launchChromium, runQuiet } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "deeplimits-sweep-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const outDir = () => join(tmp, `out-${n++}`);

describe("grid axes", () => {
  it("lists, ranges with a step, log- and evenly spaced ranges, JSON values", () => {
    expect(parseGridAxis("depth=10,20,50").values).toEqual([10, 20, 50]);
    expect(parseGridAxis("depth=10..50 step 10").values).toEqual([10, 20, 30, 40, 50]);
    expect(parseGridAxis("depth=3..6").values).toEqual([3, 4, 5, 6]);
    expect(parseGridAxis("alpha2=0.1..0.3 step 0.1").values).toEqual([0.1, 0.2, 0.3]);
    expect(parseGridAxis("depth=10..1000 log 3").values).toEqual([10, 100, 1000]);
    // Rounded to integers when both ends are, repeats dropped.
    expect(parseGridAxis("depth=1..4 log 6").values).toEqual([1, 2, 3, 4]);
    expect(parseGridAxis("gain=1..2 lin 3").values).toEqual([1, 1.5, 2]);
    expect(parseGridAxis("activation=relu,tanh").values).toEqual(["relu", "tanh"]);
    expect(parseGridAxis("width=[3,8,5],[4,4]").values).toEqual([
      [3, 8, 5],
      [4, 4],
    ]);
    expect(parseGridAxis("weights.law=gaussian,uniform")).toEqual({
      field: "weights.law",
      values: ["gaussian", "uniform"],
    });
  });
  const bad: [string, RegExp][] = [
    ["depth", /--grid: must look like field=values/],
    ["depth=", /--grid depth: has no values/],
    ["depth=1,,2", /--grid depth: has an empty value/],
    ["depth=1,2,", /--grid depth: has an empty value/],
    ["depth=10..1", /--grid depth: a range must go up/],
    ["depth=1..10 step 0", /--grid depth: a range's step must be a positive number/],
    ["depth=0..10 log 4", /--grid depth: a log-spaced range must start above 0/],
    ["depth=1..1e9", /--grid depth: a range may hold at most 10000 values/],
    ["depth=2,2", /--grid depth: lists a value twice/],
    ["family=mlp", /cannot sweep the family/],
    ["__proto__.x=1", /cannot sweep "__proto__"/],
  ];
  for (const [arg, re] of bad) it(`refuses ${arg}`, () => expect(() => parseGridAxis(arg)).toThrow(re));
});

describe("the library", () => {
  it("sweep() rows equal simulate() of each cell, bit for bit, with every theory and its z-scores", async () => {
    const r = await sweep(
      "nica-mlp",
      [
        { field: "depth", values: [2, 5] },
        { field: "width", values: [8, 16] },
      ],
      {
        samples: 3000,
        seed: 11,
        observables: ["G"],
        claims: ["mean(G) = theory", "variance(G) = theory:log-Gaussian"],
      },
    );
    expect(r.rows).toHaveLength(4);
    for (const row of r.rows) {
      const spec = parseSpec({ ...presetSpec("nica-mlp"), depth: row.depth, width: row.width });
      const s = simulate(spec, { samples: 3000, seed: 11, observables: ["G"] }).stats.G;
      expect([row.mean, row.seMean, row.variance, row.seVariance, row.nonFinite]).toEqual([
        s.mean,
        s.seMean,
        s.variance,
        s.seVariance,
        s.nonFinite,
      ]);
    }
    // Two theories of G per cell (exact and log-Gaussian), each with its z-scores.
    expect(r.theory).toHaveLength(8);
    const exact = r.theory.filter((t) => t.exact === true);
    expect(exact).toHaveLength(4);
    for (const t of exact) expect(Math.abs(t.zMean as number)).toBeLessThan(5);
    // The exact claim agrees with power against the log-Gaussian value; the limit's has a computed effect.
    const meanClaims = r.claims.filter((c) => c.id.includes(":1-mean-G:"));
    expect(meanClaims.map((c) => c.basis)).toEqual(["exact", "exact", "exact", "exact"]);
    expect(meanClaims.every((c) => c.verdict === "agrees" && c.expected === "agrees")).toBe(true);
    expect(meanClaims[0].wrong.name).toMatch(/log-Gaussian/);
    const limit = r.claims.filter((c) => c.id.includes(":2-variance-G:"));
    expect(limit).toHaveLength(4);
    for (const c of limit) {
      expect(c.basis).toBe("asymptotic");
      expect(c.effect).toBeCloseTo(
        ((r.theory.find((t) => t.cell === c.id.split(":").at(-1) && t.exact)!.theoryVariance as number) -
          c.theory) /
          c.se,
        9,
      );
    }
  });

  it("a sweep definition round-trips through JSON and refuses unknown fields, naming them", () => {
    const def = parseSweep({
      sweep: 1,
      model: "nica-mlp",
      grid: [{ field: "depth", values: [1, 2] }],
      samples: 100,
      claims: ["mean(G) = theory"],
    });
    expect(parseSweep(JSON.parse(JSON.stringify(def)))).toEqual(def);
    expect(() => parseSweep({ ...def, grids: [] })).toThrow(/grids: is not a sweep field/);
    expect(() => parseSweep({ ...def, sweep: 2 })).toThrow(/sweep: must be 1/);
    expect(() => parseSweep({ ...def, samples: 0 })).toThrow(/samples: must be an integer from 1/);
  });
});

/** The rows of a sweep's --json output, by cell. */
async function sweepJson(...args: string[]) {
  const r = await runQuiet("sweep", ...args, "--json", "--threads", "2");
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe("the sweep command", () => {
  const base = [
    "nica-mlp",
    "--grid",
    "depth=2,6",
    "--grid",
    "width=8,32",
    "--samples",
    "2500",
    "--seed",
    "5",
  ];

  it("every row equals `simulate` of its cell with the same seed, bit for bit; the folder holds tables, figure and page", async () => {
    const out = outDir();
    const j = await sweepJson(...base, "--observables", "G,logOutNorm2", "--out", out);
    expect(j.rows).toHaveLength(8);
    for (const row of j.rows) {
      const s = await runQuiet(
        "simulate",
        "nica-mlp",
        "--set",
        `depth=${row.depth}`,
        "--set",
        `width=${row.width}`,
        "--samples",
        "2500",
        "--seed",
        "5",
        "--observables",
        "G,logOutNorm2",
        "--json",
      );
      const stats = JSON.parse(s.stdout).stats[row.observable];
      expect([row.mean, row.variance, row.seMean, row.n]).toEqual([
        stats.mean,
        stats.variance,
        stats.seMean,
        stats.n,
      ]);
    }
    const files = readdirSync(out);
    for (const f of [
      "index.html",
      "sweep.json",
      "figure.svg",
      "figure.png",
      "summaries.csv",
      "summaries.parquet",
      "theory.csv",
      "theory.parquet",
      "samples.parquet",
      "claims.json",
      "manifest.json",
    ])
      expect(files).toContain(f);
    const theory = readFileSync(join(out, "theory.csv"), "utf8").split("\n");
    expect(theory[0]).toMatch(/^cell,depth,width,observable,theory,source,exact,theoryMean/);
    expect(theory.filter((l) => l.includes("exact finite"))).toHaveLength(8);
    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).toContain("sweep/sweep");
    for (const f of ["sweep.json", "summaries.csv", "theory.parquet", "samples.parquet", "figure.svg"])
      expect(html, f).toContain(`href="${f}"`);
    // The page opens offline in a browser with its figure drawn, theory dashed and named, no errors.
    const chromium = "/usr/bin/chromium";
    if (!existsSync(chromium)) {
      if (process.env.CI) throw new Error("chromium is missing: .ci/run should install it");
      return;
    }
    const browser = await launchChromium(chromium);
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      await page.goto(`file://${join(out, "index.html")}`);
      await page.waitForSelector("[data-rendered=true] svg", { timeout: 20000 });
      const svg = (await page.locator("[data-rendered=true] svg").first().textContent()) ?? "";
      expect(svg).toContain("exact finite (n, d)");
      expect(svg).toContain("log-Gaussian");
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it("100 cells share one worker pool (no start-up per cell)", async () => {
    const { poolStarts } = await dist<{ poolStarts: () => number }>("node/parallel.js");
    const before = poolStarts();
    const j = await sweepJson(
      "nica-mlp",
      "--grid",
      "depth=1..10",
      "--grid",
      "width=1..10",
      "--samples",
      "200",
      "--observables",
      "G",
      "--out",
      outDir(),
    );
    expect(j.rows).toHaveLength(100);
    expect(poolStarts() - before).toBe(1);
  });

  it("shards merged equal the unsharded sweep", async () => {
    const whole = outDir();
    await sweepJson(...base, "--claim", "mean(G) = theory", "--out", whole);
    const shards = outDir();
    for (const i of [0, 1, 2]) {
      const r = await runQuiet(
        "sweep",
        ...base,
        "--claim",
        "mean(G) = theory",
        "--shard",
        `${i}/3`,
        "--out",
        shards,
        "--json",
        "--threads",
        "1",
      );
      expect(r.code, r.stderr).toBe(0);
    }
    const merged = outDir();
    const m = await runQuiet(
      "merge",
      ...readdirSync(shards)
        .filter((f) => f.endsWith(".dlshard"))
        .map((f) => join(shards, f)),
      "--out",
      merged,
      "--json",
    );
    expect(m.code, m.stderr).toBe(0);
    for (const f of ["summaries.csv", "theory.csv", "claims.json", "sweep.json", "samples.parquet"])
      expect(readFileSync(join(merged, f)), f).toEqual(readFileSync(join(whole, f)));
  });

  it("a sweep stopped by SIGINT resumes from its checkpointed chunks to the uninterrupted result", async () => {
    const args = [
      "nica-mlp",
      "--engine",
      "dense",
      "--set",
      "width=64",
      "--grid",
      "depth=6,8,10",
      "--samples",
      "6000",
      "--observables",
      "G",
      "--seed",
      "9",
    ];
    const out = outDir();
    const child = spawn(
      process.execPath,
      [CLI, "sweep", ...args, "--out", out, "--checkpoint", "--threads", "2"],
      {
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, CI: "1" },
      },
    );
    let stderr = "";
    child.stderr.on("data", (b) => (stderr += b));
    const ck = join(out, ".checkpoints", "sweep");
    const saved = () =>
      existsSync(ck)
        ? readdirSync(ck)
            .flatMap((d) => (existsSync(join(ck, d, ".chunks")) ? readdirSync(join(ck, d, ".chunks")) : []))
            .filter((f) => f.startsWith("chunk-")).length
        : 0;
    for (let i = 0; i < 400 && saved() < 3; i++) await new Promise((ok) => setTimeout(ok, 25));
    child.kill("SIGINT");
    const code = await new Promise<number | null>((ok) => child.once("exit", (c) => ok(c)));
    expect(code, stderr).toBe(130);
    const kept = saved();
    expect(kept).toBeGreaterThanOrEqual(3);
    expect(existsSync(join(out, "summaries.csv"))).toBe(false);
    const resumed = await sweepJson(...args, "--out", out, "--resume");
    expect(existsSync(join(out, ".checkpoints"))).toBe(false);
    const clean = await sweepJson(...args, "--out", outDir());
    expect(resumed.rows).toEqual(clean.rows);
  });

  it("a saved sweep file reruns to the same rows, and the command line adds to it", async () => {
    const file = join(tmp, "study.json");
    const s = await runQuiet("sweep", ...base, "--claim", "mean(G) = theory", "--save", file);
    expect(s.code, s.stderr).toBe(0);
    const def = JSON.parse(readFileSync(file, "utf8"));
    expect(def).toMatchObject({
      sweep: 1,
      model: "nica-mlp",
      samples: 2500,
      seed: 5,
      claims: ["mean(G) = theory"],
    });
    expect(parseSweep(def)).toEqual(def);
    const a = await sweepJson(...base, "--claim", "mean(G) = theory", "--out", outDir());
    const b = await sweepJson(file, "--out", outDir());
    expect(b.rows).toEqual(a.rows);
    expect(b.claims).toEqual(a.claims);
    const c = await sweepJson(file, "--grid", "depth=3", "--out", outDir());
    expect(c.rows.map((r: { depth: number }) => r.depth)).toEqual([3, 3, 3, 3]);
  });

  it("claims: a wrong value is unexpected (exit 3 with --strict), a limit without an exact value needs 'within'", async () => {
    const r = await runQuiet(
      "sweep",
      ...base,
      "--claim",
      "variance(G) = 0.01",
      "--strict",
      "--out",
      outDir(),
      "--json",
    );
    expect(r.code).toBe(3);
    const j = JSON.parse(r.stdout);
    expect(j.counts.unexpected).toBe(4);
    const h = await runQuiet(
      "sweep",
      "hayou-resnet",
      "--grid",
      "width=2,4",
      "--set",
      "depth=50",
      "--claim",
      "mean(logPostNormGrowth) = theory",
      "--out",
      outDir(),
    );
    expect(h.code).toBe(2);
    expect(h.stderr).toMatch(
      /--claim: "mean\(logPostNormGrowth\) = theory": "Quasi-GBM.*is a limit.*add "within TOLERANCE"/,
    );
  });

  const bad: [string[], RegExp][] = [
    [["--grid", "depht=1,2"], /--grid depht: the cell depht=1 is not a valid model/],
    [["--grid", "depth=1,2", "--grid", "width=0,4"], /--grid width: .*width must be an integer from 1/],
    [["--grid", "depth="], /--grid depth: has no values/],
    [
      ["--grid", "depth=1..40", "--grid", "width=1..40"],
      /--grid: the sweep has 1600 cells, more than 1000: confirm with --yes/,
    ],
    [[], /--grid: a sweep needs at least one axis/],
    [["--grid", "depth=1,2", "--observables", "G,nope"], /observables: unknown observable/],
    [["--grid", "depth=1,2", "--claim", "median(G) = theory"], /--claim: must look like/],
    [
      ["--grid", "depth=1,2", "--claim", "mean(G) = theory:nope"],
      /--claim: "mean\(G\) = theory:nope": no cell has that theory of G; theories stated: "exact finite/,
    ],
    [["--grid", "depth=1,2", "--stat", "median"], /--stat: must be one of mean, variance, sd/],
    [["--grid", "depth=1,2", "--x", "width"], /figure.x: must be a grid axis \(depth\)/],
  ];
  for (const [args, re] of bad)
    it(`refuses ${args.join(" ") || "no grid"} (exit 2, nothing written)`, async () => {
      const out = outDir();
      const r = await runQuiet("sweep", "nica-mlp", ...args, "--out", out);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(existsSync(out)).toBe(false);
    });
});

describe("docs/sweeps.md", () => {
  // Every `deeplimits sweep` command of the docs runs as written, at a small sample count.
  const doc = readFileSync(new URL("../docs/sweeps.md", import.meta.url), "utf8");
  const commands = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1].replace(/\\\n\s*/g, " ").split("\n"))
    .map((l) => l.trim())
    .filter((l) => l.startsWith("deeplimits sweep"));
  it("has three worked examples", () => expect(commands.length).toBeGreaterThanOrEqual(3));
  for (const c of commands)
    it(c, async () => {
      const args = [...c.slice("deeplimits ".length).matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(
        (m) => m[1] ?? m[2] ?? m[3],
      );
      const samples = args.indexOf("--samples");
      if (samples >= 0) args[samples + 1] = "2000";
      const out = args.indexOf("--out");
      if (out >= 0) args[out + 1] = outDir();
      else args.push("--out", outDir());
      const r = await runQuiet(...args, "--json");
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).rows.length).toBeGreaterThan(0);
    });
});
