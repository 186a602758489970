import { emptySamples } from "./internal/batch.js";
import { checkSampleOptions } from "./internal/validate.js";

/**
 * A batch of points of the unit heat ball E₁ in lag coordinates, drawn from the κ-measure (or from ν or D).
 *
 * @remarks Row `i` is the point (ζᵢ, ςᵢ) ∈ E₁ = {ς > 0, Φ(ζ, ς) ≥ 1}, with Φ(z, σ) = (4πσ)^{−d/2}e^{−|z|²/(4σ)}.
 * The two scalar coordinates `a` and `w` are carried along because the estimators need them and because they
 * are exact here (they are drawn, not recomputed):
 *
 * - `a[i]` = Aᵢ = |ζᵢ|²/(4ςᵢ);
 * - `w[i]` = Wᵢ = log Φ(ζᵢ, ςᵢ) ≥ 0;
 * - `sigma[i]` = ςᵢ = exp(−2(Aᵢ + Wᵢ)/d)/(4π) ∈ (0, 1/(4π)];
 * - `zeta` holds ζᵢ in `zeta[i·dim … (i+1)·dim)`, with |ζᵢ|² = 4ςᵢAᵢ up to rounding.
 *
 * A heat-ball point for centre (y₀, s₀) and radius r is (y₀ + rζᵢ, s₀ − r²ςᵢ) (see {@link heatBallPoints} for
 * the sign convention). All buffers are Float64Array and owned by the caller once returned.
 *
 * @example
 * ```ts
 * const s: KappaSamples = sampleKappa(key(1), { dim: 3, count: 2 });
 * const zeta1 = s.zeta.subarray(3, 6); // ζ of the second sample
 * const logPhi1 = s.w[1];              // log Φ(ζ₁, ς₁) ≥ 0
 * ```
 */
export type KappaSamples = {
  readonly dim: number;
  readonly count: number;
  /** ζ, `count × dim`, row-major. */
  readonly zeta: Float64Array;
  /** ς, the time lag on the unit heat ball, in (0, 1/(4π)]. */
  readonly sigma: Float64Array;
  /** A = |ζ|²/(4ς). */
  readonly a: Float64Array;
  /** W = log Φ(ζ, ς). */
  readonly w: Float64Array;
};

/**
 * Which of the three unit-weight measures on E₁ a sampler draws from: κ (`"kappa"`), the source measure ν
 * (`"nu"`) or the drift measure D (`"drift"`).
 *
 * @example
 * ```ts
 * const marginal = sigmaMarginal("nu" satisfies KappaMeasure, 16); // from "@parabolic/kappa/testing"
 * ```
 */
export type KappaMeasure = "kappa" | "nu" | "drift";

/**
 * Options of the key-first batch samplers.
 *
 * @example
 * ```ts
 * const options: KappaSampleOptions = { dim: 256, count: 64 };
 * const s = sampleKappa(key(2), options);
 * ```
 */
export type KappaSampleOptions = {
  /** Dimension d of ζ, an integer in [1, 65536]. */
  readonly dim: number;
  /** Number of samples, a positive integer. */
  readonly count: number;
};

/**
 * Allocates zeroed buffers for `count` samples of dimension `dim`, to be filled repeatedly by
 * {@link fillKappa}, {@link fillNu} or {@link fillDrift} in a hot loop.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` if `dim` is not an integer in [1, 65536] or `count` is not a positive
 * integer.
 * @example
 * ```ts
 * const buffers = allocateKappaSamples({ dim: 16, count: 256 });
 * const stream = randomStream(key(1));
 * for (let step = 0; step < 10; step++) fillKappa(stream, buffers); // no allocation per step
 * ```
 */
export function allocateKappaSamples(options: KappaSampleOptions): KappaSamples {
  checkSampleOptions("allocateKappaSamples", options);
  return emptySamples(options.dim, options.count);
}
