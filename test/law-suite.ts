/**
 * The generated law suite of a family (the tfjs "one suite per backend" idea): on each of the family's
 * examples, every exact engine that serves an observable agrees in law with the dense engine (two-sample
 * KS on the finite values, and the same share of non-finite values), on every observable it declares;
 * and the same check rejects a wrong model (the example at twice its depth), so it can fail.
 */
import { describe, expect, it } from "vitest";
import { ENGINE_NAMES, parseObservables, selectEngine } from "../src/engines/index.js";
import type { Family, ModelSpec } from "../src/families/index.js";
import { simulate } from "../src/simulate.js";
import { parseSpec } from "../src/spec/index.js";
import { ksTwoSample } from "../src/stats/ks.js";

const SAMPLES = 3000;
/** KS p-value below which two laws are called different (fixed seeds: a failure is reproducible). */
const P_MIN = 1e-4;

/** The keys under which an engine serves an observable name on a spec (layer and input variants). */
function servedKeys(engine: string, name: string, spec: ModelSpec): string[] {
  const mid = Math.max(1, Math.floor(spec.depth / 2));
  const keys: string[] = [];
  for (const key of [name, `${name}[${mid}]`, `${name}@1`]) {
    try {
      const [o] = parseObservables([key], spec);
      selectEngine(engine as "dense", spec, [o]);
      // The canonical key (a pairing observable's default input is already @1).
      if (!keys.includes(o.key)) keys.push(o.key);
    } catch {
      // not this form of the key, or not served on this spec
    }
  }
  return keys.slice(0, 2);
}

/** KS p-value of the finite values, and the z score of the difference in the non-finite shares. */
export function sameLaw(a: Float64Array, b: Float64Array): { p: number; zNonFinite: number } {
  const fa = a.filter(Number.isFinite);
  const fb = b.filter(Number.isFinite);
  const qa = 1 - fa.length / a.length;
  const qb = 1 - fb.length / b.length;
  const q = (qa + qb) / 2;
  const se = Math.sqrt((q * (1 - q) * 2) / a.length) || 1;
  const p = fa.length > 1 && fb.length > 1 ? ksTwoSample(fa, fb).pValue : 1;
  return { p, zNonFinite: Math.abs(qa - qb) / se };
}

export function lawSuite(family: Family<ModelSpec>): void {
  const engines = ENGINE_NAMES.filter((e) => e !== "dense" && e !== "sde" && family.kernels[e]);
  describe(`${family.name}: every exact engine agrees in law with the dense engine`, () => {
    const covered = new Set<string>();
    for (const example of family.examples) {
      const spec = parseSpec(example.spec);
      for (const engine of engines) {
        const keys = family.kernels[engine]!.computes.flatMap((n) => servedKeys(engine, n, spec));
        if (keys.length === 0) continue;
        for (const k of keys) covered.add(`${engine} ${parseObservables([k], spec)[0].name}`);
        it(`${engine}, ${example.label}: ${keys.join(", ")}`, () => {
          const fast = simulate(spec, { samples: SAMPLES, seed: 11, engine, observables: keys });
          const dense = simulate(spec, { samples: SAMPLES, seed: 12, engine: "dense", observables: keys });
          for (const key of keys) {
            const r = sameLaw(fast.samples[key], dense.samples[key]);
            expect(r.p, `${key}: KS p-value`).toBeGreaterThan(P_MIN);
            expect(r.zNonFinite, `${key}: share of non-finite values`).toBeLessThan(5);
          }
        });
      }
    }
    it("the examples let every exact engine serve every observable it declares", () => {
      const missing = engines.flatMap((e) =>
        family.kernels[e]!.computes.filter((n) => !covered.has(`${e} ${n}`)).map((n) => `${e} ${n}`),
      );
      expect(missing).toEqual([]);
    });
    it("the check has power: the dense engine at twice the depth or three times the width is told apart", () => {
      const ex = family.examples[0].spec;
      const spec = parseSpec(ex);
      const n = spec.widths[0];
      const keys = family.defaultObservables.filter((k) => servedKeys("dense", k, spec).includes(k));
      const a = simulate(spec, { samples: SAMPLES, seed: 11, engine: "dense", observables: keys });
      const wide = "width" in ex ? [{ ...ex, width: 3 * n }] : [];
      const p = [{ ...ex, depth: 2 * spec.depth, ...("width" in ex ? { width: n } : {}) }, ...wide].flatMap(
        (wrong) => {
          const b = simulate(parseSpec(wrong), {
            samples: SAMPLES,
            seed: 12,
            engine: "dense",
            observables: keys,
          });
          return keys.map((k) => sameLaw(a.samples[k], b.samples[k]).p);
        },
      );
      expect(Math.min(...p)).toBeLessThan(P_MIN);
    });
  });
}
