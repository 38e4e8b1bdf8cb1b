import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ["default"],
    // Two test files at a time: most files wait on child processes, browsers or installs part of the
    // time, so two share 2 cores well (measured: 316 s against 436 s one at a time on the 2-core CI).
    maxWorkers: 2,
    // Prints what could not run here (the browser tests without chromium) and how to run it.
    globalSetup: ["test/global-setup.ts"],
  },
});
