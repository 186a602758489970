import { assertPositiveInteger, logGamma } from "@parabolic/core";

/**
 * Closed-form constants of the κ-measure in dimension d (spec heat-ball §5).
 *
 * @example
 * ```ts
 * const { m2 }: KappaConstants = kappaConstants(256); // 0.0578700…
 * ```
 */
export type KappaConstants = {
  /** E_κ[ς] = (1/4π)·(d/(d+2))^{d/2+2}; also ∬_{E₁} k = E_κ[ς], the normaliser of ν. */
  readonly meanSigma: number;
  /** m₂ = E_κ[ζ₁²] = 2·E_κ[ς] (the identity that makes the mean-value Taylor expansion exact for quadratics). */
  readonly m2: number;
  /** C₁(d) = ∬_{E₁} |∇_ζ k| dζ dς, the drift-budget constant (~ √(d/(2πe)) for large d). */
  readonly c1: number;
};

/**
 * The closed-form constants E_κ[ς], m₂ = E_κ[ζ₁²] and C₁(d) of the unit heat ball in dimension `dim`.
 *
 * @remarks Evaluated in log form, so every dimension is accurate (E_κ[ς] → 1/(4πe), m₂ → 1/(2πe)):
 * C₁(d) = (4π)^{−1/2}·Γ((d+1)/2)/Γ(d/2+1)·(d/(d+1))^{(d+1)/2}·d²/(d+1).
 *
 * @throws ParabolicError `INVALID_ARGUMENT` unless `dim` is a positive integer.
 * @example
 * ```ts
 * const { meanSigma, m2, c1 } = kappaConstants(2); // 1/(32π), 1/(16π), 0.181444…
 * ```
 */
export function kappaConstants(dim: number): KappaConstants {
  assertPositiveInteger("kappaConstants", "dim", dim);
  const d = dim;
  // log(d/(d+2)) = −log1p(2/d), exact for large d
  const meanSigma = Math.exp(-(d / 2 + 2) * Math.log1p(2 / d)) / (4 * Math.PI);
  const logC1 =
    -0.5 * Math.log(4 * Math.PI) +
    logGamma((d + 1) / 2) -
    logGamma(d / 2 + 1) -
    ((d + 1) / 2) * Math.log1p(1 / d) +
    2 * Math.log(d) -
    Math.log(d + 1);
  return { meanSigma, m2: 2 * meanSigma, c1: Math.exp(logC1) };
}
