/** Where each requested observable goes in a sample's output row. */
import type { Observable } from "../../engines/observables.js";

export interface Slots {
  /** layer[l] lists (input, slot) for logNorm2[l]. */
  layer: [number, number][][];
  G: [number, number][];
  out: [number, number][];
  jvp: [number, number][];
}

export function slotsFor(observables: readonly Observable[], depth: number): Slots {
  const s: Slots = { layer: Array.from({ length: depth + 1 }, () => []), G: [], out: [], jvp: [] };
  observables.forEach((o, slot) => {
    if (o.name === "logNorm2") s.layer[o.layer!].push([o.input, slot]);
    else if (o.name === "G") s.G.push([o.input, slot]);
    else if (o.name === "logOutNorm2") s.out.push([o.input, slot]);
    else if (o.name === "logJvpNorm2") s.jvp.push([o.input, slot]);
  });
  return s;
}
