/**
 * The one theory path: the moments and density curves that theory predicts for a spec and an
 * observable, as its family declares them (src/families/<family>/). The report, the explorer and
 * `simulate` all read theory here. Each moment and curve carries the source it comes from.
 */
import { familyOf, type ModelSpec } from "../families/index.js";
import { gaussianPdf } from "./gaussian.js";
import type { TheoryCurve, TheoryMoments } from "./types.js";

export type { TheoryCurve, TheoryMoments } from "./types.js";

/** Moments of the observable predicted for the spec (empty when no theory applies). */
export function theoryMoments(spec: ModelSpec, observable: string): TheoryMoments[] {
  return familyOf(spec).theory?.(spec, observable) ?? [];
}

/** A grid covering the predicted law (mean - 9 sd to mean + 6 sd: more on the left for log chi-square tails). */
export function theoryRange(spec: ModelSpec, observable: string): [number, number] | null {
  const ms = theoryMoments(spec, observable);
  if (ms.length === 0) return null;
  const lo = Math.min(...ms.map((m) => m.mean - 9 * Math.sqrt(m.variance)));
  const hi = Math.max(...ms.map((m) => m.mean + 6 * Math.sqrt(m.variance)));
  return [lo, hi];
}

/** Density curves of the observable on [lo, hi] (points nodes): the family's, else Gaussians of its moments. */
export function theoryCurves(
  spec: ModelSpec,
  observable: string,
  range?: [number, number],
  points = 401,
): TheoryCurve[] {
  const r = range ?? theoryRange(spec, observable);
  if (!r) return [];
  const x = Float64Array.from({ length: points }, (_, i) => r[0] + ((r[1] - r[0]) * i) / (points - 1));
  const family = familyOf(spec);
  if (family.theoryCurves) return family.theoryCurves(spec, observable, x);
  return theoryMoments(spec, observable).map((m) => ({
    name: m.name,
    source: m.source,
    x,
    density: gaussianPdf(x, m.mean, m.variance),
    leftAtom: 0,
  }));
}

/** A theory's moments next to a simulated statistic: the z-scores of the mean and of the variance. */
export interface TheoryComparison extends TheoryMoments {
  observable: string;
  zMean: number;
  zVariance: number;
}

/**
 * Every theory that applies to the simulated observables (those asked without a layer or input suffix,
 * where the family's theory is stated), with the z-scores of the simulated mean and variance.
 */
export function compareWithTheory(
  spec: ModelSpec,
  stats: Record<string, { mean: number; seMean: number; variance: number; seVariance: number }>,
): TheoryComparison[] {
  return Object.entries(stats).flatMap(([observable, s]) =>
    theoryMoments(spec, observable).map((m) => ({
      observable,
      ...m,
      zMean: (s.mean - m.mean) / s.seMean,
      zVariance: (s.variance - m.variance) / s.seVariance,
    })),
  );
}
