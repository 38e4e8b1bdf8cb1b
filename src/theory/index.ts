export * as hayou from "./hayou/index.js";
export * as ntk from "./ntk/index.js";
export * as lnr from "./lnr/index.js";
export * as loggaussian from "./loggaussian/index.js";
export * as marion from "./marion/index.js";
export { lgammaComplex } from "./special/complex.js";
export * as overlays from "./overlays.js";
