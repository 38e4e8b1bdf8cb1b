/**
 * Tables of the 128-layer ziggurat for the standard normal (Marsaglia & Tsang, J. Stat. Softw. 5(8),
 * 2000), rebuilt for a 24-bit magnitude: one 32-bit word gives the layer (7 bits), the sign (1 bit)
 * and the abscissa (24 bits), so layer choice and value never share bits.
 */

import exp from "@stdlib/math-base-special-exp";
import ln from "@stdlib/math-base-special-ln";

export const ZIG_LAYERS = 128;
/** Right edge of the base layer (where the tail starts). */
export const ZIG_R = 3.442619855899;
/** Common area of every layer, v = r f(r) + integral of f over (r, inf), f(x) = exp(-x^2/2). */
const ZIG_V = 9.91256303526217e-3;
const M = 2 ** 24;

export interface ZigguratTables {
  /** Acceptance thresholds on the 24-bit integer: accept at once when j < k[i]. */
  k: Int32Array;
  /** Scale: x = j * w[i]. */
  w: Float64Array;
  /** f(x_i) = exp(-x_i^2 / 2) at the layer edges. */
  f: Float64Array;
}

/**
 * Built with fdlibm's exp and log (@stdlib's ports, which Node 20's Math.exp and Math.log equal bit for
 * bit) rather than Math.exp / Math.log, whose last bits differ between JavaScript engines: the tables,
 * and so every normal drawn, are the same in Node and in any browser.
 */
function buildTables(): ZigguratTables {
  const k = new Int32Array(ZIG_LAYERS);
  const w = new Float64Array(ZIG_LAYERS);
  const f = new Float64Array(ZIG_LAYERS);
  let dn = ZIG_R;
  let tn = dn;
  const q = ZIG_V / exp(-0.5 * dn * dn);
  k[0] = Math.floor((dn / q) * M);
  k[1] = 0;
  w[0] = q / M;
  w[ZIG_LAYERS - 1] = dn / M;
  f[0] = 1;
  f[ZIG_LAYERS - 1] = exp(-0.5 * dn * dn);
  for (let i = ZIG_LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * ln(ZIG_V / dn + exp(-0.5 * dn * dn)));
    k[i + 1] = Math.floor((dn / tn) * M);
    tn = dn;
    f[i] = exp(-0.5 * dn * dn);
    w[i] = dn / M;
  }
  return { k, w, f };
}

export const ZIG: ZigguratTables = buildTables();
