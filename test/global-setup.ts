/**
 * Says, at the end of `npm test`, which tests could not run on this machine and how to run them: the
 * browser tests need Debian's chromium (CI installs it; elsewhere they are skipped, never silently).
 */
import { existsSync } from "node:fs";

export const CHROMIUM = "/usr/bin/chromium";

export function teardown(): void {
  if (existsSync(CHROMIUM)) return;
  process.stdout.write(
    `\nNOTE: ${CHROMIUM} is missing, so the browser tests (the explorer, the report in a browser) were skipped.\n` +
      "      Install it (Debian/Ubuntu: sudo apt-get install chromium) and run npm test again to run them.\n\n",
  );
}
