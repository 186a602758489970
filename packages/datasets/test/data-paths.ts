/**
 * Locations of the offline data sources used by the tests (resolved independently of the loaders' own search).
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** `<ancestor>/shared/data/mnist` holding the official t10k files (the monorepo keeps it beside the checkout). */
export async function findSharedMnist(): Promise<string | undefined> {
  for (const start of [process.cwd(), dirname(fileURLToPath(import.meta.url))]) {
    let dir = resolve(start);
    for (;;) {
      const candidate = join(dir, "shared", "data", "mnist");
      if (existsSync(join(candidate, "t10k-images-idx3-ubyte.gz"))) return candidate;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

/** The Debian package's Fashion-MNIST directory, when installed. */
export const FASHION_DIR = "/usr/share/datasets/fashion-mnist";
export const fashionPresent = existsSync(join(FASHION_DIR, "train-images-idx3-ubyte.gz"));
