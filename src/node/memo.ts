/**
 * Where resumable experiments keep their finished units (memo, one JSON file per key) and the progress
 * of unfinished ones (checkpoints, one binary file per key), both under the run's .checkpoints folder.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { CheckpointStore } from "../runner/types.js";
import type { Checkpoint } from "../train/train.js";
import { writeFileAtomic } from "./io.js";

function keyHash(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 32);
}

/** The file that holds the memo of `key` under dir (the key's SHA-256, 32 hex digits). */
export function memoFile(dir: string, key: string): string {
  return join(dir, `${keyHash(key)}.json`);
}

/** JSON that keeps NaN and +-Infinity (as the strings "NaN", "Infinity", "-Infinity"). */
export function encodeUnit(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
}

export function decodeUnit<T>(text: string): T {
  return JSON.parse(text, (_k, v) =>
    v === "NaN" || v === "Infinity" || v === "-Infinity" ? Number(v) : v,
  ) as T;
}

/** A memo entry as saved on disk and in shard files. */
export interface MemoEntry<T = unknown> {
  key: string;
  value: T;
}

/** The saved memo of key under dir, or undefined. */
export function readMemo<T>(dir: string, key: string): T | undefined {
  const f = memoFile(dir, key);
  if (!existsSync(f)) return undefined;
  const saved = decodeUnit<MemoEntry<T>>(readFileSync(f, "utf8"));
  return saved.key === key ? saved.value : undefined;
}

/** Save value under key in dir (atomically) and return it as a reader of the file would see it. */
export function writeMemo<T>(dir: string, key: string, value: T): T {
  const text = encodeUnit({ key, value });
  writeFileAtomic(memoFile(dir, key), text);
  return decodeUnit<MemoEntry<T>>(text).value;
}

// ---- epoch checkpoints: "DLCKPT1\n", u32 header length, JSON header, padding to 8, float64 arrays ----

const MAGIC = "DLCKPT1\n";

export function checkpointFile(dir: string, key: string): string {
  return join(dir, `${keyHash(key)}.ckpt`);
}

export function encodeCheckpoint(key: string, c: Checkpoint): Uint8Array {
  const header = new TextEncoder().encode(
    encodeUnit({ key, meta: c.meta, lengths: c.arrays.map((a) => a.length) }),
  );
  const start = Math.ceil((12 + header.length) / 8) * 8;
  const total = start + 8 * c.arrays.reduce((s, a) => s + a.length, 0);
  const bytes = new Uint8Array(total);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(8, header.length, true);
  bytes.set(header, 12);
  const f = new Float64Array(bytes.buffer, start);
  let o = 0;
  for (const a of c.arrays) {
    f.set(a, o);
    o += a.length;
  }
  return bytes;
}

/** The checkpoint in bytes, or undefined when it is not one saved for key (other key, other format). */
export function decodeCheckpoint(key: string, bytes: Uint8Array): Checkpoint | undefined {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) return undefined;
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const h = decodeUnit<{ key: string; meta: Record<string, unknown>; lengths: number[] }>(
    new TextDecoder().decode(bytes.subarray(12, 12 + n)),
  );
  if (h.key !== key) return undefined;
  let o = Math.ceil((12 + n) / 8) * 8;
  const total = h.lengths.reduce((s, l) => s + l, 0);
  if (bytes.length !== o + 8 * total) return undefined; // truncated
  const copy = new Uint8Array(bytes.subarray(o)); // an aligned copy (a Buffer may sit at any offset)
  o = 0;
  const all = new Float64Array(copy.buffer, copy.byteOffset, total);
  const arrays = h.lengths.map((l) => {
    const a = all.slice(o, o + l);
    o += l;
    return a;
  });
  return { meta: h.meta, arrays };
}

/** Epoch checkpoints in dir; saved progress is read back only when resuming. */
export function fileCheckpoints(dir: string, resume: boolean): CheckpointStore {
  return {
    load(key) {
      const f = checkpointFile(dir, key);
      return resume && existsSync(f) ? decodeCheckpoint(key, readFileSync(f)) : undefined;
    },
    save(key, c) {
      writeFileAtomic(checkpointFile(dir, key), encodeCheckpoint(key, c));
    },
    drop(key) {
      rmSync(checkpointFile(dir, key), { force: true });
    },
  };
}
