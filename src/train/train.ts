/**
 * Mini-batch training and evaluation (isomorphic). The order of the examples in epoch e is a
 * Fisher-Yates shuffle from the stream (seed, e, 9), so a run is bit-identical for the same seed, and a
 * run resumed from an epoch checkpoint (parameters, optimiser moments and step count) is bit-identical
 * to the uninterrupted one.
 */
import { Rng } from "../rng/rng.js";
import type { Dataset } from "./data.js";
import { type MarionNet, softmaxCrossEntropy } from "./model.js";
import type { Optimizer } from "./optim.js";

export interface EpochStats {
  epoch: number;
  lr: number;
  loss: number;
  accuracy: number;
  /** Per batch (training curves). */
  batchLoss: number[];
  batchAccuracy: number[];
}

export function shuffledOrder(n: number, seed: number, epoch: number): Uint32Array {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed, epoch, 9);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** One epoch of training; the optimiser's learning rate is set for this epoch first. */
export function trainEpoch(
  net: MarionNet,
  opt: Optimizer,
  data: Dataset,
  opts: { seed: number; epoch: number; onBatch?: (done: number, total: number, loss: number) => void },
): EpochStats {
  opt.setEpoch(opts.epoch);
  const order = shuffledOrder(data.n, opts.seed, opts.epoch);
  const B = net.batch;
  const logits = new Float64Array(B * net.classes);
  let loss = 0;
  let correct = 0;
  const batchLoss: number[] = [];
  const batchAccuracy: number[] = [];
  for (let s = 0; s < data.n; s += B) {
    const m = Math.min(B, data.n - s);
    const idx = order.subarray(s, s + m);
    net.zeroGrad();
    net.forward(data.x, idx, m, logits);
    const r = net.backward(data.x, data.y, idx, m, logits);
    opt.step();
    loss += r.loss * m;
    correct += r.correct;
    batchLoss.push(r.loss);
    batchAccuracy.push(r.correct / m);
    opts.onBatch?.(s + m, data.n, r.loss);
  }
  return {
    epoch: opts.epoch,
    lr: opt.lr,
    loss: loss / data.n,
    accuracy: correct / data.n,
    batchLoss,
    batchAccuracy,
  };
}

/** Loss and accuracy on a data set (no parameter change). */
export function evaluate(net: MarionNet, data: Dataset): { loss: number; accuracy: number } {
  const B = net.batch;
  const logits = new Float64Array(B * net.classes);
  const idx = new Uint32Array(B);
  let loss = 0;
  let correct = 0;
  for (let s = 0; s < data.n; s += B) {
    const m = Math.min(B, data.n - s);
    for (let i = 0; i < m; i++) idx[i] = s + i;
    net.forward(data.x, idx, m, logits);
    for (let c = 0; c < m; c++) {
      const r = softmaxCrossEntropy(logits.subarray(c * net.classes, (c + 1) * net.classes), data.y[s + c]);
      loss += r.loss;
      if (r.correct) correct++;
    }
  }
  return { loss: loss / data.n, accuracy: correct / data.n };
}

/** A unit's saved progress: JSON metadata and the large arrays (parameters, optimiser moments). */
export interface Checkpoint {
  meta: Record<string, unknown>;
  arrays: Float64Array[];
}

export interface CurvePoint {
  epoch: number;
  batch: number;
  metric: "batch loss" | "batch accuracy";
  value: number;
}

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  loss: number;
  accuracy: number;
}

/**
 * Train for `epochs` epochs, evaluating on `test` after each. With `checkpoint`, the state after every
 * epoch but the last is saved, and a run that finds saved progress continues from it (same result, bit
 * for bit).
 */
export function trainRun(
  net: MarionNet,
  opt: Optimizer,
  train: Dataset,
  test: Dataset,
  opts: {
    seed: number;
    epochs: number;
    checkpoint?: { load(): Checkpoint | undefined; save(c: Checkpoint): void };
    onEpoch?: (done: number, total: number) => void;
    /** Training examples processed so far (over all epochs) and in all. */
    onExamples?: (done: number, total: number) => void;
  },
): { curve: CurvePoint[]; epochs: EpochRecord[] } {
  let curve: CurvePoint[] = [];
  let epochs: EpochRecord[] = [];
  let start = 0;
  const saved = opts.checkpoint?.load();
  if (saved) {
    const state = [...net.params.map((p) => p.value), ...opt.state()];
    const ok =
      saved.arrays.length === state.length && saved.arrays.every((a, i) => a.length === state[i].length);
    if (!ok) throw new Error("training checkpoint does not match the model and optimiser (stale file?)");
    state.forEach((a, i) => a.set(saved.arrays[i]));
    opt.restore(saved.arrays.slice(net.params.length), saved.meta.steps as number);
    curve = saved.meta.curve as CurvePoint[];
    epochs = saved.meta.epochs as EpochRecord[];
    start = epochs.length;
  }
  for (let e = start; e < opts.epochs; e++) {
    const st = trainEpoch(net, opt, train, {
      seed: opts.seed,
      epoch: e,
      onBatch: (done) => opts.onExamples?.(e * train.n + done, opts.epochs * train.n),
    });
    st.batchLoss.forEach((loss, b) => {
      const batch = e * st.batchLoss.length + b;
      curve.push({ epoch: e, batch, metric: "batch loss", value: loss });
      curve.push({ epoch: e, batch, metric: "batch accuracy", value: st.batchAccuracy[b] });
    });
    epochs.push({ epoch: e, trainLoss: st.loss, trainAccuracy: st.accuracy, ...evaluate(net, test) });
    // After the last epoch the caller keeps the result itself (a memo): no checkpoint to write.
    if (e + 1 < opts.epochs)
      opts.checkpoint?.save({
        meta: { steps: opt.stepCount(), curve, epochs },
        arrays: [...net.params.map((p) => p.value), ...opt.state()],
      });
    opts.onEpoch?.(e + 1, opts.epochs);
  }
  return { curve, epochs };
}
