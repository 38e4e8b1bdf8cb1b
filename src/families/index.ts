/**
 * The family registry: every model family is one folder under src/families/ and one line here.
 * Engines, spec parsing, presets, observables, theory, training and the explorer read this list.
 */
import { SpecError } from "../spec/errors.js";
import { hayouFamily } from "./hayou/index.js";
import { marionFamily } from "./marion/index.js";
import { mlpFamily } from "./mlp/index.js";
import { resnetFamily } from "./resnet/index.js";
import type { Family, Preset, SpecOf } from "./types.js";

export const FAMILY_LIST = [mlpFamily, resnetFamily, hayouFamily, marionFamily] as const;

export type * from "./types.js";
/** A validated spec of any registered family. */
export type ModelSpec = SpecOf<(typeof FAMILY_LIST)[number]>;

export const FAMILIES: readonly string[] = FAMILY_LIST.map((f) => f.name);

/** The family of a name (a SpecError naming the field and the registered families otherwise). */
export function familyNamed(name: unknown, field = "family"): Family<ModelSpec> {
  const f = FAMILY_LIST.find((x) => x.name === name);
  if (!f) throw new SpecError(field, `must be one of ${FAMILIES.join(", ")}`, name);
  return f as unknown as Family<ModelSpec>;
}

/** The family plugin that a validated spec belongs to. */
export function familyOf(spec: { family: string }): Family<ModelSpec> {
  return familyNamed(spec.family);
}

/** Every family's presets, in registry order. */
export const PRESETS: Record<string, Preset> = Object.assign({}, ...FAMILY_LIST.map((f) => f.presets));
export const PRESET_NAMES = Object.keys(PRESETS);
