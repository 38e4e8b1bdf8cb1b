/**
 * No silent wrong numbers, no crash on hostile input: one regression test per defect found by a
 * hostile probe (each failed before its fix), plus property tests over chunk, shard and server inputs.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { createServer, request, type Server } from "node:http";
import { createServer as netServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../src/simulate.js";
import { applyOverrides, parseSpec, presetSpec, SpecError } from "../src/spec/index.js";
import { CLI, cli, dist, KILLABLE_RUN, runQuiet, startAndKill } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "deeplimits-integrity-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const MLP = ["nica-mlp", "--set", "width=12", "--set", "depth=3", "--engine", "dense", "--threads", "1"];

// ---- 1, 11: the explorer's server ------------------------------------------------------------------

type ExploreModule = typeof import("../src/node/explore.js");

const get = (port: number, path: string, method = "GET") =>
  new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((ok, fail) => {
    const req = request({ host: "127.0.0.1", port, path, method }, (res) => {
      let body = "";
      res.on("data", (b) => (body += b));
      res.on("end", () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", fail);
    req.end();
  });

describe("explorer server", () => {
  const SECRET = "top secret: outside the app folder";
  let server: Server;
  let port = 0;
  let explore: ExploreModule;
  beforeAll(async () => {
    explore = await dist<ExploreModule>("node/explore.js");
    const base = join(tmp, "www");
    const root = join(base, "app");
    mkdirSync(join(root, "sub"), { recursive: true });
    writeFileSync(join(root, "index.html"), "<!doctype html><title>app</title>");
    writeFileSync(join(root, "sub", "a.js"), "export {};");
    writeFileSync(join(base, "secret.txt"), SECRET);
    symlinkSync(join(base, "secret.txt"), join(root, "link.txt"));
    server = createServer(explore.handler(root));
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it("undecodable paths get 400 and the server stays up (it used to die on a URIError)", async () => {
    for (const p of ["/%", "/%E0%A4%A", "/%zz", "/a%"]) expect((await get(port, p)).status, p).toBe(400);
    expect((await get(port, "/")).status).toBe(200);
  });

  it("only GET and HEAD: other methods get 405 with Allow; every answer has the security headers", async () => {
    for (const m of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const r = await get(port, "/", m);
      expect(r.status, m).toBe(405);
      expect(r.headers.allow).toBe("GET, HEAD");
    }
    const head = await get(port, "/", "HEAD");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    for (const p of ["/", "/nope", "/%"]) {
      const r = await get(port, p);
      expect(r.headers["x-content-type-options"], p).toBe("nosniff");
      expect(r.headers["x-frame-options"], p).toBe("DENY");
      expect(String(r.headers["content-security-policy"]), p).toMatch(/frame-ancestors 'none'/);
    }
  });

  it("fuzz: 400 random paths, encodings and methods; never a file outside the folder, never down", async () => {
    const segment = fc.oneof(
      fc.constantFrom(
        "..",
        "%2e%2e",
        "%2E%2E",
        ".%2e",
        "%2f",
        "%5c",
        "..%5c",
        "\\",
        "sub",
        "a.js",
        "index.html",
      ),
      fc.constantFrom("link.txt", "secret.txt", "%00", "%", "%E0%A4%A", "%ff", "~", "%C0%AE", "//", ";"),
      fc.string({ maxLength: 6 }).map(encodeURIComponent),
    );
    const path = fc.array(segment, { maxLength: 6 }).map((s) => `/${s.join("/")}`);
    const method = fc.constantFrom("GET", "GET", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE");
    let served = 0;
    await fc.assert(
      fc.asyncProperty(path, method, async (p, m) => {
        const r = await get(port, p, m);
        expect([200, 400, 403, 404, 405], `${m} ${p}`).toContain(r.status);
        expect(r.body.includes(SECRET), `${m} ${p}`).toBe(false);
        if (r.status === 200) served++;
      }),
      { numRuns: 400, seed: 17 },
    );
    expect(served).toBeGreaterThan(0);
    expect((await get(port, "/sub/a.js")).status).toBe(200);
    expect((await get(port, "/link.txt")).status).toBe(404);
  });

  it("URLs of IPv6 hosts are bracketed; a non-loopback host is warned about", async () => {
    expect(explore.urlOf("::1", 5173)).toBe("http://[::1]:5173/");
    expect(explore.urlOf("127.0.0.1", 80)).toBe("http://127.0.0.1:80/");
    const local = await explore.serve(0, "127.0.0.1");
    expect(local.warning).toBeUndefined();
    local.server.close();
    const open = await explore.serve(0, "0.0.0.0");
    expect(open.warning).toMatch(/anyone who can reach this machine/);
    open.server.close();
  });

  it("explore --build never overwrites; a port in use is a clear error (exit 2)", async () => {
    const dir = join(tmp, "built");
    mkdirSync(dir);
    writeFileSync(join(dir, "index.html"), "mine");
    const r = await runQuiet("explore", "--build", dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--build: .* is not empty/);
    expect(readFileSync(join(dir, "index.html"), "utf8")).toBe("mine");
    const busy = netServer();
    await new Promise<void>((ok) => busy.listen(0, "127.0.0.1", () => ok()));
    const p = (busy.address() as { port: number }).port;
    const b = await runQuiet("explore", "--port", String(p));
    busy.close();
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(new RegExp(`--port: ${p} is already in use`));
  });
});

// ---- 2, 4: checkpoints -------------------------------------------------------------------------------

describe("checkpoints: never a mix of runs, never a damaged chunk", () => {
  const ARGS = KILLABLE_RUN.map((a) => (a === "5000" ? "2000" : a));
  it("seed 3 killed, seed 4 killed, seed 4 resumed equals a clean seed-4 run byte for byte", async () => {
    const dir = join(tmp, "mix");
    const out = join(dir, "run");
    const k3 = await startAndKill([...ARGS, "--seed", "3", "--threads", "1"], out, "SIGKILL", 3);
    expect(k3.saved).toBeGreaterThan(0);
    // Killed once its own checkpoint holds chunks (the plan file names seed 4).
    const seed4 = () => {
      try {
        return JSON.parse(readFileSync(join(out, ".chunks", "plan.json"), "utf8")).plan.seed === 4;
      } catch {
        return false;
      }
    };
    const k4 = await startAndKill([...ARGS, "--seed", "4", "--threads", "1"], out, "SIGKILL", 2, seed4);
    expect(k4.saved).toBeGreaterThan(0);
    const r = cli("simulate", ...ARGS, "--seed", "4", "--out", out, "--resume");
    expect(r.status, r.stderr).toBe(0);
    expect(cli("simulate", ...ARGS, "--seed", "4", "--out", join(dir, "clean")).status).toBe(0);
    for (const f of ["summaries.json", "samples.arrow"])
      expect(readFileSync(join(out, f)).equals(readFileSync(join(dir, "clean", f))), f).toBe(true);
    expect(cli("verify", out).status).toBe(0);
  });

  /** A checkpoint folder with the first `n` chunks of a plan done, as a killed run leaves it. */
  const plant = async (out: string, seed: number, n: number) => {
    const { makePlan, runChunk } = await dist<typeof import("../src/simulate.js")>("simulate.js");
    const ck = await dist<typeof import("../src/node/formats/checkpoint.js")>("node/formats/checkpoint.js");
    const spec = parseSpec({ ...presetSpec("nica-mlp"), width: 12, depth: 3 });
    const plan: Plan = makePlan(spec, { samples: 400000, seed, engine: "product" });
    ck.openCheckpoint(out, plan, false);
    for (let c = 0; c < n; c++) ck.saveChunk(out, plan, runChunk(plan, c));
    return {
      plan,
      args: [
        "nica-mlp",
        "--set",
        "width=12",
        "--set",
        "depth=3",
        "--engine",
        "product",
        "--samples",
        "400000",
        "--seed",
        String(seed),
        "--out",
        out,
      ],
    };
  };

  it("a new run without --resume clears the old chunks; a foreign chunk file is refused", async () => {
    const out = join(tmp, "ck-foreign");
    const { plan } = await plant(out, 3, 2);
    expect(plan.chunks).toBeGreaterThan(4);
    const foreign = readFileSync(join(out, ".chunks", "chunk-1.bin"));
    const { args } = await plant(out, 4, 1);
    expect(readdirSync(join(out, ".chunks")).sort()).toEqual(["chunk-0.bin", "plan.json"]);
    writeFileSync(join(out, ".chunks", "chunk-1.bin"), foreign); // a seed-3 chunk slipped in
    const r = await runQuiet("simulate", ...args, "--resume", "--json");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--resume: .*chunk-1\.bin belongs to a different run/);
  });

  it("a changed value or a cut chunk file is refused with the file named (exit 2)", async () => {
    const out = join(tmp, "ck-tamper");
    const { args } = await plant(out, 5, 3);
    const f = join(out, ".chunks", "chunk-2.bin");
    const bytes = readFileSync(f);
    bytes[bytes.length - 100] ^= 1;
    writeFileSync(f, bytes);
    const changed = await runQuiet("simulate", ...args, "--resume", "--json");
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/chunk-2\.bin checksum mismatch/);
    await plant(out, 5, 3);
    truncateSync(join(out, ".chunks", "chunk-1.bin"), 500);
    const cut = await runQuiet("simulate", ...args, "--resume", "--json");
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/chunk-1\.bin truncated/);
  });

  it("property: any damage to a chunk file is refused (exit 2) or harmless (same result); never exit 1", async () => {
    const out = join(tmp, "ck-prop");
    const { args } = await plant(out, 6, 2);
    const clean = await runQuiet(
      "simulate",
      ...args.map((a) => (a === out ? join(tmp, "ck-prop-clean") : a)),
      "--json",
    );
    const want = JSON.parse(clean.stdout).samplesSha256;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({
            kind: fc.constant("flip" as const),
            at: fc.nat(),
            bit: fc.integer({ min: 0, max: 7 }),
          }),
          fc.record({ kind: fc.constant("cut" as const), at: fc.nat(), bit: fc.constant(0) }),
          fc.record({ kind: fc.constant("append" as const), at: fc.nat({ max: 64 }), bit: fc.constant(0) }),
        ),
        async (m) => {
          await plant(out, 6, 2);
          const f = join(out, ".chunks", "chunk-1.bin");
          const b = readFileSync(f);
          if (m.kind === "flip") {
            b[m.at % b.length] ^= 1 << m.bit;
            writeFileSync(f, b);
          } else if (m.kind === "cut") truncateSync(f, m.at % b.length);
          else appendFileSync(f, Buffer.alloc(m.at + 1, 7));
          const r = await runQuiet("simulate", ...args, "--resume", "--json");
          expect([0, 2], r.stderr).toContain(r.code);
          if (r.code === 2) {
            refused++;
            expect(r.stderr).toMatch(/chunk-1\.bin/);
          } else expect(JSON.parse(r.stdout).samplesSha256).toBe(want);
        },
      ),
      { numRuns: 40, seed: 5 },
    );
    expect(refused).toBeGreaterThan(30);
  });
});

// ---- 4, 10: shards -------------------------------------------------------------------------------------

describe("shards: a changed, cut or foreign shard is refused", () => {
  const dir = join(tmp, "shards");
  const shardArgs = (i: number) => [
    "simulate",
    ...MLP,
    "--samples",
    "3000",
    "--shard",
    `${i}/2`,
    "--out",
    dir,
  ];
  beforeAll(async () => {
    for (const i of [0, 1]) expect((await runQuiet(...shardArgs(i), "--json")).code).toBe(0);
  });
  const files = () => [0, 1].map((i) => join(dir, `shard-${i}-of-2.dlshard`));
  const mutated = (name: string, f: (b: Buffer) => Buffer) => {
    const p = join(tmp, name);
    writeFileSync(p, f(readFileSync(files()[1])));
    return [files()[0], p];
  };

  it("the merged shards verify; a changed value, a cut file, a JSON file are refused naming the file", async () => {
    const ok = await runQuiet("merge", ...files(), "--out", join(tmp, "merged"), "--json");
    expect(ok.code).toBe(0);
    expect((await runQuiet("verify", join(tmp, "merged"))).code).toBe(0);
    const changed = mutated("changed.dlshard", (b) => {
      b[b.length - 200] ^= 4;
      return b;
    });
    let r = await runQuiet("merge", ...changed, "--out", join(tmp, "m2"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/changed\.dlshard: record \d+ \(chunk \d+\) checksum mismatch/);
    r = await runQuiet(
      "merge",
      ...mutated("cut.dlshard", (b) => b.subarray(0, b.length - 9)),
      "--out",
      join(tmp, "m3"),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cut\.dlshard is truncated/);
    writeFileSync(join(tmp, "old.json"), JSON.stringify({ format: "deeplimits-shard/1", plan: {} }));
    r = await runQuiet("merge", join(tmp, "old.json"), "--out", join(tmp, "m4"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/old\.json is not a deeplimits shard file/);
    expect(existsSync(join(tmp, "m2")) || existsSync(join(tmp, "m3")) || existsSync(join(tmp, "m4"))).toBe(
      false,
    );
  });

  it("a shard whose header lists no records (no chunks) is refused with a clear message", async () => {
    const { writeContainer } =
      await dist<typeof import("../src/node/formats/container.js")>("node/formats/container.js");
    const { readContainer } =
      await dist<typeof import("../src/node/formats/container.js")>("node/formats/container.js");
    const { header } = readContainer<{ records: unknown[] }>(files()[1], "DLSHARD1", "merge");
    writeContainer(join(tmp, "empty.dlshard"), "DLSHARD1", { ...header, records: [] }, []);
    const r = await runQuiet("merge", files()[0], join(tmp, "empty.dlshard"), "--out", join(tmp, "m5"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/merge: missing chunks/);
  });

  it("property: random damage to a shard is refused (exit 2) or harmless; never exit 1, never other numbers", async () => {
    const want = JSON.parse(
      (await runQuiet("merge", ...files(), "--out", join(tmp, "mp0"), "--json")).stdout,
    ).samplesSha256;
    let n = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 0, max: 7 }), fc.boolean(), async (at, bit, cut) => {
        const shard = mutated(`p${n}.dlshard`, (b) => {
          if (cut) return b.subarray(0, at % b.length);
          b[at % b.length] ^= 1 << bit;
          return b;
        });
        const r = await runQuiet("merge", ...shard, "--out", join(tmp, `mp${++n}`), "--json");
        expect([0, 2], r.stderr).toContain(r.code);
        if (r.code === 2) {
          refused++;
          expect(r.stderr).toMatch(new RegExp(`p${n - 1}\\.dlshard`));
        } else expect(JSON.parse(r.stdout).samplesSha256).toBe(want);
      }),
      { numRuns: 40, seed: 9 },
    );
    expect(refused).toBeGreaterThan(30);
  });
});

// ---- 4, 5, 9, 10: result folders and verify ------------------------------------------------------------

describe("result folders: whole or not at all; verify checks every file", () => {
  const sim = (out: string, ...extra: string[]) =>
    runQuiet("simulate", ...MLP, "--samples", "800", "--out", out, "--json", ...extra);

  it("verify catches a changed statistic, a changed CSV value, a missing file; a non-result folder is exit 2", async () => {
    const out = join(tmp, "v");
    expect((await sim(out)).code).toBe(0);
    expect((await runQuiet("verify", out)).code).toBe(0);
    const s = readFileSync(join(out, "summaries.json"), "utf8");
    const mean = JSON.parse(s).stats.G.mean;
    writeFileSync(join(out, "summaries.json"), s.replace(String(mean), String(mean + 1e-9)));
    let r = await runQuiet("verify", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stats summaries\.json's statistics differ/);
    expect((await sim(out)).code).toBe(0);
    const csv = readFileSync(join(out, "samples.csv"), "utf8").split("\n");
    const cells = csv[5].split(",");
    cells[1] = String(Number(cells[1]) * 1.0000001);
    csv[5] = cells.join(",");
    writeFileSync(join(out, "samples.csv"), csv.join("\n"));
    r = await runQuiet("verify", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/samples\.csv sample 4 of G/);
    expect((await sim(out)).code).toBe(0);
    // samples.parquet of another run, with the manifest made to match it: the Parquet check names it.
    const other = join(tmp, "v-other");
    expect(
      (await runQuiet("simulate", ...MLP, "--samples", "600", "--seed", "9", "--out", other, "--json")).code,
    ).toBe(0);
    copyFileSync(join(other, "samples.parquet"), join(out, "samples.parquet"));
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    const bytes = readFileSync(join(out, "samples.parquet"));
    manifest.files["samples.parquet"] = {
      bytes: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    };
    writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest));
    r = await runQuiet("verify", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/samples\.parquet (has \d+ rows|belongs to another plan)/);
    expect((await sim(out)).code).toBe(0);
    rmSync(join(out, "result.json"));
    expect((await runQuiet("verify", out)).stderr).toMatch(/result\.json listed in the manifest but missing/);
    r = await runQuiet("verify", tmp);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/verify: .* has no summaries\.json/);
  });

  it("a full disk in the middle of the writes leaves the old result whole (exit 1, a message, no leftovers)", async () => {
    const io = await dist<typeof import("../src/node/io.js")>("node/io.js");
    const out = join(tmp, "full-disk");
    expect((await sim(out)).code).toBe(0);
    const before = readFileSync(join(out, "summaries.json"));
    io.injectWriteFault(20000);
    const r = await runQuiet("simulate", ...MLP, "--samples", "900", "--seed", "2", "--out", out, "--json");
    io.injectWriteFault(null);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write the result \(ENOSPC.*nothing was written/);
    expect(readFileSync(join(out, "summaries.json")).equals(before)).toBe(true);
    expect((await runQuiet("verify", out)).code).toBe(0);
    expect(readdirSync(tmp).filter((f) => f.startsWith(".full-disk"))).toEqual([]);
  });

  it("SIGINT during the final writes: exit 130 with a message, the old result untouched", async () => {
    const io = await dist<typeof import("../src/node/io.js")>("node/io.js");
    const out = join(tmp, "sigint");
    expect((await sim(out)).code).toBe(0);
    const before = readFileSync(join(out, "samples.arrow"));
    io.injectWriteFault(100, () => process.emit("SIGINT", "SIGINT"));
    const r = await runQuiet("simulate", ...MLP, "--samples", "900", "--seed", "3", "--out", out, "--json");
    io.injectWriteFault(null);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/stopped by SIGINT before the result was complete; nothing was written/);
    expect(readFileSync(join(out, "samples.arrow")).equals(before)).toBe(true);
    expect((await runQuiet("verify", out)).code).toBe(0);
  });

  it("a second run into a folder being written is refused (exit 2); the first completes", async () => {
    const out = join(tmp, "concurrent");
    const first = spawn(
      process.execPath,
      [
        CLI,
        "simulate",
        "nica-mlp",
        "--set",
        "width=50",
        "--set",
        "depth=10",
        "--engine",
        "dense",
        "--samples",
        "15000",
        "--threads",
        "1",
        "--out",
        out,
      ],
      {
        stdio: "ignore",
        env: { ...process.env, CI: "1" },
      },
    );
    const lock = join(tmp, ".concurrent.lock");
    for (let i = 0; i < 400 && !existsSync(lock); i++) await new Promise((ok) => setTimeout(ok, 10));
    expect(existsSync(lock)).toBe(true);
    const second = cli("simulate", ...MLP, "--samples", "100", "--out", out);
    expect(second.status).toBe(2);
    expect(second.stderr).toMatch(/--out: another deeplimits run \(pid \d+ on .*\) is writing/);
    const code = await new Promise<number | null>((ok) => first.once("exit", (c) => ok(c)));
    expect(code).toBe(0);
    expect(cli("verify", out).status).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it("a rerun with more than 10^6 samples leaves no samples.csv of the old run; foreign files are kept", async () => {
    const out = join(tmp, "big");
    const args = [
      "nica-mlp",
      "--set",
      "depth=1",
      "--set",
      "width=3",
      "--engine",
      "product",
      "--out",
      out,
      "--json",
    ];
    expect((await runQuiet("simulate", ...args, "--samples", "1000")).code).toBe(0);
    writeFileSync(join(out, "notes.txt"), "my notes");
    expect(existsSync(join(out, "samples.csv"))).toBe(true);
    expect((await runQuiet("simulate", ...args, "--samples", "1000001")).code).toBe(0);
    expect(existsSync(join(out, "samples.csv"))).toBe(false);
    expect(readFileSync(join(out, "notes.txt"), "utf8")).toBe("my notes");
    expect((await runQuiet("verify", out)).code).toBe(0);
  });

  it("leftovers of killed runs (staging folders, stream temporaries, stale locks) are cleaned by the next run", async () => {
    const out = join(tmp, "stale");
    expect((await sim(out)).code).toBe(0);
    const dead = 2 ** 22 + 12345; // above Linux's pid_max default: no such process
    mkdirSync(join(tmp, `.stale.tmp-${dead}-abcd1234`));
    writeFileSync(join(out, `samples.arrow.tmp-${dead}-1700000000000`), "half");
    writeFileSync(
      join(tmp, ".stale.lock"),
      JSON.stringify({ pid: dead, host: (await import("node:os")).hostname() }),
    );
    expect((await sim(out)).code).toBe(0);
    expect(readdirSync(tmp).filter((f) => f.startsWith(".stale"))).toEqual([]);
    expect(readdirSync(out).some((f) => f.includes(".tmp-"))).toBe(false);
  });

  it("--out that is a file or unwritable, a spec file holding null: exit 2 before any sampling", async () => {
    writeFileSync(join(tmp, "afile"), "x");
    const r = await runQuiet("simulate", ...MLP, "--samples", "10", "--out", join(tmp, "afile"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out: .*afile exists and is not a folder/);
    const ro = await runQuiet("simulate", ...MLP, "--samples", "10", "--out", "/proc/deeplimits-no/out");
    expect(ro.code).toBe(2);
    expect(ro.stderr).toMatch(/--out: cannot (create|write in)/);
    writeFileSync(join(tmp, "null.json"), "null");
    const n = await runQuiet("simulate", join(tmp, "null.json"));
    expect(n.code).toBe(2);
    expect(n.stderr).toMatch(/model: the spec file must hold a JSON object/);
  });
});

// ---- 3: overflow is never silent ------------------------------------------------------------------------

describe("overflow: every engine keeps finite log-scale values or counts the sample non-finite", () => {
  type Sim = typeof import("../src/simulate.js");
  /** [preset, overrides, observable, engines, boundary value, beyond value] of the parameter `key`. */
  const CASES: [string, Record<string, unknown>, string, string[], string, number, number][] = [
    ["nica-mlp", { width: 10, depth: 20 }, "G", ["reduced", "product"], "gain", 1e14, 1e30],
    ["lnr-resnet", { width: 10, depth: 20 }, "G", ["reduced"], "gain", 1e16, 1e300],
    ["hayou-resnet", { width: 10, depth: 20 }, "logPostNormGrowth", ["reduced"], "gain", 1e17, 1e20],
    [
      "hayou-resnet",
      { width: 10, depth: 20, inputs: ["unit", "e1"] },
      "gradNorm",
      ["reduced"],
      "gain",
      1e15,
      1e20,
    ],
    [
      "marion-res3",
      { width: 10, depth: 200, weights: { law: "gaussian" } },
      "log10GradRelDisp",
      ["reduced"],
      "beta",
      -2,
      -4,
    ],
  ];
  /** Engines that work in log scale and so never overflow where dense does. */
  const LOG_SCALE = new Set(["product"]);
  const N = 600;
  for (const [preset, over, obs, engines, key, boundary, beyond] of CASES) {
    for (const engine of engines) {
      it(`${preset} ${obs}, ${engine} vs dense at ${key} = ${boundary} and ${beyond}`, async () => {
        const { simulate } = await dist<Sim>("simulate.js");
        const run = (e: string, v: number) =>
          simulate(parseSpec({ ...presetSpec(preset), ...over, [key]: v }), {
            samples: N,
            seed: 1,
            engine: e as "dense",
            observables: [obs],
          }).samples[obs];
        const frac = (x: Float64Array) => x.filter((v) => !Number.isFinite(v)).length / x.length;
        const finite = (x: Float64Array) => Array.from(x).filter(Number.isFinite);
        // The same fraction of non-finite samples (within 5 SE): overflow (or an early death, which keeps
        // a ResNet finite) is counted alike, never hidden behind a finite number.
        const sameOverflow = (x: Float64Array, y: Float64Array) => {
          const p = (frac(x) + frac(y)) / 2;
          expect(Math.abs(frac(x) - frac(y))).toBeLessThanOrEqual(
            5 * Math.sqrt((2 * p * (1 - p)) / N) + 2 / N,
          );
        };
        const logScale = LOG_SCALE.has(engine);
        const d = run("dense", boundary);
        const e = run(engine, boundary);
        if (!logScale) sameOverflow(d, e);
        const med = (x: number[]) => x.sort((a, b) => a - b)[Math.floor(x.length / 2)];
        const fd = finite(d);
        const fe = finite(e);
        expect(fd.length).toBeGreaterThan(N / 4);
        // Medians of the finite values within 5% (log scale for the gradient norm).
        const md = obs === "gradNorm" ? Math.log(med(fd)) : med(fd);
        const me = obs === "gradNorm" ? Math.log(med(fe)) : med(fe);
        expect(Math.abs(md - me) / Math.abs(md)).toBeLessThan(0.05);
        // Beyond: more of the dense samples overflow; the engine overflows alike, or (log scale) grows on.
        const d2 = run("dense", beyond);
        const e2 = run(engine, beyond);
        expect(frac(d2)).toBeGreaterThan(frac(d));
        if (!logScale) sameOverflow(d2, e2);
        else {
          expect(frac(e2)).toBeLessThanOrEqual(frac(e) + 0.05);
          expect(med(finite(e2))).toBeGreaterThan(me);
        }
      });
    }
  }
});

// ---- 6, 7, 8, 12: depth, memory, overrides, numbers -----------------------------------------------------

describe("hostile numbers and sizes", () => {
  it("depth 130000 runs or is refused cleanly for every family (no stack overflow)", async () => {
    for (const [preset, extra] of [
      ["nica-mlp", ["--set", "width=4"]],
      ["lnr-resnet", ["--set", "width=4"]],
      ["hayou-resnet", ["--set", "width=4"]],
      ["marion-res3", ["--set", "width=4", "--set", "weights.law=gaussian"]],
    ] as const) {
      const r = await runQuiet(
        "simulate",
        preset,
        "--set",
        "depth=130000",
        ...extra,
        "--samples",
        "1",
        "--threads",
        "1",
        "--json",
      );
      expect([0, 2], `${preset}: ${r.stderr}`).toContain(r.code);
      expect(r.stderr).not.toMatch(/RangeError|Maximum call stack/);
    }
  });

  it("a kernel larger than one WebAssembly memory is refused before sampling, with advice", async () => {
    const r = await runQuiet(
      "simulate",
      "marion-res3",
      "--set",
      "width=20000",
      "--set",
      "depth=10",
      "--samples",
      "1",
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /spec: the dense engine's WebAssembly kernel .* needs about [\d.]+ GiB, more than the 2\.0 GiB/,
    );
  });

  it("memory estimates cover the output: a shard holds its share, a stream its window", async () => {
    const { estimateMemory, makePlan } = await dist<typeof import("../src/simulate.js")>("simulate.js");
    const plan = makePlan(parseSpec({ ...presetSpec("nica-mlp"), width: 4, depth: 2 }), {
      samples: 1e8,
      engine: "product",
    });
    const all = estimateMemory(plan, 2, "memory").bytes;
    expect(all).toBeGreaterThan(4 * 1e8 * 3 * 8);
    expect(estimateMemory(plan, 2, "shard", 1e6).bytes).toBeLessThan(all / 30);
    expect(estimateMemory(plan, 2, "stream").bytes).toBeLessThan(all / 30);
    // The shard format holds float64 bytes, not text: its size is the samples' bytes plus small headers.
    const { encodeChunk } = await dist<typeof import("../src/node/formats/chunk-codec.js")>(
      "node/formats/chunk-codec.js",
    );
    const cols = [new Float64Array(1000), new Float64Array(1000)];
    expect(
      encodeChunk("h", { chunk: 0, start: 0, end: 1000, columns: cols, summaries: [] }).length,
    ).toBeLessThan(16000 + 200);
  });

  it("--set cannot reach the prototype chain", async () => {
    for (const s of [
      "__proto__.polluted=yes",
      "constructor.prototype.polluted=yes",
      "weights.__proto__.x=1",
    ]) {
      expect(() => applyOverrides(presetSpec("nica-mlp"), [s]), s).toThrow(SpecError);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const r = await runQuiet("simulate", "nica-mlp", "--set", s, "--samples", "1");
      expect(r.code, s).toBe(2);
      expect(r.stderr).toMatch(/--set: cannot set/);
    }
  });

  it("counts and seeds are exact integers: hex, binary, fractions and underflow are refused", async () => {
    const { exactInteger } = await dist<typeof import("../src/node/args.js")>("node/args.js");
    expect(exactInteger("2^15")).toBe(32768n);
    expect(exactInteger("1e5")).toBe(100000n);
    expect(exactInteger("2.5e3")).toBe(2500n);
    expect(exactInteger("9007199254740991")).toBe(9007199254740991n);
    for (const bad of [
      "0x10",
      "0b11",
      "0o7",
      "9007199254740991.4",
      "1e-400",
      "1.5",
      "1 2",
      "1_000",
      "+3",
      "",
      "Infinity",
    ])
      expect(exactInteger(bad), bad).toBeNull();
    for (const [opt, v] of [
      ["--samples", "0x10"],
      ["--seed", "0b11"],
      ["--seed", "9007199254740991.4"],
      ["--seed", "1e-400"],
      ["--seed", "9007199254740992"],
    ]) {
      const r = await runQuiet("simulate", ...MLP, "--samples", "3", opt, v);
      expect(r.code, `${opt} ${v}`).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`${opt}: must be an integer`));
    }
  });
});
