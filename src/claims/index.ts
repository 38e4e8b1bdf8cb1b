/**
 * Claims: reference results that a simulation can check, each with its theory value, the simulated
 * value and its Monte Carlo standard error (or a KS p-value), a verdict computed from those numbers,
 * and the verdict the theory predicts. A claim "holds" when the verdict is the predicted one: a
 * predicted deviation (an asymptotic formula at finite size, an erratum in a source) is shown as such.
 */

export type Verdict = "agrees" | "deviates" | "not applicable";

/**
 * What a claim's expected verdict rests on:
 * - `exact`: the theory is the exact finite-size value, so the expected effect is 0 standard errors;
 * - `asymptotic`: a limit at finite size; the expected effect is computed (from the exact theory or a
 *   derived finite-size correction) at the run's standard error, and may predict a deviation;
 * - `empirical`: a law whose constant was fitted by simulation (the constant, fit and error are in
 *   docs/claims.md);
 * - `tolerance`: a law stated to a tolerance (an absolute test), e.g. a boundary read off a figure.
 */
export type Basis = "exact" | "asymptotic" | "empirical" | "tolerance";

/** A plausible wrong answer, judged by the same test on the same simulation (the claim's power). */
export interface WrongAlternative {
  /** What it is, in words (e.g. "no drift", "the infinite-width value 0", "variance doubled"). */
  name: string;
  /** Its value (z and tolerance tests; NaN for a whole law). */
  theory: number;
  /** What the test gives it: z, |diff| or the KS statistic D. */
  statistic: number;
  /** KS tests: its p-value. */
  pValue?: number;
  verdict: Verdict;
}

export interface Claim {
  /** Stable id, e.g. "nica/log-gaussian:mean-G:d=10". */
  id: string;
  experiment: string;
  /** The statement checked, in words. */
  statement: string;
  /** Where it comes from: the paper (title, arXiv id, equation) and our docs/theory section. */
  reference: string;
  /**
   * "z": |simulated - theory| / se against `threshold`; "ks": KS p-value against `threshold`; "abs":
   * |simulated - theory| against the tolerance `threshold` (for laws stated to a tolerance; `se` still
   * reports the Monte Carlo error of the simulated value).
   */
  test: "z" | "ks" | "abs";
  theory: number;
  simulated: number;
  /** Monte Carlo standard error of `simulated` (z tests). */
  se: number;
  /** The z score, |diff| or the KS statistic D. */
  statistic: number;
  /** KS p-value (ks tests). */
  pValue?: number;
  /** |z| <= threshold agrees (z tests); p >= threshold agrees (ks tests); |diff| <= threshold (abs). */
  threshold: number;
  /** z tests: "greater" deviates only when z > threshold (one-sided), default two-sided. */
  alternative?: "two-sided" | "greater";
  verdict: Verdict;
  /** What the expected verdict rests on. */
  basis: Basis;
  /**
   * The effect the best available prediction gives the test: in standard errors (z, ks: of the
   * moments) or in the value's units (abs); 0 for an exact theory.
   */
  effect: number;
  /**
   * The verdict the prediction implies at this sample size, computed from `effect` (expectedFor):
   * "either" when the effect is within a margin of the threshold (then the claim cannot fail).
   */
  expected: Exclude<Verdict, "not applicable"> | "either";
  /** A plausible wrong answer and what the same test says of it. */
  wrong: WrongAlternative;
  /**
   * True when the claim cannot fail: its expected verdict is "either", or it is expected to agree and
   * its wrong alternative is not rejected either (the test cannot tell them apart at this sample size).
   * A claim expected to deviate has its power in the computed effect.
   */
  weak: boolean;
  /** One line: why it agrees or why a deviation is expected. */
  explanation: string;
}

/** The verdict of a value under a claim's test. */
function verdictOf(
  c: Pick<Claim, "test" | "simulated" | "se" | "threshold" | "alternative">,
  theory: number,
): { statistic: number; verdict: Verdict } {
  if (c.test === "abs") {
    const e = Math.abs(c.simulated - theory);
    return {
      statistic: e,
      verdict: Number.isFinite(e) ? (e <= c.threshold ? "agrees" : "deviates") : "not applicable",
    };
  }
  const z = (c.simulated - theory) / c.se;
  // Two-sided: |z| beyond the threshold deviates. One-sided ("greater"): only z above it does, so a
  // simulated value on the wrong side of the theory can never pass for the predicted deviation.
  const beyond = c.alternative === "greater" ? z > c.threshold : Math.abs(z) > c.threshold;
  return { statistic: z, verdict: Number.isFinite(z) ? (beyond ? "deviates" : "agrees") : "not applicable" };
}

const ksVerdict = (p: number, threshold: number): Verdict =>
  Number.isFinite(p) ? (p >= threshold ? "agrees" : "deviates") : "not applicable";

/** Recompute the verdicts (the claim's and its wrong alternative's) from the numbers. */
export function judge(c: Claim): Claim {
  let own: { statistic: number; verdict: Verdict };
  let wrong: WrongAlternative;
  if (c.test === "ks") {
    own = { statistic: c.statistic, verdict: ksVerdict(c.pValue ?? Number.NaN, c.threshold) };
    wrong = { ...c.wrong, verdict: ksVerdict(c.wrong.pValue ?? Number.NaN, c.threshold) };
  } else {
    own = verdictOf(c, c.theory);
    wrong = { ...c.wrong, ...verdictOf(c, c.wrong.theory) };
  }
  // A claim predicted to deviate has its power in the predicted effect (beyond the threshold by the
  // margin); one predicted to agree has power when its wrong alternative is rejected.
  const weak = c.expected === "either" || (c.expected === "agrees" && wrong.verdict !== "deviates");
  return { ...c, ...own, wrong, weak };
}

/** The wrong alternative as a claim declares it (the test fills in its statistic and verdict). */
export type WrongInput =
  { name: string; theory: number } | { name: string; statistic: number; pValue: number };

/** A claim to judge; a declared experiment's runner fills in `experiment`. */
type ClaimInput = Omit<
  Claim,
  | "statistic"
  | "verdict"
  | "test"
  | "threshold"
  | "experiment"
  | "reference"
  | "expected"
  | "effect"
  | "wrong"
  | "weak"
> & {
  threshold?: number;
  experiment?: string;
  /** Where the claim comes from (a declared experiment's runner defaults it to the experiment's reference). */
  reference?: string;
  /** Required for `asymptotic` claims (the computed effect); 0 otherwise. */
  effect?: number;
  /** The margin of expectedFor (default 2 standard errors). */
  margin?: number;
  /**
   * Required when the claim is expected to agree; a claim expected to deviate may leave it out (its
   * alternative is then "no deviation": the theory as stated, judged as the claim itself).
   */
  wrong?: WrongInput;
};

const DEFAULTS = { experiment: "", reference: "" };

/** The expected verdict of a claim from its basis and computed effect (never typed in). */
function expectation(
  c: { id: string; basis: Basis; effect?: number; margin?: number },
  threshold: number,
  test: Claim["test"],
  se: number,
) {
  if (c.basis === "asymptotic" && c.effect === undefined)
    throw new Error(`internal: asymptotic claim ${c.id} needs its computed effect`);
  const effect = c.effect ?? 0;
  // Absolute tests: the effect is in the value's units; the margin is 2 Monte Carlo errors.
  const expected =
    test === "abs"
      ? expectedFor(effect / (se || 1), threshold / (se || 1), c.margin ?? 2)
      : expectedFor(effect, threshold, c.margin ?? 2);
  return { effect, expected };
}

const NO_DEVIATION = "no deviation (the theory as stated)";

function wrongOf(
  c: { id: string; wrong?: WrongInput; theory?: number; statistic?: number; pValue?: number },
  expected: Claim["expected"],
): WrongAlternative {
  if (c.wrong) return wrongFrom(c.wrong);
  if (expected === "agrees")
    throw new Error(`internal: claim ${c.id} is expected to agree and names no wrong alternative`);
  return c.theory !== undefined && Number.isFinite(c.theory)
    ? wrongFrom({ name: NO_DEVIATION, theory: c.theory })
    : wrongFrom({ name: NO_DEVIATION, statistic: c.statistic ?? Number.NaN, pValue: c.pValue ?? Number.NaN });
}

const wrongFrom = (w: WrongInput): WrongAlternative =>
  "theory" in w
    ? { name: w.name, theory: w.theory, statistic: Number.NaN, verdict: "not applicable" }
    : {
        name: w.name,
        theory: Number.NaN,
        statistic: w.statistic,
        pValue: w.pValue,
        verdict: "not applicable",
      };

/** A claim tested by a z score: agrees when |simulated - theory| <= threshold (default 5) SE. */
export function zClaim(c: ClaimInput): Claim {
  const threshold = c.threshold ?? 5;
  const { margin: _m, ...rest } = c;
  void _m;
  const ex = expectation(c, threshold, "z", c.se);
  return judge({
    ...DEFAULTS,
    ...rest,
    ...ex,
    wrong: wrongOf(c, ex.expected),
    weak: false,
    test: "z",
    threshold,
    statistic: Number.NaN,
    verdict: "not applicable",
  });
}

/** A claim checked to an absolute tolerance: agrees when |simulated - theory| <= tolerance. */
export function toleranceClaim(c: Omit<ClaimInput, "threshold"> & { tolerance: number }): Claim {
  const { tolerance, margin: _m, ...rest } = c;
  void _m;
  const ex = expectation(c, tolerance, "abs", c.se);
  return judge({
    ...DEFAULTS,
    ...rest,
    ...ex,
    wrong: wrongOf(c, ex.expected),
    weak: false,
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
  const threshold = c.threshold ?? 0.001;
  const { margin: _m, ...rest } = c;
  void _m;
  const ex = expectation(c, 5, "ks", Number.NaN);
  return judge({
    ...DEFAULTS,
    theory: Number.NaN,
    simulated: Number.NaN,
    ...rest,
    ...ex,
    wrong: wrongOf({ ...c, theory: undefined }, ex.expected),
    weak: false,
    se: Number.NaN,
    test: "ks",
    threshold,
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

/** Counts for a report's header: falsifiable claims that hold, weak, empirical and unexpected ones. */
export function claimCounts(claims: readonly Claim[]) {
  return {
    total: claims.length,
    falsifiableHolding: claims.filter((c) => !c.weak && holds(c)).length,
    weak: claims.filter((c) => c.weak).length,
    empirical: claims.filter((c) => c.basis === "empirical").length,
    unexpected: claims.filter((c) => !holds(c)).length,
  };
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
    holds(c) ? (c.weak ? "ok (weak)" : "ok") : "UNEXPECTED",
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

/**
 * The wrong alternative of an asymptotic claim: `rival` when the claim is expected to agree; else the
 * prediction itself (the value without the limit's error), so that its power is telling the limit
 * from the exact value at this sample size.
 */
export function alternativeFor<W extends WrongInput>(
  effect: number,
  rival: W,
  prediction: W,
  threshold = 5,
  margin = 2,
): W {
  return expectedFor(effect, threshold, margin) === "agrees" ? rival : prediction;
}

/**
 * The effect of a KS test in the units of expectedFor (threshold 5): 5 D / D_crit, where D_crit is the
 * distance a KS test rejects at p = 0.001 (c(0.001) = 1.9495 times sqrt(1/n) one-sample, sqrt(1/n + 1/m)
 * two-sample). `d` is the distance the theory (or a measured constant) predicts.
 */
export function ksEffect(d: number, n: number, m?: number): number {
  const crit = 1.9495 * Math.sqrt(1 / n + (m ? 1 / m : 0));
  return (5 * d) / crit;
}
