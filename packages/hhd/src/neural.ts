/**
 * `@parabolic/hhd/neural`: neural dual-Sobolev estimators of the gradient and solenoidal components of a score
 * error in high dimension (hhd.md §6.3), in TensorFlow.js. Kept out of the main entry so that `@parabolic/hhd`
 * stays tfjs-free; `@tensorflow/tfjs-core` is an optional peer dependency needed only here (import
 * `@tensorflow/tfjs` once in the application to register gradients).
 *
 * @packageDocumentation
 */
export {
  asTrainablePotential,
  createMlpPotential,
  type TrainablePotential,
  type NamedParameterPotential,
  type MlpPotential,
  type MlpPotentialOptions,
} from "./neural/potential.js";
export { hutchinsonLaplacian, type HutchinsonLaplacianOptions } from "./neural/hutchinson-laplacian.js";
export {
  trainGradientPotential,
  trainSolenoidalPotential,
  estimateGradientComponent,
  estimateSolenoidalComponent,
  type ScoreFunction,
  type DataSampler,
  type NeuralLinearForm,
  type NeuralEstimatorCommonOptions,
  type TrainPotentialOptions,
  type TrainPotentialStatus,
  type TrainPotentialResult,
  type EstimateComponentOptions,
  type ComponentEstimate,
  type ComponentBin,
} from "./neural/neural-estimator.js";
