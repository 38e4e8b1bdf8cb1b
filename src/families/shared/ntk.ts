/**
 * The neural tangent kernel's observables (docs/theory/ntk.md §1), shared by every family that has them.
 *
 * For the scalar output f = z^out_1 (or the family's fixed readout) and the parameters theta = the
 * unit-variance weight entries (NTK parametrisation: the scale factors are part of the network),
 *   K(x, x') = sum_theta df(x)/dtheta df(x')/dtheta = sum over weight matrices W of <delta_a, delta_b> <h_a, h_b> c^2,
 * where delta = df/d(the matrix's output), h its input and c its scale. Observables:
 *   ntk            K(x_a, x_a) for input a (`@a`)
 *   logNtk         ln K(x_a, x_a)
 *   ntkLayer[l]    the contribution of the weights of layer l (W^0 .. W^d) to K(x_a, x_a)
 *   ntkOut         the contribution of the readout weights (families with random readout weights)
 *   ntkCross       K(x_a, x_b): `@b` pairs input 0 with b (default 1), `@a,b` any two inputs
 *   ntkCos         K(x_a, x_b) / sqrt(K(x_a, x_a) K(x_b, x_b))
 */
import type { Observable } from "../../engines/observables.js";

/** An observable declaration that fits every family (no spec-dependent default layer). */
type NtkDef = { layer: "none" | "required"; label: string; pairsInputs?: boolean };

export const NTK_OBSERVABLES: Record<string, NtkDef> = {
  ntk: { layer: "none", label: "K(x,x)" },
  logNtk: { layer: "none", label: "ln K(x,x)" },
  ntkLayer: { layer: "required", label: "K_l(x,x) (weights of layer l)" },
  ntkOut: { layer: "none", label: "K_out(x,x) (readout weights)" },
  ntkCross: { layer: "none", label: "K(x,x')", pairsInputs: true },
  ntkCos: { layer: "none", label: "K(x,x') / sqrt(K(x,x) K(x',x'))", pairsInputs: true },
};

export const NTK_NAMES = Object.keys(NTK_OBSERVABLES);

export const isNtk = (o: Observable) => o.name in NTK_OBSERVABLES;

/** Whether any requested observable is an NTK observable. */
export const wantsNtk = (observables: readonly Observable[]) => observables.some(isNtk);

/**
 * The NTK's Gram matrices per parameter group for k inputs: groups 0..d are the weight matrices of
 * layers 0..d, group d+1 the readout. `add(group, a, b, v)` accumulates the symmetric entry.
 */
export class NtkGram {
  readonly parts: Float64Array;
  constructor(
    readonly k: number,
    readonly groups: number,
  ) {
    this.parts = new Float64Array(groups * k * k);
  }
  clear() {
    this.parts.fill(0);
  }
  set(group: number, a: number, b: number, v: number) {
    const k = this.k;
    this.parts[group * k * k + a * k + b] = v;
    this.parts[group * k * k + b * k + a] = v;
  }
  part(group: number, a: number, b: number): number {
    return this.parts[group * this.k * this.k + a * this.k + b];
  }
  total(a: number, b: number): number {
    let s = 0;
    for (let g = 0; g < this.groups; g++) s += this.part(g, a, b);
    return s;
  }
}

/**
 * Write the requested NTK observables from the Gram parts; `outGroup` is the readout's group (or -1
 * when the family's readout is fixed). Non-finite parts propagate (never replaced).
 */
export function writeNtk(
  observables: readonly Observable[],
  gram: NtkGram,
  outGroup: number,
  out: Float64Array,
): void {
  observables.forEach((o, slot) => {
    switch (o.name) {
      case "ntk":
        out[slot] = gram.total(o.input, o.input);
        break;
      case "logNtk":
        out[slot] = Math.log(gram.total(o.input, o.input));
        break;
      case "ntkLayer":
        out[slot] = gram.part(o.layer!, o.input, o.input);
        break;
      case "ntkOut":
        out[slot] = outGroup >= 0 ? gram.part(outGroup, o.input, o.input) : 0;
        break;
      case "ntkCross":
        out[slot] = gram.total(o.pair ?? 0, o.input);
        break;
      case "ntkCos": {
        const a = o.pair ?? 0;
        out[slot] = gram.total(a, o.input) / Math.sqrt(gram.total(a, a) * gram.total(o.input, o.input));
        break;
      }
    }
  });
}

/** <x[off..off+n), y[off..off+n)>. */
export function dotAt(x: Float64Array, y: Float64Array, off: number, n: number): number {
  let s = 0;
  for (let i = off; i < off + n; i++) s += x[i] * y[i];
  return s;
}

/** <x_a, x_b> over n entries of two vectors stored with stride n in xs. */
export function dotRows(xs: Float64Array, a: number, b: number, n: number): number {
  let s = 0;
  const pa = a * n;
  const pb = b * n;
  for (let i = 0; i < n; i++) s += xs[pa + i] * xs[pb + i];
  return s;
}
