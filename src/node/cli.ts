#!/usr/bin/env node
/**
 * The `deeplimits` command line: a thin adapter over the isomorphic core. Each command lives in
 * commands/<group>.ts; each file format in formats/. Exit codes: 0 success, 1 a failure (or verify's
 * MISMATCH), 2 invalid input (the message names the field and the allowed range; nothing is written),
 * 130 stopped by SIGINT / SIGTERM (nothing half-written; a checkpointed run keeps its chunks).
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { SpecError } from "../spec/index.js";
import { DataError } from "../train/data.js";
import { registerExplore } from "./commands/explore.js";
import { registerList } from "./commands/list.js";
import { registerMerge } from "./commands/merge.js";
import { registerReproduce } from "./commands/reproduce.js";
import { registerRun } from "./commands/run.js";
import { registerSimulate } from "./commands/simulate.js";
import { registerSweep } from "./commands/sweep.js";
import { registerVerify } from "./commands/verify.js";
import { releaseAllClaims } from "./formats/result-folder.js";
import { closePool } from "./parallel.js";
import { VERSION } from "./reproduce.js";
import { installStopHandlers, StoppedError, stopRequested } from "./stop.js";

function program(): Command {
  const p = new Command();
  p.name("deeplimits")
    .description(
      "Simulate randomly initialised deep networks and compare them with their large-depth limits.",
    )
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerList(p);
  registerSimulate(p);
  registerSweep(p);
  registerRun(p);
  registerReproduce(p);
  registerMerge(p);
  registerVerify(p);
  registerExplore(p);
  return p;
}

/**
 * Run the CLI on argv (process.argv form) in this process and return the exit code: 0 success, 2 invalid
 * input (the message names the field; nothing is written), 1 other failures, 130 stopped by a signal.
 */
export async function runCli(argv: string[]): Promise<number> {
  const removeHandlers = installStopHandlers();
  try {
    await program().parseAsync(argv);
    await closePool();
  } catch (e: unknown) {
    await closePool();
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof SpecError || e instanceof DataError) {
      process.stderr.write(`deeplimits: invalid input: ${e.message}\n`);
      return 2;
    }
    const sig = stopRequested();
    if (e instanceof StoppedError || sig) {
      process.stderr.write(
        `deeplimits: stopped by ${sig ?? (e as StoppedError).signal} before the result was complete; nothing was written (an earlier result in the output folder is unchanged)\n`,
      );
      return 130;
    }
    const err = e as NodeJS.ErrnoException;
    if (err?.code === "ENOSPC" || err?.code === "EACCES" || err?.code === "EROFS" || err?.code === "EDQUOT") {
      process.stderr.write(
        `deeplimits: cannot write the result (${err.message}); nothing was written (an earlier result in the output folder is unchanged)\n`,
      );
      return 1;
    }
    process.stderr.write(`deeplimits: ${err?.stack ?? String(e)}\n`);
    return 1;
  } finally {
    releaseAllClaims();
    removeHandlers();
  }
  const code = typeof process.exitCode === "number" ? process.exitCode : 0;
  process.exitCode = undefined;
  const sig = stopRequested();
  if (code === 0 && sig) {
    process.stderr.write(`deeplimits: ${sig} arrived after the result was complete; it was written whole\n`);
    return 130;
  }
  return code;
}

// Run when executed as the `deeplimits` binary (not when imported, e.g. by tests).
const entry = process.argv[1] ? realpathSync(process.argv[1]) : "";
if (entry === fileURLToPath(import.meta.url)) {
  void runCli(process.argv).then((code) => {
    process.exitCode = code;
  });
}
