import { assertInRange, assertNonNegativeNumber, assertObject, assertPositiveInteger, invalidArgument, ParabolicError, type Key } from "@parabolic/core";
import type { Distribution } from "./distribution.js";
import type { GaussianMixture } from "./gaussian-mixture.js";
import { pointCount } from "./internal/points.js";

/**
 * Assigns each point to the mixture component with the largest posterior probability (ties: lowest index).
 *
 * @remarks This is the "nearest mode" in the sense of the mixture itself (posterior, not Euclidean distance), so
 * it respects unequal weights and anisotropic covariances. Points with a NaN coordinate get −1.
 * @returns `Int32Array` of component indices, one per point.
 * @example
 * ```ts
 * const p = sparseDenseMixture();
 * assignModes(p, new Float64Array([0.1, 0, 4, 3.2])); // Int32Array [0, 1]
 * ```
 */
export function assignModes(mixture: GaussianMixture, points: ArrayLike<number>): Int32Array {
  const n = pointCount("assignModes", points, mixture.dim);
  const K = mixture.componentCount;
  const post = mixture.logPosteriors(points);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestValue = -Infinity;
    for (let k = 0; k < K; k++) {
      const v = post[i * K + k]!;
      if (v > bestValue) {
        bestValue = v;
        best = k;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * Fraction of the points assigned (by {@link assignModes}) to each component.
 *
 * @returns `Float64Array` of length K summing to 1 (all zeros for an empty point set; points with NaN
 * coordinates are excluded from numerator and denominator).
 * @example
 * ```ts
 * const p = sparseDenseMixture();
 * modeProportions(p, p.sample(key(0), 10_000)); // ≈ [0.7, 0.2, 0.1]
 * ```
 */
export function modeProportions(mixture: GaussianMixture, points: ArrayLike<number>): Float64Array {
  const modes = assignModes(mixture, points);
  const out = new Float64Array(mixture.componentCount);
  let valid = 0;
  for (const m of modes) {
    if (m >= 0) {
      out[m] = out[m]! + 1;
      valid++;
    }
  }
  if (valid > 0) for (let k = 0; k < out.length; k++) out[k] = out[k]! / valid;
  return out;
}

/**
 * Mode-proportion KL divergence KL(w ‖ p̂) = Σ_k w_k log(w_k / p̂_k) between the mixture weights and the
 * proportions of points assigned to each mode.
 *
 * @remarks A missing mode (p̂_k = 0) gives +∞, which is the honest answer for mode collapse; pass
 * `pseudoCount` (e.g. 0.5) to add that many points to every mode before normalising if you need a finite value.
 * The heat-ball acceptance target is KL ≤ 0.05. Note that even exact samples give KL ≈ (K − 1)/(2n) on average.
 * @throws ParabolicError `INVALID_ARGUMENT` for a negative `pseudoCount`.
 * @example
 * ```ts
 * const p = sparseDenseMixture();
 * modeProportionKl(p, p.sample(key(1), 10_000)); // ≈ 1e−4
 * ```
 */
export function modeProportionKl(mixture: GaussianMixture, points: ArrayLike<number>, options: Readonly<{ pseudoCount?: number }> = {}): number {
  const pseudo = options.pseudoCount ?? 0;
  assertNonNegativeNumber("modeProportionKl", "pseudoCount", pseudo);
  const modes = assignModes(mixture, points);
  const K = mixture.componentCount;
  const counts = new Float64Array(K).fill(pseudo);
  for (const m of modes) if (m >= 0) counts[m] = counts[m]! + 1;
  let total = 0;
  for (let k = 0; k < K; k++) total += counts[k]!;
  if (total === 0) return Number.NaN;
  let kl = 0;
  for (let k = 0; k < K; k++) {
    const w = mixture.weights[k]!;
    const q = counts[k]! / total;
    if (w === 0) continue;
    if (q === 0) return Infinity;
    kl += w * Math.log(w / q);
  }
  return Math.max(0, kl);
}

/**
 * A low-density query set: the points, their log-densities and the cut-off.
 *
 * @example
 * ```ts
 * const { points, threshold }: LowDensitySet = lowDensityQueries(key(4), sparseDenseMixture(), { count: 250, quantile: 0.05 });
 * ```
 */
export type LowDensitySet = Readonly<{
  /** Row-major `count × dim`, sorted by increasing log-density. */
  points: Float64Array;
  /** log p at each returned point (increasing). */
  logDensities: Float64Array;
  /** The largest returned log-density (the empirical q-quantile of log p). */
  threshold: number;
}>;

/**
 * Selects the points whose log-density lies in the lowest `quantile` fraction of the given set.
 *
 * @remarks Returns ⌈quantile · n⌉ points, sorted by increasing log-density (ties keep input order). Points with NaN
 * log-density are rejected with `NON_FINITE`.
 * @throws ParabolicError `INVALID_ARGUMENT` for a quantile outside (0, 1], `SHAPE_MISMATCH` for mismatched
 * lengths, `NON_FINITE` for NaN log-densities.
 * @example
 * ```ts
 * const x = p.sample(key(0), 10_000);
 * const low = lowDensitySubset(x, p.logDensity(x), { dim: 2, quantile: 0.1 }); // 1000 points
 * ```
 */
export function lowDensitySubset(
  points: ArrayLike<number>,
  logDensities: ArrayLike<number>,
  options: Readonly<{ dim: number; quantile: number }>,
): LowDensitySet {
  const fn = "lowDensitySubset";
  assertObject(fn, "options", options, "{ dim, quantile }");
  assertPositiveInteger(fn, "dim", options.dim);
  assertInRange(fn, "quantile", options.quantile, { min: 0, max: 1, minExclusive: true });
  const d = options.dim;
  const n = pointCount(fn, points, d);
  if (logDensities.length !== n) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'logDensities' must have one entry per point (${n}); got length ${logDensities.length}.`, {
      function: fn,
      argument: "logDensities",
      expected: n,
      actual: logDensities.length,
    });
  }
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(logDensities[i]!)) {
      throw new ParabolicError("NON_FINITE", `${fn}: 'logDensities' must not contain NaN; got NaN at index ${i}.`, { function: fn, argument: "logDensities", index: i });
    }
    order[i] = i;
  }
  order.sort((a, b) => logDensities[a]! - logDensities[b]! || a - b);
  const m = Math.min(n, Math.ceil(options.quantile * n - 1e-9));
  const out = new Float64Array(m * d);
  const lps = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    const i = order[r]!;
    lps[r] = logDensities[i]!;
    for (let j = 0; j < d; j++) out[r * d + j] = points[i * d + j]!;
  }
  return { points: out, logDensities: lps, threshold: m > 0 ? lps[m - 1]! : Number.NaN };
}

/**
 * Draws a "low-density" query set: ⌈count / quantile⌉ samples from `distribution`, of which the `count` with the
 * lowest log-density are returned (the lowest q-quantile of log p).
 *
 * @remarks This is the low-density evaluation set of the heat-ball study (score errors are reported separately
 * on it). Needs `distribution.logDensity`.
 * @throws ParabolicError `INVALID_ARGUMENT` for a bad count/quantile or a distribution without a log-density.
 * @example
 * ```ts
 * const low = lowDensityQueries(key(4), sparseDenseMixture(), { count: 500, quantile: 0.05 });
 * low.points.length; // 1000
 * ```
 */
export function lowDensityQueries(k: Key, distribution: Distribution, options: Readonly<{ count: number; quantile: number }>): LowDensitySet {
  const fn = "lowDensityQueries";
  assertObject(fn, "options", options, "{ count, quantile }");
  assertPositiveInteger(fn, "count", options.count);
  assertInRange(fn, "quantile", options.quantile, { min: 0, max: 1, minExclusive: true });
  if (distribution === null || typeof distribution !== "object" || typeof distribution.logDensity !== "function") {
    throw invalidArgument(fn, "distribution", "have an exact logDensity", distribution);
  }
  const pool = Math.ceil(options.count / options.quantile - 1e-9);
  const x = distribution.sample(k, pool);
  const lp = distribution.logDensity(x);
  return lowDensitySubset(x, lp, { dim: distribution.dim, quantile: options.count / pool });
}
