/**
 * `@parabolic/kappa`: exact unit-weight samplers for the heat-ball κ-measure, the source measure ν and the
 * drift measure D; their closed-form constants; heat-ball points; and the κ concentration laws.
 *
 * Conventions (spec heat-ball §1, §3): heat equation ∂ₛw = Δw, kernel Φ(z, σ) = (4πσ)^{−d/2}e^{−|z|²/(4σ)}, unit heat
 * ball E₁ = {(ζ, ς): ς > 0, Φ(ζ, ς) ≥ 1}, heat-ball point (y₀ + rζ, s₀ − r²ς) (the drift form of §7.2 uses
 * y₀ − rζ: see {@link heatBallPoints}'s `sign`).
 *
 * @packageDocumentation
 */
export { allocateKappaSamples, type KappaSamples, type KappaMeasure, type KappaSampleOptions } from "./kappa-samples.js";
export { sampleKappa, fillKappa } from "./sample-kappa.js";
export { sampleNu, fillNu } from "./sample-nu.js";
export { sampleDrift, fillDrift } from "./sample-drift.js";
export { kappaConstants, type KappaConstants } from "./kappa-constants.js";
export { heatBallPoints, type HeatBallPoints, type HeatBallPointsOptions } from "./heat-ball-points.js";
export {
  kappaLaws,
  kappaLawStatistics,
  kappaConcentration,
  type KappaLaw,
  type KappaLawId,
  type ConcentrationMoments,
} from "./concentration-laws.js";
export { MAX_KAPPA_DIM } from "./internal/validate.js";
