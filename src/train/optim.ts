/** Optimisers over parameter groups (in place) and the step learning-rate schedule (PyTorch's StepLR). */
import type { ParamGroup } from "./model.js";

export interface OptimizerSpec {
  kind: "adam" | "sgd";
  lr: number;
  /** SGD momentum (default 0). */
  momentum?: number;
  /** StepLR: multiply the learning rate by gamma every stepSize epochs (default: never). */
  stepSize?: number;
  gamma?: number;
}

export interface Optimizer {
  step(): void;
  /** Learning rate for the given 0-based epoch. */
  setEpoch(epoch: number): void;
  readonly lr: number;
  /** Internal state, for checkpoints (one array per group and moment). */
  state(): Float64Array[];
  stepCount(): number;
  restore(state: Float64Array[], steps: number): void;
}

export function makeOptimizer(params: ParamGroup[], spec: OptimizerSpec): Optimizer {
  const base = spec.lr;
  let lr = base;
  let t = 0;
  const m = params.map((p) => new Float64Array(p.value.length));
  const v = spec.kind === "adam" ? params.map((p) => new Float64Array(p.value.length)) : [];
  const b1 = 0.9;
  const b2 = 0.999;
  const eps = 1e-8;
  const mom = spec.momentum ?? 0;
  return {
    get lr() {
      return lr;
    },
    setEpoch(epoch: number) {
      const k = spec.stepSize ? Math.floor(epoch / spec.stepSize) : 0;
      lr = base * (spec.gamma ?? 0.1) ** k;
    },
    step() {
      t++;
      if (spec.kind === "adam") {
        // Adam (Kingma & Ba) with bias correction, as torch.optim.Adam.
        const c1 = 1 - b1 ** t;
        const c2 = 1 - b2 ** t;
        params.forEach((p, i) => {
          const mi = m[i];
          const vi = v[i];
          const w = p.value;
          const g = p.grad;
          for (let j = 0; j < w.length; j++) {
            mi[j] = b1 * mi[j] + (1 - b1) * g[j];
            vi[j] = b2 * vi[j] + (1 - b2) * g[j] * g[j];
            w[j] -= (lr * (mi[j] / c1)) / (Math.sqrt(vi[j] / c2) + eps);
          }
        });
      } else {
        params.forEach((p, i) => {
          const buf = m[i];
          const w = p.value;
          const g = p.grad;
          for (let j = 0; j < w.length; j++) {
            buf[j] = mom * buf[j] + g[j];
            w[j] -= lr * (mom > 0 ? buf[j] : g[j]);
          }
        });
      }
    },
    state: () => [...m, ...v],
    stepCount: () => t,
    restore(state, steps) {
      [...m, ...v].forEach((a, i) => a.set(state[i]));
      t = steps;
    },
  };
}
