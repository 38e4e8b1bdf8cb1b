export { beta, betaEqual, betaNotesMirrored } from "./beta.js";
export { blueDensity, type ExactSetting, exactDensity, exactMass, redDensity } from "./densities.js";
export { exactGMoments, expMomentG, type GMoments, logBinomHalf } from "./moments.js";
