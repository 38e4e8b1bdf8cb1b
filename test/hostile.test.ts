/**
 * Hostile input, property-based (fast-check, fixed seeds): random and adversarial specs, options and
 * observables never crash. Each is either accepted or refused with a SpecError naming the field; every
 * accepted spec that is cheap enough is simulated without an exception (non-finite values are counted).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
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
