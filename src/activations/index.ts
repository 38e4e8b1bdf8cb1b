/**
 * Activation functions. Each is described by a small JSON object (the spec form) and compiled to a
 * scalar function plus an in-place array map; positively homogeneous ones (phi(c x) = c phi(x) for
 * c > 0) are flagged, because the exact product engine relies on that property.
 */
import erf from "@stdlib/math-base-special-erf";
import { erfiInv } from "../theory/special/erfi.js";

export type ActivationSpec =
  | { name: "relu" }
  | { name: "identity" }
  | { name: "linear"; a: number }
  | { name: "two-slope"; a: number; b: number }
  | { name: "leaky-relu"; slope: number }
  | { name: "tanh" }
  | { name: "gelu" }
  | { name: "silu" }
  | { name: "sigmoid" }
  | { name: "ou"; alpha: number; beta: number };

export const ACTIVATION_NAMES = [
  "relu",
  "identity",
  "linear",
  "two-slope",
  "leaky-relu",
  "tanh",
  "gelu",
  "silu",
  "sigmoid",
  "ou",
] as const;

export interface Activation {
  spec: ActivationSpec;
  /** phi(x). */
  f: (x: number) => number;
  /** out[i] = phi(x[i]) for i < n (out may alias x). */
  apply: (x: Float64Array, out: Float64Array, n: number) => void;
  /** phi'(x) (for forward-mode Jacobian-vector products; at a kink, the right derivative of x > 0 / left). */
  df: (x: number) => number;
  /**
   * For positively homogeneous activations, the slopes (a for x > 0, b for x <= 0): phi(x) = a x^+ - b x^-
   * written as phi(x) = a x for x > 0 and b x for x <= 0. Null otherwise.
   */
  slopes: { a: number; b: number } | null;
}

function twoSlope(a: number, b: number): Pick<Activation, "f" | "apply" | "df"> {
  return {
    f: (x) => (x > 0 ? a * x : b * x),
    df: (x) => (x > 0 ? a : b),
    apply: (x, out, n) => {
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = v > 0 ? a * v : b * v;
      }
    },
  };
}

function pointwise(
  f: (x: number) => number,
  df: (x: number) => number,
): Pick<Activation, "f" | "apply" | "df"> {
  return {
    f,
    df,
    apply: (x, out, n) => {
      for (let i = 0; i < n; i++) out[i] = f(x[i]);
    },
  };
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export function makeActivation(spec: ActivationSpec): Activation {
  switch (spec.name) {
    case "relu":
      return {
        spec,
        slopes: { a: 1, b: 0 },
        f: (x) => Math.max(x, 0),
        df: (x) => (x > 0 ? 1 : 0),
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
    case "leaky-relu":
      // max(x, 0) + slope min(x, 0): two-slope(1, slope) (Marion's 2023 code uses slope 0.8).
      return { spec, slopes: { a: 1, b: spec.slope }, ...twoSlope(1, spec.slope) };
    case "tanh":
      return {
        spec,
        slopes: null,
        ...pointwise(Math.tanh, (x) => {
          const t = Math.tanh(x);
          return 1 - t * t;
        }),
      };
    case "gelu":
      // Exact GELU: x Phi(x) = x (1 + erf(x / sqrt 2)) / 2.
      return {
        spec,
        slopes: null,
        ...pointwise(
          (x) => 0.5 * x * (1 + erf(x * SQRT1_2)),
          (x) => 0.5 * (1 + erf(x * SQRT1_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x),
        ),
      };
    case "ou": {
      // Hayou's exotic activation (Prop. 4): phi(x) = alpha exp(erfi^-1(beta x)^2), phi' = sqrt(pi) alpha beta erfi^-1(beta x).
      const { alpha, beta } = spec;
      const c = Math.sqrt(Math.PI) * alpha * beta;
      return {
        spec,
        slopes: null,
        ...pointwise(
          (x) => {
            const z = erfiInv(beta * x);
            return alpha * Math.exp(z * z);
          },
          (x) => c * erfiInv(beta * x),
        ),
      };
    }
    case "sigmoid":
      // Logistic sigmoid 1 / (1 + e^{-x}) (one of Marion's activations; not centred, so h drifts).
      return {
        spec,
        slopes: null,
        ...pointwise(
          (x) => 1 / (1 + Math.exp(-x)),
          (x) => {
            const sg = 1 / (1 + Math.exp(-x));
            return sg * (1 - sg);
          },
        ),
      };
    case "silu":
      return {
        spec,
        slopes: null,
        ...pointwise(
          (x) => x / (1 + Math.exp(-x)),
          (x) => {
            const sg = 1 / (1 + Math.exp(-x));
            return sg * (1 + x * (1 - sg));
          },
        ),
      };
  }
}

/** A short human-readable label, e.g. "relu", "two-slope(1, 0.2)". */
export function activationLabel(spec: ActivationSpec): string {
  switch (spec.name) {
    case "linear":
      return `linear(${spec.a})`;
    case "two-slope":
      return `two-slope(${spec.a}, ${spec.b})`;
    case "leaky-relu":
      return `leaky-relu(${spec.slope})`;
    case "ou":
      return `ou(alpha=${spec.alpha}, beta=${spec.beta})`;
    default:
      return spec.name;
  }
}
