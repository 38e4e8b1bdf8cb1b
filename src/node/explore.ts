/**
 * `deeplimits explore`: serve the built explorer (static files; every computation runs in the browser).
 * The server only reads files under the app folder (real paths, so links cannot lead out), answers GET
 * and HEAD (405 otherwise), 400 for a path it cannot decode, and sends security headers with everything.
 */
import { cpSync, existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isIP } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { SpecError } from "../spec/errors.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".map": "application/json",
};

/**
 * Sent with every answer. Vega compiles its expressions with Function (hence 'unsafe-eval'); the
 * simulation core runs in a module worker with WebAssembly.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "content-security-policy":
    "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' data: blob:; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'",
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

/** Copy the built app into a new or empty folder that any static host can serve (never over files). */
export function buildTo(dir: string): string {
  assertBuilt();
  const out = resolve(dir);
  if (existsSync(out)) {
    if (!statSync(out).isDirectory())
      throw new SpecError("--build", `${out} exists and is not a folder`, dir);
    if (readdirSync(out).length > 0)
      throw new SpecError(
        "--build",
        `${out} is not empty: give a new or empty folder (nothing is overwritten)`,
        dir,
      );
  }
  cpSync(webRoot(), out, { recursive: true });
  return out;
}

/** The URL of host:port, with IPv6 addresses in brackets. */
export function urlOf(host: string, port: number): string {
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}/`;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/** The request handler (exported for tests): static files under root, nothing else. */
export function handler(root: string) {
  const realRoot = realpathSync(root);
  const inside = (p: string) =>
    p === realRoot || p.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
  return (req: IncomingMessage, res: ServerResponse) => {
    const send = (code: number, body: string | Buffer, headers: Record<string, string> = {}) => {
      res.writeHead(code, { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8", ...headers });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    try {
      if (req.method !== "GET" && req.method !== "HEAD") {
        send(405, "method not allowed", { allow: "GET, HEAD" });
        return;
      }
      let path: string;
      try {
        path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      } catch {
        send(400, "bad request: the path is not valid percent-encoding");
        return;
      }
      if (path.includes("\0")) {
        send(400, "bad request");
        return;
      }
      let file = normalize(join(realRoot, path));
      if (!inside(file)) {
        send(403, "forbidden");
        return;
      }
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
      if (!existsSync(file) || !statSync(file).isFile() || !inside(realpathSync(file))) {
        send(404, "not found");
        return;
      }
      send(200, readFileSync(file), {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-cache",
      });
    } catch {
      if (!res.headersSent) send(500, "internal error");
      else res.destroy();
    }
  };
}

export function serve(
  port: number,
  host: string,
): Promise<{ server: Server; url: string; warning?: string }> {
  const root = webRoot();
  assertBuilt(root);
  const server = createServer(handler(root));
  server.on("clientError", (_e, socket) => socket.destroy());
  return new Promise((ok, fail) => {
    server.once("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EADDRINUSE")
        fail(
          new SpecError(
            "--port",
            `${port} is already in use on ${host}: give another port, or --port 0 for any free one`,
            port,
          ),
        );
      else if (e.code === "EACCES")
        fail(
          new SpecError(
            "--port",
            `${port} on ${host} needs privileges this user lacks: use a port above 1023`,
            port,
          ),
        );
      else if (e.code === "EADDRNOTAVAIL" || e.code === "ENOTFOUND")
        fail(new SpecError("--host", `${host} is not an address of this machine`, host));
      else fail(e);
    });
    server.listen(port, host, () => {
      const a = server.address();
      const p = typeof a === "object" && a ? a.port : port;
      const warning = LOOPBACK.test(host)
        ? undefined
        : `listening on ${host}: anyone who can reach this machine on port ${p} can use the explorer (use --host 127.0.0.1 to keep it local)`;
      ok({ server, url: urlOf(host, p), warning });
    });
  });
}
