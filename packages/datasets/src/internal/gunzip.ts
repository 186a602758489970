/**
 * Gzip decompression without import-time Node dependencies: `node:zlib` is loaded on first use (Node), with a
 * `DecompressionStream` fallback (browsers, Deno). Both enforce an output-size limit.
 */
import { ParabolicError } from "@parabolic/core";
import { readBounded } from "./read-bounded.js";

type Zlib = typeof import("node:zlib");
let zlibModule: Promise<Zlib | null> | undefined;

function loadZlib(): Promise<Zlib | null> {
  zlibModule ??= import("node:zlib").then(
    (m) => m,
    () => null,
  );
  return zlibModule;
}

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

function tooLarge(maxBytes: number): ParabolicError {
  return new ParabolicError("DATA_CORRUPT", `gzip: decompressed data exceeds the limit of ${maxBytes} bytes.`, {
    reason: `decompressed data exceeds ${maxBytes} bytes`,
    maxBytes,
  });
}

/** Decompresses gzip data (all members); throws on corrupt input or output larger than `maxBytes`. */
export async function gunzip(b: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const zlib = await loadZlib();
  return zlib === null ? gunzipWeb(b, maxBytes) : gunzipNode(zlib, b, maxBytes);
}

/** Node path (exported for tests). */
export function gunzipNode(zlib: Zlib, b: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    zlib.gunzip(b, { maxOutputLength: Math.max(1, maxBytes) }, (error, result) => {
      if (error !== null) {
        if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError) reject(tooLarge(maxBytes));
        else reject(error);
        return;
      }
      resolve(new Uint8Array(result.buffer, result.byteOffset, result.byteLength));
    });
  });
}

/** Web-streams path (exported for tests). */
export async function gunzipWeb(b: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const stream = new Blob([b as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("gzip"));
  return readBounded(stream.getReader(), maxBytes, () => tooLarge(maxBytes));
}

/** Resets the cached module (tests only). */
export function zlibForTests(): Promise<Zlib | null> {
  return loadZlib();
}
