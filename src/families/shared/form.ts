/** Building a spec from the explorer's form values (web/): the fields a family's form declares. */
import type { FormValues } from "../types.js";

/**
 * The named form fields as spec fields, in order: `law` becomes weights.law, `input` the single input,
 * `correlation` (with `hurst` for fbm) Marion's depth correlation, `lambda2Depth` is left out when empty;
 * every other field is copied as is.
 */
export function pickForm(v: FormValues, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f === "law") out.weights = { law: v.law };
    else if (f === "input") out.inputs = [v.input];
    else if (f === "correlation")
      out.correlation = v.correlation === "fbm" ? { kind: "fbm", H: v.hurst } : { kind: v.correlation };
    else if (f === "lambda2Depth") {
      if (String(v.lambda2Depth).trim() !== "") out.lambda2Depth = Number(v.lambda2Depth);
    } else out[f] = v[f];
  }
  return out;
}
