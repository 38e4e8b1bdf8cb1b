/** Shared by the CLI tests: the built CLI as a process, in process with captured output, and kills. */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { Rng } from "../src/rng/rng.js";

export const CLI = new URL("../dist/src/node/cli.js", import.meta.url).pathname;

/** A dense MLP run of 5000 samples that takes a few seconds: long enough to kill it mid-way. */
export const KILLABLE_RUN = [
  "nica-mlp",
  "--engine",
  "dense",
  "--set",
  "width=100",
  "--set",
  "depth=10",
  "--samples",
  "5000",
];

/** Run the built CLI in a child process (CI=1: no progress lines). */
export const cli = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, CI: "1" } });

type RunCli = (argv: string[]) => Promise<number>;
let runCliFn: RunCli | null = null;

/** The built CLI's runCli, in this process (the same module instances as the dist imports of a test). */
export async function loadRunCli(): Promise<RunCli> {
  runCliFn ??= ((await import("../dist/src/node/cli.js" as string)) as { runCli: RunCli }).runCli;
  return runCliFn;
}

/** Run `deeplimits ...args` in this process with stdout and stderr captured. */
export async function runQuiet(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const runCli = await loadRunCli();
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  let stdout = "";
  let stderr = "";
  process.stdout.write = ((c: string | Uint8Array) => {
    stdout += String(c);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => {
    stderr += String(c);
    return true;
  }) as typeof process.stderr.write;
  const log = console.log;
  console.log = (...a: unknown[]) => {
    stdout += `${a.join(" ")}\n`;
  };
  try {
    const code = await runCli(["node", "deeplimits", ...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    console.log = log;
  }
}

/**
 * Start `deeplimits simulate ...args --checkpoint` in a child process, wait until at least `chunks`
 * chunk files are saved under out/.chunks (and `ready()` holds), then send `signal`.
 */
export async function startAndKill(
  args: string[],
  out: string,
  signal: NodeJS.Signals,
  chunks = 5,
  ready: () => boolean = () => true,
): Promise<{ code: number | null; stderr: string; saved: number }> {
  const child = spawn(process.execPath, [CLI, "simulate", ...args, "--out", out, "--checkpoint"], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, CI: "1" },
  });
  let stderr = "";
  child.stderr.on("data", (b) => (stderr += b));
  const ck = join(out, ".chunks");
  const saved = () => (existsSync(ck) ? readdirSync(ck).filter((f) => f.startsWith("chunk-")).length : 0);
  for (let i = 0; i < 400 && (saved() < chunks || !ready()); i++)
    await new Promise((ok) => setTimeout(ok, 25));
  child.kill(signal);
  const code = await new Promise<number | null>((ok) => child.once("exit", (c) => ok(c)));
  return { code, stderr, saved: saved() };
}

/** A module of the built package (dist/), typed as `T`: shares module state with the in-process CLI. */
export async function dist<T>(path: string): Promise<T> {
  const url = new URL(`../dist/src/${path}`, import.meta.url).href;
  return (await import(/* @vite-ignore */ url)) as T;
}

/** The rows of `samples` draws of a compiled kernel with k observables (sample i on stream (seed, i)). */
export function kernelRows(
  kernel: (rng: Rng, out: Float64Array, key: { seed: number; index: number }) => void,
  k: number,
  samples: number,
  seed: number,
): number[] {
  const rng = new Rng();
  const rows = new Float64Array(samples * k);
  for (let i = 0; i < samples; i++) {
    rng.reset(seed, i);
    kernel(rng, rows.subarray(i * k, (i + 1) * k), { seed, index: i });
  }
  return Array.from(rows);
}

/** Headless Chromium (Debian's package) for the browser tests, without network or first-run chores. */
export async function launchChromium(executablePath: string) {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** A kernel's WebAssembly path draws the same values as its JavaScript path, bit for bit, some finite. */
export function expectWasmMatchesJs(
  compile: (wasm: boolean) => SampleKernelLike,
  k: number,
  seed: number,
): void {
  const run = (wasm: boolean) => kernelRows(compile(wasm), k, 300, seed);
  const js = run(false);
  expect(run(true)).toEqual(js);
  expect(js.some((v) => Number.isFinite(v))).toBe(true);
  // A kernel's whole-chunk path too, from a start that is not a multiple of its batch.
  const batch = compile(true).batch;
  if (batch) {
    const start = 3;
    const columns = Array.from({ length: k }, () => new Float64Array(300 - start));
    batch(seed, start, 300, columns);
    const rows = Array.from({ length: (300 - start) * k }, (_, j) => columns[j % k][Math.floor(j / k)]);
    expect(rows).toEqual(js.slice(start * k));
  }
}
type SampleKernelLike = Parameters<typeof kernelRows>[0] & {
  batch?: (seed: number, start: number, end: number, columns: Float64Array[]) => void;
};

/** An in-memory DuckDB (an independent reader of our Parquet and CSV files), one per test process. */
let duckDb: Promise<{ rows(sql: string): Promise<unknown[][]> }> | null = null;
export function duck() {
  duckDb ??= (async () => {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const connection = await (await DuckDBInstance.create(":memory:")).connect();
    return { rows: async (sql: string) => (await connection.runAndReadAll(sql)).getRows() as unknown[][] };
  })();
  return duckDb;
}

/** A Python with pandas (Debian's python3-pandas lives under /usr/bin/python3), or null. */
let pandasPy: string | null | undefined;
export function pandasPython(): string | null {
  if (pandasPy !== undefined) return pandasPy;
  pandasPy = null;
  for (const py of ["python3", "/usr/bin/python3"]) {
    const r = spawnSync(py, ["-c", "import pandas"], { encoding: "utf8" });
    if (r.status === 0) {
      pandasPy = py;
      break;
    }
  }
  return pandasPy;
}
