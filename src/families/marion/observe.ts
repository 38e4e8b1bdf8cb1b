/** From the logs of Marion's four ratios to the requested observables (the ratio, or its log10). */

/** The ratio each observable reads: 0 relDisp, 1 normRatio, 2 gradRelDisp, 3 gradNormRatio. */
const RATIO: Record<string, number> = {
  relDisp: 0,
  normRatio: 1,
  gradRelDisp: 2,
  gradNormRatio: 3,
  log10RelDisp: 0,
  log10NormRatio: 1,
  log10GradRelDisp: 2,
  log10GradNormRatio: 3,
};

/** Which log ratio observable `name` reads, and whether it is reported as log10 (else as the ratio). */
export const ratioOf = (name: string): [ratio: number, log10: boolean] => [
  RATIO[name],
  name.startsWith("log10"),
];

/** The observable's value from the natural log of its ratio (computed in log scale: finite past overflow). */
export const fromLog = (log10: boolean, v: number): number => (log10 ? v / Math.LN10 : Math.exp(v));
