/** The experiment registry: every reference figure is one named experiment. */
import { nicaLogGaussian } from "./nica-log-gaussian.js";
import type { Experiment } from "./types.js";

export * from "./types.js";

export const EXPERIMENTS: Experiment[] = [nicaLogGaussian];

export function findExperiment(id: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.id === id);
}
