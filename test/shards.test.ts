/** Sharded runs: k shard processes merged equal the single run byte for byte; integrity checks. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromArrays, tableFromIPC, tableToIPC } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { cli, KILLABLE_RUN, startAndKill as killAfterChunks } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "deeplimits-shards-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const RUNS: [string, string[]][] = [
  [
    "dense MLP",
    ["nica-mlp", "--engine", "dense", "--set", "width=30", "--set", "depth=5", "--samples", "3000"],
  ],
  [
    "reduced Hayou, 2 inputs",
    [
      "hayou-resnet",
      "--set",
      "width=8",
      "--set",
      "depth=40",
      "--set",
      'inputs=["unit","e1"]',
      "--observables",
      "logPostNormGrowth,corr,gradNorm",
      "--samples",
      "2500",
    ],
  ],
];

describe("shards", () => {
  for (const [name, args] of RUNS) {
    it(`${name}: 4 shard processes merged equal the single run byte for byte`, () => {
      const dir = join(tmp, name.replace(/\W+/g, "-"));
      const full = cli("simulate", ...args, "--seed", "9", "--threads", "2", "--out", join(dir, "full"));
      expect(full.status, full.stderr).toBe(0);
      for (let i = 0; i < 4; i++) {
        const r = cli(
          "simulate",
          ...args,
          "--seed",
          "9",
          "--threads",
          "1",
          "--shard",
          `${i}/4`,
          "--out",
          join(dir, "shards"),
        );
        expect(r.status, r.stderr).toBe(0);
      }
      const shards = readdirSync(join(dir, "shards")).map((f) => join(dir, "shards", f));
      expect(shards.length).toBe(4);
      const m = cli("merge", ...shards.reverse(), "--out", join(dir, "merged"));
      expect(m.status, m.stderr).toBe(0);
      for (const f of ["summaries.json", "samples.arrow", "samples.csv"]) {
        expect(readFileSync(join(dir, "merged", f)).equals(readFileSync(join(dir, "full", f))), f).toBe(true);
      }
      expect(cli("verify", join(dir, "merged")).status).toBe(0);
      // Incomplete or mixed shard sets are refused with a clear message (exit 2), nothing written.
      const missing = cli("merge", ...shards.slice(1), "--out", join(dir, "bad"));
      expect(missing.status).toBe(2);
      expect(missing.stderr).toMatch(/merge: missing chunks/);
      const dup = cli("merge", shards[0], ...shards, "--out", join(dir, "bad"));
      expect(dup.stderr).toMatch(/appears twice/);
    });
  }
  it("shards of different runs are not merged", () => {
    const dir = join(tmp, "mixed");
    for (const seed of ["1", "2"]) {
      expect(
        cli(
          "simulate",
          "nica-mlp",
          "--samples",
          "200000",
          "--seed",
          seed,
          "--shard",
          `${Number(seed) - 1}/2`,
          "--out",
          join(dir, seed),
        ).status,
      ).toBe(0);
    }
    const r = cli(
      "merge",
      join(dir, "1", "shard-0-of-2.dlshard"),
      join(dir, "2", "shard-1-of-2.dlshard"),
      "--out",
      join(dir, "m"),
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/comes from a different run/);
  });
  it("verify detects a changed sample", () => {
    const dir = join(tmp, "verify");
    expect(cli("simulate", "nica-mlp", "--samples", "500", "--out", dir).status).toBe(0);
    expect(cli("verify", dir).status).toBe(0);
    const t = tableFromIPC(readFileSync(join(dir, "samples.arrow")));
    const cols: Record<string, Float64Array> = {};
    for (const f of t.schema.fields)
      cols[f.name] = Float64Array.from(t.getChild(f.name)!.toArray() as Float64Array);
    cols.G[17] += 1e-12;
    writeFileSync(join(dir, "samples.arrow"), tableToIPC(tableFromArrays(cols), "file"));
    const v = cli("verify", dir);
    expect(v.status).toBe(1);
    expect(v.stderr).toMatch(/MISMATCH/);
  });
  it("--shard needs a valid i/k and an --out folder", () => {
    expect(cli("simulate", "nica-mlp", "--shard", "4/4", "--out", join(tmp, "x")).stderr).toMatch(
      /--shard: must be i\/k with integers 0 <= i < k/,
    );
    expect(cli("simulate", "nica-mlp", "--shard", "0/4").stderr).toMatch(/--out: is required with --shard/);
  });
});

describe("checkpoint and resume", () => {
  const ARGS = [...KILLABLE_RUN, "--seed", "3"];
  const startAndKill = (out: string, signal: NodeJS.Signals, threads: string) =>
    killAfterChunks([...ARGS, "--threads", threads], out, signal);
  it("a run killed with SIGKILL and resumed equals the uninterrupted run byte for byte", async () => {
    const dir = join(tmp, "ck-kill");
    expect(cli("simulate", ...ARGS, "--out", join(dir, "full")).status).toBe(0);
    const k = await startAndKill(join(dir, "run"), "SIGKILL", "2");
    expect(k.saved).toBeGreaterThan(0);
    expect(existsSync(join(dir, "run", "summaries.json"))).toBe(false);
    const r = cli("simulate", ...ARGS, "--out", join(dir, "run"), "--resume");
    expect(r.status, r.stderr).toBe(0);
    for (const f of ["summaries.json", "samples.arrow"]) {
      expect(readFileSync(join(dir, "run", f)).equals(readFileSync(join(dir, "full", f))), f).toBe(true);
    }
    expect(existsSync(join(dir, "run", ".chunks"))).toBe(false);
  });
  it("SIGINT stops cleanly with a valid partial result; resuming a different run is refused", async () => {
    const dir = join(tmp, "ck-int");
    const k = await startAndKill(join(dir, "run"), "SIGINT", "1");
    expect(k.code).toBe(130);
    expect(k.stderr).toMatch(/stopped; \d+\/\d+ chunks saved\. Continue with --resume/);
    const partial = JSON.parse(readFileSync(join(dir, "run", "partial.json"), "utf8"));
    expect(partial.partial).toBe(true);
    expect(partial.samplesDone).toBeGreaterThan(0);
    expect(partial.samplesDone).toBeLessThan(5000);
    expect(partial.stats.G.n).toBe(partial.samplesDone);
    const other = cli(
      "simulate",
      ...ARGS.map((a) => (a === "3" ? "4" : a)),
      "--out",
      join(dir, "run"),
      "--resume",
    );
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/--resume: the checkpoint in .* belongs to a different run/);
  });
});

describe("experiment shards (run / reproduce --shard)", () => {
  it("reproduce in 3 shards, merged, equals the unsharded report's data", () => {
    const dir = join(tmp, "exp-shards");
    const common = ["--only", "nica/log-gaussian", "--samples", "2000"];
    expect(cli("reproduce", ...common, "--out", join(dir, "full")).status).toBe(0);
    for (let i = 0; i < 3; i++) {
      const r = cli(
        "reproduce",
        ...common,
        "--shard",
        `${i}/3`,
        "--threads",
        "1",
        "--out",
        join(dir, "shards"),
      );
      expect(r.status, r.stderr).toBe(0);
    }
    const shards = readdirSync(join(dir, "shards")).map((f) => join(dir, "shards", f));
    const m = cli("merge", ...shards, "--out", join(dir, "merged"));
    expect(m.status, m.stderr).toBe(0);
    for (const f of [
      "claims.json",
      "nica/log-gaussian/summaries.json",
      "nica/log-gaussian/samples.parquet",
      "nica/log-gaussian/summaries.parquet",
      "nica/log-gaussian/table.txt",
    ]) {
      expect(readFileSync(join(dir, "merged", f)).equals(readFileSync(join(dir, "full", f))), f).toBe(true);
    }
    expect(existsSync(join(dir, "merged", "index.html"))).toBe(true);
    // The last shard holds chunks of every simulation (small plans fall into the last shards).
    const missing = cli(
      "merge",
      ...shards.filter((f) => !f.endsWith("shard-2-of-3.dlshard")),
      "--out",
      join(dir, "bad"),
    );
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/give every shard/);
  });
  it("run --shard for one experiment merges into its result folder", () => {
    const dir = join(tmp, "run-shards");
    expect(cli("run", "hayou/collapse", "--samples", "1000", "--out", join(dir, "full")).status).toBe(0);
    for (let i = 0; i < 2; i++)
      expect(
        cli("run", "hayou/collapse", "--samples", "1000", "--shard", `${i}/2`, "--out", join(dir, "shards"))
          .status,
      ).toBe(0);
    const shards = readdirSync(join(dir, "shards")).map((f) => join(dir, "shards", f));
    expect(cli("merge", ...shards, "--out", join(dir, "merged")).status).toBe(0);
    for (const f of ["claims.json", "summaries.json", "table.txt"]) {
      expect(readFileSync(join(dir, "merged", f)).equals(readFileSync(join(dir, "full", f))), f).toBe(true);
    }
  });
});

describe("streamed runs (simulate --stream): memory bounded by summaries", () => {
  it("a streamed run writes the same samples, statistics and hash as the in-memory run, and verifies", () => {
    const args = [
      "nica-mlp",
      "--set",
      "width=20",
      "--set",
      "depth=6",
      "--samples",
      "20000",
      "--seed",
      "4",
      "--json",
    ];
    const a = cli("simulate", ...args, "--threads", "2", "--out", join(tmp, "mem"));
    const b = cli("simulate", ...args, "--threads", "2", "--out", join(tmp, "stream"), "--stream");
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    const ra = JSON.parse(a.stdout);
    const rb = JSON.parse(b.stdout);
    expect(rb.streamed).toBe(true);
    expect(rb.quantiles).toBeNull();
    expect(rb.samplesSha256).toBe(ra.samplesSha256);
    expect(rb.stats).toEqual(ra.stats);
    expect(rb.summaries).toEqual(ra.summaries);
    expect(readFileSync(join(tmp, "stream", "samples.csv"), "utf8")).toBe(
      readFileSync(join(tmp, "mem", "samples.csv"), "utf8"),
    );
    const ta = tableFromIPC(readFileSync(join(tmp, "mem", "samples.arrow")));
    const tb = tableFromIPC(readFileSync(join(tmp, "stream", "samples.arrow")));
    expect(tb.numRows).toBe(20000);
    expect(Array.from(tb.getChild("G")!.toArray() as Float64Array)).toEqual(
      Array.from(ta.getChild("G")!.toArray() as Float64Array),
    );
    expect(readdirSync(join(tmp, "stream")).some((f) => f.includes(".tmp"))).toBe(false);
    const v = cli("verify", join(tmp, "stream"));
    expect(v.status, v.stderr).toBe(0);
    const bad = cli("simulate", "nica-mlp", "--samples", "10", "--stream");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--out.*is required with --stream/);
    const bad2 = cli(
      "simulate",
      "nica-mlp",
      "--samples",
      "10",
      "--stream",
      "--checkpoint",
      "--out",
      join(tmp, "x"),
    );
    expect(bad2.status).toBe(2);
    expect(bad2.stderr).toMatch(/--stream.*cannot be combined with --checkpoint/);
  });
  it("the workers take the chunks they are given from a shared queue, each once, the same bits as one thread", async () => {
    const dist = "../dist/src/";
    const { runChunksParallel, closePool } = await import(/* @vite-ignore */ `${dist}node/parallel.js`);
    const { makePlan, runChunk } = await import(/* @vite-ignore */ `${dist}simulate.js`);
    const { parseSpec, presetSpec } = await import(/* @vite-ignore */ `${dist}spec/index.js`);
    const plan = makePlan(parseSpec({ ...presetSpec("nica-mlp"), width: 10, depth: 3 }), {
      samples: 400_000,
      seed: 1,
      engine: "product",
    });
    // A shard's or a resumed run's chunks: not all, not in order.
    const chunks = Array.from({ length: plan.chunks }, (_, c) => c)
      .filter((c) => c % 3 !== 1)
      .reverse();
    const seen: number[] = [];
    const got = (await runChunksParallel(plan, chunks, {
      threads: 2,
      workers: true,
      onChunk: (r: { chunk: number }) => seen.push(r.chunk),
    })) as { chunk: number; columns: Float64Array[]; summaries: unknown[] }[];
    await closePool();
    expect([...seen].sort((a, b) => a - b)).toEqual([...chunks].sort((a, b) => a - b));
    expect(got.map((r) => r.chunk).sort((a, b) => a - b)).toEqual([...chunks].sort((a, b) => a - b));
    for (const r of got) {
      const here = runChunk(plan, r.chunk);
      expect(r.columns).toEqual(here.columns);
      expect(r.summaries).toEqual(here.summaries);
    }
  });
  it("streamChunks delivers chunks in order and never holds more than its window", async () => {
    // The compiled modules: the thread pool loads dist/src/node/worker.js (npm test builds first).
    const dist = "../dist/src/";
    const { streamChunks, closePool } = await import(/* @vite-ignore */ `${dist}node/parallel.js`);
    const { makePlan } = await import(/* @vite-ignore */ `${dist}simulate.js`);
    const { parseSpec, presetSpec } = await import(/* @vite-ignore */ `${dist}spec/index.js`);
    const plan = makePlan(parseSpec({ ...presetSpec("nica-mlp"), width: 10, depth: 3 }), {
      samples: 400_000,
      seed: 1,
      engine: "product",
    });
    expect(plan.chunks).toBeGreaterThan(8);
    const order: number[] = [];
    let held = 0;
    await streamChunks(plan, (c: { chunk: number }) => order.push(c.chunk), {
      threads: 2,
      window: 3,
      onMaxHeld: (h: number) => (held = h),
    });
    await closePool();
    expect(order).toEqual(Array.from({ length: plan.chunks }, (_, i) => i));
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(3);
  });
});
