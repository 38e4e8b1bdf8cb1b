/**
 * Every engine/observable pair is either served or refused with an error naming the engines that can
 * serve it; a served observable is always written into its own slot (never silently left unwritten
 * while another slot takes its value).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DECLARATIONS, EXPERIMENTS } from "../src/experiments/index.js";
import { families } from "../src/families/index.js";
import { ENGINES, OBSERVABLE_NAMES, parseObservables, selectEngine } from "../src/engines/index.js";
import { Rng } from "../src/rng/rng.js";
import { type ModelSpec, parseSpec, presetSpec, SpecError } from "../src/spec/index.js";

/** Tiny specs of every family; several inputs where the family allows them (corr needs two). */
const SPECS: [string, ModelSpec][] = [
  ["mlp", parseSpec({ ...presetSpec("nica-mlp"), width: 5, depth: 3, nIn: 4, nOut: 3 })],
  [
    "mlp, 2 inputs",
    parseSpec({ ...presetSpec("nica-mlp"), width: 5, depth: 3, nIn: 4, inputs: ["unit", "e1"] }),
  ],
  ["resnet", parseSpec({ ...presetSpec("lnr-resnet"), width: 5, depth: 3, nIn: 4 })],
  ["hayou", parseSpec({ ...presetSpec("hayou-resnet"), width: 4, depth: 5, nIn: 3 })],
  [
    "hayou, 2 inputs",
    parseSpec({ ...presetSpec("hayou-resnet"), width: 4, depth: 5, nIn: 3, inputs: ["unit", "e1"] }),
  ],
  [
    "marion",
    parseSpec({
      ...presetSpec("marion-res3"),
      width: 4,
      depth: 6,
      nIn: 3,
      nOut: 2,
      weights: { law: "gaussian" },
    }),
  ],
];
const SENTINEL = -1.234567e-300;

/** The canonical key of an observable name for a spec, or null when the family does not have it. */
function keyFor(name: string, spec: ModelSpec): string | null {
  for (const key of [name, `${name}[1]`, `${name}@1`]) {
    try {
      parseObservables([key], spec);
      return key;
    } catch {
      // try the next form
    }
  }
  return null;
}

/** Run the kernel of (engine, keys) on a few samples; the slots it left at the sentinel. */
function unwritten(engine: string, spec: ModelSpec, keys: string[]): string[] {
  const obs = parseObservables(keys, spec);
  const kernel = selectEngine(engine as "dense", spec, obs).compile(spec, obs);
  const rng = new Rng();
  const missed = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const row = new Float64Array(obs.length).fill(SENTINEL);
    rng.reset(7, i);
    kernel(rng, row, { seed: 7, index: i });
    obs.forEach((o, s) => {
      if (row[s] === SENTINEL) missed.add(o.key);
    });
  }
  return [...missed];
}

describe("architecture: engines serve what they declare, or refuse", () => {
  for (const [label, spec] of SPECS) {
    const keys = OBSERVABLE_NAMES.map((n) => keyFor(n, spec)).filter((k): k is string => k !== null);
    it(`${label}: each of ${keys.length} observables is served by every engine that accepts it, alone and together`, () => {
      expect(keys.length).toBeGreaterThan(2);
      let served = 0;
      for (const engine of Object.keys(ENGINES)) {
        const accepted: string[] = [];
        for (const key of keys) {
          let ok = true;
          try {
            selectEngine(engine as "dense", spec, parseObservables([key], spec));
          } catch (e) {
            expect(e, `${engine} ${key}`).toBeInstanceOf(SpecError);
            // The refusal says why and names the engines that can serve the request.
            expect((e as Error).message, `${engine} ${key}`).toMatch(
              /^engine: \w+ is not exact for this spec: it .+; (engines that can serve it: [a-z, ]*dense|no engine serves)/,
            );
            ok = false;
          }
          if (!ok) continue;
          accepted.push(key);
          expect(unwritten(engine, spec, [key]), `${engine} ${key} alone`).toEqual([]);
          served++;
        }
        // Together (and in reverse order): every slot written, none mis-slotted.
        if (accepted.length > 1) {
          expect(unwritten(engine, spec, accepted), `${engine} all`).toEqual([]);
          expect(unwritten(engine, spec, [...accepted].reverse()), `${engine} all reversed`).toEqual([]);
        }
      }
      expect(served).toBeGreaterThanOrEqual(keys.length); // the dense engine serves every observable
    });
  }
});

describe("architecture: the shape of the tree", () => {
  const root = new URL("..", import.meta.url).pathname;
  const sources = (dir: string): string[] =>
    readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts"))
      .map((f) => join(dir, f));
  it("no switch on a family's name outside src/families (engines, theory, CLI and explorer read the registry)", () => {
    const names = families().map((f) => f.name);
    const n = names.join("|");
    const pattern = new RegExp(
      `family\\s*[!=]==?\\s*["'\`]|case\\s*["'](${n})["']|[!=]==?\\s*["'](${n})["']|["'](${n})["']\\s*[!=]==?`,
    );
    const offenders = [...sources("src"), ...sources("web/src")]
      .filter((f) => !f.startsWith("src/families/"))
      .flatMap((f) =>
        readFileSync(join(root, f), "utf8")
          .split("\n")
          .map((line, i) => `${f}:${i + 1}: ${line.trim()}`)
          .filter((line) => pattern.test(line)),
      );
    expect(offenders).toEqual([]);
  });
  it("every experiment is one file whose path under src/experiments is its id", () => {
    const files = sources("src/experiments")
      .filter((f) => f !== "src/experiments/index.ts")
      .map((f) => f.slice("src/experiments/".length, -".ts".length))
      .sort();
    expect(Object.keys(DECLARATIONS).sort()).toEqual(files);
    expect(EXPERIMENTS.map((e) => e.id)).toEqual(Object.keys(DECLARATIONS));
  });
});
