/**
 * The family registry: every model family is one folder under src/families/ and one line here.
 * Engines, spec parsing, presets, observables, theory, training and the explorer read this list.
 * `registerFamily` adds a family defined outside the tree (a plugin; test/fixtures/toy-family).
 */
import { SpecError } from "../spec/errors.js";
import { hayouFamily } from "./hayou/index.js";
import { marionFamily } from "./marion/index.js";
import { mlpFamily } from "./mlp/index.js";
import { resnetFamily } from "./resnet/index.js";
import type { SpecBase } from "../spec/base.js";
import type { Family, Preset, SpecOf } from "./types.js";

export const FAMILY_LIST = [mlpFamily, resnetFamily, hayouFamily, marionFamily] as const;

export type * from "./types.js";
/** A validated spec of any registered family. */
export type ModelSpec = SpecOf<(typeof FAMILY_LIST)[number]>;

const registered: Family<ModelSpec>[] = [];
/** The registered families' names, in registry order. */
export const FAMILIES: string[] = [];
/** Every family's presets, in registry order. */
export const PRESETS: Record<string, Preset> = {};
export const PRESET_NAMES: string[] = [];
/** Every observable name of every registered family (registry order, each once). */
export const OBSERVABLE_NAMES: string[] = [];

/** Add a family to the registry (its name and its presets' names must be new). */
export function registerFamily<S extends SpecBase>(family: Family<S>): void {
  if (FAMILIES.includes(family.name)) throw new Error(`family ${family.name} is already registered`);
  const clash = Object.keys(family.presets).find((p) => p in PRESETS);
  if (clash) throw new Error(`preset ${clash} of family ${family.name} is already registered`);
  registered.push(family as unknown as Family<ModelSpec>);
  FAMILIES.push(family.name);
  Object.assign(PRESETS, family.presets);
  PRESET_NAMES.push(...Object.keys(family.presets));
  for (const o of Object.keys(family.observables))
    if (!OBSERVABLE_NAMES.includes(o)) OBSERVABLE_NAMES.push(o);
}
for (const f of FAMILY_LIST) registerFamily<SpecBase>(f as unknown as Family<SpecBase>);

/** The registered families, in registry order. */
export const families = (): readonly Family<ModelSpec>[] => registered;

/** The family of a name (a SpecError naming the field and the registered families otherwise). */
export function familyNamed(name: unknown, field = "family"): Family<ModelSpec> {
  const f = registered.find((x) => x.name === name);
  if (!f) throw new SpecError(field, `must be one of ${FAMILIES.join(", ")}`, name);
  return f;
}

/** The family plugin that a validated spec belongs to. */
export function familyOf(spec: { family: string }): Family<ModelSpec> {
  return familyNamed(spec.family);
}
