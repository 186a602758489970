import { ParabolicError, assertPositiveInteger } from "@parabolic/core";
import { checkPositions } from "./target.js";
import type { ScoreLearner } from "./score-learner.js";

/**
 * The {@link ScoreLearner} of {@link gaussianScoreLearner}, with access to its fitted moments.
 *
 * @example
 * ```ts
 * const learner = gaussianScoreLearner({ dim: 2 });
 * learner.fit(key(0), particles, { steps: 0 });
 * learner.moments()?.covariance;
 * ```
 */
export type GaussianScoreLearner = ScoreLearner &
  Readonly<{
    /** Moments of the last `fit` (population covariance), or undefined before the first fit. */
    moments(): Readonly<{ mean: Float64Array; covariance: Float64Array }> | undefined;
  }>;

/**
 * The exact implicit-score-matching minimiser over AFFINE score fields: s(x) = −Σ̂⁻¹(x − m̂), the score of the
 * moment-matched Gaussian of the current particles ("current-law" or "empirical-Gaussian" score).
 *
 * @remarks On any sample, ISM over s(x) = Ax + b is minimised exactly by A = −Σ̂⁻¹, b = Σ̂⁻¹m̂ (population
 * covariance) with value −tr Σ̂⁻¹ (−1/v̂ in 1-D). Driving SBTM with it makes the particle moments follow the exact
 * discrete recursion m′ = (1 − h)m, v′ = (v + h(1 − v))²/v for target N(0, 1) — for ANY cloud (spec §9 O2, A2) — and
 * it is the oracle learner of the annealed Gaussian tests (A5). `fit` ignores the key and `steps` and returns the
 * ISM loss at the optimum (evaluated on the sample). Cost O(N d² + d³) per fit.
 * @throws ParabolicError `INVALID_ARGUMENT` at `fit` if Σ̂ is singular.
 * @example
 * ```ts
 * const kernel = sbtm({ ...gaussianTarget({ dim: 1 }), learner: gaussianScoreLearner({ dim: 1 }), stepSize: 0.01 });
 * ```
 */
export function gaussianScoreLearner(options: Readonly<{ dim: number }>): GaussianScoreLearner {
  const fn = "gaussianScoreLearner";
  const dim = options.dim;
  assertPositiveInteger(fn, "dim", dim);
  let mean: Float64Array | undefined;
  let covariance: Float64Array | undefined;
  let precision: Float64Array | undefined;
  const predict = (points: Float64Array): Float64Array => {
    if (mean === undefined || precision === undefined) {
      throw new ParabolicError("INVALID_ARGUMENT", `${fn}: call fit before predict.`, {});
    }
    const n = points.length / dim;
    const out = new Float64Array(points.length);
    const c = new Float64Array(dim);
    for (let r = 0; r < n; r++) {
      for (let k = 0; k < dim; k++) c[k] = points[r * dim + k]! - mean[k]!;
      for (let a = 0; a < dim; a++) {
        let s = 0;
        for (let b = 0; b < dim; b++) s += precision[a * dim + b]! * c[b]!;
        out[r * dim + a] = -s;
      }
    }
    return out;
  };
  return {
    dim,
    moments: () => (mean === undefined || covariance === undefined ? undefined : { mean: mean.slice(), covariance: covariance.slice() }),
    predict(points) {
      checkPositions(`${fn}.predict`, points, dim);
      return predict(points);
    },
    fit(_key, points) {
      const n = checkPositions(`${fn}.fit`, points, dim);
      const m = new Float64Array(dim);
      for (let r = 0; r < n; r++) for (let k = 0; k < dim; k++) m[k] = m[k]! + points[r * dim + k]!;
      for (let k = 0; k < dim; k++) m[k] = m[k]! / n;
      const cov = new Float64Array(dim * dim);
      const c = new Float64Array(dim);
      for (let r = 0; r < n; r++) {
        for (let k = 0; k < dim; k++) c[k] = points[r * dim + k]! - m[k]!;
        for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) cov[a * dim + b] = cov[a * dim + b]! + c[a]! * c[b]!;
      }
      for (let i = 0; i < cov.length; i++) cov[i] = cov[i]! / n;
      const inv = invertSpd(fn, cov, dim);
      mean = m;
      covariance = cov;
      precision = inv;
      // ISM loss on the sample: mean ‖s‖² + 2∇·s with ∇·s = −tr Σ̂⁻¹.
      const s = predict(points);
      let s2 = 0;
      for (let i = 0; i < s.length; i++) s2 += s[i]! * s[i]!;
      let trace = 0;
      for (let k = 0; k < dim; k++) trace += inv[k * dim + k]!;
      const loss = s2 / n - 2 * trace;
      return { loss, meanLoss: loss, steps: 0 };
    },
  };
}

/** Inverse of a symmetric positive-definite matrix by Cholesky (Float64). */
function invertSpd(fn: string, a: Float64Array, dim: number): Float64Array {
  const l = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * dim + j]!;
      for (let k = 0; k < j; k++) s -= l[i * dim + k]! * l[j * dim + k]!;
      if (i === j) {
        if (!(s > 0)) {
          throw new ParabolicError("INVALID_ARGUMENT", `${fn}: the particle covariance is singular (pivot ${s} at row ${i}).`, { row: i, pivot: s });
        }
        l[i * dim + i] = Math.sqrt(s);
      } else l[i * dim + j] = s / l[j * dim + j]!;
    }
  }
  const inv = new Float64Array(dim * dim);
  const col = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    col.fill(0);
    col[j] = 1;
    for (let i = 0; i < dim; i++) {
      let s = col[i]!;
      for (let k = 0; k < i; k++) s -= l[i * dim + k]! * col[k]!;
      col[i] = s / l[i * dim + i]!;
    }
    for (let i = dim - 1; i >= 0; i--) {
      let s = col[i]!;
      for (let k = i + 1; k < dim; k++) s -= l[k * dim + i]! * col[k]!;
      col[i] = s / l[i * dim + i]!;
    }
    for (let i = 0; i < dim; i++) inv[i * dim + j] = col[i]!;
  }
  return inv;
}
