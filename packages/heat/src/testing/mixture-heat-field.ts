import { invalidArgument } from "@parabolic/core";
import type { HeatField } from "../heat-field.js";

/**
 * The parameters of an isotropic Gaussian mixture Σ_k w_k N(μ_k, σ_k² I), structurally compatible with
 * `@parabolic/datasets`' `GaussianMixture` (so no runtime dependency on it).
 *
 * @example
 * ```ts
 * const p0: IsotropicMixtureLike = sparseDenseMixture(); // any datasets GaussianMixture with scales
 * ```
 */
export type IsotropicMixtureLike = Readonly<{
  dim: number;
  componentCount: number;
  /** Normalised weights, length K. */
  weights: Float64Array;
  /** Means, row-major K × d. */
  means: Float64Array;
  /** σ_k² per component (NaN marks a non-isotropic component, which is rejected). */
  isotropicVariances: Float64Array;
}>;

/**
 * A {@link HeatField} that can also return ψ and ∇ψ in one pass (the estimators use it when present).
 *
 * @example
 * ```ts
 * const field: JointHeatField = mixtureHeatField(sparseDenseMixture());
 * const { logDensity, gradient } = field.logDensityAndGradient(new Float64Array([0, 0]), new Float64Array([0.3]));
 * ```
 */
export type JointHeatField = HeatField &
  Readonly<{
    logDensityAndGradient(points: Float64Array, times: Float64Array): { logDensity: Float64Array; gradient: Float64Array };
  }>;

/**
 * The heat-coordinate density of an isotropic Gaussian mixture evaluated at per-point heat times:
 * w(y, s) = Σ_k w_k N(y; μ_k, (σ_k² + 2s) I), i.e. `forwardMarginal(mixture, heatTransition(s))` of
 * `@parabolic/datasets` with a different s at every point.
 *
 * @remarks A test/benchmark adapter, not a second oracle: `@parabolic/datasets` evaluates a mixture at one
 * transition per call, while heat-ball points each carry their own time (N distinct s per centre), so going
 * through `forwardMarginal` would build one mixture per point. The package's tests check this adapter against
 * `forwardMarginal(…, heatTransition(s))` to 1e−13 relative (components below e^{−40} of the largest are
 * skipped, a < 5e−18 relative change). Under the OU process (y = e^t x, s = (e^{2t} − 1)/2) this is the exact
 * OU marginal in heat coordinates. Isotropic components only; use `forwardMarginal` for full covariances.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` for a mixture with a non-isotropic component.
 * @example
 * ```ts
 * const field = mixtureHeatField(sparseDenseMixture());
 * field.logDensity(new Float64Array([0, 0]), new Float64Array([0.3]));
 * ```
 */
export function mixtureHeatField(mixture: IsotropicMixtureLike): JointHeatField {
  const fn = "mixtureHeatField";
  const d = mixture.dim;
  const K = mixture.componentCount;
  for (let k = 0; k < K; k++) {
    const v = mixture.isotropicVariances[k]!;
    if (!(v >= 0)) throw invalidArgument(fn, "mixture", "have isotropic components only (σ_k² I)", `component ${k}`);
  }
  const logW = Float64Array.from(mixture.weights, (w) => Math.log(w));
  const means = Float64Array.from(mixture.means);
  const vars = Float64Array.from(mixture.isotropicVariances);
  const halfDLog2Pi = 0.5 * d * Math.log(2 * Math.PI);

  // groups of consecutive components with equal variance share 1/v and log v
  const sameAsPrevious = Uint8Array.from({ length: K }, (_, k) => (k > 0 && vars[k] === vars[k - 1] ? 1 : 0));
  const constant = Float64Array.from(logW, (lw) => lw - halfDLog2Pi);

  function run(points: Float64Array, times: Float64Array, wantGradient: boolean): { logDensity: Float64Array; gradient: Float64Array } {
    const count = times.length;
    const lp = new Float64Array(count);
    const grad = new Float64Array(wantGradient ? count * d : 0);
    const lc = new Float64Array(K);
    const inv = new Float64Array(K);
    const halfD = 0.5 * d;
    for (let n = 0; n < count; n++) {
      const twoS = 2 * times[n]!;
      const o = n * d;
      let mx = -Infinity;
      let kMax = 0;
      let invV = 0;
      let logV = 0;
      for (let k = 0; k < K; k++) {
        if (sameAsPrevious[k] === 0) {
          const v = vars[k]! + twoS;
          invV = 1 / v;
          logV = Math.log(v);
        }
        inv[k] = invV;
        let q = 0;
        const mo = k * d;
        for (let i = 0; i < d; i++) {
          const diff = points[o + i]! - means[mo + i]!;
          q += diff * diff;
        }
        const l = constant[k]! - halfD * logV - 0.5 * q * invV;
        lc[k] = l;
        if (l > mx) {
          mx = l;
          kMax = k;
        }
      }
      let sum = 0;
      for (let k = 0; k < K; k++) {
        // a component below e^{−40} of the largest changes w by < 5e−18 relative: skip its exp
        const rel = lc[k]! - mx;
        const e = k === kMax ? 1 : rel < -40 ? 0 : Math.exp(rel);
        lc[k] = e;
        sum += e;
      }
      lp[n] = mx + Math.log(sum);
      if (wantGradient) {
        const norm = 1 / sum;
        for (let k = 0; k < K; k++) {
          const f = lc[k]! * norm * inv[k]!;
          if (f === 0) continue;
          const mo = k * d;
          for (let i = 0; i < d; i++) grad[o + i] = grad[o + i]! - f * (points[o + i]! - means[mo + i]!);
        }
      }
    }
    return { logDensity: lp, gradient: grad };
  }

  return {
    dim: d,
    logDensity: (points, times) => run(points, times, false).logDensity,
    gradLogDensity: (points, times) => run(points, times, true).gradient,
    logDensityAndGradient: (points, times) => run(points, times, true),
  };
}
