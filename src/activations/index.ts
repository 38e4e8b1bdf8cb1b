/**
 * Activation functions. Each is described by a small JSON object (the spec form) and compiled to a
 * scalar function plus an in-place array map; positively homogeneous ones (phi(c x) = c phi(x) for
 * c > 0) are flagged, because the exact product engine relies on that property.
 */
import erf from "@stdlib/math-base-special-erf";

export type ActivationSpec =
  | { name: "relu" }
  | { name: "identity" }
  | { name: "linear"; a: number }
  | { name: "two-slope"; a: number; b: number }
  | { name: "tanh" }
  | { name: "gelu" }
  | { name: "silu" };

export const ACTIVATION_NAMES = ["relu", "identity", "linear", "two-slope", "tanh", "gelu", "silu"] as const;

export interface Activation {
  spec: ActivationSpec;
  /** phi(x). */
  f: (x: number) => number;
  /** out[i] = phi(x[i]) for i < n (out may alias x). */
  apply: (x: Float64Array, out: Float64Array, n: number) => void;
  /**
   * For positively homogeneous activations, the slopes (a for x > 0, b for x <= 0): phi(x) = a x^+ - b x^-
   * written as phi(x) = a x for x > 0 and b x for x <= 0. Null otherwise.
   */
  slopes: { a: number; b: number } | null;
}

function twoSlope(a: number, b: number): Pick<Activation, "f" | "apply"> {
  return {
    f: (x) => (x > 0 ? a * x : b * x),
    apply: (x, out, n) => {
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = v > 0 ? a * v : b * v;
      }
    },
  };
}

function pointwise(f: (x: number) => number): Pick<Activation, "f" | "apply"> {
  return {
    f,
    apply: (x, out, n) => {
      for (let i = 0; i < n; i++) out[i] = f(x[i]);
    },
  };
}

const SQRT1_2 = Math.SQRT1_2;

export function makeActivation(spec: ActivationSpec): Activation {
  switch (spec.name) {
    case "relu":
      return {
        spec,
        slopes: { a: 1, b: 0 },
        f: (x) => Math.max(x, 0),
        apply: (x, out, n) => {
          for (let i = 0; i < n; i++) {
            const v = x[i];
            out[i] = Math.max(v, 0);
          }
        },
      };
    case "identity":
      return { spec, slopes: { a: 1, b: 1 }, ...twoSlope(1, 1) };
    case "linear":
      return { spec, slopes: { a: spec.a, b: spec.a }, ...twoSlope(spec.a, spec.a) };
    case "two-slope":
      return { spec, slopes: { a: spec.a, b: spec.b }, ...twoSlope(spec.a, spec.b) };
    case "tanh":
      return { spec, slopes: null, ...pointwise(Math.tanh) };
    case "gelu":
      // Exact GELU: x Phi(x) = x (1 + erf(x / sqrt 2)) / 2.
      return { spec, slopes: null, ...pointwise((x) => 0.5 * x * (1 + erf(x * SQRT1_2))) };
    case "silu":
      return { spec, slopes: null, ...pointwise((x) => x / (1 + Math.exp(-x))) };
  }
}

/** A short human-readable label, e.g. "relu", "two-slope(1, 0.2)". */
export function activationLabel(spec: ActivationSpec): string {
  switch (spec.name) {
    case "linear":
      return `linear(${spec.a})`;
    case "two-slope":
      return `two-slope(${spec.a}, ${spec.b})`;
    default:
      return spec.name;
  }
}
