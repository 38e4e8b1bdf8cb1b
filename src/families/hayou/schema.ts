/**
 * Hayou's finite-width ResNet with 1/sqrt(L) branches (docs/theory/infinite-depth.md section 1, Eq. 1):
 *   Y_0 = W_in x,   Y_l = Y_{l-1} + L^{-1/2} W_l phi(Y_{l-1}),   l = 1..L,
 *   W_in entries iid N(0, 1/d) (d = nIn), W_l entries iid N(0, gain/n) (gain 1 in the paper), no biases.
 * There is no output layer: observables are read at the last block. sdeSteps is the time grid of the
 * SDE engine (the L -> infinity limit dX = n^{-1/2} ||phi(X)|| dB), independent of L. y0 fixes Y_0
 * (one input only) instead of drawing W_in: the sheet's width-1 and OU checks condition on Y_0.
 */
import { z } from "zod";
import { commonFields, depthSchema, gainSchema, inputsSchema, MAX_WIDTH, posInt } from "../../spec/common.js";

export const hayouSchema = z
  .object({
    family: z.literal("hayou"),
    width: posInt("width", MAX_WIDTH),
    depth: depthSchema,
    nIn: commonFields.nIn,
    activation: commonFields.activation,
    gain: gainSchema.default(1),
    weights: commonFields.weights,
    inputs: inputsSchema.default([{ kind: "unit" }]),
    sdeSteps: posInt("sdeSteps", 10_000_000).default(1000),
    y0: z
      .union([z.number().refine(Number.isFinite), z.array(z.number().refine(Number.isFinite)).min(1)], {
        error: "y0 must be a finite number (every coordinate) or a list of width finite numbers",
      })
      .optional(),
  })
  .strict();

type Parsed = z.output<typeof hayouSchema>;

/** A validated Hayou ResNet spec (widths lists n for Y_0..Y_L). */
export type HayouSpec = Parsed & { widths: number[]; nOut: number; tangent: "orthogonal" };
