/** `deeplimits verify DIR`: every file of a result folder checked, every statistic recomputed. */
import { resolve } from "node:path";
import type { Command } from "commander";
import { verifyResult } from "../formats/simulation.js";
import { toJson } from "../io.js";

export function registerVerify(program: Command): void {
  program
    .command("verify")
    .description(
      "check a result folder: every file against its manifest, and the statistics, quantiles, hash and CSV recomputed from the samples",
    )
    .argument("<dir>", "a folder written by simulate --out or merge")
    .option("--json", "print JSON only")
    .action(async (dir: string, o: { json?: boolean }) => {
      const v = await verifyResult(resolve(dir));
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
