import { invalidArgument } from "./errors.js";

/**
 * An explicit, immutable PRNG key (jax-style): two unsigned 32-bit words.
 *
 * @remarks A key is a plain value: `JSON.stringify(k)` gives `[w0, w1]` and {@link keyFromJSON} reads it back, so
 * keys are saved inside checkpoints and results files. Derive new keys with {@link split} and {@link foldIn};
 * never reuse one key for two purposes. Keys are mixed with the Threefry-2x32 (20 rounds) block cipher.
 *
 * @example
 * ```ts
 * const k: Key = key(42);
 * const [init, train] = split(k, 2);
 * ```
 */
export type Key = readonly [number, number];

const ROT_A = [13, 15, 26, 6] as const;
const ROT_B = [17, 29, 16, 24] as const;

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

/**
 * Threefry-2x32 with 20 rounds (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", 2011).
 * Returns the two output words for `counter` under `k`.
 *
 * @example
 * ```ts
 * threefry2x32([0, 0], [0, 0]); // [0x6b200159, 0x99ba4efe] (the Random123 known-answer vector)
 * ```
 */
export function threefry2x32(k: Key, counter: readonly [number, number]): [number, number] {
  const ks0 = k[0] >>> 0;
  const ks1 = k[1] >>> 0;
  const ks2 = (0x1bd11bda ^ ks0 ^ ks1) >>> 0;
  const ks = [ks0, ks1, ks2];
  let x0 = (counter[0] + ks0) >>> 0;
  let x1 = (counter[1] + ks1) >>> 0;
  for (let block = 0; block < 5; block++) {
    const rot = block % 2 === 0 ? ROT_A : ROT_B;
    for (let i = 0; i < 4; i++) {
      x0 = (x0 + x1) >>> 0;
      x1 = rotl(x1, rot[i]!);
      x1 = (x1 ^ x0) >>> 0;
    }
    const s = block + 1;
    x0 = (x0 + ks[s % 3]!) >>> 0;
    x1 = (x1 + ks[(s + 1) % 3]! + s) >>> 0;
  }
  return [x0, x1];
}

function assertKey(fn: string, k: unknown): asserts k is Key {
  if (
    !Array.isArray(k) ||
    k.length !== 2 ||
    !k.every((w) => typeof w === "number" && Number.isInteger(w) && w >= 0 && w <= 0xffffffff)
  ) {
    throw invalidArgument(fn, "key", "be a key [w0, w1] of two uint32 words (make one with key(seed))", k);
  }
}

/**
 * Makes a key from an integer seed.
 *
 * @param seed - a safe integer (negative allowed); NaN, ±∞ and fractions are rejected.
 * @throws ParabolicError `INVALID_ARGUMENT` for a seed that is not a safe integer.
 * @example
 * ```ts
 * const k = key(20240611);
 * const [init, run] = split(k, 2);
 * ```
 */
export function key(seed: number): Key {
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
    throw invalidArgument("key", "seed", "be a safe integer", seed);
  }
  const negative = seed < 0;
  const magnitude = Math.abs(seed);
  const hi = Math.floor(magnitude / 0x100000000) >>> 0;
  const lo = magnitude >>> 0;
  // Domain-separate the seed from the mixing constants; the sign goes into the top bit of the high word
  // (|seed| < 2^53, so that bit is otherwise zero).
  return Object.freeze(threefry2x32([0x5eed5eed, 0x9e3779b9], [(hi | (negative ? 0x80000000 : 0)) >>> 0, lo])) as Key;
}

/**
 * Splits a key into `count` new independent keys.
 *
 * @example
 * ```ts
 * const [a, b, c] = split(key(0), 3);
 * ```
 */
export function split(k: Key, count = 2): Key[] {
  assertKey("split", k);
  if (!Number.isInteger(count) || count < 1 || count > 0xffffffff) {
    throw invalidArgument("split", "count", "be a positive integer", count);
  }
  const out: Key[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = Object.freeze(threefry2x32(k, [0, i])) as Key;
  return out;
}

/**
 * Derives a key from `k` and an integer `data` (a step number, a particle index, …).
 *
 * @remarks `foldIn(k, i)` never equals `split(k, n)[i]` (different counter domain).
 * @example
 * ```ts
 * const stepKey = foldIn(runKey, step);
 * ```
 */
export function foldIn(k: Key, data: number): Key {
  assertKey("foldIn", k);
  if (!Number.isSafeInteger(data) || data < 0) {
    throw invalidArgument("foldIn", "data", "be a non-negative safe integer", data);
  }
  const hi = Math.floor(data / 0x100000000) >>> 0;
  return Object.freeze(threefry2x32(k, [(0x80000000 | hi) >>> 0, data >>> 0])) as Key;
}

/**
 * Returns `k` as a plain JSON value `[w0, w1]`.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` if `k` is not a key.
 * @example
 * ```ts
 * const checkpoint = { step, key: keyToJSON(k) };
 * ```
 */
export function keyToJSON(k: Key): [number, number] {
  assertKey("keyToJSON", k);
  return [k[0], k[1]];
}

/**
 * Reads a key back from JSON (e.g. from a checkpoint).
 *
 * @throws ParabolicError `INVALID_ARGUMENT` if `value` is not two uint32 words.
 * @example
 * ```ts
 * const k = keyFromJSON(JSON.parse(JSON.stringify(key(1))));
 * ```
 */
export function keyFromJSON(value: unknown): Key {
  assertKey("keyFromJSON", value);
  return Object.freeze([value[0], value[1]]) as Key;
}

/** Internal: validates a key argument for functions in other modules. */
export function checkKey(fn: string, k: unknown): asserts k is Key {
  assertKey(fn, k);
}
