/** Training (issue 10 foundations): gradients, data loaders, a separable problem, determinism. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Rng } from "../src/rng/rng.js";
import { parseSpec } from "../src/spec/index.js";
import type { MarionSpec } from "../src/spec/index.js";
import {
  DataError,
  type Dataset,
  idxDataset,
  parseCifarBatches,
  parseIdxImages,
  parseIdxLabels,
  toIdx,
} from "../src/train/data.js";
import { MarionNet } from "../src/train/model.js";
import { makeOptimizer } from "../src/train/optim.js";
import { type Checkpoint, evaluate, trainEpoch, trainRun } from "../src/train/train.js";

const spec = (extra: Record<string, unknown>) =>
  parseSpec({
    family: "marion",
    model: "res1",
    width: 4,
    depth: 5,
    nIn: 6,
    beta: 0.5,
    ...extra,
  }) as MarionSpec;

function randomData(n: number, features: number, classes: number, seed: number): Dataset {
  const r = new Rng(seed);
  const x = Float64Array.from({ length: n * features }, () => r.uniform());
  const y = Uint8Array.from({ length: n }, () => Math.floor(r.uniform() * classes));
  return { x, y, n, features, classes };
}

describe("training gradients", () => {
  const cases: [string, Record<string, unknown>, boolean][] = [
    ["res-1, tanh, with biases", { model: "res1", activation: "tanh" }, true],
    ["res-3, tanh, with biases", { model: "res3", activation: "tanh" }, true],
    ["res-3, relu, fBM init", { model: "res3", correlation: { kind: "fbm", H: 0.7 } }, true],
    ["res-1, relu, no biases", { model: "res1", weights: { law: "gaussian" } }, false],
  ];
  for (const [name, extra, biases] of cases) {
    it(`backward matches central finite differences: ${name}`, () => {
      const net = new MarionNet(spec(extra), 3, { batch: 4, biases, seed: 2 });
      const data = randomData(3, 6, 3, 5);
      // Biases start at zero; move them so that their gradient path is exercised at a generic point.
      const b = net.params.find((p) => p.name === "b");
      if (b) b.value.forEach((_, i) => (b.value[i] = 0.1 * Math.sin(i + 1)));
      const idx = Uint32Array.from([0, 1, 2]);
      const logits = new Float64Array(4 * 3);
      const lossAt = () => {
        net.forward(data.x, idx, 3, logits);
        return net.backward(data.x, data.y, idx, 3, logits).loss;
      };
      net.zeroGrad();
      lossAt();
      const grads = net.params.map((p) => Float64Array.from(p.grad));
      const h = 1e-6;
      let checked = 0;
      net.params.forEach((p, gi) => {
        for (const j of [0, Math.floor(p.value.length / 2), p.value.length - 1]) {
          const w0 = p.value[j];
          p.value[j] = w0 + h;
          net.zeroGrad();
          const up = lossAt();
          p.value[j] = w0 - h;
          net.zeroGrad();
          const down = lossAt();
          p.value[j] = w0;
          const fd = (up - down) / (2 * h);
          expect(Math.abs(fd - grads[gi][j]), `${p.name}[${j}]: fd ${fd} vs ${grads[gi][j]}`).toBeLessThan(
            1e-6 + 1e-5 * Math.abs(fd),
          );
          checked++;
        }
      });
      expect(checked).toBe(3 * net.params.length);
      expect(net.params.map((p) => p.name)).toEqual([
        "A",
        "V",
        ...(extra.model === "res3" ? ["W"] : []),
        ...(biases ? ["b"] : []),
        "B",
      ]);
    });
  }
});

describe("trainable MLP and Hayou presets", () => {
  it("map to res-1 with and without the skip; their gradients match finite differences", async () => {
    const { trainableNet } = await import("../src/train/model.js");
    const { presetSpec } = await import("../src/spec/index.js");
    for (const [name, s] of [
      ["nica-mlp", { ...presetSpec("nica-mlp"), width: 5, depth: 4, nIn: 6, activation: "tanh" }],
      ["hayou-resnet", { ...presetSpec("hayou-resnet"), width: 5, depth: 6, nIn: 6, activation: "tanh" }],
    ] as const) {
      const net = trainableNet(parseSpec(s), 3, { batch: 4, seed: 1 });
      expect(net.skip, name).toBe(name === "nica-mlp" ? 0 : 1);
      expect(net.alpha, name).toBeCloseTo(name === "nica-mlp" ? Math.SQRT2 : Math.sqrt(1 / 6), 14);
      const data = randomData(3, 6, 3, 7);
      const idx = Uint32Array.from([0, 1, 2]);
      const logits = new Float64Array(12);
      const lossAt = () => {
        net.zeroGrad();
        net.forward(data.x, idx, 3, logits);
        return net.backward(data.x, data.y, idx, 3, logits).loss;
      };
      lossAt();
      const V = net.params.find((p) => p.name === "V")!;
      const g = V.grad[7];
      const w0 = V.value[7];
      V.value[7] = w0 + 1e-6;
      const up = lossAt();
      V.value[7] = w0 - 1e-6;
      const down = lossAt();
      V.value[7] = w0;
      expect(Math.abs((up - down) / 2e-6 - g), name).toBeLessThan(1e-6 + 1e-5 * Math.abs(g));
    }
    expect(() =>
      trainableNet(parseSpec({ ...presetSpec("nica-mlp"), weights: { law: "rademacher" } }), 2, { batch: 2 }),
    ).toThrow(/Gaussian or uniform weights, not rademacher/);
  });
});

describe("data loaders", () => {
  it("IDX round trip, and truncated or malformed files are rejected with the reason", () => {
    const d = randomData(10, 6, 4, 1);
    const { images, labels } = toIdx(d, 2, 3);
    const back = idxDataset(images, labels, ["im", "lab"]);
    expect([back.n, back.features, back.classes]).toEqual([10, 6, 4]);
    expect(Array.from(back.y)).toEqual(Array.from(d.y));
    back.x.forEach((v, i) => expect(Math.abs(v - d.x[i])).toBeLessThanOrEqual(0.5 / 255 + 1e-12));
    expect(() => parseIdxImages(images.slice(0, -5), "train-images")).toThrow(
      /train-images: truncated IDX file: dimensions 10 x 2 x 3 need 76 bytes, the file has 71/,
    );
    expect(() => parseIdxImages(images.slice(0, 9), "x")).toThrow(/truncated IDX file \(9 bytes/);
    expect(() => parseIdxLabels(images, "y")).toThrow(DataError);
    expect(() => parseIdxLabels(images, "y")).toThrow(/not an IDX file of unsigned bytes with 1 dimension/);
    expect(() =>
      idxDataset(images, toIdx({ ...d, n: 9, y: d.y.subarray(0, 9), x: d.x.subarray(0, 54) }, 2, 3).labels),
    ).toThrow(/labels has 9 labels but images has 10 images/);
  });
  it("CIFAR-10 binary batches: records parsed, a truncated batch rejected", () => {
    const rec = new Uint8Array(2 * 3073);
    rec[0] = 7;
    rec[1] = 255;
    rec[3073] = 2;
    rec[3073 + 3072] = 51;
    const d = parseCifarBatches([{ bytes: rec, name: "data_batch_1.bin" }]);
    expect([d.n, d.features, d.classes, d.y[0], d.y[1], d.x[0], d.x[3072 + 3071]]).toEqual([
      2, 3072, 10, 7, 2, 1, 0.2,
    ]);
    expect(() => parseCifarBatches([{ bytes: rec.slice(0, 5000), name: "data_batch_2.bin" }])).toThrow(
      /data_batch_2.bin: not a CIFAR-10 binary batch \(5000 bytes is not a multiple of the 3073-byte record; truncated\?\)/,
    );
  });
});

/** A small MNIST-like folder: 96 training and 40 test examples of 2 x 3 pixels, 3 classes, as IDX files. */
function writeMnistLike(dir: string): void {
  const write = (d: Dataset, prefix: string) => {
    const { images, labels } = toIdx(d, 2, 3);
    writeFileSync(join(dir, `${prefix}-images-idx3-ubyte`), images);
    writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte`), labels);
  };
  write(randomData(96, 6, 3, 1), "train");
  write(randomData(40, 6, 3, 2), "t10k");
}

describe("training", () => {
  /** Two classes separated by a hyperplane with a margin, as 4 x 4 images in IDX files. */
  function separable(n: number, seed: number): Dataset {
    const r = new Rng(seed);
    const w = Float64Array.from({ length: 16 }, (_, i) => Math.cos(1.7 * i + 0.3));
    const x: number[] = [];
    const y: number[] = [];
    while (y.length < n) {
      const v = Array.from({ length: 16 }, () => r.uniform());
      let s = 0;
      v.forEach((a, i) => (s += w[i] * (a - 0.5)));
      if (Math.abs(s) < 0.15) continue; // margin
      x.push(...v);
      y.push(s > 0 ? 1 : 0);
    }
    const d = { x: Float64Array.from(x), y: Uint8Array.from(y), n, features: 16, classes: 2 };
    const { images, labels } = toIdx(d, 4, 4);
    return idxDataset(images, labels);
  }
  it("one epoch on a linearly separable data set (IDX files) reaches > 95% test accuracy", () => {
    const train = separable(3000, 1);
    const test = separable(1000, 2);
    const net = new MarionNet(spec({ width: 16, depth: 20, nIn: 16 }), 2, { batch: 32, seed: 3 });
    const opt = makeOptimizer(net.params, { kind: "adam", lr: 0.01 });
    const before = evaluate(net, test);
    const st = trainEpoch(net, opt, train, { seed: 4, epoch: 0 });
    const after = evaluate(net, test);
    expect(st.batchLoss.length).toBe(Math.ceil(3000 / 32));
    expect(after.accuracy, `accuracy ${after.accuracy} (before ${before.accuracy})`).toBeGreaterThan(0.95);
    expect(after.loss).toBeLessThan(before.loss);
  });
  it("training is bit-identical for the same seed (Adam and SGD with momentum and a step schedule)", () => {
    const data = randomData(200, 6, 3, 9);
    const run = (seed: number, kind: "adam" | "sgd") => {
      const net = new MarionNet(spec({ model: "res3", depth: 8 }), 3, { batch: 16, seed, biases: true });
      const opt = makeOptimizer(net.params, { kind, lr: 0.05, momentum: 0.9, stepSize: 1, gamma: 0.5 });
      const s0 = trainEpoch(net, opt, data, { seed, epoch: 0 });
      const s1 = trainEpoch(net, opt, data, { seed, epoch: 1 });
      expect(s1.lr).toBeCloseTo(0.025, 15);
      return [s0.loss, s1.loss, ...net.params.flatMap((p) => Array.from(p.value))];
    };
    for (const kind of ["adam", "sgd"] as const) {
      const a = run(1, kind);
      expect(run(1, kind)).toEqual(a);
      expect(run(2, kind)).not.toEqual(a);
    }
  });
});

describe("epoch checkpoints", () => {
  it("a run interrupted after an epoch and resumed from its checkpoint equals the uninterrupted run", () => {
    const train = randomData(120, 6, 3, 11);
    const test = randomData(50, 6, 3, 12);
    const fresh = () => {
      const net = new MarionNet(spec({ model: "res3", depth: 6 }), 3, { batch: 16, seed: 5, biases: true });
      const opt = makeOptimizer(net.params, { kind: "adam", lr: 0.02, stepSize: 2, gamma: 0.5 });
      return { net, opt };
    };
    const a = fresh();
    const whole = trainRun(a.net, a.opt, train, test, { seed: 5, epochs: 4 });
    // Interrupted: the process dies after saving epoch 2 (the save throws from then on).
    let saved: Checkpoint | undefined;
    const b = fresh();
    expect(() =>
      trainRun(b.net, b.opt, train, test, {
        seed: 5,
        epochs: 4,
        checkpoint: {
          load: () => undefined,
          save: (c) => {
            if (saved && (saved.meta.epochs as unknown[]).length === 2) throw new Error("killed");
            saved = { meta: JSON.parse(JSON.stringify(c.meta)), arrays: c.arrays.map((x) => x.slice()) };
          },
        },
      }),
    ).toThrow("killed");
    expect((saved!.meta.epochs as unknown[]).length).toBe(2);
    const c = fresh(); // a new process: fresh initialisation, then the checkpoint
    let epochsRun = 0;
    const resumed = trainRun(c.net, c.opt, train, test, {
      seed: 5,
      epochs: 4,
      checkpoint: { load: () => saved, save: () => {} },
      onEpoch: () => epochsRun++,
    });
    expect(epochsRun).toBe(2);
    expect(resumed).toEqual(whole);
    c.net.params.forEach((p, i) => expect(p.value).toEqual(a.net.params[i].value));
    // A checkpoint of another model is refused, not silently used.
    const other = new MarionNet(spec({ depth: 3 }), 3, { batch: 16, seed: 5 });
    expect(() =>
      trainRun(other, makeOptimizer(other.params, { kind: "adam", lr: 0.1 }), train, test, {
        seed: 5,
        epochs: 4,
        checkpoint: { load: () => saved, save: () => {} },
      }),
    ).toThrow(/checkpoint does not match/);
  });

  it("checkpoint files round-trip (any buffer offset), name their key, and are read only when resuming", async () => {
    const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { checkpointFile, decodeCheckpoint, encodeCheckpoint, fileCheckpoints } =
      await import("../src/node/memo.js");
    const c: Checkpoint = {
      meta: { steps: 7, loss: Number.NaN, curve: [{ value: -Infinity }] },
      arrays: [Float64Array.of(1.5, -2, Number.NaN), new Float64Array(0), Float64Array.of(1e-300)],
    };
    const bytes = encodeCheckpoint("k1", c);
    const shifted = new Uint8Array(bytes.length + 3).subarray(3);
    shifted.set(bytes);
    for (const b of [bytes, shifted]) expect(decodeCheckpoint("k1", b)).toEqual(c);
    expect(decodeCheckpoint("k2", bytes)).toBeUndefined();
    expect(decodeCheckpoint("k1", bytes.subarray(0, bytes.length - 8))).toBeUndefined(); // truncated
    const dir = mkdtempSync(join(tmpdir(), "deeplimits-ckpt-"));
    try {
      fileCheckpoints(dir, false).save("k1", c);
      expect(readFileSync(checkpointFile(dir, "k1")).length).toBe(bytes.length);
      expect(fileCheckpoints(dir, false).load("k1")).toBeUndefined(); // a fresh run starts over
      expect(fileCheckpoints(dir, true).load("k1")).toEqual(c);
      writeFileSync(checkpointFile(dir, "k1"), "garbage");
      expect(fileCheckpoints(dir, true).load("k1")).toBeUndefined();
      fileCheckpoints(dir, true).drop("k1");
      expect(fileCheckpoints(dir, true).load("k1")).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("sharded training experiments", () => {
  it("the accuracy heatmap in 3 shards, merged, equals the unsharded run; a missing shard is refused", async () => {
    const { mkdtempSync, readdirSync, readFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { spawnSync } = await import("node:child_process");
    const dir = mkdtempSync(join(tmpdir(), "deeplimits-train-shards-"));
    const cli = new URL("../dist/src/node/cli.js", import.meta.url).pathname;
    const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
    try {
      writeMnistLike(dir);
      const common = ["marion/accuracy-heatmap", "--data", dir, "--samples", "64", "--seed", "3", "--json"];
      const whole = run("run", ...common, "--out", join(dir, "whole"));
      expect(whole.status, whole.stderr).toBe(0);
      const unitCounts: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = run("run", ...common, "--shard", `${i}/3`, "--out", join(dir, "shards"));
        expect(r.status, r.stderr).toBe(0);
        unitCounts.push(JSON.parse(r.stdout).units as number);
      }
      expect(unitCounts).toEqual([6, 6, 6]); // 3 x 3 cells x 2 learning rates, dealt round-robin
      const shards = readdirSync(join(dir, "shards"))
        .filter((f) => f.endsWith(".dlshard"))
        .map((f) => join(dir, "shards", f));
      expect(shards.length).toBe(3);
      expect(readdirSync(join(dir, "shards"))).not.toContain(".checkpoints"); // cleared
      const m = run("merge", ...shards, "--out", join(dir, "merged"), "--json");
      expect(m.status, m.stderr).toBe(0);
      const results = (d: string) => JSON.parse(readFileSync(join(dir, d, "result.json"), "utf8")).results;
      expect(results("merged")).toEqual(results("whole"));
      const bad = run("merge", ...shards.slice(1), "--out", join(dir, "bad"));
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/the shards lack a training unit this experiment needs: give every shard/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("training experiments on generated IDX files", () => {
  it("loadMnist reads a folder of IDX files; the accuracy heatmap runs end to end on it; a missing folder exits 2", async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { spawnSync } = await import("node:child_process");
    const { loadMnist } = await import("../src/node/data.js");
    const marionAccuracyHeatmap = (await import("../src/experiments/index.js")).findExperiment(
      "marion/accuracy-heatmap",
    )!;
    const dir = mkdtempSync(join(tmpdir(), "deeplimits-idx-"));
    try {
      writeMnistLike(dir);
      const m = loadMnist(dir);
      expect([m.train.n, m.test.n, m.train.features, m.source]).toEqual([96, 40, 6, dir]);
      const out = await marionAccuracyHeatmap.run(
        { simulate: () => Promise.reject(new Error("no simulation")), data: () => loadMnist(dir) },
        { samples: 64 },
      );
      const cells = (out.results as { cells: { accuracy: number; lr: number }[] }).cells;
      expect(cells.length).toBe(9);
      for (const c of cells) {
        expect(c.accuracy).toBeGreaterThanOrEqual(0);
        expect(c.accuracy).toBeLessThanOrEqual(1);
        expect([1e-3, 1e-2]).toContain(c.lr);
      }
      const cli = new URL("../dist/src/node/cli.js", import.meta.url).pathname;
      const r = spawnSync(
        process.execPath,
        [cli, "run", "marion/trained-weights", "--data", join(dir, "none")],
        {
          encoding: "utf8",
        },
      );
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/invalid input: MNIST: .*train-images-idx3-ubyte not found\. Give --data DIR/);
      // reproduce goes on and its report says what to provide.
      const rep = spawnSync(
        process.execPath,
        [
          cli,
          "reproduce",
          "--only",
          "marion/trained-weights",
          "--data",
          join(dir, "none"),
          "--out",
          join(dir, "rep"),
          "--json",
        ],
        { encoding: "utf8" },
      );
      expect(rep.status, rep.stderr).toBe(0);
      const { readFileSync } = await import("node:fs");
      expect(readFileSync(join(dir, "rep", "index.html"), "utf8")).toMatch(
        /Not run: MNIST: .*not found\. Give --data DIR/,
      );
      // Resumable: finished trainings are memoised by key; a second run with the same memo computes
      // nothing and gives the same cells.
      const store = new Map<string, unknown>();
      let computed = 0;
      const ctx = {
        simulate: () => Promise.reject(new Error("no simulation")),
        data: () => loadMnist(dir),
        memo: <T>(key: string, compute: () => T): T => {
          if (!store.has(key)) {
            computed++;
            store.set(key, JSON.parse(JSON.stringify(compute())));
          }
          return store.get(key) as T;
        },
      };
      const ckpt = { load: 0, save: 0, drop: 0 };
      const first = await marionAccuracyHeatmap.run(
        {
          ...ctx,
          checkpoints: {
            load: () => void ckpt.load++,
            save: () => void ckpt.save++,
            drop: () => void ckpt.drop++,
          },
        },
        { samples: 64 },
      );
      expect(computed).toBe(18);
      // Each run looks for saved progress, saves none (one epoch: nothing after the last) and is dropped.
      expect(ckpt).toEqual({ load: 18, save: 0, drop: 18 });
      const again = await marionAccuracyHeatmap.run(ctx, { samples: 64 });
      expect(computed).toBe(18);
      expect(again.results).toEqual(first.results);
      // The CLI's --resume reuses a unit saved under --out/.checkpoints (here a planted one).
      const { memoFile } = await import("../src/node/memo.js");
      const key = [...store.keys()][0];
      const runDir = join(dir, "run");
      const planted = { final: { accuracy: 0.999, loss: 0.001 } };
      const { mkdirSync } = await import("node:fs");
      mkdirSync(join(runDir, ".checkpoints"), { recursive: true });
      writeFileSync(memoFile(join(runDir, ".checkpoints"), key), JSON.stringify({ key, value: planted }));
      const args = [
        cli,
        "run",
        "marion/accuracy-heatmap",
        "--data",
        dir,
        "--samples",
        "64",
        "--out",
        runDir,
        "--json",
      ];
      const resumed = spawnSync(process.execPath, [...args, "--resume"], { encoding: "utf8" });
      expect(resumed.status, resumed.stderr).toBe(0);
      const { existsSync } = await import("node:fs");
      const cellsOf = () =>
        (
          JSON.parse(readFileSync(join(runDir, "result.json"), "utf8")).results as {
            cells: { accuracy: number }[];
          }
        ).cells;
      expect(cellsOf()[0].accuracy).toBe(0.999);
      expect(existsSync(join(runDir, ".checkpoints"))).toBe(false); // cleared after a finished run
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
