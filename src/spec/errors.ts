/** Errors for invalid user input: they name the field, the value and what is allowed. */
export class SpecError extends Error {
  constructor(
    readonly field: string,
    readonly detail: string,
    readonly value?: unknown,
  ) {
    super(`${field}: ${detail}${value === undefined ? "" : ` (got ${formatValue(value)})`}`);
    this.name = "SpecError";
  }
}

export function formatValue(v: unknown): string {
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(v);
  }
}
