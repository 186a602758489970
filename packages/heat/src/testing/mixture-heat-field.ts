import { invalidArgument } from "@parabolic/core";
import type { HeatField } from "../heat-field.js";

/**
 * The parameters of an isotropic Gaussian mixture Σ_k w_k N(μ_k, σ_k² I), structurally compatible with
 * `@parabolic/datasets`' `GaussianMixture` (so no runtime dependency on it).
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

/** A {@link HeatField} that can also return ψ and ∇ψ in one pass. */
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
 * transition per call, while heat-ball points each carry their own time. The package's tests check this
 * adapter against `forwardMarginal(…, heatTransition(s))` to rounding. Under the OU process (y = e^t x,
 * s = (e^{2t} − 1)/2) this is the exact OU marginal in heat coordinates.
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

  function run(points: Float64Array, times: Float64Array, wantGradient: boolean): { logDensity: Float64Array; gradient: Float64Array } {
    const count = times.length;
    const lp = new Float64Array(count);
    const grad = new Float64Array(wantGradient ? count * d : 0);
    const lc = new Float64Array(K);
    const inv = new Float64Array(K);
    for (let n = 0; n < count; n++) {
      const s = times[n]!;
      const o = n * d;
      let mx = -Infinity;
      for (let k = 0; k < K; k++) {
        const v = vars[k]! + 2 * s;
        inv[k] = 1 / v;
        let q = 0;
        for (let i = 0; i < d; i++) {
          const diff = points[o + i]! - means[k * d + i]!;
          q += diff * diff;
        }
        const l = logW[k]! - halfDLog2Pi - 0.5 * d * Math.log(v) - 0.5 * q * inv[k]!;
        lc[k] = l;
        if (l > mx) mx = l;
      }
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(lc[k]! - mx);
        lc[k] = e;
        sum += e;
      }
      lp[n] = mx + Math.log(sum);
      if (wantGradient) {
        const norm = 1 / sum;
        for (let k = 0; k < K; k++) {
          const f = lc[k]! * norm * inv[k]!;
          if (f === 0) continue;
          for (let i = 0; i < d; i++) grad[o + i] = grad[o + i]! - f * (points[o + i]! - means[k * d + i]!);
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
