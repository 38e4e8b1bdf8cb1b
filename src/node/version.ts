/** The package's version, read at run time from the nearest package.json named deeplimits above this file. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8"));
      if (pkg.name === "deeplimits") return String(pkg.version);
    }
    const up = dirname(dir);
    if (up === dir) return "unknown";
    dir = up;
  }
}

export const VERSION: string = packageVersion();
