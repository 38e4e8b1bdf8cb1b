/** One generated law suite per registered family (test/law-suite.ts). */
import { families } from "../src/families/index.js";
import { lawSuite } from "./law-suite.js";

for (const family of families()) lawSuite(family);
