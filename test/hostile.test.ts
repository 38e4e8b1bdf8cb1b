/**
 * Hostile input, property-based (fast-check, fixed seeds): random and adversarial specs, options and
 * observables never crash. Each is either accepted or refused with a SpecError naming the field; every
 * accepted spec that is cheap enough is simulated without an exception (non-finite values are counted).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { runQuiet } from "./helpers.js";
import { afterAll, describe, expect, it } from "vitest";
import { estimateMemoryBytes, estimateSeconds, makePlan, simulate } from "../src/simulate.js";
import { parseSpec, SpecError } from "../src/spec/index.js";

const hostileNumber = fc.constantFrom(
  -1,
  0,
  0.5,
  1,
  2,
  3,
  7,
  1e-300,
  1e308,
  -1e308,
  2 ** 53,
  1e7,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -0,
);
const hostileScalar = fc.oneof(
  hostileNumber,
  fc.integer({ min: -5, max: 12 }),
  fc.constantFrom("relu", "softmax", "", "__proto__", "NaN", "gaussian", "ones", "1e3", "orthogonal"),
  fc.boolean(),
  fc.constant(null),
);
const hostileValue = fc.oneof(
  hostileScalar,
  fc.array(hostileScalar, { maxLength: 4 }),
  fc.dictionary(
    fc.constantFrom("name", "a", "b", "alpha", "beta", "law", "kind", "values", "x"),
    hostileScalar,
    { maxKeys: 3 },
  ),
  fc.constantFrom(
    { name: "two-slope", a: 1, b: 0.2 },
    { name: "ou", alpha: 1, beta: 1 },
    { name: "ou", alpha: -1, beta: 2 },
    { law: "uniform" },
    { law: "cauchy" },
    { kind: "fbm", H: 1.5 },
    { kind: "fbm", H: -0.2 },
    { kind: "fbm", H: 0.3 },
    { kind: "smooth" },
    "res1",
    ["unit", "e1"],
    [[1, 0, 0]],
    [],
  ),
);
const FIELDS = [
  "width",
  "depth",
  "nIn",
  "nOut",
  "activation",
  "gain",
  "weights",
  "inputs",
  "tangent",
  "alpha2",
  "lambda2Depth",
  "balanced",
  "sdeSteps",
  "y0",
  "bogus",
];
const hostileSpec = fc.record(
  {
    family: fc.constantFrom("mlp", "resnet", "hayou", "marion", "cnn", 1, null),
    fields: fc.oneof(
      { arbitrary: fc.constant({}), weight: 1 },
      { arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 4 }), weight: 3 },
    ),
    base: fc.record({
      width: fc.integer({ min: 1, max: 6 }),
      depth: fc.integer({ min: 0, max: 4 }),
      nIn: fc.integer({ min: 1, max: 4 }),
      nOut: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { requiredKeys: ["family", "fields", "base"] },
);
const hostileOptions = fc.record({
  samples: fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 4 },
    { arbitrary: fc.integer({ min: -3, max: 0 }), weight: 1 },
    { arbitrary: hostileNumber, weight: 1 },
  ),
  seed: fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 10 }), weight: 4 },
    { arbitrary: hostileNumber, weight: 1 },
  ),
  observables: fc.array(
    fc.constantFrom(
      "G",
      "logOutNorm2",
      "logNorm2[1]",
      "logNorm2[99]",
      "logJvpNorm2",
      "logPostNormGrowth",
      "corr",
      "corr@0",
      "gradNorm[2]",
      "preact",
      "collapsed",
      "activeFraction",
      "G@5",
      "nope",
      "G[1]",
    ),
    { minLength: 0, maxLength: 3 },
  ),
  engine: fc.constantFrom("auto", "dense", "reduced", "product", "sde", "gpu"),
});

describe("hostile specs never crash", () => {
  it("1500 random specs and options: accepted, or refused with a SpecError that names a field", () => {
    let accepted = 0;
    let simulated = 0;
    fc.assert(
      fc.property(hostileSpec, hostileOptions, (s, o) => {
        const { nOut, ...noOut } = s.base;
        const input = {
          family: s.family,
          ...(s.family === "hayou" ? noOut : { ...noOut, nOut }),
          ...s.fields,
        };
        try {
          const spec = parseSpec(input);
          accepted++;
          const plan = makePlan(spec, {
            samples: o.samples,
            seed: o.seed,
            engine: o.engine as "auto",
            observables: o.observables.length ? o.observables : undefined,
          });
          if (estimateSeconds(plan) < 0.02 && estimateMemoryBytes(plan) < 1e9) {
            const r = simulate(spec, {
              samples: Math.min(plan.samples, 3),
              seed: plan.seed,
              engine: plan.engine,
              observables: plan.observables,
            });
            for (const k of plan.observables) expect(r.stats[k].count).toBe(Math.min(plan.samples, 3));
            simulated++;
          }
        } catch (e) {
          if (!(e instanceof SpecError)) throw e;
          expect(e.message).toMatch(/^[A-Za-z0-9_.[\]-]+: \S/);
        }
      }),
      { numRuns: 1500, seed: 20261123 },
    );
    // The generator must exercise both outcomes, or the property is vacuous.
    expect(accepted).toBeGreaterThan(50);
    expect(simulated).toBeGreaterThan(20);
  });
});

describe("hostile CLI input: exit 2, a message naming the field, nothing written", () => {
  const CLI = new URL("../dist/src/node/cli.js", import.meta.url).pathname;
  const tmp = mkdtempSync(join(tmpdir(), "deeplimits-hostile-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  it("30 random hostile --set / option combinations", () => {
    const setArg = fc
      .tuple(fc.constantFrom(...FIELDS, "weights.law", "activation.name"), hostileScalar)
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
    const argv = fc.record({
      sets: fc.array(setArg, { minLength: 1, maxLength: 3 }),
      samples: fc.constantFrom("0", "-5", "1e12", "abc", "2^70", "3"),
      preset: fc.constantFrom("nica-mlp", "lnr-resnet", "hayou-resnet"),
    });
    let refused = 0;
    fc.assert(
      fc.property(argv, (a) => {
        const out = join(tmp, `o${Math.random().toString(36).slice(2)}`);
        const args = [
          "simulate",
          a.preset,
          ...a.sets.flatMap((x) => ["--set", x]),
          "--samples",
          a.samples,
          "--out",
          out,
          "--json",
        ];
        const r = spawnSync(process.execPath, [CLI, ...args], {
          encoding: "utf8",
          timeout: 60000,
          env: { ...process.env, CI: "1" },
        });
        expect([0, 2], `${args.join(" ")}\n${r.stderr}`).toContain(r.status);
        if (r.status === 2) {
          refused++;
          expect(r.stderr).toMatch(/^deeplimits: invalid input: [A-Za-z0-9_.[\]-]+: /);
          expect(existsSync(out)).toBe(false);
        }
      }),
      { numRuns: 30, seed: 7 },
    );
    expect(refused).toBeGreaterThan(10);
  });
});

describe("hostile CLI input in process: 1000 cases through the real command code", () => {
  const tmp2 = mkdtempSync(join(tmpdir(), "deeplimits-hostile-inproc-"));
  afterAll(() => rmSync(tmp2, { recursive: true, force: true }));
  it("exit 0 with complete outputs, or exit 2 with the field named and nothing written; never a crash", async () => {
    // The built CLI (npm test builds first): its package.json lookup is relative to dist/.
    const { runCli } = (await import("../dist/src/node/cli.js" as string)) as {
      runCli: (argv: string[]) => Promise<number>;
    };
    const setArg = fc
      .tuple(fc.constantFrom(...FIELDS, "weights.law", "activation.name", "correlation.H"), hostileScalar)
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
    const sometimes = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: good, weight: 4 }, { arbitrary: bad, weight: 1 });
    const argv = fc.record({
      sets: sometimes(fc.constant([] as string[]), fc.array(setArg, { minLength: 1, maxLength: 3 })),
      samples: sometimes(fc.constantFrom("3", "2"), fc.constantFrom("0", "-5", "1e12", "abc", "2^70", "1.5")),
      seed: sometimes(fc.constantFrom("0", "7"), fc.constantFrom("-1", "1e300", "x")),
      preset: sometimes(
        fc.constantFrom("nica-mlp", "lnr-resnet", "hayou-resnet"),
        fc.constant("bogus-preset"),
      ),
      observables: sometimes(
        fc.constant(null),
        fc.constantFrom("G", "G,logNorm2[1]", "logPostNormGrowth", "corr", "nope", "G@3"),
      ),
      extra: sometimes<string[]>(
        fc.constant([]),
        fc.constantFrom<string[]>(
          ["--engine", "dense"],
          ["--engine", "warp"],
          ["--threads", "0"],
          ["--shard", "5/2"],
          ["--shard", "0/2"],
        ),
      ),
    });
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    let stderr = "";
    let refused = 0;
    let ran = 0;
    let n = 0;
    // Keep the output quiet: both streams are captured while the CLI runs.
    process.stdout.write = (() => true) as typeof process.stdout.write;
    process.stderr.write = ((c: string | Uint8Array) => {
      stderr += String(c);
      return true;
    }) as typeof process.stderr.write;
    try {
      await fc.assert(
        fc.asyncProperty(argv, async (a) => {
          const dir = join(tmp2, `o${n++}`);
          stderr = "";
          // Small models only: the presets' widths and depths are overridden unless a hostile set changes them.
          const base = a.preset.startsWith("hayou")
            ? ["--set", "width=4", "--set", "depth=6", "--set", "nIn=3"]
            : ["--set", "width=6", "--set", "depth=3"];
          const args = [
            "node",
            "deeplimits",
            "simulate",
            a.preset,
            ...base,
            ...a.sets.flatMap((x) => ["--set", x]),
            "--samples",
            a.samples,
            "--seed",
            a.seed,
            ...(a.observables === null ? [] : ["--observables", a.observables]),
            "--threads",
            "1",
            ...a.extra,
            "--out",
            dir,
            "--json",
          ];
          const code = await runCli(args);
          expect([0, 2], `${args.join(" ")}\n${stderr}`).toContain(code);
          if (code === 2) {
            refused++;
            expect(existsSync(dir), args.join(" ")).toBe(false);
            expect(stderr).toMatch(/(^deeplimits: invalid input: [A-Za-z0-9_.[\]-]+: )|(^error: )/);
          } else {
            ran++;
            const files = readdirSync(dir).sort();
            expect(
              files.some((f) => f.endsWith(".tmp")),
              files.join(","),
            ).toBe(false);
            expect(files.includes("summaries.json") || files.some((f) => f.startsWith("shard-"))).toBe(true);
          }
        }),
        { numRuns: 1000, seed: 11 },
      );
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
    expect(refused).toBeGreaterThan(100);
    expect(ran).toBeGreaterThan(20);
  });
  it("a run that needs more memory than the machine has is refused up front with an estimate", async () => {
    const r = spawnSync(
      process.execPath,
      [
        new URL("../dist/src/node/cli.js", import.meta.url).pathname,
        "simulate",
        "nica-mlp",
        "--samples",
        "1e9",
        "--out",
        join(tmp2, "big"),
      ],
      { encoding: "utf8" },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /spec: this run needs about [\d.]+ GiB of memory .* this machine has [\d.]+ GiB/,
    );
    expect(existsSync(join(tmp2, "big"))).toBe(false);
  });
});

describe("hostile sweeps in process: 300 random grids, claims and options", () => {
  const tmp3 = mkdtempSync(join(tmpdir(), "deeplimits-hostile-sweep-"));
  afterAll(() => rmSync(tmp3, { recursive: true, force: true }));
  it("every sweep is validated whole: a sweep file written (exit 0) or exit 2 naming the field and nothing written", async () => {
    const { parseSweep } = await import("../src/sweep/index.js");
    const sometimes = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: good, weight: 4 }, { arbitrary: bad, weight: 1 });
    const axis = sometimes(
      fc.constantFrom<[string, string]>(
        ["depth", "1,2,3"],
        ["depth", "2..5"],
        ["width", "1..100 log 4"],
        ["gain", "0.5..2 lin 3"],
        ["activation", "relu,tanh"],
        ["weights.law", "gaussian,uniform"],
      ),
      fc.tuple(
        fc.constantFrom("depth", "width", "gain", "activation", "bogus", "family", "__proto__", ""),
        fc.constantFrom(
          "",
          "1,,2",
          "5..1",
          "0..9 log 3",
          "1..1e9",
          "2,2",
          "-1,0",
          "1e400",
          "x..y",
          "1..4 step -1",
          "NaN",
          "[3,4],[5,6]",
          "relu,softmax",
        ),
      ),
    );
    const claim = sometimes(
      fc.constantFrom(
        "mean(G) = theory",
        "variance(G) = theory:log-Gaussian",
        "mean(G) = 0.1 within 0.05 vs -1",
      ),
      fc.constantFrom(
        "mean(logPostNormGrowth) = theory",
        "median(G) = theory",
        "mean(G) = theory:nothing",
        "mean(G) = ",
        "mean(G) = 1 within -2",
      ),
    );
    const argv = fc.record({
      preset: sometimes(fc.constantFrom("nica-mlp", "lnr-resnet", "hayou-resnet"), fc.constant("bogus")),
      grid: fc.uniqueArray(axis, { minLength: 1, maxLength: 2, selector: ([f]) => f }),
      claims: sometimes(fc.constant([] as string[]), fc.array(claim, { minLength: 1, maxLength: 2 })),
      extra: sometimes<string[]>(
        fc.constantFrom<string[]>([], ["--stat", "sd"], ["--samples", "2^10"]),
        fc.constantFrom<string[]>(
          ["--stat", "median"],
          ["--x", "nope"],
          ["--samples", "0"],
          ["--seed", "-1"],
          ["--engine", "warp"],
          ["--name", "bad name"],
        ),
      ),
    });
    let refused = 0;
    let saved = 0;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(argv, async (a) => {
        const file = join(tmp3, `s${n++}.json`);
        const args = [
          "sweep",
          a.preset,
          ...a.grid.flatMap(([f, v]) => ["--grid", `${f}=${v}`]),
          ...a.claims.flatMap((c) => ["--claim", c]),
          ...a.extra,
          "--save",
          file,
          "--json",
        ];
        const { code, stderr } = await runQuiet(...args);
        expect([0, 2], `${args.join(" ")}\n${stderr}`).toContain(code);
        if (code === 2) {
          refused++;
          expect(existsSync(file), args.join(" ")).toBe(false);
          expect(stderr, args.join(" ")).toMatch(
            /^deeplimits: invalid input: (--grid [A-Za-z0-9_.]+|[A-Za-z0-9_.[\]-]+): |^error: /,
          );
        } else {
          saved++;
          const def = JSON.parse(readFileSync(file, "utf8"));
          expect(parseSweep(def)).toEqual(def);
        }
      }),
      { numRuns: 300, seed: 5 },
    );
    expect(refused).toBeGreaterThan(50);
    expect(saved).toBeGreaterThan(30);
  });
});
