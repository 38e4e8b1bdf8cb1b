/**
 * A file of chunk records behind a checked JSON header (shards and checkpoint chunks use it):
 *
 *   magic (8 bytes) | u32 LE header length | header (JSON) | SHA-256 of the header | zero padding to 8
 *   bytes | chunk records (chunk-codec.ts), in the order the header's `records` lists them
 *
 * Written record by record into a temporary file that is renamed into place (never a half file, never
 * one giant string); read back with every length, checksum and record checked.
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { SpecError } from "../../spec/errors.js";
import { faultPoint, makeDirs } from "../io.js";
import { chunkRecordLength, CodecError } from "./chunk-codec.js";

const DIGEST = 32;
const pad8 = (n: number) => (8 - (n % 8)) % 8;

/** Write header and records to `path` atomically (temporary sibling, fsync, rename). */
export function writeContainer(path: string, magic: string, header: object, records: Iterable<Buffer>): void {
  if (magic.length !== 8) throw new Error("internal: container magic must be 8 bytes");
  makeDirs(dirname(path));
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  const json = Buffer.from(JSON.stringify(header));
  const head = Buffer.alloc(12);
  head.write(magic, 0, "latin1");
  head.writeUInt32LE(json.length, 8);
  const digest = createHash("sha256").update(json).digest();
  const fd = openSync(tmp, "w");
  try {
    const put = (b: Buffer) => {
      faultPoint(b.length);
      let at = 0;
      while (at < b.length) at += writeSync(fd, b, at);
    };
    put(head);
    put(json);
    put(digest);
    put(Buffer.alloc(pad8(12 + json.length + DIGEST)));
    for (const r of records) put(r);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** A container read back: its header and the byte offsets of its records (each already length-checked). */
export interface Container<H> {
  header: H;
  bytes: Buffer;
  offsets: number[];
}

/**
 * Read and check a container; `field` names the option in errors (e.g. "merge", "--resume"). Every
 * problem is a SpecError naming the file.
 */
export function readContainer<H extends { records: unknown[] }>(
  path: string,
  magic: string,
  field: string,
): Container<H> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new SpecError(field, `cannot read ${path}: ${(e as Error).message}`);
  }
  const bad = (why: string) => new SpecError(field, `${path} ${why}`);
  if (bytes.length < 12 || bytes.toString("latin1", 0, 8) !== magic)
    throw bad(
      `is not a ${magic === "DLSHARD1" ? "deeplimits shard" : "deeplimits"} file (wrong magic: an older format or another file)`,
    );
  const len = bytes.readUInt32LE(8);
  if (bytes.length < 12 + len + DIGEST) throw bad("is truncated (header)");
  const json = bytes.subarray(12, 12 + len);
  if (
    !createHash("sha256")
      .update(json)
      .digest()
      .equals(bytes.subarray(12 + len, 12 + len + DIGEST))
  )
    throw bad("is damaged: its header's checksum does not match");
  let header: H;
  try {
    header = JSON.parse(json.toString("utf8"));
  } catch {
    throw bad("is damaged: its header is not JSON");
  }
  if (!header || !Array.isArray(header.records)) throw bad("has no record list");
  let at = 12 + len + DIGEST;
  at += pad8(at);
  const offsets: number[] = [];
  for (let i = 0; i < header.records.length; i++) {
    let n: number;
    try {
      n = chunkRecordLength(bytes, at);
    } catch (e) {
      throw bad(`record ${i}: ${(e as CodecError).message}`);
    }
    if (at + n > bytes.length) throw bad(`is truncated (record ${i} of ${header.records.length})`);
    offsets.push(at);
    at += n;
  }
  if (at !== bytes.length) throw bad(`has ${bytes.length - at} bytes after its last record`);
  return { header, bytes, offsets };
}
