/**
 * Claims: reference results that a simulation can check, each with its theory value, the simulated
 * value and its Monte Carlo standard error (or a KS p-value), a verdict computed from those numbers,
 * and the verdict the sheets predict. A claim "holds" when the verdict is the predicted one: a
 * predicted deviation (an asymptotic formula at finite size, an erratum in a source) is shown as such.
 */

export type Verdict = "agrees" | "deviates" | "not applicable";

export interface Claim {
  /** Stable id, e.g. "nica/log-gaussian:mean-G:d=10". */
  id: string;
  experiment: string;
  /** The statement checked, in words. */
  statement: string;
  /** Where it comes from (paper, proposition, sheet section). */
  reference: string;
  /**
   * "z": |simulated - theory| / se against `threshold`; "ks": KS p-value against `threshold`; "abs":
   * |simulated - theory| against the tolerance `threshold` (for empirical laws stated to a tolerance;
   * `se` still reports the Monte Carlo error of the simulated value).
   */
  test: "z" | "ks" | "abs";
  theory: number;
  simulated: number;
  /** Monte Carlo standard error of `simulated` (z tests). */
  se: number;
  /** The z score or the KS statistic D. */
  statistic: number;
  /** KS p-value (ks tests). */
  pValue?: number;
  /** |z| <= threshold agrees (z tests); p >= threshold agrees (ks tests). */
  threshold: number;
  /** z tests: "greater" deviates only when z > threshold (one-sided), default two-sided. */
  alternative?: "two-sided" | "greater";
  verdict: Verdict;
  /**
   * What the theory predicts the verdict to be at this sample size; "either" when the predicted
   * effect is within a few standard errors of the threshold (then both verdicts hold).
   */
  expected: Exclude<Verdict, "not applicable"> | "either";
  /** One line: why it agrees or why a deviation is expected. */
  explanation: string;
}

/** Recompute the verdict from a claim's numbers (after any change of theory or simulated value). */
export function judge(c: Claim): Claim {
  if (c.test === "abs") {
    const e = Math.abs(c.simulated - c.theory);
    const verdict: Verdict = Number.isFinite(e)
      ? e <= c.threshold
        ? "agrees"
        : "deviates"
      : "not applicable";
    return { ...c, statistic: e, verdict };
  }
  if (c.test === "z") {
    const z = (c.simulated - c.theory) / c.se;
    // Two-sided: |z| beyond the threshold deviates. One-sided ("greater"): only z above it does, so a
    // simulated value on the wrong side of the theory can never pass for the predicted deviation.
    const beyond = c.alternative === "greater" ? z > c.threshold : Math.abs(z) > c.threshold;
    const verdict: Verdict = Number.isFinite(z) ? (beyond ? "deviates" : "agrees") : "not applicable";
    return { ...c, statistic: z, verdict };
  }
  const p = c.pValue ?? Number.NaN;
  const verdict: Verdict = Number.isFinite(p) ? (p >= c.threshold ? "agrees" : "deviates") : "not applicable";
  return { ...c, verdict };
}

/** A claim to judge; a declared experiment's runner fills in `experiment`. */
type ClaimInput = Omit<Claim, "statistic" | "verdict" | "test" | "threshold" | "experiment" | "reference"> & {
  threshold?: number;
  experiment?: string;
  /** Where the claim comes from (a declared experiment's runner defaults it to the experiment's reference). */
  reference?: string;
};

const DEFAULTS = { experiment: "", reference: "" };

/** A claim tested by a z score: agrees when |simulated - theory| <= threshold (default 5) SE. */
export function zClaim(c: ClaimInput): Claim {
  return judge({
    ...DEFAULTS,
    ...c,
    test: "z",
    threshold: c.threshold ?? 5,
    statistic: Number.NaN,
    verdict: "not applicable",
  });
}

/** A claim checked to an absolute tolerance (an empirical law): agrees when |simulated - theory| <= tolerance. */
export function toleranceClaim(c: Omit<ClaimInput, "threshold"> & { tolerance: number }): Claim {
  const { tolerance, ...rest } = c;
  return judge({
    ...DEFAULTS,
    ...rest,
    test: "abs",
    threshold: tolerance,
    statistic: Number.NaN,
    verdict: "not applicable",
  });
}

/** A distributional claim tested by one-sample KS: agrees when p >= threshold (default 0.001). */
export function ksClaim(
  c: Omit<ClaimInput, "se" | "theory" | "simulated"> & {
    statistic: number;
    pValue: number;
    /** A number to show beside the test (default NaN: the claim is about a whole law). */
    theory?: number;
    simulated?: number;
  },
): Claim {
  return judge({
    ...DEFAULTS,
    theory: Number.NaN,
    simulated: Number.NaN,
    ...c,
    se: Number.NaN,
    test: "ks",
    threshold: c.threshold ?? 0.001,
    verdict: "not applicable",
  });
}

/** True when the verdict is the one the theory predicts. */
export function holds(c: Claim): boolean {
  return c.verdict === c.expected || (c.expected === "either" && c.verdict !== "not applicable");
}

/**
 * The verdict to expect for an effect of `effect` standard errors tested at `threshold`: agrees well
 * below it, deviates well above it, either within `margin` of it.
 */
export function expectedFor(effect: number, threshold = 5, margin = 2): Claim["expected"] {
  const e = Math.abs(effect);
  if (e < threshold - margin) return "agrees";
  if (e > threshold + margin) return "deviates";
  return "either";
}

const num = (x: number) =>
  !Number.isFinite(x)
    ? String(x)
    : Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0)
      ? x.toExponential(3)
      : x.toFixed(4);

/** Fixed-width text table of claims for the terminal. */
export function claimsTable(claims: readonly Claim[]): string {
  const rows = claims.map((c) => [
    holds(c) ? "ok" : "UNEXPECTED",
    c.verdict,
    holds(c) ? "" : `(expected ${c.expected})`,
    c.statement,
    c.test === "z"
      ? `theory ${num(c.theory)}, sim ${num(c.simulated)} +- ${num(c.se)}, z = ${c.statistic.toFixed(2)}`
      : c.test === "abs"
        ? `theory ${num(c.theory)}, sim ${num(c.simulated)} +- ${num(c.se)}, |diff| = ${num(c.statistic)} (tolerance ${num(c.threshold)})`
        : `KS D = ${num(c.statistic)}, p = ${num(c.pValue ?? Number.NaN)}`,
  ]);
  return rows
    .map((r) => `${r[0].padEnd(10)} ${r[1].padEnd(8)} ${r[3]}  [${r[4]}] ${r[2]}`.trimEnd())
    .join("\n");
}
