/** Reading Hayou observables from the state of k propagated inputs (shared by the three engines). */
import type { HayouSpec } from "./schema.js";
import type { Observable } from "../../engines/observables.js";

/** The fixed Y_0 of a spec (y0 field), as a vector of the width, or null when Y_0 = W_in x is drawn. */
export function fixedY0(spec: HayouSpec): Float64Array | null {
  if (spec.y0 === undefined) return null;
  return Array.isArray(spec.y0) ? Float64Array.from(spec.y0) : new Float64Array(spec.width).fill(spec.y0);
}

export interface HayouSlots {
  /** logPostNormGrowth at layer l: (input, slot). */
  growth: Map<number, [number, number][]>;
  active: Map<number, [number, number][]>;
  /** (second input, slot, first input). */
  corr: Map<number, [number, number, number][]>;
  grad: Map<number, [number, number][]>;
  /** meanActiveFraction at layer l: (input, slot). */
  meanActive: Map<number, [number, number][]>;
  collapsed: [number, number][];
  preact: [number, number][];
  /** Layers at which anything is read (besides the end). */
  layers: Set<number>;
}

function push<T>(m: Map<number, T[]>, l: number, v: T) {
  const a = m.get(l);
  if (a) a.push(v);
  else m.set(l, [v]);
}

export function hayouSlots(observables: readonly Observable[]): HayouSlots {
  const s: HayouSlots = {
    growth: new Map(),
    active: new Map(),
    corr: new Map(),
    grad: new Map(),
    meanActive: new Map(),
    collapsed: [],
    preact: [],
    layers: new Set(),
  };
  observables.forEach((o, slot) => {
    const l = o.layer ?? 0;
    if (o.name === "logPostNormGrowth") push(s.growth, l, [o.input, slot]);
    else if (o.name === "activeFraction") push(s.active, l, [o.input, slot]);
    else if (o.name === "corr") push(s.corr, l, [o.input, slot, o.pair ?? 0]);
    else if (o.name === "gradNorm") push(s.grad, l, [o.input, slot]);
    else if (o.name === "meanActiveFraction") push(s.meanActive, l, [o.input, slot]);
    else if (o.name === "collapsed") s.collapsed.push([o.input, slot]);
    else if (o.name === "preact") s.preact.push([o.input, slot]);
    if (["logPostNormGrowth", "activeFraction", "corr", "meanActiveFraction"].includes(o.name))
      s.layers.add(l);
  });
  return s;
}

/**
 * The running average of each input's active fraction (share of coordinates of Y > 0) over the layers
 * (or SDE steps) added so far: meanActiveFraction[l] averages layers 0..l-1, the left-point rule for
 * (1/t) int_0^t a_s ds (docs/theory/infinite-depth.md §3: the random drift of G_t).
 */
export class ActiveAverage {
  readonly sums: Float64Array;
  steps = 0;
  constructor(k: number) {
    this.sums = new Float64Array(k);
  }
  reset() {
    this.sums.fill(0);
    this.steps = 0;
  }
  add(Y: Float64Array, n: number) {
    for (let a = 0; a < this.sums.length; a++) {
      let c = 0;
      for (let i = 0; i < n; i++) if (Y[a * n + i] > 0) c++;
      this.sums[a] += c / n;
    }
    this.steps++;
  }
}

/** Write the layer-l observables, given Y (k x n, stride n) and ||phi(Y^a)|| in postNorm, ||phi(Y_0^a)|| in postNorm0. */
export function observeLayer(
  s: HayouSlots,
  l: number,
  Y: Float64Array,
  n: number,
  postNorm: Float64Array,
  postNorm0: Float64Array,
  out: Float64Array,
  avg: ActiveAverage | null = null,
): void {
  const ma = s.meanActive.get(l);
  if (ma) for (const [a, slot] of ma) out[slot] = avg && avg.steps > 0 ? avg.sums[a] / avg.steps : Number.NaN;
  const g = s.growth.get(l);
  if (g) for (const [a, slot] of g) out[slot] = Math.log(postNorm[a] / postNorm0[a]);
  const act = s.active.get(l);
  if (act) {
    for (const [a, slot] of act) {
      let c = 0;
      for (let i = 0; i < n; i++) if (Y[a * n + i] > 0) c++;
      out[slot] = c / n;
    }
  }
  const cr = s.corr.get(l);
  if (cr) {
    for (const [b, slot, a] of cr) {
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let i = 0; i < n; i++) {
        const u = Y[a * n + i];
        const v = Y[b * n + i];
        ab += u * v;
        aa += u * u;
        bb += v * v;
      }
      out[slot] = ab / Math.sqrt(aa * bb);
    }
  }
}
