/**
 * Marion et al.'s scaled ResNets (docs/theory/scaling-resnets.md §1):
 *   h_0 = A x,  res-1: h_{k+1} = h_k + alpha_L V_{k+1} sigma(h_k),  res-3: h_{k+1} = h_k + alpha_L V_{k+1} sigma(W_{k+1} h_k),
 *   output B h_L, alpha_L = L^{-beta}, loss ||B h_L - y||^2 at initialisation.
 * Weights: iid U(+-sqrt(3/fan_in)) (the paper's default) or N(0, 1/fan_in); depth correlation per entry:
 * iid, smooth (RBF Gaussian process in t = k/L, bandwidth 0.1; "values" = V_k = G(k/L)/sqrt(d) (2023) or
 * "increments" = normalised increments (2022)), or fbm (unit-variance fractional Gaussian noise / sqrt(d)).
 * Inputs and targets are drawn per sample as in the reference code: x ~ U[0,1)^{n_in}, y ~ U[0,1)^{n_out};
 * `nInputs` pairs (x, y) share one network's weights (observable suffix "@k" selects pair k).
 */
import { z } from "zod";
import { activationSchema, depthSchema, MAX_WIDTH, posInt } from "../../spec/common.js";

export const MARION_MODELS = ["res1", "res3"] as const;
export const CORRELATION_KINDS = ["iid", "smooth", "fbm"] as const;

export const correlationSchema = z.preprocess(
  (v) => (typeof v === "string" ? { kind: v } : v),
  z.discriminatedUnion(
    "kind",
    [
      z.object({ kind: z.literal("iid") }).strict(),
      z
        .object({
          kind: z.literal("smooth"),
          variant: z
            .enum(["values", "increments"], { error: "correlation.variant must be values or increments" })
            .default("values"),
          bandwidth: z
            .number({ error: "correlation.bandwidth must be a number > 0" })
            .positive({ error: "correlation.bandwidth must be a number > 0" })
            .default(0.1),
        })
        .strict(),
      z
        .object({
          kind: z.literal("fbm"),
          H: z
            .number({ error: "correlation.H must be a number in (0, 1) (the Hurst index)" })
            .gt(0, { error: "correlation.H must be a number in (0, 1) (the Hurst index)" })
            .lt(1, { error: "correlation.H must be a number in (0, 1) (the Hurst index)" }),
        })
        .strict(),
    ],
    { error: `correlation must be one of ${CORRELATION_KINDS.join(", ")} (fbm takes H in (0, 1))` },
  ),
);

export const marionSchema = z
  .object({
    family: z.literal("marion"),
    model: z
      .enum(MARION_MODELS, { error: `model must be one of ${MARION_MODELS.join(", ")}` })
      .default("res3"),
    width: posInt("width", MAX_WIDTH),
    depth: depthSchema,
    nIn: posInt("nIn", MAX_WIDTH),
    nOut: posInt("nOut", MAX_WIDTH).default(1),
    beta: z
      .number({ error: "beta must be a finite number (alpha_L = L^-beta)" })
      .refine(Number.isFinite, "beta must be a finite number (alpha_L = L^-beta)")
      .default(0.5),
    betas: z
      .array(
        z
          .number({ error: "betas must be finite numbers (alpha_L = L^-beta for each)" })
          .refine(Number.isFinite, "betas must be finite numbers (alpha_L = L^-beta for each)"),
        { error: "betas must be a list of 1 to 256 finite numbers" },
      )
      .min(1, { error: "betas must be a list of 1 to 256 finite numbers" })
      .max(256, { error: "betas must be a list of 1 to 256 finite numbers" })
      .optional(),
    nInputs: posInt("nInputs", 1024).default(1),
    activation: activationSchema.default({ name: "relu" }),
    weights: z
      .object({
        law: z
          .enum(["uniform", "gaussian"], { error: "weights.law must be one of uniform, gaussian" })
          .default("uniform"),
      })
      .strict()
      .default({ law: "uniform" }),
    correlation: correlationSchema.default({ kind: "iid" }),
  })
  .strict();

type Parsed = z.output<typeof marionSchema>;

/**
 * A validated Marion spec (inputs are drawn per sample; the fields below let shared code read it).
 * `betas` (when given) batches several scalings over the same weights and inputs: the observable
 * suffix "#j" selects betas[j]; `alphas` holds L^-beta for each (or for `beta` alone).
 */
export type MarionSpec = Parsed & {
  widths: number[];
  gain: number;
  inputs: { kind: "ones" }[];
  tangent: "orthogonal";
  alpha: number;
  alphas: number[];
};
