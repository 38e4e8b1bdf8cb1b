/**
 * SIGINT / SIGTERM for the CLI: the first signal asks the running command to stop (the worker pool is
 * closed, so sampling ends at once); the command then removes what it had staged and reports. Result
 * folders are committed only while no stop was asked for, so a stopped run never leaves a mix.
 */
import { closePool } from "./parallel.js";

let requested: NodeJS.Signals | null = null;
const waiters: (() => void)[] = [];

export class StoppedError extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`stopped by ${signal}`);
  }
}

/** The signal that asked this process to stop, or null. */
export const stopRequested = (): NodeJS.Signals | null => requested;

/** Throw StoppedError if a stop was asked for (call before committing anything). */
export function throwIfStopped(): void {
  if (requested) throw new StoppedError(requested);
}

/** Resolves when a stop is asked for (the explorer's server waits on it). */
export function whenStopped(): Promise<void> {
  return requested ? Promise.resolve() : new Promise((ok) => waiters.push(ok));
}

const onSignal = (sig: NodeJS.Signals) => {
  if (requested) return;
  requested = sig;
  void closePool();
  for (const w of waiters.splice(0)) w();
};

/** Install the handlers for the duration of one command; returns their removal. */
export function installStopHandlers(): () => void {
  requested = null;
  const int = () => onSignal("SIGINT");
  const term = () => onSignal("SIGTERM");
  process.on("SIGINT", int);
  process.on("SIGTERM", term);
  return () => {
    process.removeListener("SIGINT", int);
    process.removeListener("SIGTERM", term);
  };
}

/** A stop that ends a command normally (the explorer's server): forget it. */
export function acknowledgeStop(): void {
  requested = null;
}
