/** File output: atomic writes (temporary file + rename), so a crash never leaves a half file. */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

let faultBudget: number | null = null;
let faultAction: (() => void) | null = null;

/**
 * Tests only: once `bytes` more bytes have been written by this process's result writers, make the next
 * write fail as a full disk does (ENOSPC), or call `action` instead (e.g. to deliver a signal in the
 * middle of the final writes); null disarms. Every writer of result files calls faultPoint.
 */
export function injectWriteFault(bytes: number | null, action: (() => void) | null = null): void {
  faultBudget = bytes;
  faultAction = action;
}

/** Account for `bytes` about to be written; throws ENOSPC (or runs the action) when a fault is due. */
export function faultPoint(bytes: number): void {
  if (faultBudget === null) return;
  faultBudget -= bytes;
  if (faultBudget >= 0) return;
  faultBudget = null;
  const action = faultAction;
  faultAction = null;
  if (action) {
    action();
    return;
  }
  throw Object.assign(new Error("ENOSPC: no space left on device, write (injected fault)"), {
    code: "ENOSPC",
  });
}

/**
 * mkdir -p, one level at a time from the deepest existing folder. (Node's recursive mkdirSync loops
 * forever under /proc, where mkdir answers ENOENT: a hostile --out must fail, not hang.) Returns the
 * first folder it created, or undefined.
 */
export function makeDirs(path: string): string | undefined {
  const missing: string[] = [];
  let p = path;
  while (!existsSync(p)) {
    missing.push(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  for (const m of missing.reverse()) mkdirSync(m);
  return missing[0];
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  makeDirs(dirname(path));
  const tmp = join(dirname(path), `.${randomBytes(6).toString("hex")}.tmp`);
  try {
    faultPoint(typeof data === "string" ? Buffer.byteLength(data) : data.byteLength);
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** JSON with non-finite numbers written as strings ("-Infinity", "NaN") instead of null. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v === "number" && !Number.isFinite(v)) return String(v);
      if (ArrayBuffer.isView(v) && !(v instanceof DataView))
        return Array.from(v as unknown as ArrayLike<number>);
      return v;
    },
    2,
  )}\n`;
}
