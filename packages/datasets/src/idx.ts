import { invalidArgument, ParabolicError } from "@parabolic/core";
import { gunzip, isGzip } from "./internal/gunzip.js";

/**
 * Element types of the IDX format (type byte 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E).
 *
 * @example
 * ```ts
 * const t: IdxDataType = decodeIdx(bytes).dataType; // "uint8" for MNIST images and labels
 * ```
 */
export type IdxDataType = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";

/**
 * Typed array matching an {@link IdxDataType}.
 *
 * @example
 * ```ts
 * const data: IdxTypedArray = new Uint8Array(28 * 28); // for dataType "uint8"
 * encodeIdx({ dataType: "uint8", shape: [1, 28, 28], data });
 * ```
 */
export type IdxTypedArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/**
 * A decoded IDX file: element type, dimensions and the row-major data in native byte order.
 *
 * @example
 * ```ts
 * const { dataType, shape, data }: IdxArray = await parseIdx(gzippedBytes, { source: "t10k-images-idx3-ubyte.gz" });
 * // shape = [10000, 28, 28], data.length = 7 840 000
 * ```
 */
export type IdxArray = Readonly<{
  dataType: IdxDataType;
  /** Dimensions, outermost first (e.g. `[10000, 28, 28]`). */
  shape: readonly number[];
  /** Row-major elements; `data.length` is the product of `shape`. Owned by the caller. */
  data: IdxTypedArray;
}>;

const TYPES: ReadonlyArray<{ code: number; type: IdxDataType; size: number }> = [
  { code: 0x08, type: "uint8", size: 1 },
  { code: 0x09, type: "int8", size: 1 },
  { code: 0x0b, type: "int16", size: 2 },
  { code: 0x0c, type: "int32", size: 4 },
  { code: 0x0d, type: "float32", size: 4 },
  { code: 0x0e, type: "float64", size: 8 },
];

/**
 * Largest decoded payload accepted by default (1 GiB).
 *
 * @example
 * ```ts
 * await parseIdx(bytes, { maxBytes: 2 * IDX_DEFAULT_MAX_BYTES }); // allow up to 2 GiB
 * ```
 */
export const IDX_DEFAULT_MAX_BYTES = 2 ** 30;

/**
 * Options of {@link decodeIdx} and {@link parseIdx}.
 *
 * @example
 * ```ts
 * const options: IdxParseOptions = { source: "labels.idx", maxBytes: 1 << 20 };
 * decodeIdx(bytes, options);
 * ```
 */
export type IdxParseOptions = Readonly<{
  /** Name of the file or source, quoted in errors. @defaultValue `"<bytes>"` */
  source?: string;
  /** Largest accepted decoded size in bytes (header + data). @defaultValue 2^30 */
  maxBytes?: number;
}>;

function corrupt(source: string, reason: string, extra: Record<string, unknown> = {}): ParabolicError {
  return new ParabolicError("DATA_CORRUPT", `IDX ${source}: ${reason}.`, { source, reason, ...extra });
}

function toBytes(fn: string, bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw invalidArgument(fn, "bytes", "be a Uint8Array, ArrayBuffer or typed-array view", bytes);
}

/**
 * Decodes an uncompressed IDX file with strict validation; the result never aliases `bytes`.
 *
 * @remarks Checks, in order: at least 4 bytes; the two leading zero bytes of the magic number; a known type
 * byte; a rank between 1 and 16; a complete header; a declared size within `maxBytes`; and a total length of
 * exactly header + product(dims) × element size (neither truncated nor with trailing bytes). Multi-byte
 * elements are converted from big-endian. Gzip input is rejected here (use {@link parseIdx}).
 * @throws ParabolicError `DATA_CORRUPT` (details `{ source, reason }`) for any violation;
 * `INVALID_ARGUMENT` if `bytes` is not binary data.
 * @example
 * ```ts
 * const idx = decodeIdx(encodeIdx({ dataType: "uint8", shape: [2, 3], data: new Uint8Array(6) }));
 * idx.shape; // [2, 3]
 * ```
 */
export function decodeIdx(bytes: Uint8Array | ArrayBuffer, options: IdxParseOptions = {}): IdxArray {
  return decodeOwned(toBytes("decodeIdx", bytes), options, false);
}

function decodeOwned(b: Uint8Array, options: IdxParseOptions, owned: boolean): IdxArray {
  const source = options.source ?? "<bytes>";
  const maxBytes = options.maxBytes ?? IDX_DEFAULT_MAX_BYTES;
  if (isGzip(b)) throw corrupt(source, "data is gzip-compressed; use parseIdx, which decompresses it");
  if (b.length < 4) throw corrupt(source, `truncated header: ${b.length} bytes, need at least 4`, { length: b.length });
  if (b[0] !== 0 || b[1] !== 0) {
    throw corrupt(source, `bad magic number 0x${hex(b, 0, 4)} (the first two bytes must be zero)`, { magic: hex(b, 0, 4) });
  }
  const typeByte = b[2]!;
  const type = TYPES.find((t) => t.code === typeByte);
  if (type === undefined) throw corrupt(source, `unknown data type byte 0x${typeByte.toString(16).padStart(2, "0")}`, { typeByte });
  const rank = b[3]!;
  if (rank < 1 || rank > 16) throw corrupt(source, `unsupported rank ${rank} (expected 1 to 16 dimensions)`, { rank });
  const headerLength = 4 + 4 * rank;
  if (b.length < headerLength) {
    throw corrupt(source, `truncated header: ${b.length} bytes, the ${rank} dimensions need ${headerLength}`, { length: b.length, headerLength });
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const dim = view.getUint32(4 + 4 * i, false);
    shape.push(dim);
    count *= dim;
  }
  const expected = headerLength + count * type.size;
  if (!Number.isSafeInteger(expected) || expected > maxBytes) {
    throw corrupt(source, `declared size ${shape.join(" × ")} × ${type.size} B exceeds the limit of ${maxBytes} bytes`, { shape, maxBytes });
  }
  if (b.length !== expected) {
    const what = b.length < expected ? "truncated" : "trailing bytes";
    throw corrupt(source, `${what}: dimensions ${shape.join(" × ")} (${type.type}) need exactly ${expected} bytes, got ${b.length}`, {
      shape,
      expected,
      length: b.length,
    });
  }
  let data: IdxTypedArray;
  switch (type.type) {
    case "uint8":
      data = owned ? b.subarray(headerLength) : b.slice(headerLength);
      break;
    case "int8":
      data = new Int8Array(b.slice(headerLength).buffer);
      break;
    case "int16": {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(headerLength + 2 * i, false);
      data = out;
      break;
    }
    case "int32": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(headerLength + 4 * i, false);
      data = out;
      break;
    }
    case "float32": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(headerLength + 4 * i, false);
      data = out;
      break;
    }
    case "float64": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(headerLength + 8 * i, false);
      data = out;
      break;
    }
  }
  return Object.freeze({ dataType: type.type, shape: Object.freeze(shape), data });
}

function hex(b: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < Math.min(to, b.length); i++) s += b[i]!.toString(16).padStart(2, "0");
  return s;
}

/**
 * Parses an IDX file, gzip-compressed or raw (detected from the gzip magic bytes 1f 8b), with strict validation.
 *
 * @remarks Decompression uses `node:zlib` in Node (loaded on first use, so importing this package has no
 * Node-only side effects) and `DecompressionStream` elsewhere. Every failure (bad gzip stream, CRC or length
 * trailer, output larger than `maxBytes`, or any IDX violation listed in {@link decodeIdx}) is a `DATA_CORRUPT`
 * error naming the source and the reason; a partial array is never returned.
 * @throws ParabolicError `DATA_CORRUPT` with details `{ source, reason }`.
 * @example
 * ```ts
 * const bytes = await readFile("t10k-labels-idx1-ubyte.gz");
 * const labels = await parseIdx(bytes, { source: "t10k-labels-idx1-ubyte.gz" }); // shape [10000]
 * ```
 */
export async function parseIdx(bytes: Uint8Array | ArrayBuffer, options: IdxParseOptions = {}): Promise<IdxArray> {
  const b = toBytes("parseIdx", bytes);
  const source = options.source ?? "<bytes>";
  const maxBytes = options.maxBytes ?? IDX_DEFAULT_MAX_BYTES;
  if (!isGzip(b)) return decodeOwned(b, options, false);
  let raw: Uint8Array;
  try {
    raw = await gunzip(b, maxBytes);
  } catch (e) {
    if (ParabolicError.is(e)) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new ParabolicError("DATA_CORRUPT", `IDX ${source}: invalid gzip data (${message}).`, { source, reason: `invalid gzip data: ${message}` }, e);
  }
  return decodeOwned(raw, options, true);
}

/**
 * Encodes an array as an uncompressed IDX file (big-endian header and elements).
 *
 * @remarks The inverse of {@link decodeIdx}; useful to write test fixtures or to cache a converted dataset.
 * Gzip the result with `node:zlib` if you want a `.gz` file.
 * @throws ParabolicError `INVALID_ARGUMENT` for an unknown data type, a rank outside 1–16, non-integer or
 * negative dimensions, or `SHAPE_MISMATCH` when `data.length` is not the product of `shape`.
 * @example
 * ```ts
 * const bytes = encodeIdx({ dataType: "uint8", shape: [3], data: new Uint8Array([7, 2, 1]) });
 * ```
 */
export function encodeIdx(array: Readonly<{ dataType: IdxDataType; shape: readonly number[]; data: ArrayLike<number> }>): Uint8Array {
  const fn = "encodeIdx";
  const type = TYPES.find((t) => t.type === array.dataType);
  if (type === undefined) throw invalidArgument(fn, "dataType", `be one of ${TYPES.map((t) => t.type).join(", ")}`, array.dataType);
  const shape = array.shape;
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > 16) throw invalidArgument(fn, "shape", "have 1 to 16 dimensions", shape);
  let count = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) throw invalidArgument(fn, "shape", "contain integers in [0, 2^32)", shape);
    count *= d;
  }
  if (array.data.length !== count) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'data' must have ${count} elements (the product of shape ${shape.join(" × ")}); got ${array.data.length}.`, {
      function: fn,
      argument: "data",
      expected: count,
      actual: array.data.length,
    });
  }
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + count * type.size);
  const view = new DataView(out.buffer);
  out[2] = type.code;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const data = array.data;
  for (let i = 0; i < count; i++) {
    const o = header + i * type.size;
    const v = data[i]!;
    switch (type.type) {
      case "uint8":
        view.setUint8(o, v);
        break;
      case "int8":
        view.setInt8(o, v);
        break;
      case "int16":
        view.setInt16(o, v, false);
        break;
      case "int32":
        view.setInt32(o, v, false);
        break;
      case "float32":
        view.setFloat32(o, v, false);
        break;
      case "float64":
        view.setFloat64(o, v, false);
        break;
    }
  }
  return out;
}
