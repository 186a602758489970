import { invalidArgument } from "./errors.js";
import type { Key } from "./key.js";
import { randomStream, type RandomStream } from "./random-stream.js";
import { assertNonNegativeInteger, assertObject, assertPositiveInteger } from "./validate.js";

// ---------------------------------------------------------------------------------------------------------------
// Ziggurats (Marsaglia & Tsang 2000) with 256 layers for the normal and the exponential law, tables built lazily
// on first use (no import-time work).
//
// Bit budget per variate: the layer index is one byte of a separate 32-bit "layer word" (four variates share a
// word), and the value is a whole second word — so no value bit is ever reused as a layer bit (the weakness
// Doornik (2005) pointed out in the classic form). For the normal the value word is read as a signed int32: its
// sign bit is the sign of the variate and the other 31 bits give the magnitude (m + ½)·2⁻³¹·x[i], symmetric
// about 0 and never exactly 0. For the exponential the top 31 bits give (m + ½)·2⁻³¹·x[i].
//
// Hot-path tricks (all exact): the generator state lives in locals, everything stays int32 (no uint32 → double
// boxing), the fast-path test is an integer comparison m < k[i] against precomputed thresholds
// k[i] = ⌈(x[i+1]/x[i])·2³¹ − ½⌉ ⇔ (m + ½)·2⁻³¹ < x[i+1]/x[i], and the value is one multiply by w[i] = x[i]·2⁻³¹.
// ---------------------------------------------------------------------------------------------------------------
const LAYERS = 256;
// Right edge r of the base layer and the common layer area v, from 40-digit mpmath root finding
// (the recursion x[i+1] = f⁻¹(f(x[i]) + v/x[i]) must reach f = 1 after 255 steps).
const NORMAL_R = 3.654152885361008771645;
const NORMAL_V = 0.004928673233974655347;
const EXP_R = 7.697117470131049714045;
const EXP_V = 0.003949659822581557220;
const TWO_POW_M31 = 4.656612873077393e-10;
const GAMMA_BLOCK = 256;

type Ziggurat = {
  /** Layer right edges x[0 … 256] (x[0] = v/f(r) is the base strip's virtual width, x[1] = r, x[256] = 0). */
  readonly x: Float64Array;
  /** f(x[i]). */
  readonly f: Float64Array;
  /** Fast-path thresholds on the 31-bit magnitude. */
  readonly k: Int32Array;
  /** x[i]·2⁻³¹. */
  readonly w: Float64Array;
};

function buildZiggurat(f: (t: number) => number, fInverse: (y: number) => number, r: number, v: number): Ziggurat {
  const x = new Float64Array(LAYERS + 1);
  x[0] = v / f(r);
  x[1] = r;
  for (let i = 1; i < LAYERS - 1; i++) x[i + 1] = fInverse(v / x[i]! + f(x[i]!));
  x[LAYERS] = 0;
  const fx = new Float64Array(LAYERS + 1);
  for (let i = 0; i <= LAYERS; i++) fx[i] = f(x[i]!);
  const k = new Int32Array(LAYERS);
  const w = new Float64Array(LAYERS);
  for (let i = 0; i < LAYERS; i++) {
    k[i] = Math.max(0, Math.ceil((x[i + 1]! / x[i]!) * 2147483648 - 0.5));
    w[i] = x[i]! * TWO_POW_M31;
  }
  return { x, f: fx, k, w };
}

let normalZiggurat: Ziggurat | undefined;
let exponentialZiggurat: Ziggurat | undefined;

function normalTables(): Ziggurat {
  return (normalZiggurat ??= buildZiggurat(
    (t) => Math.exp(-0.5 * t * t),
    (y) => Math.sqrt(-2 * Math.log(y)),
    NORMAL_R,
    NORMAL_V,
  ));
}

function exponentialTables(): Ziggurat {
  return (exponentialZiggurat ??= buildZiggurat(
    (t) => Math.exp(-t),
    (y) => -Math.log(y),
    EXP_R,
    EXP_V,
  ));
}

/**
 * The rare normal path (≈ 0.8 % of draws): the tail beyond r from layer 0, or the wedge test of layer i.
 * `w` is the signed value word. Returns the variate, or NaN to ask for a fresh layer and value.
 */
function normalSlowPath(stream: RandomStream, layer: number, w: number, t: Ziggurat): number {
  const negative = w < 0;
  if (layer === 0) {
    let xx: number;
    let yy: number;
    do {
      xx = -Math.log(stream.nextOpenDouble()) / NORMAL_R;
      yy = -Math.log(stream.nextOpenDouble());
    } while (2 * yy < xx * xx);
    return negative ? -(NORMAL_R + xx) : NORMAL_R + xx;
  }
  const z = ((w ^ (w >> 31)) + 0.5) * t.w[layer]!;
  const y = t.f[layer]! + stream.nextDouble() * (t.f[layer + 1]! - t.f[layer]!);
  if (y < Math.exp(-0.5 * z * z)) return negative ? -z : z;
  return Number.NaN;
}

/** The rare exponential path: the tail (memoryless: r + a fresh Exp(1)) or the wedge test; NaN to redraw. */
function exponentialSlowPath(stream: RandomStream, layer: number, m: number, t: Ziggurat): number {
  if (layer === 0) return EXP_R + nextExponential(stream);
  const z = (m + 0.5) * t.w[layer]!;
  const y = t.f[layer]! + stream.nextDouble() * (t.f[layer + 1]! - t.f[layer]!);
  return y < Math.exp(-z) ? z : Number.NaN;
}

/** Normals into out[from … to) (the body of {@link fillNormals}, without allocating a subarray). */
function fillNormalsRange(stream: RandomStream, out: Float64Array, from: number, to: number): void {
  const t = normalTables();
  const kn = t.k;
  const wn = t.w;
  const st = stream.state;
  let s0 = st[0]! | 0;
  let s1 = st[1]! | 0;
  let s2 = st[2]! | 0;
  let s3 = st[3]! | 0;
  let bits = st[4]! | 0;
  let left = st[5]! | 0;
  let i = from;
  while (i < to) {
    if (left === 0) {
      const r0 = Math.imul(s1, 5);
      bits = Math.imul((r0 << 7) | (r0 >>> 25), 9);
      const t0 = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t0;
      s3 = (s3 << 11) | (s3 >>> 21);
      left = 4;
    }
    const layer = bits & 255;
    bits >>>= 8;
    left--;
    const r1 = Math.imul(s1, 5);
    const w = Math.imul((r1 << 7) | (r1 >>> 25), 9);
    const t1 = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t1;
    s3 = (s3 << 11) | (s3 >>> 21);
    if ((w ^ (w >> 31)) < kn[layer]!) {
      out[i++] = (w + 0.5) * wn[layer]!;
      continue;
    }
    st[0] = s0;
    st[1] = s1;
    st[2] = s2;
    st[3] = s3;
    const z = normalSlowPath(stream, layer, w, t);
    s0 = st[0]! | 0;
    s1 = st[1]! | 0;
    s2 = st[2]! | 0;
    s3 = st[3]! | 0;
    if (z === z) out[i++] = z;
  }
  st[0] = s0;
  st[1] = s1;
  st[2] = s2;
  st[3] = s3;
  st[4] = bits;
  st[5] = left;
}

/**
 * Fills `out` with independent standard normal variates (256-layer ziggurat on xoshiro128**), in place.
 *
 * @remarks The hot path of every Monte Carlo routine: 1.25 generator words per normal on the fast path
 * (99.2 % of draws), no allocation. Pass `out.subarray(a, b)` to fill part of a buffer. Continues the same
 * sequence as {@link nextNormal}, so batch and scalar calls may be mixed.
 * @example
 * ```ts
 * const noise = new Float64Array(1024);
 * fillNormals(randomStream(key(3)), noise);
 * ```
 */
export function fillNormals(stream: RandomStream, out: Float64Array): Float64Array {
  fillNormalsRange(stream, out, 0, out.length);
  return out;
}

/**
 * One standard normal from `stream` (the scalar form of {@link fillNormals}; same sequence).
 *
 * @example
 * ```ts
 * const s = randomStream(key(3));
 * const z = nextNormal(s);
 * ```
 */
export function nextNormal(stream: RandomStream): number {
  const t = normalTables();
  const st = stream.state;
  for (;;) {
    let s0 = st[0]! | 0;
    let s1 = st[1]! | 0;
    let s2 = st[2]! | 0;
    let s3 = st[3]! | 0;
    let bits = st[4]! | 0;
    let left = st[5]! | 0;
    if (left === 0) {
      const r0 = Math.imul(s1, 5);
      bits = Math.imul((r0 << 7) | (r0 >>> 25), 9);
      const t0 = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t0;
      s3 = (s3 << 11) | (s3 >>> 21);
      left = 4;
    }
    const layer = bits & 255;
    const r1 = Math.imul(s1, 5);
    const w = Math.imul((r1 << 7) | (r1 >>> 25), 9);
    const t1 = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t1;
    st[0] = s0;
    st[1] = s1;
    st[2] = s2;
    st[3] = (s3 << 11) | (s3 >>> 21);
    st[4] = bits >>> 8;
    st[5] = left - 1;
    if ((w ^ (w >> 31)) < t.k[layer]!) return (w + 0.5) * t.w[layer]!;
    const z = normalSlowPath(stream, layer, w, t);
    if (z === z) return z;
  }
}

/** Exp(1) variates into out[from … to). */
function fillExponentialsRange(stream: RandomStream, out: Float64Array, from: number, to: number): void {
  const t = exponentialTables();
  const ke = t.k;
  const we = t.w;
  const st = stream.state;
  let s0 = st[0]! | 0;
  let s1 = st[1]! | 0;
  let s2 = st[2]! | 0;
  let s3 = st[3]! | 0;
  let bits = st[4]! | 0;
  let left = st[5]! | 0;
  let i = from;
  while (i < to) {
    if (left === 0) {
      const r0 = Math.imul(s1, 5);
      bits = Math.imul((r0 << 7) | (r0 >>> 25), 9);
      const t0 = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t0;
      s3 = (s3 << 11) | (s3 >>> 21);
      left = 4;
    }
    const layer = bits & 255;
    bits >>>= 8;
    left--;
    const r1 = Math.imul(s1, 5);
    const m = Math.imul((r1 << 7) | (r1 >>> 25), 9) >>> 1;
    const t1 = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t1;
    s3 = (s3 << 11) | (s3 >>> 21);
    if (m < ke[layer]!) {
      out[i++] = (m + 0.5) * we[layer]!;
      continue;
    }
    st[0] = s0;
    st[1] = s1;
    st[2] = s2;
    st[3] = s3;
    st[4] = bits;
    st[5] = left;
    const z = exponentialSlowPath(stream, layer, m, t);
    s0 = st[0]! | 0;
    s1 = st[1]! | 0;
    s2 = st[2]! | 0;
    s3 = st[3]! | 0;
    bits = st[4]! | 0;
    left = st[5]! | 0;
    if (z === z) out[i++] = z;
  }
  st[0] = s0;
  st[1] = s1;
  st[2] = s2;
  st[3] = s3;
  st[4] = bits;
  st[5] = left;
}

/**
 * One Exp(1) variate (256-layer ziggurat; the scalar form of {@link fillExponentials}, same sequence).
 *
 * @example
 * ```ts
 * const waitingTime = nextExponential(randomStream(key(5))) / rate;
 * ```
 */
export function nextExponential(stream: RandomStream): number {
  const t = exponentialTables();
  const st = stream.state;
  for (;;) {
    let bits = st[4]! | 0;
    let left = st[5]! | 0;
    if (left === 0) {
      bits = stream.nextUint32() | 0;
      left = 4;
    }
    const layer = bits & 255;
    st[4] = bits >>> 8;
    st[5] = left - 1;
    const m = stream.nextUint32() >>> 1;
    if (m < t.k[layer]!) return (m + 0.5) * t.w[layer]!;
    const z = exponentialSlowPath(stream, layer, m, t);
    if (z === z) return z;
  }
}

/**
 * Fills `out` with Exp(1) variates (256-layer ziggurat), in place.
 *
 * @example
 * ```ts
 * const e = fillExponentials(randomStream(key(5)), new Float64Array(1000));
 * ```
 */
export function fillExponentials(stream: RandomStream, out: Float64Array): Float64Array {
  fillExponentialsRange(stream, out, 0, out.length);
  return out;
}

/** Marsaglia–Tsang (2000) for shape a ≥ 1, given d = a − ⅓ and c = 1/√(9d). */
function marsagliaTsang(stream: RandomStream, d: number, c: number): number {
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
    if (u < 1 - 0.0331 * x2 * x2) return d * v; // squeeze: no logarithm on ≈ 98 % of draws
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * One Gamma(shape, 1) variate: Marsaglia–Tsang (2000) for shape ≥ 1, and for shape < 1 the boost
 * Gamma(shape) = Gamma(shape + 1)·U^{1/shape}, with U^{1/shape} drawn as exp(−E/shape), E ~ Exp(1);
 * shape 0 gives 0 (the degenerate law).
 *
 * @remarks No validation here (hot path); {@link gammas} validates. For many draws with one shape prefer
 * {@link fillGammas} (it hoists the shape constants).
 * @example
 * ```ts
 * const s = randomStream(key(9));
 * const g = nextGamma(s, 0.3);
 * ```
 */
export function nextGamma(stream: RandomStream, shape: number): number {
  if (shape === 0) return 0;
  if (shape < 1) {
    const d = shape + 2 / 3;
    const g = marsagliaTsang(stream, d, 1 / Math.sqrt(9 * d));
    return g * Math.exp(-nextExponential(stream) / shape);
  }
  const d = shape - 1 / 3;
  return marsagliaTsang(stream, d, 1 / Math.sqrt(9 * d));
}

/**
 * Fills `out` with Gamma(shape, 1) variates: the batch form of {@link nextGamma} (same law and method, with the
 * shape constants hoisted and the normals drawn in blocks of 256 — so its sequence differs from repeated
 * `nextGamma` calls; it is deterministic for a given stream state and length).
 *
 * @throws ParabolicError `INVALID_ARGUMENT` for a negative or non-finite shape.
 * @example
 * ```ts
 * const g = fillGammas(randomStream(key(9)), new Float64Array(1000), 2.5);
 * ```
 */
export function fillGammas(stream: RandomStream, out: Float64Array, shape: number): Float64Array {
  assertShape("fillGammas", shape);
  const n = out.length;
  if (shape === 0) {
    out.fill(0);
    return out;
  }
  const boost = shape < 1;
  const d = boost ? shape + 2 / 3 : shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  const invShape = 1 / shape;
  // Normals come from a block buffer filled by the batch ziggurat; uniforms straight from the stream.
  const normalsBlock = new Float64Array(GAMMA_BLOCK);
  let next = GAMMA_BLOCK;
  for (let i = 0; i < n; i++) {
    let g: number;
    for (;;) {
      if (next === GAMMA_BLOCK) {
        fillNormalsRange(stream, normalsBlock, 0, GAMMA_BLOCK);
        next = 0;
      }
      const x = normalsBlock[next++]!;
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = stream.nextOpenDouble();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
        g = d * v;
        break;
      }
    }
    out[i] = boost ? g * Math.exp(-nextExponential(stream) * invShape) : g;
  }
  return out;
}

/**
 * One χ²_k variate (= 2·Gamma(k/2)).
 *
 * @example
 * ```ts
 * const q = nextChiSquare(randomStream(key(2)), 3);
 * ```
 */
export function nextChiSquare(stream: RandomStream, degreesOfFreedom: number): number {
  return 2 * nextGamma(stream, 0.5 * degreesOfFreedom);
}

/**
 * One Geometric(p) variate on {0, 1, 2, …} (number of failures before the first success), by inversion of an
 * exponential: ⌊E / −log(1 − p)⌋.
 *
 * @example
 * ```ts
 * const failures = nextGeometric(randomStream(key(2)), 0.25);
 * ```
 */
export function nextGeometric(stream: RandomStream, p: number): number {
  if (p >= 1) return 0;
  return Math.floor(nextExponential(stream) / -Math.log1p(-p));
}

/**
 * Writes one direction uniform on S^{dim−1} into `out[offset … offset+dim)` (normalised normals).
 *
 * @returns the Euclidean norm of the normal vector it normalised (a χ_dim variate, independent of the direction).
 * @example
 * ```ts
 * const u = new Float64Array(3);
 * const radius = fillUniformDirection(randomStream(key(4)), u, 0, 3);
 * ```
 */
export function fillUniformDirection(stream: RandomStream, out: Float64Array, offset: number, dim: number): number {
  const end = offset + dim;
  for (;;) {
    fillNormalsRange(stream, out, offset, end);
    let ss = 0;
    for (let i = offset; i < end; i++) ss += out[i]! * out[i]!;
    if (ss > 0) {
      const norm = Math.sqrt(ss);
      const inv = 1 / norm;
      for (let i = offset; i < end; i++) out[i] = out[i]! * inv;
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
  assertObject("normals", "options", options, "{ count }");
  checkCount("normals", options.count);
  return fillNormals(randomStream(k), new Float64Array(options.count));
}

/**
 * `count` Exp(1) variates from `k`.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` for a bad key or count.
 * @example
 * ```ts
 * const e = exponentials(key(5), { count: 1000 });
 * ```
 */
export function exponentials(k: Key, options: Readonly<{ count: number }>): Float64Array {
  assertObject("exponentials", "options", options, "{ count }");
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
  assertObject("gammas", "options", options, "{ shape, count }");
  assertShape("gammas", options.shape);
  checkCount("gammas", options.count);
  return fillGammas(randomStream(k), new Float64Array(options.count), options.shape);
}

/**
 * `count` χ² variates with `degreesOfFreedom` (> 0, not necessarily an integer) from `k`.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` for degreesOfFreedom ≤ 0 or non-finite, a bad key or count.
 * @example
 * ```ts
 * const q = chiSquares(key(6), { degreesOfFreedom: 3, count: 1000 });
 * ```
 */
export function chiSquares(k: Key, options: Readonly<{ degreesOfFreedom: number; count: number }>): Float64Array {
  assertObject("chiSquares", "options", options, "{ degreesOfFreedom, count }");
  const dof = options.degreesOfFreedom;
  if (typeof dof !== "number" || !Number.isFinite(dof) || dof <= 0) {
    throw invalidArgument("chiSquares", "degreesOfFreedom", "be a finite number > 0", dof);
  }
  checkCount("chiSquares", options.count);
  const out = fillGammas(randomStream(k), new Float64Array(options.count), 0.5 * dof);
  for (let i = 0; i < out.length; i++) out[i] = 2 * out[i]!;
  return out;
}

/**
 * `count` Geometric(p) variates (failures before the first success) from `k`, p ∈ (0, 1].
 *
 * @throws ParabolicError `INVALID_ARGUMENT` for p outside (0, 1], a bad key or count.
 * @example
 * ```ts
 * const failures = geometrics(key(7), { p: 0.25, count: 1000 });
 * ```
 */
export function geometrics(k: Key, options: Readonly<{ p: number; count: number }>): Float64Array {
  assertObject("geometrics", "options", options, "{ p, count }");
  const p = options.p;
  if (typeof p !== "number" || !(p > 0 && p <= 1)) throw invalidArgument("geometrics", "p", "be a number in (0, 1]", p);
  checkCount("geometrics", options.count);
  const s = randomStream(k);
  const out = new Float64Array(options.count);
  if (p === 1) return out;
  fillExponentialsRange(s, out, 0, out.length);
  const scale = -1 / Math.log1p(-p);
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(out[i]! * scale);
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
  assertObject("uniformDirections", "options", options, "{ dim, count }");
  assertPositiveInteger("uniformDirections", "dim", options.dim);
  checkCount("uniformDirections", options.count);
  const s = randomStream(k);
  const out = new Float64Array(options.dim * options.count);
  for (let i = 0; i < options.count; i++) fillUniformDirection(s, out, i * options.dim, options.dim);
  return out;
}
