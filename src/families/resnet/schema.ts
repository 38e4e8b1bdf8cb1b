/**
 * The ResNet of the log-Gaussian notes' section on skips and of Li, Nica & Roy (2021) (docs/theory/log-gaussian.md §2.3):
 *   z^0 = sqrt(1/n_in) W^0 x
 *   z^l = alpha z^{l-1} + lambda sqrt(gain/n) W^l phi(s^l * z^{l-1})    (l = 1..d)
 *   z^out = W^out z^d / sqrt(n)
 * with alpha^2 + lambda^2 = 1. The balanced variant draws a fresh random sign vector s^l in {+-1}^n per
 * layer (s^l = 1 otherwise). Depth-scaled branches: lambda^2 = c/d (field lambda2Depth = c).
 */
import { z } from "zod";
import { commonFields, depthSchema, MAX_WIDTH, posInt } from "../../spec/common.js";

export const resnetSchema = z
  .object({
    family: z.literal("resnet"),
    width: posInt("width", MAX_WIDTH),
    depth: depthSchema,
    alpha2: z
      .number({ error: "alpha2 must be a number in [0, 1] (alpha^2; lambda^2 = 1 - alpha^2)" })
      .min(0, { error: "alpha2 must be a number in [0, 1] (alpha^2; lambda^2 = 1 - alpha^2)" })
      .max(1, { error: "alpha2 must be a number in [0, 1] (alpha^2; lambda^2 = 1 - alpha^2)" })
      .default(0.5),
    lambda2Depth: z
      .number({ error: "lambda2Depth must be a number c in (0, depth] (lambda^2 = c/d)" })
      .positive({ error: "lambda2Depth must be a number c in (0, depth] (lambda^2 = c/d)" })
      .optional(),
    balanced: z.boolean({ error: "balanced must be true or false" }).default(false),
    ...commonFields,
  })
  .strict();

type Parsed = z.output<typeof resnetSchema>;

/** A validated ResNet spec; alpha and lambda are resolved (lambda^2 = c/d when lambda2Depth = c). */
export type ResNetSpec = Parsed & { alpha: number; lambda: number; widths: number[] };
