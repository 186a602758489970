import { defineConfig } from "tsup";

export default defineConfig({
  // The main entry stays free of TensorFlow.js; the tfjs-dependent code lives in subpath entries.
  entry: ["src/index.ts", "src/backend/index.ts", "src/activations/index.ts", "src/testing/index.ts"],
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  tsconfig: "tsconfig.build.json",
  // Peers and the optional native backend are resolved by the application, never bundled.
  external: [/^@tensorflow\//, "vitest"],
});
