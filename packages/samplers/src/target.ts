import { ParabolicError, assertAllFinite, assertPositiveInteger, assertPositiveNumber, invalidArgument } from "@parabolic/core";

/**
 * Batched score ∇log π: `positions` is row-major `count × dim`; returns a FRESH `count × dim` Float64Array.
 *
 * @remarks `time` is the sampler's clock (ignored by static targets; used by annealed and other time-dependent
 * targets). Implementations must not modify `positions`; samplers may keep the returned array in their state.
 * @example
 * ```ts
 * const score: ScoreFn = (x) => x.map((z) => -z); // N(0, 1) in any dim
 * ```
 */
export type ScoreFn = (positions: Float64Array, time: number) => Float64Array;

/**
 * Batched log-density log π (up to a constant): returns a FRESH Float64Array of length `count`.
 *
 * @example
 * ```ts
 * const logDensity: LogDensityFn = (x) => x.map((z) => -0.5 * z * z); // 1-D, unnormalised
 * ```
 */
export type LogDensityFn = (positions: Float64Array, time: number) => Float64Array;

/**
 * A sampling target: its dimension, batched score and (optionally) log-density, possibly time-dependent.
 *
 * @remarks Spread it into a kernel's options: `ula({ ...target, stepSize: 0.01 })`. MALA and the KDE metrics need
 * `logDensity`; ULA, SVGD and SBTM need only `score`.
 * @example
 * ```ts
 * const target: Target = { dim: 1, score: (x) => x.map((z) => -z) };
 * const kernel = ula({ ...target, stepSize: 0.01 });
 * ```
 */
export type Target = Readonly<{
  dim: number;
  score: ScoreFn;
  logDensity?: LogDensityFn;
}>;

/** Internal: validates a target-like options object. */
export function checkTarget(fn: string, target: Readonly<{ dim: unknown; score: unknown }>): void {
  assertPositiveInteger(fn, "dim", target.dim);
  if (typeof target.score !== "function") throw invalidArgument(fn, "score", "be a function (positions, time) => Float64Array", target.score);
}

/** Internal: validates `count × dim` positions and returns count. */
export function checkPositions(fn: string, positions: unknown, dim: number): number {
  if (!(positions instanceof Float64Array)) throw invalidArgument(fn, "positions", "be a Float64Array (row-major count × dim)", positions);
  if (positions.length === 0 || positions.length % dim !== 0) {
    throw new ParabolicError(
      "SHAPE_MISMATCH",
      `${fn}: 'positions' must be a non-empty row-major count × ${dim} array; got length ${positions.length}.`,
      { function: fn, dim, length: positions.length },
    );
  }
  assertAllFinite(fn, "positions", positions);
  return positions.length / dim;
}

/** Internal: evaluates a score and checks its shape. */
export function evaluateScore(fn: string, score: ScoreFn, positions: Float64Array, time: number): Float64Array {
  const s = score(positions, time);
  if (!(s instanceof Float64Array) || s.length !== positions.length) {
    throw new ParabolicError(
      "SHAPE_MISMATCH",
      `${fn}: the score function must return a Float64Array of length ${positions.length}; got ${s instanceof Float64Array ? `length ${s.length}` : typeof s}.`,
      { function: fn, expected: positions.length },
    );
  }
  return s;
}

/**
 * Internal: the initial state of the kernels that carry the target score (ULA, SVGD, SBTM): validated, COPIED
 * positions, the score there, the clock at `time` and step 0.
 */
export function initialScoredState(
  fn: string,
  score: ScoreFn,
  dim: number,
  positions: Float64Array,
  time: number,
): { position: Float64Array; score: Float64Array; time: number; step: number } {
  checkPositions(fn, positions, dim);
  const position = positions.slice();
  return { position, score: evaluateScore(fn, score, position, time), time, step: 0 };
}

function toArray(fn: string, argument: string, value: number | ArrayLike<number>, dim: number): Float64Array {
  if (typeof value === "number") return new Float64Array(dim).fill(value);
  if (value.length !== dim) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: '${argument}' must have length ${dim}; got ${value.length}.`, { argument, expected: dim });
  }
  return Float64Array.from(value);
}

/**
 * A Gaussian target N(mean, diag(variance)) with exact score and normalised log-density.
 *
 * @param options.mean - a number (same in every coordinate) or one value per coordinate. @defaultValue 0
 * @param options.variance - a number or one value per coordinate, all > 0. @defaultValue 1
 * @example
 * ```ts
 * const target = gaussianTarget({ dim: 1 });            // N(0, 1)
 * const kernel = ula({ ...target, stepSize: 0.1 });
 * ```
 */
export function gaussianTarget(
  options: Readonly<{ dim: number; mean?: number | ArrayLike<number>; variance?: number | ArrayLike<number> }>,
): Target {
  const fn = "gaussianTarget";
  const dim = options.dim;
  assertPositiveInteger(fn, "dim", dim);
  const mean = toArray(fn, "mean", options.mean ?? 0, dim);
  const variance = toArray(fn, "variance", options.variance ?? 1, dim);
  assertAllFinite(fn, "mean", mean);
  for (let k = 0; k < dim; k++) assertPositiveNumber(fn, "variance", variance[k]);
  const precision = variance.map((v) => 1 / v);
  let logNorm = 0;
  for (let k = 0; k < dim; k++) logNorm -= 0.5 * Math.log(2 * Math.PI * variance[k]!);
  if (dim === 1) {
    const m = mean[0]!;
    const p = precision[0]!;
    return {
      dim,
      score: (x) => {
        const out = new Float64Array(x.length);
        for (let i = 0; i < x.length; i++) out[i] = (m - x[i]!) * p;
        return out;
      },
      logDensity: (x) => {
        const out = new Float64Array(x.length);
        const hp = 0.5 * p;
        for (let i = 0; i < x.length; i++) {
          const d = x[i]! - m;
          out[i] = logNorm - hp * d * d;
        }
        return out;
      },
    };
  }
  return {
    dim,
    score: (x) => {
      const out = new Float64Array(x.length);
      const n = x.length / dim;
      for (let r = 0; r < n; r++) {
        const o = r * dim;
        for (let k = 0; k < dim; k++) out[o + k] = (mean[k]! - x[o + k]!) * precision[k]!;
      }
      return out;
    },
    logDensity: (x) => {
      const n = x.length / dim;
      const out = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        let s = logNorm;
        for (let k = 0; k < dim; k++) {
          const d = x[r * dim + k]! - mean[k]!;
          s -= 0.5 * d * d * precision[k]!;
        }
        out[r] = s;
      }
      return out;
    },
  };
}

/**
 * A mixture of isotropic Gaussians Σ_j w_j N(μ_j, σ_j² I) with exact score and normalised log-density.
 *
 * @param options.means - row-major `components × dim`.
 * @param options.sds - one standard deviation per component (or one number for all). @defaultValue 1
 * @param options.weights - non-negative, normalised internally. @defaultValue equal weights
 * @example
 * ```ts
 * // the SBTM paper's "far" 1-D mixture 0.25 N(−4, 1) + 0.75 N(4, 1)
 * const far = gaussianMixtureTarget({ dim: 1, means: [-4, 4], weights: [0.25, 0.75] });
 * ```
 */
export function gaussianMixtureTarget(
  options: Readonly<{ dim: number; means: ArrayLike<number>; sds?: number | ArrayLike<number>; weights?: ArrayLike<number> }>,
): Target {
  const fn = "gaussianMixtureTarget";
  const dim = options.dim;
  assertPositiveInteger(fn, "dim", dim);
  if (options.means.length === 0 || options.means.length % dim !== 0) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'means' must be row-major components × ${dim}; got length ${options.means.length}.`, {
      argument: "means",
    });
  }
  const means = Float64Array.from(options.means);
  assertAllFinite(fn, "means", means);
  const k = means.length / dim;
  const sds = toArray(fn, "sds", options.sds ?? 1, k);
  for (let j = 0; j < k; j++) assertPositiveNumber(fn, "sds", sds[j]);
  const weights = toArray(fn, "weights", options.weights ?? 1, k);
  let total = 0;
  for (let j = 0; j < k; j++) {
    if (!(weights[j]! >= 0) || !Number.isFinite(weights[j]!)) throw invalidArgument(fn, "weights", "be finite and non-negative", weights[j]);
    total += weights[j]!;
  }
  if (!(total > 0)) throw invalidArgument(fn, "weights", "have a positive sum", total);
  // log w_j − d log σ_j − (d/2) log 2π
  const logConst = new Float64Array(k);
  const invVar = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    logConst[j] = Math.log(weights[j]! / total) - dim * Math.log(sds[j]!) - 0.5 * dim * Math.log(2 * Math.PI);
    invVar[j] = 1 / (sds[j]! * sds[j]!);
  }
  const logTerms = new Float64Array(k);
  /** Fills logTerms for row r of x and returns their log-sum-exp. */
  const components = (x: Float64Array, r: number): number => {
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      let d2 = 0;
      for (let c = 0; c < dim; c++) d2 += (x[r * dim + c]! - means[j * dim + c]!) ** 2;
      const l = logConst[j]! - 0.5 * d2 * invVar[j]!;
      logTerms[j] = l;
      if (l > max) max = l;
    }
    if (max === -Infinity) return max;
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.exp(logTerms[j]! - max);
    return max + Math.log(s);
  };
  return {
    dim,
    score: (x) => {
      const n = x.length / dim;
      const out = new Float64Array(x.length);
      for (let r = 0; r < n; r++) {
        const lse = components(x, r);
        for (let j = 0; j < k; j++) {
          const w = Math.exp(logTerms[j]! - lse);
          for (let c = 0; c < dim; c++) out[r * dim + c] = out[r * dim + c]! - w * (x[r * dim + c]! - means[j * dim + c]!) * invVar[j]!;
        }
      }
      return out;
    },
    logDensity: (x) => {
      const n = x.length / dim;
      const out = new Float64Array(n);
      for (let r = 0; r < n; r++) out[r] = components(x, r);
      return out;
    },
  };
}
