/** Goodness of fit of samples against densities tabulated on a grid (KS and W1). */
import { cumulativeTrapezoid, gridCdfFunction } from "../stats/gridcdf.js";
import { ksOneSample } from "../stats/ks.js";
import { w1ToGridCdf } from "../stats/wasserstein.js";

export interface FitStats {
  ks: number;
  ksPValue: number;
  w1: number;
  /** Mass of the tabulated density (+ left atom) over the grid. */
  mass: number;
}

/**
 * KS and W1 of samples against the law with density f on grid x and an atom of mass `leftAtom` at
 * -infinity (dead networks). The grid should cover the samples.
 */
export function fitToGridDensity(
  samples: Float64Array,
  x: Float64Array,
  f: Float64Array,
  leftAtom = 0,
): FitStats {
  const F = cumulativeTrapezoid(x, f, leftAtom);
  const ks = ksOneSample(samples, gridCdfFunction(x, F));
  const finite = samples.filter(Number.isFinite);
  return { ks: ks.statistic, ksPValue: ks.pValue, w1: w1ToGridCdf(finite, x, F), mass: F[F.length - 1] };
}
