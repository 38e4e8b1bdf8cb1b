/** The N(m, v) density on a grid. */
export const gaussianPdf = (x: Float64Array, m: number, v: number): Float64Array =>
  x.map((y) => Math.exp(-((y - m) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v));
