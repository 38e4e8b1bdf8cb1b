/** Tidy tables: parameter columns, types, stacking, and the Parquet bytes DuckDB reads back. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parquetBytes, tableCsv } from "../src/node/exports.js";
import {
  type CellRecord,
  concatTables,
  flattenSpec,
  parameterRows,
  samplesTable,
  summariesTable,
  tableFromRows,
} from "../src/runner/tidy.js";
import { parseSpec, presetSpec } from "../src/spec/index.js";
import { simulate } from "../src/simulate.js";
import { duck } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "deeplimits-tidy-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cell = (key: CellRecord["key"], fields: Record<string, unknown>, observables = ["G"]): CellRecord => {
  const spec = parseSpec({ ...presetSpec("nica-mlp"), ...fields });
  return {
    key,
    label: JSON.stringify(key),
    spec,
    sim: simulate(spec, { samples: 50, seed: 3, observables }),
  };
};

describe("tidy tables", () => {
  it("flattens nested spec fields and keeps long arrays out", () => {
    const f = flattenSpec({ a: 1, b: { c: "x", d: { e: true } }, short: [1, 2], long: Array(40).fill(1) });
    expect(f).toEqual({ a: 1, "b.c": "x", "b.d.e": true, short: "[1,2]" });
  });
  it("parameter columns: the key, family, the spec fields that vary, engine, seed, samples", () => {
    const rows = parameterRows([cell({ d: 2 }, { depth: 2 }), cell({ d: 5 }, { depth: 5 })]);
    expect(Object.keys(rows[0])).toEqual(["d", "family", "depth", "widths", "engine", "seed", "samples"]);
    expect(rows.map((r) => r.depth)).toEqual([2, 5]);
    // Fields equal in every cell (width, activation) are left out.
    expect(rows[0].width).toBeUndefined();
  });
  it("samples: one row per sample, integer index, null where a cell lacks an observable", () => {
    const t = samplesTable([
      cell({ d: 2 }, { depth: 2 }, ["G", "logOutNorm2"]),
      cell({ d: 5 }, { depth: 5 }),
    ]);
    const col = (n: string) => t.columns.find((c) => c.name === n)!;
    expect(col("sample").type).toBe("INT32");
    expect(col("d").type).toBe("INT32");
    expect(col("family").type).toBe("STRING");
    expect(col("G").values.length).toBe(100);
    expect(col("logOutNorm2").values[49]).not.toBeNull();
    expect(col("logOutNorm2").values[50]).toBeNull();
    expect(Array.from(col("sample").values).slice(48, 52)).toEqual([48, 49, 0, 1]);
  });
  it("an empty table keeps its schema; types are declared, not guessed from no rows", () => {
    const s = summariesTable("x", []);
    expect(s.columns.map((c) => c.name).slice(0, 3)).toEqual(["experiment", "cell", "family"]);
    expect(s.columns.find((c) => c.name === "mean")!.type).toBe("DOUBLE");
    expect(tableCsv(s).trim().split("\n")).toHaveLength(1);
  });
  it("an integer beyond int32 (a seed up to 2^53) is stored as a double, never wrapped", () => {
    const t = tableFromRows(
      "t",
      [{ seed: 2 ** 40 + 1, n: 3 }],
      [
        ["seed", "INT32"],
        ["n", "INT32"],
      ],
    );
    expect(t.columns.map((c) => [c.name, c.type])).toEqual([
      ["seed", "DOUBLE"],
      ["n", "INT32"],
    ]);
    expect(t.columns[0].values[0]).toBe(2 ** 40 + 1);
  });
  it("stacking by name: missing columns are null, int + double is double, other mixes strings", () => {
    const a = tableFromRows("t", [{ x: 1, y: "a" }]);
    const b = tableFromRows("t", [{ x: 1.5, z: true }]);
    const c = concatTables("t", [a, b]);
    expect(c.columns.map((k) => [k.name, k.type])).toEqual([
      ["x", "DOUBLE"],
      ["y", "STRING"],
      ["z", "BOOLEAN"],
    ]);
    expect(Array.from(c.columns[1].values)).toEqual(["a", null]);
  });
  it("DuckDB reads the Parquet bytes: types, nulls, -inf, NaN and the key/value metadata", async () => {
    const t = tableFromRows(
      "t",
      [
        { n: 1, v: Number.NEGATIVE_INFINITY, s: "a" },
        { n: 2, v: Number.NaN, s: null },
        { n: 3, v: 0.5, s: 'c,"d"' },
      ],
      [],
      { "deeplimits.test": '{"k": "v"}' },
    );
    const path = join(tmp, "t.parquet");
    writeFileSync(path, parquetBytes(t));
    const db = await duck();
    const rows = await db.rows(`select n, v, s, isnan(v) from '${path}' order by n`);
    expect(rows).toEqual([
      [1, Number.NEGATIVE_INFINITY, "a", false],
      [2, rows[1][1], null, true],
      [3, 0.5, 'c,"d"', false],
    ]);
    const kv = await db.rows(`select decode(key), decode(value) from parquet_kv_metadata('${path}')`);
    expect(Object.fromEntries(kv.map((r) => [r[0], r[1]]))["deeplimits.test"]).toBe('{"k": "v"}');
    const types = await db.rows(`select column_name, column_type from (describe select * from '${path}')`);
    expect(types).toEqual([
      ["n", "INTEGER"],
      ["v", "DOUBLE"],
      ["s", "VARCHAR"],
    ]);
    // The CSV of the same table: missing values empty, -inf and nan as words, quotes doubled.
    expect(tableCsv(t)).toBe('n,v,s\n1,-inf,a\n2,nan,\n3,0.5,"c,""d"""\n');
  });
});
