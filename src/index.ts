/**
 * deeplimits library API (isomorphic: runs in Node and in browser workers).
 *
 *   import { parseSpec, presetSpec, simulate, theory } from "deeplimits";
 *   const spec = parseSpec({ ...presetSpec("nica-mlp"), depth: 50 });
 *   const r = simulate(spec, { samples: 10000, seed: 1 });
 *   r.stats.G.mean;                                    // vs theory.loggaussian.exactGMoments(spec.widths).mean
 *
 * Parallel runs on worker threads live in the Node adapter: `import { simulateParallel } from "deeplimits/node"`.
 * Model families are plugins (`families`, `registerFamily`; docs/architecture.md); experiments are
 * declarations (`defineExperiment`, `buildExperiment`).
 */
export * as activations from "./activations/index.js";
export * from "./engines/index.js";
export { families, familyNamed, familyOf, registerFamily } from "./families/index.js";
export type { Family, FormDef, KernelDef, ObservableDef, Preset } from "./families/types.js";
export { buildExperiment, defineExperiment, type ExperimentDeclaration } from "./runner/define.js";
export * as claims from "./claims/index.js";
export * as experiments from "./experiments/index.js";
export * as rng from "./rng/index.js";
export {
  assemble,
  type ChunkResult,
  DEFAULT_OBSERVABLES,
  makePlan,
  type Plan,
  runChunk,
  type SimulateOptions,
  type SimulationResult,
  simulate,
} from "./simulate.js";
export * from "./spec/index.js";
export * as stats from "./stats/index.js";
export {
  type GridAxis,
  parseGridAxis,
  parseSweep,
  runSweep,
  sweep,
  sweepDefinition,
  type SweepDefinition,
  type SweepOptions,
  type SweepResult,
} from "./sweep/index.js";
export * as theory from "./theory/index.js";
