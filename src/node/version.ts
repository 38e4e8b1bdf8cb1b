/** The package's version (read from its package.json at run time). */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
export const VERSION: string = require("../../../package.json").version;
