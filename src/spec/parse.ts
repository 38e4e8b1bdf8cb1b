/** Turning a family's zod schema into a validated spec, with errors that name the field and the value. */
import type { z } from "zod";
import { SpecError } from "./errors.js";
import type { SpecBase } from "./base.js";

function pathString(path: readonly PropertyKey[]): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || "spec";
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = obj;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

export function toSpecError(error: z.ZodError, input: unknown, allowedKeys: string[]): SpecError {
  const issue = error.issues[0];
  const field = pathString(issue.path);
  if (issue.code === "unrecognized_keys") {
    const keys = (issue as { keys: string[] }).keys;
    return new SpecError(
      field === "spec" ? keys[0] : `${field}.${keys[0]}`,
      `unknown field${field === "spec" ? `; allowed fields: ${allowedKeys.join(", ")}` : ""}`,
    );
  }
  // A shorthand such as activation: "softmax" is checked as activation.name: report the string itself.
  let value = valueAt(input, issue.path);
  let path = issue.path;
  if (value === undefined && path.length > 1 && typeof valueAt(input, path.slice(0, -1)) === "string") {
    path = path.slice(0, -1);
    value = valueAt(input, path);
  }
  return new SpecError(pathString(path), issue.message, value);
}

export function checkVectors(p: {
  nIn: number;
  inputs: SpecBase["inputs"];
  tangent: SpecBase["tangent"];
}): void {
  p.inputs.forEach((x, i) => {
    if (x.kind === "vector" && x.values.length !== p.nIn) {
      throw new SpecError(`inputs[${i}].values`, `must have length nIn = ${p.nIn}`, x.values.length);
    }
    if (x.kind === "vector" && x.values.every((v) => v === 0)) {
      throw new SpecError(`inputs[${i}].values`, "must not be the zero vector (G is undefined for x = 0)");
    }
  });
  if (Array.isArray(p.tangent) && p.tangent.length !== p.nIn) {
    throw new SpecError("tangent", `must have length nIn = ${p.nIn}`, p.tangent.length);
  }
}

/** Parse input with a family's schema; a failure is a SpecError naming the first offending field. */
export function parseWithSchema<T extends z.ZodObject>(schema: T, input: object): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw toSpecError(r.error, input, Object.keys(schema.shape));
  return r.data;
}
