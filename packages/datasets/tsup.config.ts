import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/tfjs/index.ts"],
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  tsconfig: "tsconfig.build.json",
  // keep "node:zlib" etc.: the loaders import Node built-ins lazily, and the prefix tells bundlers what they are
  removeNodeProtocol: false,
});
