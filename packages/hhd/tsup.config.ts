import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/neural.ts"],
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  tsconfig: "tsconfig.build.json",
});
