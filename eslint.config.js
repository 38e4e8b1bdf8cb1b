// Lint: ESLint recommended + typescript-eslint recommended (formatting is Prettier's job).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // assembly/ is AssemblyScript (its own builtins: usize, v128, load, store), checked by its compiler.
  {
    ignores: [
      "dist/",
      "node_modules/",
      "runs/",
      "report/",
      "out/",
      "build/",
      "assembly/",
      "src/wasm/kernels.generated.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
);
