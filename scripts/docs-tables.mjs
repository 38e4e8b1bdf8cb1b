/* global console */
// Rewrite the docs' registry tables (families, engines, observables; presets) from the built registry.
// Run after `npm run build` whenever a family, an engine or a preset changes; test/docs.test.ts checks them.
import { readFileSync, writeFileSync } from "node:fs";
import { DOC_TABLES, withTable } from "../dist/src/families/tables.js";

for (const [file, name, table] of DOC_TABLES) {
  writeFileSync(file, withTable(readFileSync(file, "utf8"), name, table()));
  console.log(`${file}: registry:${name} written`);
}
