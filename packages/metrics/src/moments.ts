import { assertInRange } from "@parabolic/core";
import { checkPoints } from "./internal/points.js";

/**
 * Mean vector and covariance matrix of a particle set (Float64, row-major `dim × dim`).
 *
 * @example
 * ```ts
 * const { mean, covariance }: SampleMoments = sampleMoments(x, { dim: 2 });
 * ```
 */
export type SampleMoments = Readonly<{
  count: number;
  dim: number;
  /** Length `dim`. */
  mean: Float64Array;
  /** Row-major `dim × dim`, divided by `count − ddof`. */
  covariance: Float64Array;
}>;

/**
 * Sample mean and covariance of a row-major `count × dim` particle array (two-pass, Float64).
 *
 * @remarks `ddof = 0` (the default) gives the maximum-likelihood covariance, the one the SBTM specification's
 * Gaussian-fit KL numbers use; `ddof = 1` gives the unbiased one.
 * @throws ParabolicError `INVALID_ARGUMENT` / `SHAPE_MISMATCH` for a malformed particle array.
 * @example
 * ```ts
 * const { mean, covariance } = sampleMoments(new Float64Array([0, 0, 2, 2]), { dim: 2 });
 * // mean = [1, 1], covariance = [1, 1, 1, 1]
 * ```
 */
export function sampleMoments(points: Float64Array, options: Readonly<{ dim: number; ddof?: 0 | 1 }>): SampleMoments {
  const dim = options.dim;
  const ddof = options.ddof ?? 0;
  const count = checkPoints("sampleMoments", "points", points, dim, ddof + 1);
  assertInRange("sampleMoments", "ddof", ddof, { min: 0, max: 1 });
  const mean = new Float64Array(dim);
  for (let i = 0; i < count; i++) for (let k = 0; k < dim; k++) mean[k] = mean[k]! + points[i * dim + k]!;
  for (let k = 0; k < dim; k++) mean[k] = mean[k]! / count;
  const covariance = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < dim; k++) centred[k] = points[i * dim + k]! - mean[k]!;
    for (let a = 0; a < dim; a++) {
      const ca = centred[a]!;
      for (let b = a; b < dim; b++) covariance[a * dim + b] = covariance[a * dim + b]! + ca * centred[b]!;
    }
  }
  const denominator = count - ddof;
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = covariance[a * dim + b]! / denominator;
      covariance[a * dim + b] = v;
      covariance[b * dim + a] = v;
    }
  }
  return { count, dim, mean, covariance };
}
