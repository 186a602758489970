import { assertObject, assertPositiveInteger, invalidArgument, ParabolicError, throwIfAborted } from "@parabolic/core";
import { readBounded } from "./internal/read-bounded.js";

/**
 * Options of {@link downloadVerified}.
 *
 * @example
 * ```ts
 * const options: DownloadOptions = { sha256: MNIST_FILES.test.labels.sha256, cacheDirectory: "/tmp/mnist-cache" };
 * await downloadVerified("https://example.org/mnist/t10k-labels-idx1-ubyte.gz", options);
 * ```
 */
export type DownloadOptions = Readonly<{
  /** Expected SHA-256 of the file bytes (64 hex digits). Required: nothing unverified is ever cached. */
  sha256: string;
  /** Directory of the cache (created if missing). The file is written there atomically. */
  cacheDirectory: string;
  /** File name inside the cache. @defaultValue the last path segment of the URL */
  fileName?: string;
  /** Largest accepted response body in bytes. @defaultValue 2^28 (256 MiB) */
  maxBytes?: number;
  /** Cancels the request (the error is `ABORTED`). */
  signal?: AbortSignal;
  /** The `fetch` implementation. @defaultValue `globalThis.fetch` */
  fetch?: typeof globalThis.fetch;
}>;

/**
 * Result of {@link downloadVerified}.
 *
 * @example
 * ```ts
 * const { path, bytes, fromCache }: DownloadResult = await downloadVerified(url, { sha256, cacheDirectory });
 * ```
 */
export type DownloadResult = Readonly<{
  /** Absolute path of the verified file in the cache. */
  path: string;
  /** The verified file contents (owned by the caller). */
  bytes: Uint8Array;
  /** True when the cache already held a file with the right checksum (no request was made). */
  fromCache: boolean;
}>;

/**
 * SHA-256 of `bytes` as 64 lowercase hex digits (WebCrypto; works in Node ≥ 20 and browsers).
 *
 * @example
 * ```ts
 * await sha256Hex(new Uint8Array([1, 2, 3])); // "039058c6…"
 * ```
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Downloads `url` into a cache directory, verifying its SHA-256, with an atomic write (temporary file + rename).
 *
 * @remarks The only function in this package that touches the network, and only for the URL you pass. If the
 * cache already holds `fileName` with the expected checksum, no request is made. Otherwise the body is read
 * (at most `maxBytes`), hashed, and only a verified body is written: first to a temporary file in the same
 * directory, then renamed over the target, so readers never see a partial file and a failed download leaves the
 * cache as it was. A cached file with the wrong checksum is replaced. Node only (uses `node:fs`).
 * @throws ParabolicError `DATA_CORRUPT` on a checksum mismatch, a truncated or interrupted response, or a body
 * over `maxBytes`; `NOT_FOUND` for an HTTP error status or an unreachable host; `ABORTED` when `signal` fires;
 * `INVALID_ARGUMENT` for a malformed URL, checksum or cache directory.
 * @example
 * ```ts
 * const { path } = await downloadVerified("https://storage.googleapis.com/cvdf-datasets/mnist/train-images-idx3-ubyte.gz", {
 *   sha256: MNIST_FILES.train.images.sha256, cacheDirectory: "/home/me/.cache/parabolic/mnist" });
 * ```
 */
export async function downloadVerified(url: string, options: DownloadOptions): Promise<DownloadResult> {
  const fn = "downloadVerified";
  assertObject(fn, "options", options, "{ sha256, cacheDirectory }");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidArgument(fn, "url", "be an absolute http(s) URL", url);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw invalidArgument(fn, "url", "use http: or https:", url);
  const expected = typeof options.sha256 === "string" ? options.sha256.toLowerCase() : options.sha256;
  if (typeof expected !== "string" || !HEX64.test(expected)) throw invalidArgument(fn, "sha256", "be 64 hexadecimal digits", options.sha256);
  if (typeof options.cacheDirectory !== "string" || options.cacheDirectory.length === 0) {
    throw invalidArgument(fn, "cacheDirectory", "be a directory path", options.cacheDirectory);
  }
  let fileName: string;
  try {
    fileName = options.fileName ?? decodeURIComponent(parsed.pathname.split("/").pop() ?? "");
  } catch {
    throw invalidArgument(fn, "url", "have a well-formed percent-encoded last path segment (or give fileName)", url);
  }
  if (fileName.length === 0 || fileName.includes("/") || fileName.includes("\\") || fileName === "." || fileName === "..") {
    throw invalidArgument(fn, "fileName", "be a plain file name (give one when the URL has no last path segment)", fileName);
  }
  const maxBytes = options.maxBytes ?? 2 ** 28;
  assertPositiveInteger(fn, "maxBytes", maxBytes);
  const doFetch = options.fetch ?? globalThis.fetch;
  const fs = await import("node:fs/promises");
  const path = await import("node:path");
  const { randomUUID } = await import("node:crypto");
  const directory = path.resolve(options.cacheDirectory);
  const target = path.join(directory, fileName);

  try {
    const cached = new Uint8Array(await fs.readFile(target));
    if ((await sha256Hex(cached)) === expected) return { path: target, bytes: cached, fromCache: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }

  throwIfAborted(options.signal, fn);
  const details = { url, fileName };
  let response: Response;
  try {
    response = await doFetch(url, options.signal === undefined ? {} : { signal: options.signal });
  } catch (e) {
    throwIfAborted(options.signal, fn);
    throw new ParabolicError("NOT_FOUND", `${fn}: could not fetch ${url} (${(e as Error).message}).`, { ...details, reason: "fetch failed" }, e);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new ParabolicError("NOT_FOUND", `${fn}: ${url} answered HTTP ${response.status} ${response.statusText}.`, { ...details, status: response.status });
  }
  const declared = response.headers.get("content-length");
  const declaredLength = declared === null ? undefined : Number(declared);
  if (declaredLength !== undefined && declaredLength > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new ParabolicError("DATA_CORRUPT", `${fn}: ${url} declares ${declaredLength} bytes, more than maxBytes = ${maxBytes}.`, { ...details, reason: "too large" });
  }
  const counter = { received: 0 };
  let bytes: Uint8Array;
  try {
    const reader = response.body?.getReader();
    bytes =
      reader === undefined
        ? new Uint8Array(0)
        : await readBounded(
            reader,
            maxBytes,
            () => new ParabolicError("DATA_CORRUPT", `${fn}: ${url} sent more than maxBytes = ${maxBytes} bytes.`, { ...details, reason: "too large" }),
            counter,
          );
  } catch (e) {
    if (ParabolicError.is(e)) throw e;
    throwIfAborted(options.signal, fn);
    throw new ParabolicError(
      "DATA_CORRUPT",
      `${fn}: the download of ${url} was interrupted after ${counter.received} bytes (${(e as Error).message}); nothing was written.`,
      { ...details, reason: "interrupted", received: counter.received },
      e,
    );
  }
  if (declaredLength !== undefined && Number.isFinite(declaredLength) && bytes.length !== declaredLength) {
    throw new ParabolicError("DATA_CORRUPT", `${fn}: ${url} sent ${bytes.length} bytes but declared ${declaredLength}; nothing was written.`, {
      ...details,
      reason: "truncated",
      received: bytes.length,
      declared: declaredLength,
    });
  }
  const actual = await sha256Hex(bytes);
  if (actual !== expected) {
    throw new ParabolicError("DATA_CORRUPT", `${fn}: checksum mismatch for ${url}: SHA-256 ${actual}, expected ${expected}; nothing was written.`, {
      ...details,
      reason: "checksum mismatch",
      expected,
      actual,
    });
  }
  throwIfAborted(options.signal, fn);
  await fs.mkdir(directory, { recursive: true });
  const temporary = path.join(directory, `.${fileName}.${process.pid}.${randomUUID()}.tmp`);
  try {
    await fs.writeFile(temporary, bytes, { flag: "wx" });
    await fs.rename(temporary, target);
  } catch (e) {
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    throw e;
  }
  return { path: target, bytes, fromCache: false };
}
