/** `deeplimits list` and `deeplimits verify`. */
import { resolve } from "node:path";
import type { Command } from "commander";
import { EXPERIMENTS, estimateExperimentSeconds } from "../../experiments/index.js";
import { PRESET_NAMES, PRESETS } from "../../spec/index.js";
import { verifyResult } from "../formats/simulation.js";
import { toJson } from "../io.js";

export function registerInspectCommands(program: Command): void {
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
      if (o.json) {
        process.stdout.write(toJson({ experiments, presets }));
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
    });

  program
    .command("verify")
    .description(
      "check a result folder: every file against its manifest, and the statistics, quantiles, hash and CSV recomputed from the samples",
    )
    .argument("<dir>", "a folder written by simulate --out or merge")
    .option("--json", "print JSON only")
    .action((dir: string, o: { json?: boolean }) => {
      const v = verifyResult(resolve(dir));
      if (o.json) process.stdout.write(toJson(v));
      else {
        for (const c of v.checks) console.log(`${c.ok ? "ok      " : "MISMATCH"}  ${c.what}: ${c.detail}`);
        if (v.ok) console.log(`ok: ${resolve(dir)} is whole and consistent`);
        else
          process.stderr.write(
            `MISMATCH: ${resolve(dir)} fails ${v.checks.filter((c) => !c.ok).length} check(s): ${v.checks
              .filter((c) => !c.ok)
              .map((c) => `${c.what} ${c.detail}`)
              .join("; ")}
`,
          );
      }
      if (!v.ok) process.exitCode = 1;
    });
}
