/** The fields every family's validated spec has, so that shared code (kernels, estimates) can read them. */
import type { z } from "zod";
import type { ActivationSpec } from "../activations/index.js";
import type { inputSchema, tangentSchema, WEIGHT_LAWS } from "./common.js";

export interface SpecBase {
  family: string;
  depth: number;
  /** Widths n_0..n_depth of the hidden layers. */
  widths: number[];
  nIn: number;
  nOut: number;
  activation: ActivationSpec;
  gain: number;
  weights: { law: (typeof WEIGHT_LAWS)[number] };
  inputs: z.output<typeof inputSchema>[];
  tangent: z.output<typeof tangentSchema>;
}
