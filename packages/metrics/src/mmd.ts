import { assertPositiveNumber, invalidArgument, median, type Key } from "@parabolic/core";
import { checkPoints, maybeSubsample, squaredDistance } from "./internal/points.js";

/**
 * Result of {@link maximumMeanDiscrepancy}.
 *
 * @example
 * ```ts
 * const { mmdSquared, bandwidth } = maximumMeanDiscrepancy(x, y, { dim: 1 });
 * ```
 */
export type MmdResult = Readonly<{
  /** MMD² estimate (the unbiased one can be slightly negative). */
  mmdSquared: number;
  /** Kernel bandwidth σ used in k(x, y) = exp(−‖x − y‖²/(2σ²)). */
  bandwidth: number;
}>;

const MEDIAN_POINTS = 1000;

/** Median-heuristic bandwidth: σ = median pairwise distance of (a strided subset of ≤ 1000 points of) the pool. */
function medianBandwidth(x: Float64Array, y: Float64Array, dim: number): number {
  const nx = x.length / dim;
  const ny = y.length / dim;
  const total = nx + ny;
  const stride = Math.max(1, Math.ceil(total / MEDIAN_POINTS));
  const rows: number[] = [];
  for (let r = 0; r < total; r += stride) rows.push(r);
  const pool = new Float64Array(rows.length * dim);
  rows.forEach((r, i) => pool.set(r < nx ? x.subarray(r * dim, r * dim + dim) : y.subarray((r - nx) * dim, (r - nx) * dim + dim), i * dim));
  const m = rows.length;
  const d2 = new Float64Array((m * (m - 1)) / 2);
  let p = 0;
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) d2[p++] = squaredDistance(pool, i, pool, j, dim);
  return Math.sqrt(median(d2));
}

/**
 * Maximum mean discrepancy MMD²(P, Q) between two particle sets with the Gaussian (RBF) kernel.
 *
 * @remarks k(x, y) = exp(−‖x − y‖²/(2σ²)). `unbiased: true` (default) is Gretton et al.'s U-statistic
 * (1/(n(n−1)))Σ_{i≠j}k(x_i,x_j) + (1/(m(m−1)))Σ_{i≠j}k(y_i,y_j) − (2/(nm))Σ k(x_i,y_j); `false` gives the biased
 * V-statistic (≥ 0). `bandwidth: "median"` sets σ to the median pairwise distance of the pooled sample (computed
 * on a strided subset of at most 1000 points). **Cost O((n + m)² d) time, O(1) extra memory**: pass
 * `subsample: { key, size }` to use at most `size` random rows of each set.
 * @throws ParabolicError `SHAPE_MISMATCH` / `INVALID_ARGUMENT` for malformed inputs or a bad bandwidth.
 * @example
 * ```ts
 * const { mmdSquared } = maximumMeanDiscrepancy(x, y, { dim: 2, bandwidth: 1 });
 * ```
 */
export function maximumMeanDiscrepancy(
  x: Float64Array,
  y: Float64Array,
  options: Readonly<{
    dim: number;
    bandwidth?: number | "median";
    unbiased?: boolean;
    subsample?: Readonly<{ key: Key; size: number }>;
  }>,
): MmdResult {
  const fn = "maximumMeanDiscrepancy";
  const dim = options.dim;
  checkPoints(fn, "x", x, dim, 2);
  checkPoints(fn, "y", y, dim, 2);
  const a = maybeSubsample(fn, x, dim, options.subsample, 0);
  const b = maybeSubsample(fn, y, dim, options.subsample, 7919);
  const rule = options.bandwidth ?? "median";
  let bandwidth: number;
  if (rule === "median") bandwidth = medianBandwidth(a, b, dim);
  else if (typeof rule === "number") {
    assertPositiveNumber(fn, "bandwidth", rule);
    bandwidth = rule;
  } else throw invalidArgument(fn, "bandwidth", "be a positive number or 'median'", rule);
  if (!(bandwidth > 0)) throw invalidArgument(fn, "x", "and 'y' must not all coincide for the median heuristic", bandwidth);
  const unbiased = options.unbiased ?? true;
  const g = 1 / (2 * bandwidth * bandwidth);
  const n = a.length / dim;
  const m = b.length / dim;
  const within = (p: Float64Array, count: number): number => {
    let s = 0;
    for (let i = 0; i < count; i++) for (let j = i + 1; j < count; j++) s += Math.exp(-g * squaredDistance(p, i, p, j, dim));
    s *= 2;
    return unbiased ? s / (count * (count - 1)) : (s + count) / (count * count);
  };
  let cross = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) cross += Math.exp(-g * squaredDistance(a, i, b, j, dim));
  return { mmdSquared: within(a, n) + within(b, m) - (2 * cross) / (n * m), bandwidth };
}
