/**
 * Shared machinery of the heat-ball estimators: validation of a batch of centres, per-centre keys, ball points,
 * one concatenated field call per chunk of centres, and ratio/mean standard errors.
 *
 * @internal
 */
import {
  assertAllFinite,
  assertPositiveInteger,
  foldIn,
  invalidArgument,
  mean,
  ParabolicError,
  split,
  variance,
  type Key,
} from "@parabolic/core";
import { heatBallPoints, sampleDrift, sampleKappa, sampleNu, type KappaSamples } from "@parabolic/kappa";
import type { DriftField } from "../drift-field.js";
import type { HeatField } from "../heat-field.js";

/** A validated batch of m centres with their heat times and radii. */
export type CentreBatch = {
  dim: number;
  count: number;
  centers: Float64Array;
  s0: Float64Array;
  radius: Float64Array;
};

/** Validates centres, times and radii (radius² < 4π s0 for every centre) and broadcasts scalars. */
export function centreBatch(
  fn: string,
  dim: number,
  centers: Float64Array,
  s0: number | Float64Array,
  radius: number | Float64Array,
): CentreBatch {
  if (!(centers instanceof Float64Array)) throw invalidArgument(fn, "centers", "be a Float64Array (count × dim)", centers);
  const count = centers.length / dim;
  if (!Number.isInteger(count) || count < 1) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'centers' must have a positive length divisible by dim = ${dim}; got length ${centers.length}.`, {
      function: fn,
      argument: "centers",
      dim,
      actual: centers.length,
    });
  }
  assertAllFinite(fn, "centers", centers);
  const broadcast = (name: string, value: number | Float64Array): Float64Array => {
    if (typeof value === "number") return new Float64Array(count).fill(value);
    if (!(value instanceof Float64Array)) throw invalidArgument(fn, name, "be a number or a Float64Array with one entry per centre", value);
    if (value.length !== count) {
      throw new ParabolicError("SHAPE_MISMATCH", `${fn}: '${name}' must have one entry per centre (${count}); got length ${value.length}.`, {
        function: fn,
        argument: name,
        expected: count,
        actual: value.length,
      });
    }
    return value;
  };
  const s = broadcast("s0", s0);
  const r = broadcast("radius", radius);
  for (let i = 0; i < count; i++) {
    const si = s[i]!;
    const ri = r[i]!;
    if (!Number.isFinite(si) || si <= 0) throw invalidArgument(fn, "s0", "be a finite heat time > 0", count === 1 ? si : `${si} at centre ${i}`);
    if (!Number.isFinite(ri) || ri <= 0) throw invalidArgument(fn, "radius", "be a finite number > 0", count === 1 ? ri : `${ri} at centre ${i}`);
    if (!(ri * ri < 4 * Math.PI * si)) {
      throw new ParabolicError(
        "INVALID_ARGUMENT",
        `${fn}: 'radius' must satisfy radius² < 4π·s0 (the heat ball must stay in s > 0); got radius=${ri}, s0=${si}${count === 1 ? "" : ` at centre ${i}`}.`,
        { function: fn, argument: "radius", value: ri, s0: si, centre: i, maxRadius: Math.sqrt(4 * Math.PI * si) },
      );
    }
  }
  return { dim, count, centers, s0: s, radius: r };
}

/**
 * Single-centre forms take exactly one centre (length dim): a longer array would otherwise be estimated as a
 * batch and all but the first result dropped silently.
 */
export function checkSingleCentre(fn: string, field: Readonly<{ dim: number }> | null | undefined, center: unknown): void {
  const dim = field?.dim;
  if (center instanceof Float64Array && Number.isInteger(dim) && center.length !== dim) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'center' must have length dim = ${dim} (use the batched form for several centres); got length ${center.length}.`, {
      function: fn,
      argument: "center",
      expected: dim,
      actual: center.length,
    });
  }
}

/** Validates the common estimator options and the field. */
export function checkCommon(fn: string, field: HeatField, options: SamplingOptions): void {
  if (field === null || typeof field !== "object" || typeof field.logDensity !== "function") {
    throw invalidArgument(fn, "field", "be a HeatField ({ dim, logDensity, gradLogDensity? })", field);
  }
  assertPositiveInteger(fn, "field.dim", field.dim);
  checkSampling(fn, options);
}

/** The sampling options every heat-ball function shares. */
export type SamplingOptions = Readonly<{ samples: number; key: Key; maxCoordinatesPerCall?: number | undefined }>;

/**
 * Validates `samples`, `key` and (when present) `maxCoordinatesPerCall` under the caller's name, before any
 * sampling (a NaN chunk budget used to produce an empty chunk list and all-zero "success" estimates).
 */
export function checkSampling(fn: string, options: SamplingOptions): void {
  if (options === null || typeof options !== "object") throw invalidArgument(fn, "options", "be an options object", options);
  assertPositiveInteger(fn, "samples", options.samples);
  const k = options.key as unknown;
  if (!Array.isArray(k) || k.length !== 2 || !k.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
    throw invalidArgument(fn, "key", "be a PRNG key (two uint32 words, from key(seed))", k);
  }
  if (options.maxCoordinatesPerCall !== undefined) assertPositiveInteger(fn, "maxCoordinatesPerCall", options.maxCoordinatesPerCall);
}

/** One weighted sample mean of a ratio or linear estimator: a (n × width) numerators, b (n) denominators. */
export type Part = { a: Float64Array | undefined; b: Float64Array; n: number; coef: number };

/**
 * Ratio S = Σ coef·mean(a) / Σ coef·mean(b) with its delta-method standard error (parts independent); with
 * `width` = 0 it is the linear total T = Σ coef·mean(b) and its standard error.
 */
export function combineParts(parts: readonly Part[], width: number): { value: Float64Array; standardError: Float64Array; denominator: number; denominatorSe: number } {
  let den = 0;
  let denVar = 0;
  for (const p of parts) {
    const mv = meanVar(p.b.subarray(0, p.n));
    den += p.coef * mv.mean;
    denVar += (p.coef * p.coef * mv.variance) / p.n;
  }
  const value = new Float64Array(width);
  const se = new Float64Array(width);
  if (width === 0) return { value, standardError: se, denominator: den, denominatorSe: Math.sqrt(denVar) };
  for (const p of parts) {
    const a = p.a!;
    for (let k = 0; k < width; k++) {
      let m = 0;
      for (let i = 0; i < p.n; i++) m += a[i * width + k]!;
      value[k] = value[k]! + (p.coef * m) / p.n;
    }
  }
  for (let k = 0; k < width; k++) value[k] = value[k]! / den;
  for (const p of parts) {
    const a = p.a!;
    for (let k = 0; k < width; k++) {
      const infl = new Float64Array(p.n);
      for (let i = 0; i < p.n; i++) infl[i] = a[i * width + k]! - value[k]! * p.b[i]!;
      se[k] = se[k]! + (p.coef * p.coef * meanVar(infl).variance) / p.n;
    }
  }
  for (let k = 0; k < width; k++) se[k] = Math.sqrt(se[k]!) / Math.abs(den);
  return { value, standardError: se, denominator: den, denominatorSe: Math.sqrt(denVar) };
}

/** Validates a heat-coordinate drift option. */
export function checkDrift(fn: string, drift: DriftField | undefined, dim: number, need: { jacobian?: boolean; divergence?: boolean }): void {
  if (drift === undefined) return;
  if (drift === null || typeof drift !== "object" || typeof drift.evaluate !== "function") {
    throw invalidArgument(fn, "drift", "be a DriftField ({ dim, evaluate }) of the heat-coordinate drift c", drift);
  }
  if (drift.dim !== dim) throw invalidArgument(fn, "drift.dim", `equal the field dimension ${dim}`, drift.dim);
  if (need.jacobian && typeof drift.jacobian !== "function") {
    throw new ParabolicError("UNSUPPORTED", `${fn}: this form needs the drift's 'jacobian' (∂c_i/∂y_j).`, { function: fn, argument: "drift.jacobian" });
  }
  if (need.divergence && typeof drift.divergence !== "function") {
    throw new ParabolicError("UNSUPPORTED", `${fn}: this form needs the drift's 'divergence' (∇·c).`, { function: fn, argument: "drift.divergence" });
  }
}

/** Independent κ, ν and D keys of centre i (the same for the single-centre and batched forms). */
export function centreKeys(k: Key, i: number): { kappa: Key; nu: Key; drift: Key } {
  const [kappa, nu, drift] = split(foldIn(k, i), 3) as [Key, Key, Key];
  return { kappa, nu, drift };
}

export type Measure = "kappa" | "nu" | "drift";

export function drawSamples(measure: Measure, k: Key, dim: number, count: number): KappaSamples {
  if (measure === "kappa") return sampleKappa(k, { dim, count });
  if (measure === "nu") return sampleNu(k, { dim, count });
  return sampleDrift(k, { dim, count });
}

/** Points of one centre: y0 + sign·scale·r·ζ (and the antithetic mirror appended), times s0 − (scale·r)²ς. */
export function ballPoints(
  batch: CentreBatch,
  i: number,
  samples: KappaSamples,
  options: Readonly<{ sign?: 1 | -1; antithetic?: boolean; radiusScale?: number }> = {},
): { points: Float64Array; times: Float64Array } {
  const d = batch.dim;
  const center = batch.centers.subarray(i * d, (i + 1) * d);
  return heatBallPoints(center, batch.s0[i]!, batch.radius[i]! * (options.radiusScale ?? 1), samples, {
    antithetic: options.antithetic ?? false,
    sign: options.sign ?? 1,
  });
}

/** A set of points to evaluate, later split back by request. */
export type Request = { points: Float64Array; times: Float64Array };

/** Concatenates requests into one batch of points and times (no copy for a single request). */
export function concat(requests: readonly Request[], dim: number): Request {
  if (requests.length === 1) return requests[0]!;
  let total = 0;
  for (const r of requests) total += r.times.length;
  const points = new Float64Array(total * dim);
  const times = new Float64Array(total);
  let o = 0;
  for (const r of requests) {
    points.set(r.points, o * dim);
    times.set(r.times, o);
    o += r.times.length;
  }
  return { points, times };
}

/** Splits values computed on {@link concat}'s batch back per request (`per` values per point). */
export function splitBack(values: Float64Array, requests: readonly Request[], per: number): Float64Array[] {
  const out: Float64Array[] = [];
  let o = 0;
  for (const r of requests) {
    const n = r.times.length * per;
    out.push(values.subarray(o, o + n));
    o += n;
  }
  return out;
}

/** Checks a callback's return value: an array of `expected` numbers (copied to Float64Array if needed). */
export function checkReturned(fn: string, what: string, values: unknown, expected: number): Float64Array {
  if (!(values instanceof Float64Array) && !Array.isArray(values) && !(values instanceof Float32Array)) {
    throw invalidArgument(fn, what, "return a Float64Array", values);
  }
  const arr = values instanceof Float64Array ? values : Float64Array.from(values as ArrayLike<number>);
  if (arr.length !== expected) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: '${what}' returned ${arr.length} values; expected ${expected}.`, {
      function: fn,
      argument: what,
      expected,
      actual: arr.length,
    });
  }
  return arr;
}

/** One field call for all requests: log-densities and (optionally) gradients, split back per request. */
export function evaluateField(
  fn: string,
  field: HeatField & { logDensityAndGradient?: (p: Float64Array, t: Float64Array) => { logDensity: Float64Array; gradient: Float64Array } },
  requests: readonly Request[],
  wantGradient: boolean,
): { logDensity: Float64Array[]; gradient: Float64Array[] | undefined } {
  const d = field.dim;
  const all = concat(requests, d);
  const n = all.times.length;
  if (wantGradient) {
    if (typeof field.logDensityAndGradient === "function") {
      const both = field.logDensityAndGradient(all.points, all.times);
      const lp = checkReturned(fn, "field.logDensityAndGradient().logDensity", both.logDensity, n);
      const g = checkReturned(fn, "field.logDensityAndGradient().gradient", both.gradient, n * d);
      return { logDensity: splitBack(lp, requests, 1), gradient: splitBack(g, requests, d) };
    }
    if (typeof field.gradLogDensity !== "function") {
      throw new ParabolicError("UNSUPPORTED", `${fn}: this estimator needs the field's 'gradLogDensity'.`, { function: fn, argument: "field.gradLogDensity" });
    }
  }
  const lp = checkReturned(fn, "field.logDensity", field.logDensity(all.points, all.times), n);
  const g = wantGradient ? checkReturned(fn, "field.gradLogDensity", field.gradLogDensity!(all.points, all.times), n * d) : undefined;
  return { logDensity: splitBack(lp, requests, 1), gradient: g ? splitBack(g, requests, d) : undefined };
}

/** One drift call for all requests: c, and optionally its Jacobian and divergence, split back per request. */
export function evaluateDrift(
  fn: string,
  drift: DriftField,
  requests: readonly Request[],
  want: { jacobian?: boolean; divergence?: boolean },
): { c: Float64Array[]; jacobian: Float64Array[] | undefined; divergence: Float64Array[] | undefined } {
  const d = drift.dim;
  const all = concat(requests, d);
  const n = all.times.length;
  const c = checkReturned(fn, "drift.evaluate", drift.evaluate(all.points, all.times), n * d);
  const j = want.jacobian ? checkReturned(fn, "drift.jacobian", drift.jacobian!(all.points, all.times), n * d * d) : undefined;
  const div = want.divergence ? checkReturned(fn, "drift.divergence", drift.divergence!(all.points, all.times), n) : undefined;
  return {
    c: splitBack(c, requests, d),
    jacobian: j ? splitBack(j, requests, d * d) : undefined,
    divergence: div ? splitBack(div, requests, 1) : undefined,
  };
}

/** Chunks of centre indices such that each chunk evaluates at most ~`budget` point coordinates. */
export function chunks(count: number, coordinatesPerCentre: number, budget = 1 << 22): Array<[number, number]> {
  const per = Math.max(1, Math.floor(budget / Math.max(1, coordinatesPerCentre)));
  const out: Array<[number, number]> = [];
  for (let a = 0; a < count; a += per) out.push([a, Math.min(count, a + per)]);
  return out;
}

/** True if a log-density value is usable: finite or −∞ (zero density). */
export function logOk(v: number): boolean {
  return v === v && v !== Infinity;
}

/** max of an array (−∞ for empty). */
export function maxOf(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i]! > m) m = values[i]!;
  return m;
}

/**
 * Mean and unbiased variance of a non-empty array through core's compensated `mean`/`variance`; the variance
 * of a single value is NaN (no standard error from one sample, rather than a false 0).
 */
export function meanVar(values: ArrayLike<number>): { mean: number; variance: number } {
  return { mean: mean(values), variance: values.length > 1 ? variance(values) : Number.NaN };
}
