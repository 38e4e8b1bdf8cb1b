/** Named model presets. Each is a plain JSON spec; `--set` overrides apply on top. */

const LNR_RESNET = {
  family: "resnet",
  width: 100,
  depth: 100,
  nIn: 10,
  nOut: 10,
  alpha2: 0.5,
  balanced: false,
  activation: "relu",
  gain: 2,
  weights: { law: "gaussian" },
  inputs: [{ kind: "ones" }],
};

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
  "lnr-resnet": {
    description:
      "ReLU ResNet z^l = alpha z^{l-1} + lambda sqrt(2/n) W^l relu(z^{l-1}), alpha^2 = lambda^2 = 1/2, n = d = 100",
    reference: "Nica's notes section on skips; Li, Nica & Roy (2021) (log-gaussian.md 2.3)",
    spec: LNR_RESNET,
  },
  "lnr-resnet-balanced": {
    description:
      "Balanced ReLU ResNet: relu(s^l * z) with a fresh random sign vector s^l per layer, n = d = 100",
    reference: "Li, Nica & Roy (2021), Balanced ResNet (log-gaussian.md 2.3)",
    spec: { ...LNR_RESNET, balanced: true },
  },
  "hayou-resnet": {
    description:
      "Hayou's ResNet Y_l = Y_{l-1} + L^{-1/2} W_l relu(Y_{l-1}), W_l ~ N(0, 1/n), n = 100, L = 1000, d = 10, ||x|| = 1",
    reference:
      "Hayou, On the infinite-depth limit of finite-width neural networks (hayou-infinite-depth.md 1)",
    spec: {
      family: "hayou",
      width: 100,
      depth: 1000,
      nIn: 10,
      activation: "relu",
      gain: 1,
      weights: { law: "gaussian" },
      inputs: [{ kind: "unit" }],
      sdeSteps: 1000,
    },
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);
