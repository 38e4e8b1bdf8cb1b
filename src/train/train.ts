/**
 * Mini-batch training and evaluation (isomorphic). The order of the examples in epoch e is a
 * Fisher-Yates shuffle from the stream (seed, e, 9), so a run is bit-identical for the same seed.
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
