import { invalidArgument } from "./errors.js";
import type { Key } from "./key.js";
import { randomStream, type RandomStream } from "./random-stream.js";
import { assertNonNegativeInteger, assertPositiveInteger } from "./validate.js";

// ---------------------------------------------------------------------------------------------------------------
// Ziggurat tables (Marsaglia & Tsang 2000, 128 layers), built lazily on first use: no import-time work.
// Layer i spans heights [f(x[i]), f(x[i+1])]; layer 0 is the base strip plus the tail beyond r.
// The layer index and sign come from a byte of a separate 32-bit draw (four normals share one draw), so the
// value bits are never reused for the layer (the weakness Doornik (2005) pointed out in the classic form).
// ---------------------------------------------------------------------------------------------------------------
const ZIG_R = 3.442619855899;
const ZIG_V = 9.91256303526217e-3;
const TWO_POW_M32 = 2.3283064365386963e-10;

type ZigguratTables = { readonly x: Float64Array; readonly ratio: Float64Array; readonly fx: Float64Array };
let zigguratTables: ZigguratTables | undefined;

function tables(): ZigguratTables {
  if (zigguratTables !== undefined) return zigguratTables;
  const f = (t: number): number => Math.exp(-0.5 * t * t);
  const x = new Float64Array(129);
  x[0] = ZIG_V / f(ZIG_R);
  x[1] = ZIG_R;
  for (let i = 1; i < 127; i++) x[i + 1] = Math.sqrt(-2 * Math.log(ZIG_V / x[i]! + f(x[i]!)));
  x[128] = 0;
  const ratio = new Float64Array(128);
  const fx = new Float64Array(129);
  for (let i = 0; i < 128; i++) ratio[i] = x[i + 1]! / x[i]!;
  for (let i = 0; i <= 128; i++) fx[i] = i === 0 ? 0 : f(x[i]!);
  zigguratTables = { x, ratio, fx };
  return zigguratTables;
}

/** The rare ziggurat path (tail or wedge). Returns the magnitude, or NaN to ask for a fresh draw. */
function zigguratSlowPath(stream: RandomStream, layer: number, u: number, t: ZigguratTables): number {
  if (layer === 0) {
    let xx: number;
    let yy: number;
    do {
      xx = -Math.log(stream.nextOpenDouble()) / ZIG_R;
      yy = -Math.log(stream.nextOpenDouble());
    } while (2 * yy < xx * xx);
    return ZIG_R + xx;
  }
  const z = u * t.x[layer]!;
  const y = t.fx[layer]! + stream.nextDouble() * (t.fx[layer + 1]! - t.fx[layer]!);
  return y < Math.exp(-0.5 * z * z) ? z : Number.NaN;
}

/**
 * Fills `out` with independent standard normal variates (ziggurat, xoshiro128**), in place.
 *
 * @remarks The hot path of every Monte Carlo routine: ≈ 1.25 generator words per normal, no allocation.
 * Pass `out.subarray(a, b)` to fill part of a buffer.
 * @example
 * ```ts
 * const noise = new Float64Array(1024);
 * fillNormals(randomStream(key(3)), noise);
 * ```
 */
export function fillNormals(stream: RandomStream, out: Float64Array): Float64Array {
  const t = tables();
  const xs = t.x;
  const ratio = t.ratio;
  const st = stream.state;
  let s0 = st[0]!;
  let s1 = st[1]!;
  let s2 = st[2]!;
  let s3 = st[3]!;
  let bits = st[4]!;
  let bytesLeft = st[5]!;
  const n = out.length;
  for (let k = 0; k < n; ) {
    if (bytesLeft === 0) {
      const r1 = Math.imul(s1, 5);
      bits = Math.imul((r1 << 7) | (r1 >>> 25), 9) >>> 0;
      const tt = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= tt;
      s3 = (s3 << 11) | (s3 >>> 21);
      bytesLeft = 4;
    }
    const b = bits & 255;
    bits >>>= 8;
    bytesLeft--;
    const layer = b & 127;
    const r1 = Math.imul(s1, 5);
    const word = Math.imul((r1 << 7) | (r1 >>> 25), 9) >>> 0;
    const tt = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= tt;
    s3 = (s3 << 11) | (s3 >>> 21);
    const u = word * TWO_POW_M32;
    let z: number;
    if (u < ratio[layer]!) {
      z = u * xs[layer]!;
    } else {
      st[0] = s0;
      st[1] = s1;
      st[2] = s2;
      st[3] = s3;
      z = zigguratSlowPath(stream, layer, u, t);
      s0 = st[0]!;
      s1 = st[1]!;
      s2 = st[2]!;
      s3 = st[3]!;
      if (z !== z) continue; // rejected: draw again
    }
    out[k++] = b & 128 ? -z : z;
  }
  st[0] = s0;
  st[1] = s1;
  st[2] = s2;
  st[3] = s3;
  st[4] = bits;
  st[5] = bytesLeft;
  return out;
}

/** One standard normal from `stream` (scalar form of {@link fillNormals}; same sequence). */
export function nextNormal(stream: RandomStream): number {
  const t = tables();
  const st = stream.state;
  for (;;) {
    if (st[5] === 0) {
      st[4] = stream.nextUint32();
      st[5] = 4;
    }
    const b = st[4]! & 255;
    st[4] = st[4]! >>> 8;
    st[5] = st[5]! - 1;
    const layer = b & 127;
    const u = stream.nextUint32() * TWO_POW_M32;
    const z = u < t.ratio[layer]! ? u * t.x[layer]! : zigguratSlowPath(stream, layer, u, t);
    if (z === z) return b & 128 ? -z : z;
  }
}

/** One Exp(1) variate (inversion, exact). */
export function nextExponential(stream: RandomStream): number {
  return -Math.log(stream.nextOpenDouble());
}

/** Fills `out` with Exp(1) variates. */
export function fillExponentials(stream: RandomStream, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = -Math.log(stream.nextOpenDouble());
  return out;
}

/**
 * One Gamma(shape, 1) variate: Marsaglia–Tsang (2000) for shape ≥ 1, and for shape < 1 the boost
 * Gamma(shape) = Gamma(shape + 1)·U^{1/shape}; shape 0 gives 0 (the degenerate law).
 *
 * @remarks No validation here (hot path); {@link gammas} validates.
 */
export function nextGamma(stream: RandomStream, shape: number): number {
  if (shape === 0) return 0;
  if (shape < 1) {
    const g = nextGamma(stream, shape + 1);
    return g * Math.exp(Math.log(stream.nextOpenDouble()) / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = nextNormal(stream);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = stream.nextOpenDouble();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Fills `out` with Gamma(shape, 1) variates. */
export function fillGammas(stream: RandomStream, out: Float64Array, shape: number): Float64Array {
  assertShape("fillGammas", shape);
  for (let i = 0; i < out.length; i++) out[i] = nextGamma(stream, shape);
  return out;
}

/** One χ²_k variate (= 2·Gamma(k/2)). */
export function nextChiSquare(stream: RandomStream, degreesOfFreedom: number): number {
  return 2 * nextGamma(stream, 0.5 * degreesOfFreedom);
}

/**
 * One Geometric(p) variate on {0, 1, 2, …} (number of failures before the first success), by inversion.
 */
export function nextGeometric(stream: RandomStream, p: number): number {
  if (p >= 1) return 0;
  return Math.floor(Math.log(stream.nextOpenDouble()) / Math.log1p(-p));
}

/**
 * Writes one direction uniform on S^{dim−1} into `out[offset … offset+dim)` (normalised normals).
 *
 * @returns the Euclidean norm of the normal vector it normalised (a χ_dim variate, independent of the direction).
 */
export function fillUniformDirection(stream: RandomStream, out: Float64Array, offset: number, dim: number): number {
  const v = out.subarray(offset, offset + dim);
  for (;;) {
    fillNormals(stream, v);
    let ss = 0;
    for (let i = 0; i < dim; i++) ss += v[i]! * v[i]!;
    if (ss > 0) {
      const norm = Math.sqrt(ss);
      const inv = 1 / norm;
      for (let i = 0; i < dim; i++) v[i] = v[i]! * inv;
      return norm;
    }
  }
}

function assertShape(fn: string, shape: unknown): asserts shape is number {
  if (typeof shape !== "number" || !Number.isFinite(shape) || shape < 0) {
    throw invalidArgument(fn, "shape", "be a finite number >= 0", shape);
  }
}

function checkCount(fn: string, count: unknown): asserts count is number {
  assertNonNegativeInteger(fn, "count", count);
}

/**
 * `count` standard normals from `k`.
 *
 * @example
 * ```ts
 * const z = normals(key(1), { count: 1000 });
 * ```
 */
export function normals(k: Key, options: Readonly<{ count: number }>): Float64Array {
  checkCount("normals", options.count);
  return fillNormals(randomStream(k), new Float64Array(options.count));
}

/** `count` Exp(1) variates from `k`. */
export function exponentials(k: Key, options: Readonly<{ count: number }>): Float64Array {
  checkCount("exponentials", options.count);
  return fillExponentials(randomStream(k), new Float64Array(options.count));
}

/**
 * `count` Gamma(shape, 1) variates from `k` (shape ≥ 0, including shape < 1).
 *
 * @throws ParabolicError `INVALID_ARGUMENT` for a negative or non-finite shape or a bad count.
 * @example
 * ```ts
 * const g = gammas(key(2), { shape: 0.3, count: 10_000 });
 * ```
 */
export function gammas(k: Key, options: Readonly<{ shape: number; count: number }>): Float64Array {
  assertShape("gammas", options.shape);
  checkCount("gammas", options.count);
  return fillGammas(randomStream(k), new Float64Array(options.count), options.shape);
}

/** `count` χ²_k variates from `k`. */
export function chiSquares(k: Key, options: Readonly<{ degreesOfFreedom: number; count: number }>): Float64Array {
  const dof = options.degreesOfFreedom;
  if (typeof dof !== "number" || !Number.isFinite(dof) || dof <= 0) {
    throw invalidArgument("chiSquares", "degreesOfFreedom", "be a finite number > 0", dof);
  }
  checkCount("chiSquares", options.count);
  return fillGammas(randomStream(k), new Float64Array(options.count), 0.5 * dof).map((g) => 2 * g);
}

/** `count` Geometric(p) variates (failures before the first success) from `k`, p ∈ (0, 1]. */
export function geometrics(k: Key, options: Readonly<{ p: number; count: number }>): Float64Array {
  const p = options.p;
  if (typeof p !== "number" || !(p > 0 && p <= 1)) throw invalidArgument("geometrics", "p", "be a number in (0, 1]", p);
  checkCount("geometrics", options.count);
  const s = randomStream(k);
  const out = new Float64Array(options.count);
  for (let i = 0; i < out.length; i++) out[i] = nextGeometric(s, p);
  return out;
}

/**
 * `count` directions uniform on S^{dim−1}, row-major (`count × dim`).
 *
 * @example
 * ```ts
 * const u = uniformDirections(key(4), { dim: 3, count: 100 }); // u.length === 300
 * ```
 */
export function uniformDirections(k: Key, options: Readonly<{ dim: number; count: number }>): Float64Array {
  assertPositiveInteger("uniformDirections", "dim", options.dim);
  checkCount("uniformDirections", options.count);
  const s = randomStream(k);
  const out = new Float64Array(options.dim * options.count);
  for (let i = 0; i < options.count; i++) fillUniformDirection(s, out, i * options.dim, options.dim);
  return out;
}
