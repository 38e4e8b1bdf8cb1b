/** Named model presets. Each is a plain JSON spec; `--set` overrides apply on top. */

export const PRESETS: Record<
  string,
  { description: string; reference: string; spec: Record<string, unknown> }
> = {
  "nica-mlp": {
    description:
      "ReLU MLP of the log-Gaussian notes, He scaling sqrt(2/n), iid N(0,1) weights, x = (1,...,1)",
    reference: "Nica, log-Gaussian notes, Definition 1 / Theorem 2 (log-gaussian.md 1.1)",
    spec: {
      family: "mlp",
      width: 100,
      depth: 10,
      nIn: 10,
      nOut: 10,
      activation: "relu",
      gain: 2,
      weights: { law: "gaussian" },
      inputs: [{ kind: "ones" }],
    },
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);
