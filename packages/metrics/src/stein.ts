import { ParabolicError, assertAllFinite, assertPositiveNumber, invalidArgument, median, type Key } from "@parabolic/core";
import { resolveScore, type ScoreValues } from "./fisher.js";
import { checkPoints, maybeSubsample, squaredDistance, subsampleRows } from "./internal/points.js";

/**
 * Result of {@link kernelSteinDiscrepancy}.
 *
 * @example
 * ```ts
 * const { ksdSquared, lengthscale } = kernelSteinDiscrepancy(x, { dim: 1, score, lengthscale: "median" });
 * ```
 */
export type KsdResult = Readonly<{
  /** KSD² estimate (the U-statistic can be slightly negative). */
  ksdSquared: number;
  /** Length scale ℓ used in k(x, y) = (c² + ‖x − y‖²/ℓ²)^β. */
  lengthscale: number;
}>;

/**
 * The IMQ Stein kernel u_π(x, y) for one pair, given the scores s_x = ∇log π(x), s_y = ∇log π(y).
 *
 * u = k s_xᵀs_y + s_xᵀ∇_y k + s_yᵀ∇_x k + tr ∇_x∇_y k with k = (c² + r²/ℓ²)^β, r = x − y.
 *
 * @internal
 */
export function imqSteinKernel(
  r: Float64Array,
  sx: Float64Array,
  sy: Float64Array,
  dim: number,
  c2: number,
  beta: number,
  invL2: number,
): number {
  let r2 = 0;
  let sxsy = 0;
  let sxr = 0;
  let syr = 0;
  for (let a = 0; a < dim; a++) {
    const ra = r[a]!;
    r2 += ra * ra;
    sxsy += sx[a]! * sy[a]!;
    sxr += sx[a]! * ra;
    syr += sy[a]! * ra;
  }
  const q = c2 + r2 * invL2;
  const k = Math.pow(q, beta);
  const kq = (beta * k) / q; // β q^{β−1}
  // ∇_x k = 2β q^{β−1} r/ℓ², ∇_y k = −∇_x k
  const gradX = 2 * kq * invL2;
  const trace = -2 * kq * invL2 * dim - (4 * beta * (beta - 1) * k * r2 * invL2 * invL2) / (q * q);
  return k * sxsy - gradX * sxr + gradX * syr + trace;
}

/**
 * Kernel Stein discrepancy KSD²(particles, π) with the inverse multiquadric kernel, given ∇log π at the particles.
 *
 * @remarks k(x, y) = (c² + ‖x − y‖²/ℓ²)^β with β ∈ (−1, 0) (default c = 1, β = −½, ℓ = 1: the Gorham–Mackey
 * choice whose KSD controls weak convergence). Needs no samples of π and no normaliser, only its score, so it
 * applies to any particle set (weighted or not). `unbiased: true` (default) is the U-statistic over i ≠ j (mean
 * zero for exact draws of π); `false` is the V-statistic (≥ 0). With `weights` (non-negative, normalised
 * internally) the weighted V-statistic Σ w_i w_j u(x_i, x_j) is returned. `lengthscale: "median"` uses the
 * median pairwise distance. **Cost O(N² d) time**: pass `subsample: { key, size }` to cap N.
 * @throws ParabolicError `INVALID_ARGUMENT` for β ∉ (−1, 0), c ≤ 0, bad weights; `SHAPE_MISMATCH` for bad scores.
 * @example
 * ```ts
 * const { ksdSquared } = kernelSteinDiscrepancy(x, { dim: 1, score: (p) => p.map((z) => -z) });
 * ```
 */
export function kernelSteinDiscrepancy(
  points: Float64Array,
  options: Readonly<{
    dim: number;
    score: ScoreValues;
    lengthscale?: number | "median";
    c?: number;
    beta?: number;
    unbiased?: boolean;
    weights?: Float64Array;
    subsample?: Readonly<{ key: Key; size: number }>;
  }>,
): KsdResult {
  const fn = "kernelSteinDiscrepancy";
  const dim = options.dim;
  const count = checkPoints(fn, "points", points, dim, 2);
  const c = options.c ?? 1;
  const beta = options.beta ?? -0.5;
  assertPositiveNumber(fn, "c", c);
  if (!(beta > -1 && beta < 0)) throw invalidArgument(fn, "beta", "be in (−1, 0)", beta);
  let x = points;
  let s = resolveScore(fn, "score", options.score, points);
  let weights = options.weights;
  if (weights !== undefined) {
    if (weights.length !== count) {
      throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'weights' must have length ${count}; got ${weights.length}.`, {
        expected: count,
        actual: weights.length,
      });
    }
    assertAllFinite(fn, "weights", weights);
    let total = 0;
    for (let i = 0; i < count; i++) {
      if (weights[i]! < 0) throw invalidArgument(fn, "weights", "be non-negative", weights[i]);
      total += weights[i]!;
    }
    if (!(total > 0)) throw invalidArgument(fn, "weights", "have a positive sum", total);
    weights = weights.map((w) => w / total);
    if (options.subsample !== undefined) throw invalidArgument(fn, "subsample", "not be combined with weights", options.subsample);
  } else if (options.subsample !== undefined && options.subsample.size < count) {
    const both = new Float64Array(count * 2 * dim);
    for (let i = 0; i < count; i++) {
      both.set(points.subarray(i * dim, i * dim + dim), i * 2 * dim);
      both.set(s.subarray(i * dim, i * dim + dim), i * 2 * dim + dim);
    }
    const chosen = maybeSubsample(fn, both, 2 * dim, options.subsample, 0);
    const m = chosen.length / (2 * dim);
    x = new Float64Array(m * dim);
    s = new Float64Array(m * dim);
    for (let i = 0; i < m; i++) {
      x.set(chosen.subarray(i * 2 * dim, i * 2 * dim + dim), i * dim);
      s.set(chosen.subarray(i * 2 * dim + dim, i * 2 * dim + 2 * dim), i * dim);
    }
  }
  const n = x.length / dim;
  let lengthscale: number;
  const rule = options.lengthscale ?? 1;
  if (rule === "median") {
    const sub = n > 1000 ? subsampleRows([0x5eed, n] as Key, x, dim, 1000) : x;
    const ms = sub.length / dim;
    const d2 = new Float64Array((ms * (ms - 1)) / 2);
    let p = 0;
    for (let i = 0; i < ms; i++) for (let j = i + 1; j < ms; j++) d2[p++] = squaredDistance(sub, i, sub, j, dim);
    lengthscale = Math.sqrt(median(d2));
    if (!(lengthscale > 0)) throw invalidArgument(fn, "points", "not all coincide for the median heuristic", lengthscale);
  } else {
    assertPositiveNumber(fn, "lengthscale", rule);
    lengthscale = rule;
  }
  const invL2 = 1 / (lengthscale * lengthscale);
  const c2 = c * c;
  const r = new Float64Array(dim);
  const unbiased = options.unbiased ?? true;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const sx = s.subarray(i * dim, i * dim + dim);
    const wi = weights === undefined ? 1 : weights[i]!;
    // diagonal term (r = 0)
    if (weights !== undefined || !unbiased) total += wi * wi * imqSteinKernel(r.fill(0), sx, sx, dim, c2, beta, invL2);
    for (let j = i + 1; j < n; j++) {
      for (let a = 0; a < dim; a++) r[a] = x[i * dim + a]! - x[j * dim + a]!;
      const u = imqSteinKernel(r, sx, s.subarray(j * dim, j * dim + dim), dim, c2, beta, invL2);
      total += 2 * wi * (weights === undefined ? 1 : weights[j]!) * u;
    }
  }
  let ksdSquared: number;
  if (weights !== undefined) ksdSquared = total;
  else ksdSquared = unbiased ? total / (n * (n - 1)) : total / (n * n);
  return { ksdSquared, lengthscale };
}
