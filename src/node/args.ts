/** Command-line argument parsing shared by the commands: exact integers, engines, threads. */
import { ENGINE_NAMES, type EngineChoice } from "../engines/types.js";
import { SpecError } from "../spec/errors.js";
import { defaultThreads } from "./parallel.js";

/**
 * The exact integer a decimal count denotes, or null: "32768", "1e5", "2.5e3", "2^15". Parsed with
 * BigInt so that nothing is rounded: "9007199254740991.4" and "1e-400" are not integers, and hex,
 * binary, octal, signs and blanks inside are not counts.
 */
export function exactInteger(raw: string): bigint | null {
  const s = raw.trim();
  const pow = /^(\d{1,6})\^(\d{1,4})$/.exec(s);
  if (pow) return BigInt(pow[1]) ** BigInt(pow[2]);
  const m = /^(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d{1,6}))?$/.exec(s);
  if (!m) return null;
  const frac = m[2] ?? "";
  const exp = Number(m[3] ?? "0") - frac.length;
  const digits = BigInt(m[1] + frac);
  if (exp >= 0) return exp > 400 ? null : digits * 10n ** BigInt(exp);
  const div = 10n ** BigInt(-exp);
  return digits % div === 0n ? digits / div : null;
}

/** Parse an integer count in [min, max] written as 32768, 1e5 or 2^15; anything else names the field. */
export function parseCount(field: string, raw: string, min: number, max: number): number {
  const v = exactInteger(raw);
  if (v === null || v < BigInt(min) || v > BigInt(max)) {
    throw new SpecError(field, `must be an integer from ${min} to ${max} (forms: 32768, 1e5, 2^15)`, raw);
  }
  return Number(v);
}

export function parseEngine(raw: string): EngineChoice {
  if (raw === "auto" || (ENGINE_NAMES as readonly string[]).includes(raw)) return raw as EngineChoice;
  throw new SpecError("--engine", `must be one of auto, ${ENGINE_NAMES.join(", ")}`, raw);
}

export function parseThreads(raw: string | undefined): number {
  if (raw === undefined) return defaultThreads();
  return parseCount("--threads", raw, 1, 1024);
}

/** commander's accumulator for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
