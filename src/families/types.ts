/**
 * A model family is a plugin: one folder under src/families/ that declares everything the family is
 * (schema, presets, observables, one kernel per engine that serves it, cost and memory, theory, the
 * explorer's form), registered by one line in src/families/index.ts. Nothing outside a family's folder
 * switches on its name: engines, `list`, the explorer, estimates and theory read these declarations.
 */
import type { Observable } from "../engines/observables.js";
import type { EngineName, SampleKernel } from "../engines/types.js";
import type { SpecBase } from "../spec/base.js";
import type { TheoryCurve, TheoryMoments } from "../theory/types.js";

/** How an observable takes a layer index `[l]`: never, always, or a default when it is left out. */
export type LayerRule<S> = "none" | "required" | ((s: S) => number);

export interface ObservableDef<S> {
  layer: LayerRule<S>;
  /** A short label for menus and axes. */
  label: string;
  /** The observable relates input 0 to another input (default input 1, `@0` refused): corr. */
  pairsInputs?: boolean;
}

/** What one engine does for this family: the observables it computes (positive capability) and how. */
export interface KernelDef<S> {
  /** Every observable this engine computes for the family; a request with any other is refused. */
  computes: readonly string[];
  /** Null when the engine is exact for this spec and these observables, else the reason it is not. */
  unsupported?(s: S, observables: readonly Observable[]): string | null;
  /** Estimated single-core nanoseconds per sample (sizes chunks and estimates; never results). */
  cost(s: S, observables: readonly Observable[]): number;
  /** Working memory of one compiled kernel beyond the O(width) buffers, and its WebAssembly share. */
  memory?(s: S, observables: readonly Observable[]): { bytes: number; wasmBytes: number };
  compile(s: S, observables: readonly Observable[]): SampleKernel;
}

export interface Preset {
  description: string;
  reference: string;
  spec: Record<string, unknown>;
}

/** The explorer's form for this family (web/): which fields it shows and how they become a spec. */
export interface FormDef {
  /** The preset the explorer's CLI line starts from. */
  preset: string;
  /** Family-specific form fields shown (name attributes); the shared ones (width, depth, ...) always are. */
  fields: readonly string[];
  /** Form values set when the user switches to this family. */
  defaults: Record<string, string | number | boolean>;
  /** Observables offered in the menu (the first is the default); labels come from `observables`. */
  observables: readonly string[];
  /** The JSON spec of the form's values (`width` and `activation` already parsed). */
  toSpec(v: FormValues): Record<string, unknown>;
}

export type FormValues = Record<string, unknown> & {
  width: number | number[] | string;
  activation: unknown;
};

/** A family trained as a Marion res-1 network (src/train): its skip weight and branch scale. */
export type TrainAs = { native: true } | { native: false; skip: 0 | 1; alpha: number };

export interface Family<S extends SpecBase = SpecBase> {
  name: string;
  /** A short human name (the explorer's menu, `list`). */
  title: string;
  /** Validate a JSON spec of this family and derive what kernels need (throws SpecError). */
  parse(input: object): S;
  /** One line for logs and figure titles. */
  describe(s: S): string;
  presets: Record<string, Preset>;
  /**
   * Small specs on which the generated law suite (test/families.test.ts) checks every exact engine
   * against the dense engine; together they must let each engine serve each observable it declares.
   */
  examples: { label: string; spec: Record<string, unknown> }[];
  /** What a run records when no observables are named. */
  defaultObservables: readonly string[];
  observables: Record<string, ObservableDef<S>>;
  /** How many scalings a spec batches over the same weights (observable suffix `#j`); absent: one. */
  betas?(s: S): number;
  kernels: Partial<Record<EngineName, KernelDef<S>>>;
  /** Moments of an observable that theory predicts for the spec (empty when none applies). */
  theory?(s: S, observable: string): TheoryMoments[];
  /** Density curves on the grid x, when they are not the Gaussians of `theory`'s moments. */
  theoryCurves?(s: S, observable: string, x: Float64Array): TheoryCurve[];
  /** How src/train builds a trainable network of this family (absent: not trainable). */
  trainAs?(s: S): TrainAs;
  form: FormDef;
}

/** The validated spec type of a family. */
export type SpecOf<F> = F extends { parse(input: object): infer S } ? S : never;
