/**
 * `@parabolic/hhd`: weighted Helmholtz–Hodge decomposition of score errors.
 *
 * @packageDocumentation
 */
export type { VectorField, ScalarField } from "./types.js";
export {
  createGrid2D,
  cellCentres,
  faceMidpoints,
  sampleFaceField,
  faceWeights,
  cellCentredField,
  type Grid2D,
  type FaceField,
} from "./grid-2d.js";
export {
  weightedDivergence,
  applyWeightedLaplacian,
  solveWeightedPoisson,
  type SolveStatus,
  type Preconditioner,
  type WeightedPoissonOptions,
  type WeightedPoissonResult,
} from "./weighted-poisson.js";
export {
  decomposeOnGrid,
  decomposeFaceField,
  faceGradient,
  weightedFaceInner,
  weightedFaceNorm2,
  weightedFaceDistance2,
  type DecomposeOnGridOptions,
  type GridDecomposition,
  type DecompositionNorms,
} from "./grid-decomposition.js";
export {
  symplecticGenerator,
  solenoidalField,
  gradientField,
  perturbedScore,
  equalNormPair,
  sumFields,
  scoreError,
} from "./test-fields.js";
export { vpSchedule, type VpSchedule } from "./vp-schedule.js";
export {
  klBounds,
  exactGaussianKL,
  type KlBoundsOptions,
  type KlBounds,
  type TimeQuadrature,
  type ExactGaussianKLOptions,
  type ExactGaussianKL,
} from "./kl-bounds.js";
export { rffPotentialBasis, type PotentialBasis, type RffPotentialBasisOptions } from "./potential-basis.js";
export {
  estimateGradientNorms,
  estimateGradientNorm,
  estimateSolenoidalNorm,
  linearFormEstimate,
  noisedSamples,
  type LinearForm,
  type GradientNormTarget,
  type EstimateGradientNormsOptions,
  type GradientNormEstimate,
  type SolenoidalNormEstimate,
} from "./dual-sobolev.js";
export {
  simulateLangevin,
  simulateReverseSde,
  simulateProbabilityFlow,
  type DynamicsMethod,
  type DynamicsStatus,
  type DynamicsResult,
} from "./dynamics.js";
export { smoothedKL, smoothedKLOnGrid, type SmoothedKLOptions, type SmoothedKLOnGridOptions } from "./smoothed-kl.js";
