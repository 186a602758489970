/**
 * `@parabolic/kappa/testing`: quadrature oracles built from the definitions of κ, ν and D (not from the samplers'
 * factorisation), for tests and studies.
 *
 * @packageDocumentation
 */
export {
  sigmaMarginal,
  kappaConstantsByQuadrature,
  radialConditionalCdf,
  heatBallCoordinates,
  type SigmaMarginal,
  type QuadratureConstants,
} from "./quadrature.js";
