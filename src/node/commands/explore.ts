/** `deeplimits explore`: serve the explorer (Ctrl-C ends it, exit 0), or copy it into a folder. */
import type { Command } from "commander";
import { parseCount } from "../args.js";
import { buildTo, serve } from "../explore.js";
import { acknowledgeStop, whenStopped } from "../stop.js";

export function registerExplore(program: Command): void {
  program
    .command("explore")
    .description(
      "serve the interactive explorer (simulations run in your browser), or build it into a folder",
    )
    .option("--port <p>", "port (0: any free port)", "5173")
    .option("--host <h>", "address to listen on", "127.0.0.1")
    .option("--build <dir>", "copy the static app into DIR (a new or empty folder) instead of serving it")
    .action(async (o: { port: string; host: string; build?: string }) => {
      if (o.build) {
        console.log(`Explorer written to ${buildTo(o.build)} (serve it with any static web server).`);
        return;
      }
      const port = parseCount("--port", o.port, 0, 65535);
      const { server, url, warning } = await serve(port, o.host);
      if (warning) process.stderr.write(`deeplimits: warning: ${warning}\n`);
      console.log(`deeplimits explorer: ${url}  (Ctrl-C to stop)`);
      await whenStopped();
      acknowledgeStop(); // Ctrl-C is how a server ends: exit 0
      await new Promise<void>((done) => server.close(() => done()));
    });
}
