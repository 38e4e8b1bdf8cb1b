/**
 * `npm run bench`: the notes' figure workload (ReLU MLP, n = 100, n_in = n_out = 10, d in {1, 10, 100})
 * timed with each engine and with NumPy peers, each workload in its own child process (clean peak
 * memory). Prints a table and writes bench/results.json. A benchmark, not a test: never run in CI.
 *
 *   npm run bench                          # default budget (dense engines on 512 samples per depth)
 *   npm run bench -- --dense-samples 2048  # more dense samples
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { nicaLogGaussian } from "../src/experiments/nica-log-gaussian.js";
import { closePool, simulateParallel } from "../src/node/parallel.js";
import { parseSpec, presetSpec } from "../src/spec/index.js";

const DEPTHS = [1, 10, 100];
const FIGURE_SAMPLES = 2 ** 15;
/** Hayou workload: n = 100, L = 1000, 10^4 samples (the "figure s" column is the time for all of them). */
const HAYOU_SAMPLES = 10_000;

interface Row {
  workload: string;
  engine: string;
  threads: number | string;
  samples: number;
  seconds: number;
  maxRssMiB: number;
  /** Seconds the whole figure (2^15 samples at each depth) takes at this rate. */
  figureSeconds: number;
}

async function child(workload: string, engine: string, threads: number, samples: number): Promise<Row> {
  const t0 = performance.now();
  if (workload === "hayou") {
    // Hayou ResNet n = 100, L = 1000, ReLU, one input: the issue's reduced-engine workload.
    const spec = parseSpec({ ...presetSpec("hayou-resnet"), width: 100, depth: 1000 });
    const t = performance.now();
    await simulateParallel(
      spec,
      { samples, seed: 1, engine: engine as "reduced", observables: ["logPostNormGrowth"] },
      { threads },
    );
    const seconds = (performance.now() - t) / 1000;
    await closePool();
    return {
      workload,
      engine,
      threads,
      samples,
      seconds,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
      figureSeconds: (seconds * HAYOU_SAMPLES) / samples,
    };
  }
  if (workload === "experiment") {
    await nicaLogGaussian.run(
      { simulate: (spec, opts) => simulateParallel(spec, opts, { threads }) },
      { samples, engine: engine as "product" },
    );
  } else {
    for (const depth of DEPTHS) {
      const spec = parseSpec({ ...presetSpec("nica-mlp"), depth });
      await simulateParallel(
        spec,
        { samples, seed: 1, engine: engine as "product", observables: ["G", "logOutNorm2"] },
        { threads },
      );
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  await closePool();
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  return {
    workload,
    engine,
    threads,
    samples,
    seconds,
    maxRssMiB,
    figureSeconds: (seconds * FIGURE_SAMPLES) / samples,
  };
}

function spawnJson(cmd: string, args: string[]): Record<string, unknown> {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${r.stderr}`);
  const lines = r.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === "--child") {
    const [, workload, engine, threads, samples] = argv;
    console.log(JSON.stringify(await child(workload, engine, Number(threads), Number(samples))));
    return;
  }
  const di = argv.indexOf("--dense-samples");
  const denseSamples = di >= 0 ? Number(argv[di + 1]) : 512;
  const cores = availableParallelism();
  const self = new URL(import.meta.url).pathname;
  const runs: [string, string, number, number][] = [
    ["figure", "product", cores, FIGURE_SAMPLES],
    ["figure", "product", 1, FIGURE_SAMPLES],
    ["experiment", "product", cores, FIGURE_SAMPLES],
    ["figure", "dense", cores, denseSamples],
    ["figure", "dense", 1, denseSamples],
    ["hayou", "reduced", cores, HAYOU_SAMPLES],
    ["hayou", "reduced", 1, 2000],
    ["hayou", "dense", cores, 48],
  ];
  const rows: Row[] = [];
  for (const [w, e, t, s] of runs) {
    process.stderr.write(`running ${w} ${e} threads=${t} samples=${s}...\n`);
    rows.push(spawnJson(process.execPath, [self, "--child", w, e, String(t), String(s)]) as unknown as Row);
  }
  const peers: [string, string, number][] = [
    ["numpy-dense", "bench/peers/nica_dense.py", denseSamples],
    ["numpy-product", "bench/peers/nica_product.py", FIGURE_SAMPLES],
  ];
  {
    process.stderr.write("running numpy-dense-hayou samples=32...\n");
    const p = spawnJson("python3", [
      "bench/peers/hayou_dense.py",
      "--samples",
      "32",
      "--width",
      "100",
      "--depth",
      "1000",
    ]);
    const seconds = p.seconds as number;
    rows.push({
      workload: "hayou",
      engine: "numpy-dense",
      threads: 1,
      samples: 32,
      seconds,
      maxRssMiB: p.maxRssMiB as number,
      figureSeconds: (seconds * HAYOU_SAMPLES) / 32,
    });
  }
  for (const [name, script, samples] of peers) {
    process.stderr.write(`running ${name} samples=${samples}...\n`);
    const p = spawnJson("python3", [script, "--samples", String(samples), "--depths", DEPTHS.join(",")]);
    const seconds = p.seconds as number;
    rows.push({
      workload: "figure",
      engine: name,
      threads: 1,
      samples,
      seconds,
      maxRssMiB: p.maxRssMiB as number,
      figureSeconds: (seconds * FIGURE_SAMPLES) / samples,
    });
  }
  // The peer of a row: the NumPy dense script for dense and reduced engines, the NumPy exact sampler
  // for the product engine, on the same workload.
  const peerOf = (r: Row) =>
    rows.find(
      (p) =>
        p.workload === r.workload && p.engine === (r.engine === "product" ? "numpy-product" : "numpy-dense"),
    );
  console.log(
    `\nnotes' figure workload: ReLU MLP n=100, n_in=n_out=10, d in {${DEPTHS}}; ${cpus()[0]?.model}, ${cores} cores, node ${process.version}\n`,
  );
  console.log(
    "workload    engine          threads  samples/depth   wall s   samples/s   peak MiB   figure s   speed-up vs NumPy peer",
  );
  const table = rows.map((r) => {
    const peer = peerOf(r);
    const ratio = peer && !r.engine.startsWith("numpy") ? peer.figureSeconds / r.figureSeconds : Number.NaN;
    const rate = (r.samples * (r.workload === "hayou" ? 1 : DEPTHS.length)) / r.seconds;
    console.log(
      `${r.workload.padEnd(11)} ${r.engine.padEnd(15)} ${String(r.threads).padStart(7)}  ${String(r.samples).padStart(13)}  ${r.seconds.toFixed(3).padStart(7)}  ${rate.toExponential(2).padStart(10)}  ${r.maxRssMiB.toFixed(0).padStart(9)}  ${r.figureSeconds.toFixed(2).padStart(9)}   ${Number.isNaN(ratio) ? "" : `${ratio.toFixed(2)}x`}`,
    );
    return { ...r, samplesPerSecond: rate, speedupVsPeer: ratio };
  });
  console.log(
    "\n'figure s' is the time for the whole workload (notes' figure: 2^15 samples at each depth; hayou: 10^4 networks of n = 100, L = 1000), extrapolated linearly where fewer samples were run.\n'experiment' includes the theory curves (exact density by characteristic-function inversion) and the KS/W1 fits. The hayou speed-up compares with the NumPy dense peer (fresh weights per network).",
  );
  writeFileSync(
    "bench/results.json",
    `${JSON.stringify({ date: new Date().toISOString(), machine: { cpu: cpus()[0]?.model, cores, node: process.version }, rows: table }, null, 2)}\n`,
  );
  console.log("wrote bench/results.json");
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
