/**
 * Parquet files written chunk by chunk (one row group per chunk, memory bounded by a chunk) and read
 * back column by column (for `verify`), with hyparquet-writer / hyparquet.
 */
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { parquetMetadata, parquetRead } from "hyparquet";
import { ByteWriter, ParquetWriter, schemaFromColumnData } from "hyparquet-writer";
import { columnSources } from "../exports.js";
import type { TidyColumn } from "../../runner/tidy.js";
import { faultPoint } from "../io.js";
import { VERSION } from "../version.js";

/** A Parquet file whose row groups are appended as they come; finish() writes the footer. */
export class ParquetStream {
  private readonly fd: number;
  private readonly bytes: ByteWriter & { flush?: () => void } = new ByteWriter();
  private writer: ParquetWriter | null = null;
  private open = true;

  constructor(
    path: string,
    private readonly metadata: Record<string, string>,
  ) {
    this.fd = openSync(path, "w");
    // Flush the in-memory buffer to the file after every row group.
    this.bytes.flush = () => {
      const chunk = new Uint8Array(this.bytes.buffer, 0, this.bytes.index);
      faultPoint(chunk.length);
      let at = 0;
      while (at < chunk.length) at += writeSync(this.fd, chunk, at);
      this.bytes.index = 0;
    };
  }

  /** Append rows (every column the same length; the first call fixes the schema). */
  write(columns: readonly TidyColumn[]): void {
    const columnData = columnSources(columns);
    this.writer ??= new ParquetWriter({
      writer: this.bytes,
      schema: schemaFromColumnData({ columnData }),
      createdBy: `deeplimits ${VERSION} (hyparquet-writer)`,
      kvMetadata: Object.entries({ "deeplimits.version": VERSION, ...this.metadata }).map(([key, value]) => ({
        key,
        value,
      })),
    });
    void this.writer.write({ columnData, rowGroupSize: Number.MAX_SAFE_INTEGER });
  }

  /** Write the footer and close the file. */
  finish(): void {
    try {
      if (this.writer) {
        this.writer.finish();
        this.bytes.flush?.();
      }
    } finally {
      this.abort();
    }
  }

  /** Close the file, without a footer unless finish() wrote it (after a failure the folder goes). */
  abort(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
  }
}

/** A Parquet file's row count and key/value metadata. */
export function parquetInfo(path: string): {
  rows: number;
  metadata: Record<string, string>;
  columns: string[];
} {
  const buf = readFileSync(path);
  const meta = parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return {
    rows: Number(meta.num_rows),
    metadata: Object.fromEntries((meta.key_value_metadata ?? []).map((kv) => [kv.key, kv.value ?? ""])),
    columns: meta.schema.slice(1).map((s) => s.name),
  };
}

/** The values of one column of a Parquet file (in row order). */
export async function readParquetColumn(path: string, column: string): Promise<unknown[]> {
  const buf = readFileSync(path);
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const out: unknown[] = [];
  await parquetRead({
    file,
    columns: [column],
    onChunk: ({ columnName, columnData, rowStart }) => {
      if (columnName !== column) return;
      for (let i = 0; i < columnData.length; i++) out[rowStart + i] = columnData[i];
    },
  });
  return out;
}
