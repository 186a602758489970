/**
 * `@parabolic/score`: score and potential networks, score-matching objectives (denoising, implicit/sliced,
 * pointwise Fokker–Planck residual, heat-ball residual family), a checkpointing trainer and reverse-time samplers.
 *
 * @remarks Library code imports only `@tensorflow/tfjs-core` (peer). Applications import `@tensorflow/tfjs` (which
 * registers gradients in Node) and choose a backend with `initBackend` from `@parabolic/core/backend`.
 *
 * @packageDocumentation
 */
export { type NamedVariable, type Trainable, type ParameterValues, parameterCount, readParameters, writeParameters, copyParameters } from "./parameters.js";
export { type TimeFeatureOptions, type ResolvedTimeFeatures, resolveTimeFeatures, timeFeatureCount, timeFeatures } from "./time-features.js";
export { type ActivationName } from "./internal/mlp.js";
export { type ScoreNetworkOptions, type ScoreNetwork, type NetworkConfig, createScoreNetwork } from "./score-network.js";
export { type PotentialNetworkOptions, type PotentialNetwork, createPotentialNetwork, gaussianBasePotential } from "./potential-network.js";
export {
  type ImageArchitecture,
  type ImageScoreNetworkOptions,
  type ImagePotentialNetworkOptions,
  createImageScoreNetwork,
  createImagePotentialNetwork,
} from "./image-network.js";
export { type VectorField, type ScalarField, type ValueAndDivergence, exactDivergence, hutchinsonDivergence, gradient } from "./differential-operators.js";
export { type TensorScoreFn, type TensorPotentialFn, type TransitionFn, type TimeSampling, type Objective } from "./types.js";
export {
  type DsmTensors,
  type DsmBatch,
  type DsmWeighting,
  type DsmOptions,
  dsmLoss,
  sampleDsmBatch,
  dsmTensors,
  dsmObjective,
} from "./denoising-score-matching.js";
export {
  type DivergenceEstimator,
  type IsmTensors,
  type ProbeDistribution,
  type IsmObjectiveOptions,
  ismLoss,
  fillProbes,
  ismObjective,
} from "./implicit-score-matching.js";
export {
  type DriftValues,
  type FokkerPlanckResidualInputs,
  type FokkerPlanckResidualOptions,
  fokkerPlanckResidual,
  fokkerPlanckResidualLoss,
} from "./fokker-planck-residual.js";
export {
  type LearningRate,
  type CosineScheduleOptions,
  cosineSchedule,
  warmupSchedule,
  learningRateAt,
  rampWeight,
} from "./schedules.js";
export { type AdamOptions, type AdamState, type Adam, createAdam } from "./optimizer.js";
export { type Checkpoint, encodeCheckpoint, decodeCheckpoint, crc32 } from "./checkpoint.js";
export { type EvaluationContext, type TrainOptions, type TrainResult, train } from "./trainer.js";
export {
  type HeatBallGroups,
  type HeatBallResidualLossOptions,
  heatBallLogResidual,
  heatBallResidualLoss,
  scoreConsistencyLoss,
  anchorLoss,
} from "./heat-ball-residual.js";
export {
  type HeatDrift,
  type HeatBallGroupOptions,
  type HeatBallGroupsHost,
  sampleHeatBallGroups,
  heatBallGroupTensors,
  groupTensors,
} from "./heat-ball-groups.js";
export {
  type CenterBatch,
  type CenterSampler,
  type LossWeight,
  type HeatBallObjectiveOptions,
  type HeatBallTerms,
  type HeatBallObjective,
  gaussianCenters,
  pooledCenters,
  heatBallObjective,
} from "./heat-ball-objective.js";
export { type CenterPoolOptions, type CenterPool, simulateCenterPool } from "./center-pool.js";
export { type DiffusionSde, type ScoreFn, xTimeSde, heatTimeSde, tensorScore } from "./diffusion-sde.js";
export {
  type SamplerStatus,
  type SamplerResult,
  type TimeGrid,
  type SamplerOptions,
  type ReverseSdeOptions,
  type ProbabilityFlowOptions,
  timeGrid,
  sampleReverseSde,
  sampleProbabilityFlow,
} from "./reverse-samplers.js";
