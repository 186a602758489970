import { ParabolicError, assertAllFinite, assertLength } from "@parabolic/core";
import { cholesky, forwardSolve, inverseFromCholesky, logDetFromCholesky } from "./internal/linalg.js";
import { sampleMoments } from "./moments.js";

/**
 * A Gaussian law N(mean, covariance); `covariance` is row-major `dim × dim` with `dim = mean.length`.
 *
 * @example
 * ```ts
 * const standard2d: Gaussian = { mean: [0, 0], covariance: [1, 0, 0, 1] };
 * ```
 */
export type Gaussian = Readonly<{ mean: ArrayLike<number>; covariance: ArrayLike<number> }>;

function checkGaussian(fn: string, argument: string, g: Gaussian): number {
  const dim = g.mean.length;
  if (dim < 1) throw new ParabolicError("INVALID_ARGUMENT", `${fn}: '${argument}.mean' must be non-empty; got length 0.`, { argument });
  assertLength(fn, `${argument}.covariance`, g.covariance, dim * dim);
  assertAllFinite(fn, `${argument}.mean`, g.mean);
  assertAllFinite(fn, `${argument}.covariance`, g.covariance);
  return dim;
}

/**
 * Closed-form KL(p‖q) between two Gaussians in any dimension (Float64, via Cholesky factors).
 *
 * @remarks KL = ½[tr(Σ_q⁻¹Σ_p) + (μ_q − μ_p)ᵀΣ_q⁻¹(μ_q − μ_p) − d + ln det Σ_q − ln det Σ_p]. Cost O(d³).
 * @throws ParabolicError `SHAPE_MISMATCH` if the dimensions disagree, `INVALID_ARGUMENT` if a covariance is not
 * positive definite, `NON_FINITE` for NaN entries.
 * @example
 * ```ts
 * gaussianKl({ mean: [0], covariance: [2] }, { mean: [0], covariance: [1] }); // ½(2 − 1 − ln 2) ≈ 0.1534
 * ```
 */
export function gaussianKl(p: Gaussian, q: Gaussian): number {
  const dim = checkGaussian("gaussianKl", "p", p);
  const dq = checkGaussian("gaussianKl", "q", q);
  if (dq !== dim) {
    throw new ParabolicError("SHAPE_MISMATCH", `gaussianKl: 'p' and 'q' must have the same dimension; got ${dim} and ${dq}.`, {
      p: dim,
      q: dq,
    });
  }
  const lp = cholesky("gaussianKl", "p.covariance", p.covariance, dim);
  const lq = cholesky("gaussianKl", "q.covariance", q.covariance, dim);
  const qInverse = inverseFromCholesky(lq, dim);
  let trace = 0;
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) trace += qInverse[i * dim + j]! * p.covariance[j * dim + i]!;
  const diff = new Float64Array(dim);
  for (let i = 0; i < dim; i++) diff[i] = q.mean[i]! - p.mean[i]!;
  const y = forwardSolve(lq, dim, diff.slice());
  let mahalanobis = 0;
  for (let i = 0; i < dim; i++) mahalanobis += y[i]! * y[i]!;
  return 0.5 * (trace + mahalanobis - dim + logDetFromCholesky(lq, dim) - logDetFromCholesky(lp, dim));
}

/**
 * Gaussian-fit KL: KL(N(m̂, Σ̂) ‖ target) of the moment-matched Gaussian of a particle set, any dimension.
 *
 * @remarks The cheapest test statistic for Gaussian targets (SBTM spec §6). Σ̂ uses `ddof = 0` by default (as in
 * the spec's reference numbers). **Estimator floor:** for N exact draws of the target the value is ≈ d(d+3)/(4N)
 * on average (≈ 1/N in 1-D: N = 1000 gives 0.0016 ± 0.0016), so values below that say nothing more. It sees only
 * the first two moments: it is zero for any non-Gaussian law with the target's mean and covariance.
 * The default target is the standard normal N(0, I_dim). Cost O(N d² + d³).
 * @throws ParabolicError as {@link sampleMoments} and {@link gaussianKl}; `INVALID_ARGUMENT` if Σ̂ is singular
 * (e.g. fewer than dim + 1 distinct points).
 * @example
 * ```ts
 * const x = normals(key(1), { count: 10_000 });
 * gaussianFitKl(x, { dim: 1 }); // ≈ 1e-4 (the 1/N floor)
 * ```
 */
export function gaussianFitKl(
  points: Float64Array,
  options: Readonly<{ dim: number; target?: Gaussian; ddof?: 0 | 1 }>,
): number {
  const dim = options.dim;
  const moments = sampleMoments(points, { dim, ddof: options.ddof ?? 0 });
  let target = options.target;
  if (target === undefined) {
    const covariance = new Float64Array(dim * dim);
    for (let i = 0; i < dim; i++) covariance[i * dim + i] = 1;
    target = { mean: new Float64Array(dim), covariance };
  }
  return gaussianKl({ mean: moments.mean, covariance: moments.covariance }, target);
}
