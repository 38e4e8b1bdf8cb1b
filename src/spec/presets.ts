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

const MARION_RES3 = {
  family: "marion",
  model: "res3",
  width: 40,
  depth: 1000,
  nIn: 64,
  nOut: 1,
  beta: 0.5,
  activation: "relu",
  weights: { law: "uniform" },
  correlation: { kind: "iid" },
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
  "marion-res3": {
    description:
      "Marion's res-3 h_{k+1} = h_k + L^{-beta} V_{k+1} relu(W_{k+1} h_k), d = 40, L = 1000, beta = 1/2, n_in = 64, iid U(+-sqrt(3/d))",
    reference:
      "Marion et al., Scaling ResNets in the large-depth regime, Figs 1-3 setup (marion-scaling-resnets.md 1, 4)",
    spec: MARION_RES3,
  },
  "marion-res1": {
    description:
      "Marion's res-1 h_{k+1} = h_k + L^{-beta} V_{k+1} relu(h_k), d = 30, L = 1000, beta = 1/2, n_in = 64, iid U(+-sqrt(3/d))",
    reference:
      "Marion et al., res-1 of Table 1 (the training experiments' model; marion-scaling-resnets.md 1, 4)",
    spec: { ...MARION_RES3, model: "res1", width: 30 },
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);
