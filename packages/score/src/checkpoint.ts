import { ParabolicError, keyFromJSON, keyToJSON, type Key } from "@parabolic/core";
import type { AdamState } from "./optimizer.js";
import type { ParameterValues } from "./parameters.js";
import type { NetworkConfig } from "./score-network.js";

/**
 * Everything needed to continue a training run exactly: the completed step count, the run key (batch keys are
 * `foldIn(key, step)`), the parameters, the Adam state and the EMA weights.
 *
 * @remarks Resuming from a checkpoint with {@link train} gives bit-identical parameters to a run that never stopped,
 * on the same backend. Encode with {@link encodeCheckpoint}; see there for the byte format.
 * @example
 * ```ts
 * const checkpoint: Checkpoint = decodeCheckpoint(bytes);
 * console.log(checkpoint.step, checkpoint.key);
 * ```
 */
export type Checkpoint = Readonly<{
  /** Number of completed optimisation steps. */
  step: number;
  /** The run key. */
  key: Key;
  parameters: ParameterValues;
  optimizer: AdamState;
  ema: Readonly<{ decay: number; values: ParameterValues }> | null;
  /** The model's architecture description, checked on resume when both sides have one. */
  modelConfig: NetworkConfig | null;
  /** Free-form JSON metadata (objective name, last loss, …). */
  metadata: Readonly<Record<string, unknown>>;
}>;

const MAGIC = "PARACKPT";
const FORMAT_VERSION = 1;

let crcTable: Uint32Array | undefined;

/**
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) of `bytes`.
 * @example
 * ```ts
 * crc32(new TextEncoder().encode("123456789")); // 0xcbf43926
 * ```
 */
export function crc32(bytes: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

type TensorEntry = { group: "parameters" | "adam.m" | "adam.v" | "ema"; name: string; shape: number[]; offset: number; length: number };

/**
 * Encodes a checkpoint into bytes (format version 1).
 *
 * @remarks Byte layout (all integers little-endian):
 *
 * | offset | size | content |
 * |---|---|---|
 * | 0 | 8 | ASCII magic `PARACKPT` |
 * | 8 | 4 | uint32 format version (1) |
 * | 12 | 4 | uint32 header length H |
 * | 16 | H | UTF-8 JSON header: `{ step, key: [w0, w1], modelConfig, metadata, optimizer: { kind: "adam", beta1, beta2, epsilon, weightDecay, updates }, ema: { decay } \| null, tensors: [{ group, name, shape, offset, length }] }` |
 * | 16 + H | 0–3 | zero padding to a multiple of 4 |
 * | P | 4·N | float32 payload: every tensor's values, row-major, at `P + 4·offset` |
 * | end − 4 | 4 | uint32 CRC-32 of all preceding bytes |
 *
 * Tensor groups: `parameters`, `adam.m`, `adam.v` (Adam's first/second moments) and `ema`. Float32 values are
 * stored bit-exactly.
 * @example
 * ```ts
 * const bytes = encodeCheckpoint(checkpoint);
 * const again = decodeCheckpoint(bytes);
 * ```
 */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const tensors: TensorEntry[] = [];
  const arrays: Float32Array[] = [];
  let offset = 0;
  const add = (group: TensorEntry["group"], values: ParameterValues): void => {
    for (const v of values) {
      tensors.push({ group, name: v.name, shape: v.shape.slice(), offset, length: v.values.length });
      arrays.push(v.values);
      offset += v.values.length;
    }
  };
  add("parameters", checkpoint.parameters);
  add("adam.m", checkpoint.optimizer.firstMoments);
  add("adam.v", checkpoint.optimizer.secondMoments);
  if (checkpoint.ema !== null) add("ema", checkpoint.ema.values);
  const { beta1, beta2, epsilon, weightDecay, updates } = checkpoint.optimizer;
  const header = {
    step: checkpoint.step,
    key: keyToJSON(checkpoint.key),
    modelConfig: checkpoint.modelConfig,
    metadata: checkpoint.metadata,
    optimizer: { kind: "adam", beta1, beta2, epsilon, weightDecay, updates },
    ema: checkpoint.ema === null ? null : { decay: checkpoint.ema.decay },
    tensors,
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const payloadStart = 16 + headerBytes.length + ((4 - (headerBytes.length % 4)) % 4);
  const total = payloadStart + 4 * offset + 4;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < MAGIC.length; i++) bytes[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, headerBytes.length, true);
  bytes.set(headerBytes, 16);
  let p = payloadStart;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++, p += 4) view.setFloat32(p, a[i]!, true);
  }
  view.setUint32(total - 4, crc32(bytes.subarray(0, total - 4)), true);
  return bytes;
}

function corrupt(reason: string, details: Record<string, unknown> = {}): ParabolicError {
  return new ParabolicError("DATA_CORRUPT", `decodeCheckpoint: ${reason}.`, { reason, ...details });
}

function isNumberArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((v) => typeof v === "number" && Number.isFinite(v));
}

/**
 * Decodes bytes written by {@link encodeCheckpoint}, verifying magic, version, CRC and every tensor's extent.
 *
 * @throws ParabolicError `DATA_CORRUPT` (with the reason) for truncated, modified or foreign bytes — never a
 * partial checkpoint.
 * @example
 * ```ts
 * const checkpoint = decodeCheckpoint(await readFile("run/checkpoint.bin"));
 * ```
 */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (!(bytes instanceof Uint8Array)) throw corrupt("input is not a Uint8Array");
  if (bytes.length < 20) throw corrupt("file is too short", { length: bytes.length });
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) throw corrupt("bad magic (not a Parabolic checkpoint)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== FORMAT_VERSION) throw corrupt(`unsupported format version ${version}`, { version });
  const stored = view.getUint32(bytes.length - 4, true);
  const actual = crc32(bytes.subarray(0, bytes.length - 4));
  if (stored !== actual) throw corrupt("CRC-32 mismatch (truncated or modified)", { stored, actual });
  const headerLength = view.getUint32(12, true);
  if (16 + headerLength > bytes.length - 4) throw corrupt("header extends past the end", { headerLength });
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(16, 16 + headerLength))) as Record<string, unknown>;
  } catch (e) {
    throw corrupt(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  const payloadStart = 16 + headerLength + ((4 - (headerLength % 4)) % 4);
  const payloadCount = (bytes.length - 4 - payloadStart) / 4;
  if (!Number.isInteger(payloadCount) || payloadCount < 0) throw corrupt("payload length is not a whole number of float32 values");
  const step = header["step"];
  if (typeof step !== "number" || !Number.isSafeInteger(step) || step < 0) throw corrupt("invalid 'step'");
  let k: Key;
  try {
    k = keyFromJSON(header["key"]);
  } catch {
    throw corrupt("invalid 'key'");
  }
  const opt = header["optimizer"] as Record<string, unknown> | null;
  if (opt === null || typeof opt !== "object" || opt["kind"] !== "adam") throw corrupt("invalid 'optimizer'");
  for (const f of ["beta1", "beta2", "epsilon", "weightDecay", "updates"]) if (typeof opt[f] !== "number") throw corrupt(`invalid 'optimizer.${f}'`);
  const emaHeader = header["ema"] as Record<string, unknown> | null;
  if (emaHeader !== null && (typeof emaHeader !== "object" || typeof emaHeader["decay"] !== "number")) throw corrupt("invalid 'ema'");
  const entries = header["tensors"];
  if (!Array.isArray(entries)) throw corrupt("invalid 'tensors'");
  const groups: Record<TensorEntry["group"], { name: string; shape: readonly number[]; values: Float32Array }[]> = {
    parameters: [],
    "adam.m": [],
    "adam.v": [],
    ema: [],
  };
  for (const e of entries as Record<string, unknown>[]) {
    const { group, name, shape, offset, length } = e ?? {};
    if (typeof group !== "string" || !(group in groups)) throw corrupt("invalid tensor group", { group });
    if (typeof name !== "string" || !isNumberArray(shape) || typeof offset !== "number" || typeof length !== "number") throw corrupt("invalid tensor entry", { name });
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > payloadCount) {
      throw corrupt(`tensor '${name}' lies outside the payload`, { name });
    }
    if (shape.reduce((a, b) => a * b, 1) !== length || shape.some((s) => !Number.isInteger(s) || s < 0)) throw corrupt(`tensor '${name}' has a shape inconsistent with its length`, { name });
    const values = new Float32Array(length);
    for (let i = 0; i < length; i++) values[i] = view.getFloat32(payloadStart + 4 * (offset + i), true);
    groups[group as TensorEntry["group"]].push({ name, shape, values });
  }
  const metadata = header["metadata"];
  const modelConfig = header["modelConfig"];
  return {
    step,
    key: k,
    parameters: groups.parameters,
    optimizer: {
      beta1: opt["beta1"] as number,
      beta2: opt["beta2"] as number,
      epsilon: opt["epsilon"] as number,
      weightDecay: opt["weightDecay"] as number,
      updates: opt["updates"] as number,
      firstMoments: groups["adam.m"],
      secondMoments: groups["adam.v"],
    },
    ema: emaHeader === null ? null : { decay: emaHeader["decay"] as number, values: groups.ema },
    modelConfig: modelConfig !== null && typeof modelConfig === "object" ? (modelConfig as NetworkConfig) : null,
    metadata: metadata !== null && typeof metadata === "object" ? (metadata as Record<string, unknown>) : {},
  };
}
