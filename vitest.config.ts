import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ["default"],
    // Prints what could not run here (the browser tests without chromium) and how to run it.
    globalSetup: ["test/global-setup.ts"],
  },
});
