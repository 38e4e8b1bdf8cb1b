/**
 * The MLP model spec (docs/theory/log-gaussian.md §1.1, generalised):
 *   z^0 = sqrt(1/n_in) W^0 x,  z^l = sqrt(gain/n_{l-1}) W^l phi(z^{l-1}) (l = 1..d),  z^out = W^out z^d / sqrt(n_d)
 * with W entries iid of mean 0 and variance 1 (Gaussian, uniform or Rademacher).
 */
import { z } from "zod";
import { commonFields, depthSchema, MAX_WIDTH, posInt } from "../../spec/common.js";

export const mlpSchema = z
  .object({
    family: z.literal("mlp"),
    width: z.union([posInt("width", MAX_WIDTH), z.array(posInt("width[]", MAX_WIDTH)).min(1)], {
      error: `width must be an integer from 1 to ${MAX_WIDTH}, or a list of d+1 such integers (n_0..n_d)`,
    }),
    depth: depthSchema.optional(),
    ...commonFields,
  })
  .strict();

export type MlpSpecInput = z.input<typeof mlpSchema>;
type Parsed = z.output<typeof mlpSchema>;

/** A validated MLP spec with the derived list of widths n_0..n_d. */
export type MlpSpec = Omit<Parsed, "width" | "depth"> & {
  width: number | number[];
  depth: number;
  widths: number[];
};
