/** Input and tangent vectors of a spec (shared by every family's kernels). */
import { SpecError } from "./errors.js";
import type { SpecBase } from "./base.js";

/** The squared norm of an input vector and the vector itself. */
export function inputVector(spec: SpecBase, index: number): Float64Array {
  const x = new Float64Array(spec.nIn);
  const inp = spec.inputs[index];
  switch (inp.kind) {
    case "ones":
      x.fill(1);
      break;
    case "unit":
      x.fill(1 / Math.sqrt(spec.nIn));
      break;
    case "e1":
      x[0] = 1;
      break;
    case "vector":
      x.set(inp.values);
      break;
  }
  return x;
}

/** Euclidean norm (Math.hypot's value; without spreading a long vector onto the call stack). */
function norm(x: Float64Array): number {
  if (x.length <= 4096) return Math.hypot(...x);
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v));
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (const v of x) s += (v / m) ** 2;
  return m * Math.sqrt(s);
}

/** Unit-free tangent direction u for the Jacobian-vector product at input `index` (spec.tangent). */
export function tangentVector(spec: SpecBase, index: number): Float64Array {
  const x = inputVector(spec, index);
  if (Array.isArray(spec.tangent)) return Float64Array.from(spec.tangent);
  const n = spec.nIn;
  const xn = norm(x);
  // Gram-Schmidt of the coordinate vector least aligned with x.
  let best = 0;
  for (let i = 1; i < n; i++) if (Math.abs(x[i]) < Math.abs(x[best])) best = i;
  const u = new Float64Array(n);
  u[best] = 1;
  const proj = x[best] / (xn * xn);
  for (let i = 0; i < n; i++) u[i] -= proj * x[i];
  const un = norm(u);
  if (!(un > 1e-12))
    throw new SpecError(
      "tangent",
      "no direction orthogonal to the input exists (nIn = 1); give tangent values",
    );
  for (let i = 0; i < n; i++) u[i] /= un;
  if (spec.tangent === "orthogonal") return u;
  // diagonal: 45 degrees between x/||x|| and u
  return Float64Array.from(u, (v, i) => (v + x[i] / xn) / Math.SQRT2);
}
