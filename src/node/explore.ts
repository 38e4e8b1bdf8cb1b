/** `deeplimits explore`: serve the built explorer (static files; every computation runs in the browser). */
import { cpSync, existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".map": "application/json",
};

/** The folder of the built app (dist/web, next to dist/src). */
export function webRoot(): string {
  return fileURLToPath(new URL("../../web/", import.meta.url));
}

export function assertBuilt(root = webRoot()): void {
  if (!existsSync(join(root, "index.html"))) {
    throw new Error(`the explorer is not built (no ${join(root, "index.html")}): run npm run build`);
  }
}

/** Copy the built app into a folder that any static host can serve. */
export function buildTo(dir: string): string {
  assertBuilt();
  const out = resolve(dir);
  cpSync(webRoot(), out, { recursive: true });
  return out;
}

export function serve(port: number, host: string): Promise<{ server: Server; url: string }> {
  const root = webRoot();
  assertBuilt(root);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root.endsWith(sep) ? root : root + sep) && file !== root) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-cache",
    });
    res.end(readFileSync(file));
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => {
      const a = server.address();
      const p = typeof a === "object" && a ? a.port : port;
      ok({ server, url: `http://${host}:${p}/` });
    });
  });
}
