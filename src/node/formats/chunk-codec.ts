/**
 * The one chunk codec: how a chunk of samples is stored in checkpoint files, simulate shards and
 * experiment shards. A record is self-checking and names the plan it belongs to:
 *
 *   "DLCHUNK1" | u32 LE meta length | meta (JSON: planHash, chunk, start, end, columns) | zero padding
 *   to 8 bytes | columns x (end - start) float64 LE | SHA-256 of everything before it (32 bytes)
 *
 * Decoding checks the magic, the lengths, the checksum and that the record is the chunk the plan says
 * (plan hash, index, sample range, number of columns); the chunk's summaries are recomputed from its
 * samples (pushed in sample order, as runChunk does: bit-identical), so stored statistics can never
 * disagree with stored samples. Any failure is a CodecError naming what is wrong.
 */
import { createHash } from "node:crypto";
import type { ChunkResult, Plan } from "../../simulate.js";
import { summarize } from "../../stats/summary.js";
import { toJson } from "../io.js";

export const CHUNK_MAGIC = "DLCHUNK1";
const DIGEST = 32;

export class CodecError extends Error {}

/** SHA-256 (hex) of a plan's canonical JSON: what every chunk, shard and result names itself by. */
export function planHash(plan: Plan): string {
  return createHash("sha256").update(toJson(plan)).digest("hex");
}

const pad8 = (n: number) => (8 - (n % 8)) % 8;

/** The bytes of one chunk record. */
export function encodeChunk(hash: string, r: ChunkResult): Buffer {
  const meta = Buffer.from(
    JSON.stringify({ planHash: hash, chunk: r.chunk, start: r.start, end: r.end, columns: r.columns.length }),
  );
  const head = 12 + meta.length;
  const rows = r.end - r.start;
  const bodyAt = head + pad8(head);
  const out = Buffer.alloc(bodyAt + r.columns.length * rows * 8 + DIGEST);
  out.write(CHUNK_MAGIC, 0, "latin1");
  out.writeUInt32LE(meta.length, 8);
  meta.copy(out, 12);
  r.columns.forEach((c, o) => {
    if (c.length !== rows) throw new Error(`internal: column ${o} has ${c.length} values, not ${rows}`);
    Buffer.from(c.buffer, c.byteOffset, c.byteLength).copy(out, bodyAt + o * rows * 8);
  });
  const end = out.length - DIGEST;
  createHash("sha256").update(out.subarray(0, end)).digest().copy(out, end);
  return out;
}

/** The length of the record starting at `offset` (from its header), or a CodecError. */
export function chunkRecordLength(buf: Uint8Array, offset = 0): number {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length - offset < 12) throw new CodecError("truncated (no chunk header)");
  if (b.toString("latin1", offset, offset + 8) !== CHUNK_MAGIC) throw new CodecError("not a chunk record");
  const metaLen = b.readUInt32LE(offset + 8);
  if (metaLen > 1 << 16) throw new CodecError("corrupt chunk header (meta length)");
  const meta = parseMeta(b, offset, metaLen);
  const head = 12 + metaLen;
  return head + pad8(head) + meta.columns * (meta.end - meta.start) * 8 + DIGEST;
}

interface Meta {
  planHash: string;
  chunk: number;
  start: number;
  end: number;
  columns: number;
}

function parseMeta(b: Buffer, offset: number, metaLen: number): Meta {
  if (b.length - offset < 12 + metaLen) throw new CodecError("truncated (chunk header)");
  let m: Meta;
  try {
    m = JSON.parse(b.toString("utf8", offset + 12, offset + 12 + metaLen));
  } catch {
    throw new CodecError("corrupt chunk header (not JSON)");
  }
  const ints = [m?.chunk, m?.start, m?.end, m?.columns];
  if (
    typeof m?.planHash !== "string" ||
    !ints.every((x) => Number.isSafeInteger(x) && x >= 0) ||
    m.end < m.start
  )
    throw new CodecError("corrupt chunk header (fields)");
  return m;
}

/**
 * Decode the record at `offset` and check it against the plan; returns the chunk (summaries recomputed)
 * and the offset just past the record.
 */
export function decodeChunk(
  buf: Uint8Array,
  plan: Plan,
  hash: string,
  offset = 0,
): { chunk: ChunkResult; next: number } {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const len = chunkRecordLength(b, offset);
  if (b.length - offset < len) throw new CodecError(`truncated (${b.length - offset} of ${len} bytes)`);
  const end = offset + len - DIGEST;
  const digest = createHash("sha256").update(b.subarray(offset, end)).digest();
  if (!digest.equals(b.subarray(end, end + DIGEST)))
    throw new CodecError("checksum mismatch (changed bytes)");
  const metaLen = b.readUInt32LE(offset + 8);
  const m = parseMeta(b, offset, metaLen);
  if (m.planHash !== hash) throw new CodecError("belongs to a different run (plan hash differs)");
  const start = m.chunk * plan.chunkSize;
  if (
    m.chunk >= plan.chunks ||
    m.start !== start ||
    m.end !== Math.min(plan.samples, start + plan.chunkSize) ||
    m.columns !== plan.observables.length
  )
    throw new CodecError(`is not chunk ${m.chunk} of its plan (sample range or columns differ)`);
  const head = 12 + metaLen;
  const bodyAt = offset + head + pad8(head);
  const rows = m.end - m.start;
  const columns: Float64Array[] = [];
  const summaries = [];
  for (let o = 0; o < m.columns; o++) {
    const col = new Float64Array(rows);
    new Uint8Array(col.buffer).set(b.subarray(bodyAt + o * rows * 8, bodyAt + (o + 1) * rows * 8));
    columns.push(col);
    summaries.push(summarize(col));
  }
  return { chunk: { chunk: m.chunk, start: m.start, end: m.end, columns, summaries }, next: offset + len };
}
