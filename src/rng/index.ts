export { binomial, binomialHalf } from "./binomial.js";
export { chiSquare, gamma } from "./gamma.js";
export { mulhi32, philox4x32_10 } from "./philox.js";
export { MAX_SEED, Rng } from "./rng.js";
