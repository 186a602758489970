/**
 * `@parabolic/heat`: forward SDEs and their exact time change to heat coordinates, SDE simulation, a 2-D
 * Fokker–Planck grid oracle, and heat-ball mean-value estimators (heat-ball.md §2, §7–§9, §13).
 *
 * @packageDocumentation
 */
export {
  gradientDrift,
  doubleWellDrift,
  tanhDrift,
  rotationDrift,
  constantDrift,
  type DriftField,
} from "./drift-field.js";
export {
  ouProcess,
  vpProcess,
  veProcess,
  subVpProcess,
  customProcess,
  type ForwardProcess,
  type ProcessKind,
  type ProcessExtras,
  type Rotation,
} from "./forward-process.js";
export type { HeatField, MarginalField } from "./heat-field.js";
export { timeChange, affineTransition, type TimeChange, type Times, type TimedPoints } from "./time-change.js";
export {
  simulateForward,
  forwardDrift,
  type SimulateOptions,
  type SimulationResult,
  type SdeMethod,
  type SolverStatus,
} from "./simulate.js";
export {
  solveFokkerPlanck2d,
  grid2d,
  gridPoints,
  gridLogDensity,
  gridScore,
  interpolateGrid,
  fokkerPlanckField,
  type Grid2d,
  type Grid2dSpec,
  type FokkerPlanckOptions,
  type FokkerPlanckResult,
  type FokkerPlanckStatus,
} from "./fokker-planck-2d.js";
export {
  estimateDensity,
  estimateDensityBatch,
  estimateLogDensity,
  estimateLogDensityBatch,
  estimateScore,
  estimateScoreBatch,
  estimateEntropyDensity,
  estimateEntropyDensityBatch,
  heatBallResidual,
  heatBallResidualBatch,
  type HeatBallStatus,
  type HeatBallOptions,
  type HeatBallBatchOptions,
  type RelativeSource,
  type DensityOptions,
  type DensityBatchOptions,
  type DensityEstimate,
  type DensityBatchEstimate,
  type LogDensityOptions,
  type LogDensityBatchOptions,
  type LogDensityEstimate,
  type ScoreMethod,
  type ScoreOptions,
  type ScoreBatchOptions,
  type ScoreEstimate,
  type ScoreBatchEstimate,
  type EntropyDensityOptions,
  type EntropyDensityBatchOptions,
  type EntropyDensityEstimate,
  type EntropyDensityBatchEstimate,
  type ResidualOptions,
  type ResidualBatchOptions,
  type ResidualEstimate,
  type ResidualBatchEstimate,
} from "./heat-ball.js";
export { heatBallMean, type ScalarField, type HeatBallMeanOptions, type HeatBallMeanEstimate } from "./mean-value.js";
export {
  heatBallLogWeights,
  predictedLogWeightVariance,
  radiusForTargetLogWeightVariance,
  radiusForTargetEss,
  driftBudget,
  type HeatBallLogWeights,
} from "./heat-ball-diagnostics.js";
