#!/usr/bin/env node
// Package hygiene for every publishable workspace package: publint (package.json / exports / files) and
// @arethetypeswrong/cli (types resolve for ESM consumers). Run after `pnpm build`: `pnpm check:packages`.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dirs = readdirSync(join(root, "packages"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, "packages", d.name, "package.json")))
  .map((d) => join(root, "packages", d.name));
let failed = 0;
for (const dir of dirs) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  if (pkg.private) continue;
  for (const [cmd, args] of [
    ["publint", ["--strict", dir]],
    ["attw", ["--pack", dir, "--profile", "esm-only", "--format", "table-flipped", "--no-emoji"]],
  ]) {
    try {
      execFileSync(join(root, "node_modules", ".bin", cmd), args, { stdio: "inherit", cwd: root });
      console.log(`ok   ${cmd} ${pkg.name}`);
    } catch {
      console.log(`FAIL ${cmd} ${pkg.name}`);
      failed++;
    }
  }
}
if (failed > 0) {
  console.error(`${failed} package check(s) failed`);
  process.exit(1);
}
