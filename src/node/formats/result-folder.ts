/**
 * Result folders appear whole or not at all.
 *
 * A command that writes a result folder first claims it (`claimOutput`): a lock file beside it keeps a
 * second run out, leftovers of killed runs are cleaned, and a path that cannot hold a result (an existing
 * file, an unwritable parent, the working folder itself) is refused before any sampling. The result is
 * written into a staging sibling (`.NAME.tmp-PID-RAND`), closed by `manifest.json` (every file with its
 * size and SHA-256), then swapped into place by renames: a reader sees the old complete result or the
 * new complete one. Entries of the old folder that belong to no result (a user's notes, a shards/
 * folder) are carried over; the old result's files are not.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { SpecError } from "../../spec/errors.js";
import { makeDirs, toJson, writeFileAtomic } from "../io.js";

export const MANIFEST = "manifest.json";
export const RESULT_FORMAT = "deeplimits-result/1";

/** Names that only a deeplimits result holds: never carried over from an old folder. */
const RESULT_NAMES = new Set([
  MANIFEST,
  "summaries.json",
  "result.json",
  "samples.arrow",
  "samples.csv",
  "partial.json",
  ".chunks",
  ".checkpoints",
]);

export interface Manifest {
  format: string;
  files: Record<string, { bytes: number; sha256: string }>;
  [key: string]: unknown;
}

/** SHA-256 of a file, read in blocks (any size). */
export function hashFile(path: string): string {
  const h = createHash("sha256");
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(1 << 23);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest("hex");
}

/** Every file under dir (relative paths with "/"), sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join("/"));
    }
  };
  walk(dir);
  return out.sort();
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** Leftovers of this folder's killed runs: `.NAME.tmp-PID-*` and `.NAME.old-PID-*` whose PID is gone. */
function cleanLeftovers(dir: string): void {
  const parent = dirname(dir);
  const base = basename(dir);
  const re = new RegExp(`^\\.${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.(tmp|old)-(\\d+)-[0-9a-f]+$`);
  for (const f of readdirSync(parent)) {
    const m = re.exec(f);
    if (!m || alive(Number(m[2]))) continue;
    const p = join(parent, f);
    // Killed between the two renames of a commit: the old result goes back into place.
    if (m[1] === "old" && !existsSync(dir)) renameSync(p, dir);
    else rmSync(p, { recursive: true, force: true });
  }
  // Temporary files of older versions' writers inside the folder (e.g. samples.arrow.tmp-PID-TIME).
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    for (const f of readdirSync(dir)) {
      const m = /\.tmp-(\d+)-\d+$/.exec(f) ?? /^\.[0-9a-f]{12}\.tmp$/.exec(f);
      if (m && (m[1] === undefined || !alive(Number(m[1])))) rmSync(join(dir, f), { force: true });
    }
  }
}

export interface OutputClaim {
  /** The result folder (absolute). */
  dir: string;
  /** A fresh staging folder beside dir, to write the new result into. */
  stage(): string;
  /** Close the staged result with its manifest and swap it into place. */
  commit(stageDir: string, extra?: Record<string, unknown>): void;
  /** Drop a staging folder (a failed or stopped run); the old result stays as it was. */
  abort(stageDir: string): void;
  /** Remove the lock (idempotent). */
  release(): void;
}

const claims = new Set<OutputClaim>();

/** Release every claim of this process (the CLI calls it on exit and on signals). */
export function releaseAllClaims(): void {
  for (const c of [...claims]) c.release();
}

/**
 * Claim `raw` as a result folder for this process; `field` names the option in errors (exit 2, nothing
 * written).
 */
export function claimOutput(raw: string, field = "--out"): OutputClaim {
  const dir = resolve(raw);
  const parent = dirname(dir);
  const cwd = process.cwd();
  if (dir === parent || cwd === dir || cwd.startsWith(dir + sep)) {
    throw new SpecError(
      field,
      "must not be the working folder, one of its parents or the root: give a new folder",
      raw,
    );
  }
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new SpecError(field, `${dir} exists and is not a folder: give a folder for the result`, raw);
  let created: string | undefined;
  try {
    created = makeDirs(parent);
  } catch (e) {
    throw new SpecError(field, `cannot create ${parent}: ${(e as Error).message}`, raw);
  }
  const lock = join(parent, `.${basename(dir)}.lock`);
  const me = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lock, toJson(me), { flag: "wx" });
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EEXIST" || attempt > 0)
        throw new SpecError(field, `cannot write in ${parent}: ${(e as Error).message}`, raw);
      let other: { pid?: number; host?: string; started?: string } = {};
      try {
        other = JSON.parse(readFileSync(lock, "utf8"));
      } catch {
        // unreadable lock: treated as stale below
      }
      const stale = other.host === me.host && typeof other.pid === "number" && !alive(other.pid);
      if (!stale && other.pid !== undefined) {
        throw new SpecError(
          field,
          `another deeplimits run (pid ${other.pid} on ${other.host}, since ${other.started}) is writing ${dir}: wait for it, or remove ${lock} if that run is gone`,
          raw,
        );
      }
      rmSync(lock, { force: true });
    }
  }
  let held = true;
  let committed = false;
  const claim: OutputClaim = {
    dir,
    stage() {
      const s = join(parent, `.${basename(dir)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
      mkdirSync(s);
      return s;
    },
    commit(stageDir, extra = {}) {
      const files: Manifest["files"] = {};
      for (const f of listFiles(stageDir)) {
        const p = join(stageDir, f);
        files[f] = { bytes: statSync(p).size, sha256: hashFile(p) };
      }
      writeFileAtomic(join(stageDir, MANIFEST), toJson({ format: RESULT_FORMAT, ...extra, files }));
      if (existsSync(dir)) {
        // Carry over what belongs to no result; the old result's own files go with the old folder.
        let old: Set<string> = new Set();
        try {
          const m = JSON.parse(readFileSync(join(dir, MANIFEST), "utf8")) as Manifest;
          old = new Set(Object.keys(m.files).map((f) => f.split("/")[0]));
        } catch {
          // no manifest: only RESULT_NAMES are known to be ours
        }
        for (const e of readdirSync(dir)) {
          if (RESULT_NAMES.has(e) || old.has(e) || existsSync(join(stageDir, e))) continue;
          renameSync(join(dir, e), join(stageDir, e));
        }
        const gone = join(parent, `.${basename(dir)}.old-${process.pid}-${randomBytes(4).toString("hex")}`);
        renameSync(dir, gone);
        renameSync(stageDir, dir);
        rmSync(gone, { recursive: true, force: true });
      } else renameSync(stageDir, dir);
      committed = true;
    },
    abort(stageDir) {
      rmSync(stageDir, { recursive: true, force: true });
    },
    release() {
      if (!held) return;
      held = false;
      claims.delete(claim);
      rmSync(lock, { force: true });
      // Folders this claim created for nothing (a refused or failed run) go again, if still empty.
      for (let p = parent; !committed && created && p.length >= created.length; p = dirname(p)) {
        try {
          rmdirSync(p);
        } catch {
          break;
        }
      }
    },
  };
  claims.add(claim);
  try {
    cleanLeftovers(dir);
  } catch (e) {
    claim.release();
    throw e;
  }
  return claim;
}

/**
 * Claim `raw`, write the result into a staging folder with `fill`, and commit it; on any failure the
 * staging folder is removed and the old result is untouched. The claim is released at the end.
 */
export async function writeResultFolder<T>(
  raw: string,
  fill: (stageDir: string) => Promise<{ value: T; manifest?: Record<string, unknown> }>,
  claim: OutputClaim = claimOutput(raw),
): Promise<T> {
  const stage = claim.stage();
  try {
    const { value, manifest } = await fill(stage);
    claim.commit(stage, manifest);
    return value;
  } catch (e) {
    claim.abort(stage);
    throw e;
  } finally {
    claim.release();
  }
}
