/** Field schemas shared by every model family (messages name the field and the allowed values). */
import { z } from "zod";
import { ACTIVATION_NAMES } from "../activations/index.js";

export const posInt = (field: string, max: number) =>
  z
    .number({ error: `${field} must be a number (an integer from 1 to ${max})` })
    .int({ error: `${field} must be an integer from 1 to ${max}` })
    .min(1, { error: `${field} must be an integer from 1 to ${max}` })
    .max(max, { error: `${field} must be an integer from 1 to ${max}` });

export const finite = (field: string) =>
  z
    .number({ error: `${field} must be a finite number` })
    .refine(Number.isFinite, `${field} must be a finite number`);

export const MAX_WIDTH = 1_000_000;
export const MAX_DEPTH = 1_000_000;

export const activationSchema = z.preprocess(
  (v) => (typeof v === "string" ? { name: v } : v),
  z.discriminatedUnion(
    "name",
    [
      z.object({ name: z.literal("relu") }).strict(),
      z.object({ name: z.literal("identity") }).strict(),
      z.object({ name: z.literal("linear"), a: finite("activation.a") }).strict(),
      z
        .object({ name: z.literal("two-slope"), a: finite("activation.a"), b: finite("activation.b") })
        .strict(),
      z
        .object({
          name: z.literal("leaky-relu"),
          slope: finite("activation.slope").default(0.01),
        })
        .strict(),
      z.object({ name: z.literal("tanh") }).strict(),
      z.object({ name: z.literal("gelu") }).strict(),
      z.object({ name: z.literal("silu") }).strict(),
      z.object({ name: z.literal("sigmoid") }).strict(),
      z
        .object({
          name: z.literal("ou"),
          alpha: z
            .number({ error: "activation.alpha must be a number > 0" })
            .positive({ error: "activation.alpha must be a number > 0" }),
          beta: z
            .number({ error: "activation.beta must be a number > 0" })
            .positive({ error: "activation.beta must be a number > 0" }),
        })
        .strict(),
    ],
    {
      error: `activation must be one of ${ACTIVATION_NAMES.join(", ")} (linear takes a; two-slope takes a and b; leaky-relu takes slope, default 0.01; ou takes alpha and beta)`,
    },
  ),
);

export const WEIGHT_LAWS = ["gaussian", "uniform", "rademacher"] as const;

export const weightsSchema = z
  .object({
    law: z
      .enum(WEIGHT_LAWS, { error: `weights.law must be one of ${WEIGHT_LAWS.join(", ")}` })
      .default("gaussian"),
  })
  .strict();

export const INPUT_KINDS = ["ones", "unit", "e1", "vector"] as const;

/** The network input: x = (1,...,1) (||x||^2 = n_in), a unit-norm constant vector, e_1, or given values. */
export const inputSchema = z.preprocess(
  (v) => (typeof v === "string" ? { kind: v } : Array.isArray(v) ? { kind: "vector", values: v } : v),
  z.discriminatedUnion(
    "kind",
    [
      z.object({ kind: z.literal("ones") }).strict(),
      z.object({ kind: z.literal("unit") }).strict(),
      z.object({ kind: z.literal("e1") }).strict(),
      z.object({ kind: z.literal("vector"), values: z.array(finite("inputs[].values[]")).min(1) }).strict(),
    ],
    { error: `each input must be one of ${INPUT_KINDS.join(", ")} or an array of numbers of length nIn` },
  ),
);

export const TANGENT_KINDS = ["orthogonal", "diagonal"] as const;

/**
 * Direction u of the Jacobian-vector product d z_out / dx [u] (observable logJvpNorm2): a unit vector
 * orthogonal to the input, at 45 degrees to it, or given values.
 */
export const tangentSchema = z.union([z.enum(TANGENT_KINDS), z.array(finite("tangent[]")).min(1)], {
  error: `tangent must be one of ${TANGENT_KINDS.join(", ")} or an array of nIn numbers`,
});

export const depthSchema = z
  .number({ error: `depth must be an integer from 0 to ${MAX_DEPTH}` })
  .int({ error: `depth must be an integer from 0 to ${MAX_DEPTH}` })
  .min(0, { error: `depth must be an integer from 0 to ${MAX_DEPTH}` })
  .max(MAX_DEPTH, { error: `depth must be an integer from 0 to ${MAX_DEPTH}` });

/** The variance multiplier of the weights (He: 2). */
export const gainSchema = z
  .number({ error: "gain must be a finite number > 0" })
  .positive({ error: "gain must be a finite number > 0" })
  .refine(Number.isFinite, "gain must be a finite number > 0");

export const inputsSchema = z.array(inputSchema).min(1, { error: "inputs must hold at least one input" });

/** Fields of the MLP and the log-Gaussian ResNet. */
export const commonFields = {
  nIn: posInt("nIn", MAX_WIDTH),
  nOut: posInt("nOut", MAX_WIDTH),
  activation: activationSchema.default({ name: "relu" }),
  gain: gainSchema.default(2),
  weights: weightsSchema.default({ law: "gaussian" }),
  inputs: inputsSchema.default([{ kind: "ones" }]),
  tangent: tangentSchema.default("orthogonal"),
};
