import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The explorer: a static app (no server computation) built into dist/web, hostable anywhere (base "./").
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  worker: { format: "es" },
});
