/** Where a memoised unit of work is saved (resumable experiments; see reproduce.ts fileMemo). */
import { createHash } from "node:crypto";
import { join } from "node:path";

/** The file that holds the memo of `key` under dir (the key's SHA-256, 32 hex digits). */
export function memoFile(dir: string, key: string): string {
  return join(dir, `${createHash("sha256").update(key).digest("hex").slice(0, 32)}.json`);
}
