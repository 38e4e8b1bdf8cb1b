/**
 * Training runs of the training experiments (Marion et al.'s Figs 8-9): one res-1 network trained on
 * MNIST with Adam and StepLR, resumable through the experiment context's checkpoints, memoised per unit.
 */
import { marionFamily } from "../families/marion/index.js";
import type { ExperimentContext } from "../runner/types.js";
import { presetSpec } from "../spec/index.js";
import { type Dataset, subset } from "./data.js";
import { MarionNet } from "./model.js";
import { makeOptimizer } from "./optim.js";
import { type Checkpoint, trainRun } from "./train.js";

export function mnist(ctx: ExperimentContext): { train: Dataset; test: Dataset; source: string } {
  if (!ctx.data) throw new Error("this experiment trains on MNIST files: run it from the command line");
  return ctx.data("mnist");
}

/**
 * Single-core seconds to train res-1 (d = 30, L = 1000) on n MNIST examples for some epochs and evaluate
 * on testN: 0.144 s per batch of 128 with the backward pass, ~0.05 s forward only (docs/training.md).
 */
export function trainingSeconds(n: number, epochs: number, testN: number): number {
  return epochs * (Math.ceil(n / 128) * 0.144 + Math.ceil(testN / 128) * 0.05);
}

/** ctx.memo where the context has one, else compute; undefined: another shard computes this unit. */
export function memo<T>(ctx: ExperimentContext, key: string, compute: () => T): T | undefined {
  return ctx.memo ? ctx.memo(key, compute) : compute();
}

/** Mean over entries of sum_k (V_{k+1} - V_k)^2 / sum_k V_k^2: about 2 for iid paths, small for smooth ones. */
export function roughness(net: MarionNet): number {
  const { d, L } = net;
  const V = net.params.find((p) => p.name === "V")!.value;
  const dd = d * d;
  let acc = 0;
  for (let e = 0; e < dd; e++) {
    let inc = 0;
    let sq = 0;
    for (let k = 0; k < L; k++) {
      const v = V[k * dd + e];
      sq += v * v;
      if (k + 1 < L) inc += (V[(k + 1) * dd + e] - v) ** 2;
    }
    acc += inc / sq;
  }
  return acc / dd;
}

export interface TrainSetup {
  beta: number;
  correlation: Record<string, unknown>;
  lr: number;
  epochs: number;
  trainN: number;
  testN: number;
  seed: number;
}

/** One training run; with ctx.checkpoints, its epochs are saved under `key` and an interrupted run resumes. */
export function trainOne(
  ctx: ExperimentContext,
  key: string,
  data: { train: Dataset; test: Dataset },
  s: TrainSetup,
) {
  const spec = marionFamily.parse({
    ...presetSpec("marion-res1"),
    nIn: data.train.features,
    beta: s.beta,
    correlation: s.correlation,
  });
  const net = new MarionNet(spec, data.train.classes, { batch: 128, seed: s.seed });
  const opt = makeOptimizer(net.params, { kind: "adam", lr: s.lr, stepSize: 5, gamma: 0.1 });
  const store = ctx.checkpoints;
  const progress = ctx.progress?.(
    `${key.split(":")[0]} beta ${s.beta} ${JSON.stringify(s.correlation)} lr ${s.lr}`,
    "examples",
  );
  const { curve, epochs } = trainRun(net, opt, subset(data.train, s.trainN), subset(data.test, s.testN), {
    seed: s.seed,
    epochs: s.epochs,
    onExamples: progress?.update,
    ...(store
      ? { checkpoint: { load: () => store.load(key), save: (c: Checkpoint) => store.save(key, c) } }
      : {}),
  });
  progress?.done();
  store?.drop(key);
  return { net, curve, epochs, final: epochs[epochs.length - 1] };
}
