/** What theory predicts for an observable: moments, and density curves on a grid, each with its source. */
export interface TheoryMoments {
  name: string;
  source: string;
  mean: number;
  variance: number;
  /**
   * True when these are the exact finite-size moments (not a limit): a claim against them has basis
   * `exact`, and a claim against another theory of the same observable gets its effect from them.
   */
  exact?: boolean;
}

export interface TheoryCurve {
  name: string;
  source: string;
  x: Float64Array;
  density: Float64Array;
  /** Mass at -infinity (dead networks) not shown by the density. */
  leftAtom: number;
}
