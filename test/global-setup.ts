/**
 * Says, at the end of `npm test`, which tests could not run on this machine and how to run them: the
 * browser tests need Debian's chromium, the pandas reader test python3-pandas (CI installs both;
 * elsewhere they are skipped, never silently).
 */
import { existsSync } from "node:fs";
import { pandasPython } from "./helpers.js";

export const CHROMIUM = "/usr/bin/chromium";

export function teardown(): void {
  const notes: string[] = [];
  if (!existsSync(CHROMIUM))
    notes.push(
      `NOTE: ${CHROMIUM} is missing, so the browser tests (the explorer, the report in a browser) were skipped.\n` +
        "      Install it (Debian/Ubuntu: sudo apt-get install chromium) and run npm test again to run them.",
    );
  if (!pandasPython())
    notes.push(
      "NOTE: no python3 with pandas, so the test that reads the report's CSVs with pandas was skipped.\n" +
        "      Install it (Debian/Ubuntu: sudo apt-get install python3-pandas) and run npm test again to run it.",
    );
  if (notes.length > 0) process.stdout.write(`\n${notes.join("\n")}\n\n`);
}
