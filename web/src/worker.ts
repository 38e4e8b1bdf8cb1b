/**
 * The explorer's simulation worker: the same core modules as the CLI (no duplicated math). A run is
 * planned exactly as `deeplimits simulate` plans it and its chunks are posted one by one, so the
 * assembled result is bit-identical to the CLI's for the same spec and seed.
 */
import { assemble, type Plan, makePlan, runChunk } from "../../src/simulate.js";
import { parseSpec } from "../../src/spec/index.js";
import { theoryCurves, theoryMoments } from "../../src/theory/overlays.js";
import type { EngineChoice } from "../../src/engines/types.js";

export type Request =
  | {
      type: "run";
      id: number;
      spec: unknown;
      samples: number;
      seed: number;
      engine: EngineChoice;
      observable: string;
    }
  | {
      type: "sweep";
      id: number;
      specs: unknown[];
      samples: number;
      seed: number;
      engine: EngineChoice;
      observable: string;
    };

const post = (msg: unknown, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(msg, transfer);

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

self.onmessage = (ev: MessageEvent<Request>) => {
  const req = ev.data;
  try {
    if (req.type === "run") {
      const spec = parseSpec(req.spec);
      const plan: Plan = makePlan(spec, {
        samples: req.samples,
        seed: req.seed,
        engine: req.engine,
        observables: [req.observable],
      });
      post({ type: "plan", id: req.id, plan });
      const curves = theoryCurves(spec, req.observable);
      post({
        type: "theory",
        id: req.id,
        curves: curves.map((c) => ({
          name: c.name,
          source: c.source,
          x: Array.from(c.x),
          density: Array.from(c.density),
          leftAtom: c.leftAtom,
        })),
      });
      for (let c = 0; c < plan.chunks; c++) {
        const r = runChunk(plan, c);
        post(
          { type: "chunk", id: req.id, result: r },
          r.columns.map((col) => col.buffer),
        );
      }
      post({ type: "done", id: req.id });
    } else {
      req.specs.forEach((raw, index) => {
        const spec = parseSpec(raw);
        const plan = makePlan(spec, {
          samples: req.samples,
          seed: req.seed,
          engine: req.engine,
          observables: [req.observable],
        });
        // Assembled as the CLI assembles a simulation, so each point equals `deeplimits sweep`'s cell bit for bit.
        const chunks = Array.from({ length: plan.chunks }, (_, c) => runChunk(plan, c));
        post({
          type: "point",
          id: req.id,
          index,
          engine: plan.engine,
          stats: assemble(plan, chunks).stats[req.observable],
          theory: theoryMoments(spec, req.observable),
        });
      });
      post({ type: "done", id: req.id });
    }
  } catch (e) {
    post({ type: "error", id: req.id, message: errorMessage(e) });
  }
};
