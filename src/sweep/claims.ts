/**
 * Claims from the command line: `mean(G) = theory`, checked on every cell of a sweep with the claims
 * machinery (src/claims): the expected verdict comes from the theory's basis and computed effect, and
 * every claim is judged against a wrong alternative too (its power). Grammar (docs/sweeps.md):
 *
 *   STAT(OBSERVABLE) = TARGET [within TOLERANCE] [vs ALTERNATIVE]
 *   STAT          mean | variance
 *   TARGET, ALT.  theory          the family's exact theory when it states one, else its only theory
 *                 theory:TEXT     the theory whose name contains TEXT (any case), else whose source does
 *                 a number        taken as exact
 *   within TOL    an absolute test |simulated - target| <= TOL (basis "tolerance"), for a limit that
 *                 has no exact finite-size value to compute its effect from
 */
import { type Claim, type WrongInput, alternativeFor, toleranceClaim, zClaim } from "../claims/index.js";
import type { ModelSpec } from "../spec/index.js";
import { SpecError } from "../spec/errors.js";
import type { SummaryStats } from "../stats/summary.js";
import { theoryMoments } from "../theory/overlays.js";
import type { TheoryMoments } from "../theory/types.js";

type Target = { kind: "theory"; match?: string } | { kind: "value"; value: number };

export interface SweepClaim {
  text: string;
  statistic: "mean" | "variance";
  observable: string;
  target: Target;
  tolerance?: number;
  alternative?: Target;
}

const CLAIM =
  /^\s*(mean|variance)\s*\(\s*([^()\s]+)\s*\)\s*=\s*(.+?)(?:\s+within\s+(\S+))?(?:\s+vs\s+(.+?))?\s*$/;

const SYNTAX =
  'must look like "mean(G) = theory", "variance(G) = theory:log-Gaussian vs theory:exact" or "mean(G) = -0.05 within 0.01" (docs/sweeps.md)';

function parseTarget(text: string, raw: string): Target {
  const t = raw.trim();
  if (t === "theory") return { kind: "theory" };
  if (t.startsWith("theory:")) {
    const match = t.slice("theory:".length).trim();
    if (match === "") throw new SpecError("--claim", `${SYNTAX}: "theory:" needs a name`, text);
    return { kind: "theory", match };
  }
  const v = Number(t);
  if (t === "" || !Number.isFinite(v))
    throw new SpecError("--claim", `${SYNTAX}: "${t}" is neither theory, theory:NAME nor a number`, text);
  return { kind: "value", value: v };
}

/** Parse one claim expression (errors name --claim and show the expression). */
export function parseSweepClaim(text: string): SweepClaim {
  const m = CLAIM.exec(text);
  if (!m) throw new SpecError("--claim", SYNTAX, text);
  let tolerance: number | undefined;
  if (m[4] !== undefined) {
    tolerance = Number(m[4]);
    if (!(tolerance > 0) || !Number.isFinite(tolerance))
      throw new SpecError("--claim", `the tolerance after "within" must be a positive number`, text);
  }
  return {
    text: text.trim(),
    statistic: m[1] as "mean" | "variance",
    observable: m[2],
    target: parseTarget(text, m[3]),
    ...(tolerance === undefined ? {} : { tolerance }),
    ...(m[5] === undefined ? {} : { alternative: parseTarget(text, m[5]) }),
  };
}

interface Resolved {
  name: string;
  value: number;
  exact: boolean;
}

const describe = (ms: readonly TheoryMoments[]) => ms.map((m) => `"${m.name}" (${m.source})`).join(", ");

/**
 * The theory (or number) a target names for one cell's spec and observable; null when no theory of
 * that name applies there. An ambiguous name is an error.
 */
function resolve(
  c: SweepClaim,
  t: Target,
  ms: readonly TheoryMoments[],
): (Resolved & { m?: TheoryMoments }) | null {
  const stat = (m: TheoryMoments) => (c.statistic === "mean" ? m.mean : m.variance);
  if (t.kind === "value") return { name: `the value ${t.value}`, value: t.value, exact: true };
  let hits: readonly TheoryMoments[];
  if (t.match === undefined) {
    const exact = ms.filter((m) => m.exact);
    hits = exact.length > 0 ? exact : ms;
  } else {
    const q = t.match.toLowerCase();
    // By name first; by source only when no name matches (sources share document names).
    const byName = ms.filter((m) => m.name.toLowerCase().includes(q));
    hits = byName.length > 0 ? byName : ms.filter((m) => m.source.toLowerCase().includes(q));
  }
  if (hits.length === 0) return null;
  if (hits.length > 1)
    throw new SpecError(
      "--claim",
      `"${c.text}": ${t.match === undefined ? "theory" : `theory:${t.match}`} names several theories of ${c.observable} (${describe(hits)}): say which with theory:NAME`,
    );
  const m = hits[0];
  return { name: m.name, value: stat(m), exact: m.exact === true, m };
}

/**
 * Check, before anything is sampled, that a claim applies to at least one cell and can be judged
 * wherever it applies (a limit needs an exact value for its effect, or "within").
 */
export function checkSweepClaim(
  c: SweepClaim,
  cells: readonly { spec: ModelSpec; observables: readonly string[] }[],
): void {
  let applies = 0;
  const seen: TheoryMoments[] = [];
  for (const cell of cells) {
    if (!cell.observables.includes(c.observable)) continue;
    const ms = theoryMoments(cell.spec, c.observable);
    for (const m of ms) if (!seen.some((s) => s.name === m.name)) seen.push(m);
    const t = resolve(c, c.target, ms);
    if (!t) continue;
    applies++;
    if (c.alternative) resolve(c, c.alternative, ms); // ambiguity is an error here too
    if (!t.exact && c.tolerance === undefined && !ms.some((m) => m.exact))
      throw new SpecError(
        "--claim",
        `"${c.text}": "${t.name}" is a limit and no exact finite-size value is known for this cell to compute its effect at your sample size: add "within TOLERANCE" (an absolute test), or compare with a number`,
      );
  }
  if (applies === 0) {
    const observed = cells.some((cell) => cell.observables.includes(c.observable));
    throw new SpecError(
      "--claim",
      observed
        ? `"${c.text}": no cell has that theory of ${c.observable}${seen.length ? `; theories stated: ${describe(seen)}` : " (the family states none for these cells)"}`
        : `"${c.text}": ${c.observable} is not among the sweep's observables`,
    );
  }
}

/** One cell's claim, or null when the claim does not apply to the cell. */
export function cellClaim(
  c: SweepClaim,
  index: number,
  cell: { label: string; spec: ModelSpec; stats: Record<string, SummaryStats> },
): Claim | null {
  const s = cell.stats[c.observable];
  if (!s) return null;
  const ms = theoryMoments(cell.spec, c.observable);
  const t = resolve(c, c.target, ms);
  if (!t) return null;
  const mean = c.statistic === "mean";
  const simulated = mean ? s.mean : s.variance;
  const se = mean ? s.seMean : s.seVariance;
  const stat = (m: TheoryMoments) => (mean ? m.mean : m.variance);
  const exactM = ms.find((m) => m.exact);
  const others = ms.filter((m) => t.m !== m && stat(m) !== t.value);
  const alt = c.alternative ? resolve(c, c.alternative, ms) : null;
  const rival: WrongInput = alt
    ? { name: alt.name, theory: alt.value }
    : others.length > 0
      ? { name: others[0].name, theory: stat(others[0]) }
      : mean
        ? t.value !== 0
          ? { name: "the sign flipped", theory: -t.value }
          : { name: "shifted by one standard deviation of the samples", theory: Math.sqrt(s.variance) }
        : { name: "the variance doubled", theory: 2 * t.value };
  const base = {
    id: `${index + 1}-${c.statistic}-${c.observable}:${cell.label}`,
    statement: `${c.statistic}(${c.observable}) = ${t.name} at ${cell.label}`,
    reference: t.m ? t.m.source : "the value given on the command line",
    theory: t.value,
    simulated,
    se,
  };
  if (c.tolerance !== undefined)
    return toleranceClaim({
      ...base,
      basis: "tolerance",
      tolerance: c.tolerance,
      wrong: rival,
      explanation: `within ${c.tolerance} (an absolute test stated on the command line: ${c.text})`,
    });
  if (t.exact)
    return zClaim({
      ...base,
      basis: "exact",
      wrong: rival,
      explanation: t.m
        ? `exact finite-size theory (${c.text})`
        : `the value stated on the command line, taken as exact (${c.text})`,
    });
  // A limit: its effect at this sample size is computed from the exact value.
  const exact = stat(exactM!);
  const effect = (exact - t.value) / se;
  return zClaim({
    ...base,
    basis: "asymptotic",
    effect,
    wrong: alternativeFor(effect, rival, { name: `the exact value (${exactM!.name})`, theory: exact }),
    explanation: `a limit; the exact finite-size value ${exact.toPrecision(6)} puts it ${effect.toFixed(2)} SE away at this sample size`,
  });
}
