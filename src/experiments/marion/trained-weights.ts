/**
 * Marion et al. (JMLR 2025, arXiv:2206.06929) Fig 8 (docs/theory/scaling-resnets.md §4): trained weights against depth keep the
 * regularity of their initialisation. res-1, ReLU, d = 30, L = 1000, MNIST flattened, Adam with
 * StepLR(5, 0.1), batch 128; the default budget trains on a subset for one epoch (the sample count is
 * the number of training examples); --full is the paper's setup.
 */
import { rowsText } from "../../report/tables.js";
import { tableFromRows } from "../../runner/tidy.js";
import { linesChart, stackCharts } from "../../report/charts.js";
import { marionFamily } from "../../families/marion/index.js";
import { presetSpec } from "../../spec/index.js";

import { MarionNet } from "../../train/model.js";
import { memo, mnist, roughness, trainingSeconds, trainOne } from "../../train/runs.js";
import { defineExperiment } from "../../runner/define.js";

const RUNS: [string, number, Record<string, unknown>][] = [
  ["beta = 1, smooth", 1, { kind: "smooth", variant: "values", bandwidth: 0.1 }],
  ["beta = 1, iid", 1, { kind: "iid" }],
  ["beta = 1/2, iid", 0.5, { kind: "iid" }],
];

export default defineExperiment({
  title: "Trained weights keep the regularity of their initialisation (res-1 on MNIST)",
  reference: "Marion et al. 2025 (arXiv:2206.06929), Fig. 8 (docs/theory/scaling-resnets.md §4)",
  description:
    "res-1, ReLU, d = 30, L = 1000, Adam lr 1e-3, StepLR(5, 0.1): one weight V_k[i, j] against k after training, for (beta = 1, smooth), (beta = 1, iid), (beta = 1/2, iid)",
  budgets: { default: { samples: 3000, seed: 1 }, full: { samples: 60000 } },
  cells: () => [],
  memoUnits: true,
  extraSeconds: (run) => RUNS.length * trainingSeconds(run.samples, run.full ? 10 : 1, 10000),
  analyse(_sims, { samples: trainN, seed, full }, ctx) {
    const epochs = full ? 10 : 1;
    const data = mnist(ctx);
    const rows: Record<string, unknown>[] = [];
    const curves: Record<string, unknown>[] = [];
    const results: Record<string, unknown>[] = [];
    // The same entry (i, j) in every run: V_k[3, 7].
    const entry = 3 * 30 + 7;
    for (const [label, beta, correlation] of RUNS) {
      const spec = marionFamily.parse({
        ...presetSpec("marion-res1"),
        nIn: data.train.features,
        beta,
        correlation,
      });
      const setup = { beta, correlation, lr: 1e-3, epochs, trainN, testN: 10000, seed };
      const key = `marion/trained-weights:${JSON.stringify({ ...setup, source: data.source })}`;
      const t = memo(ctx, key, () => {
        const init = new MarionNet(spec, data.train.classes, { batch: 128, seed });
        const V0 = init.params.find((p) => p.name === "V")!.value;
        const run = trainOne(ctx, key, data, setup);
        const V1 = run.net.params.find((p) => p.name === "V")!.value;
        const path = (V: Float64Array) => Array.from({ length: 500 }, (_, i) => V[2 * i * 900 + entry]);
        return {
          r0: roughness(init),
          r1: roughness(run.net),
          path0: path(V0),
          path1: path(V1),
          curve: run.curve,
          epochs: run.epochs,
          final: run.final,
        };
      });
      if (!t) continue; // another shard trains this run
      const { r0, r1 } = t;
      for (let i = 0; i < 500; i++) {
        const params = { beta, correlation: String(correlation.kind) };
        rows.push({ panel: label, ...params, k: 2 * i, weight: t.path0[i], series: "initialisation" });
        rows.push({ panel: label, ...params, k: 2 * i, weight: t.path1[i], series: "after training" });
      }
      for (const c of t.curve) curves.push({ run: label, ...c });
      results.push({
        run: label,
        beta,
        correlation,
        roughnessInit: r0,
        roughnessTrained: r1,
        epochs: t.epochs,
      });
      // No claim: one training run per initialisation gives no standard error (issue "Claims a researcher
      // can trust": training claims rest on several seeds or are removed); the roughness is in results.
    }
    return {
      params: {
        runs: RUNS.map((r) => r[0]),
        trainExamples: trainN,
        epochs,
        lr: 1e-3,
        batch: 128,
        data: data.source,
      },
      results: { runs: results },
      claims: [],
      tables: [tableFromRows("weights", rows)],
      figure: {
        ...stackCharts([
          linesChart({
            title: "One weight V_k[3, 7] against depth k, before and after training",
            rows,
            x: { field: "k", title: "layer k" },
            y: { field: "weight", title: "V_k[3, 7]" },
            color: { field: "series" },
            facet: { field: "panel", sort: RUNS.map((r) => r[0]), independentY: true },
            strokeWidth: 1,
            width: 260,
            height: 170,
          }),
          linesChart({
            title: "Training loss and accuracy",
            rows: curves,
            x: { field: "batch", title: "training step" },
            y: { field: "value" },
            color: { field: "run" },
            facet: { field: "metric", independentY: true },
            strokeWidth: 1,
            width: 390,
            height: 160,
          }),
        ]),
        resolve: { scale: { color: "independent" } },
      },
      caption: `Top: one entry of V_k against the layer k at initialisation and after ${epochs} epoch(s) of Adam on ${trainN} MNIST examples. Bottom: training loss and accuracy per batch. Roughness in the table: mean over entries of sum_k (V_{k+1} - V_k)^2 / sum_k V_k^2.`,
      table: rowsText(results, ["run", "accuracy", "roughnessInit", "roughnessTrained"]),
    };
  },
});
