/** `deeplimits list`: the experiments (with estimated cost), the model presets and the families' engines. */
import type { Command } from "commander";
import { EXPERIMENTS, estimateExperimentSeconds } from "../../experiments/index.js";
import { capabilityRows } from "../../families/tables.js";
import { PRESET_NAMES, PRESETS } from "../../spec/index.js";
import { toJson } from "../io.js";

export function registerList(program: Command): void {
  program
    .command("list")
    .description("list the experiments (with estimated cost) and the model presets")
    .option("--json", "print JSON only")
    .action((o: { json?: boolean }) => {
      const experiments = EXPERIMENTS.map((e) => ({
        id: e.id,
        reference: e.reference,
        defaultSamples: e.defaults.samples,
        fullSamples: e.full.samples,
        estimatedCoreSeconds: estimateExperimentSeconds(e),
      }));
      const presets = PRESET_NAMES.map((name) => ({ name, description: PRESETS[name].description }));
      const engines = capabilityRows().map(([family, engine, observables]) => ({
        family: family.replace(/`/g, ""),
        engine: engine.replace(/`/g, ""),
        observables: observables.replace(/`/g, "").split(", "),
      }));
      if (o.json) {
        process.stdout.write(toJson({ experiments, presets, engines }));
        return;
      }
      console.log(
        "Experiments (deeplimits run <id>; estimated sampling time on one core at the default budget):",
      );
      for (const e of experiments) {
        console.log(
          `  ${e.id.padEnd(24)} ~${e.estimatedCoreSeconds.toFixed(1)} s  ${e.reference} [${e.defaultSamples} samples]`,
        );
      }
      console.log("\nPresets (deeplimits simulate <preset>):");
      for (const p of presets) console.log(`  ${p.name.padEnd(24)} ${p.description}`);
      console.log("\nFamilies and engines (--engine; each serves these observables):");
      for (const e of engines)
        console.log(`  ${e.family.padEnd(8)} ${e.engine.padEnd(8)} ${e.observables.join(", ")}`);
    });
}
