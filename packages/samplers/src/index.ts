/**
 * `@parabolic/samplers`: ULA, MALA (with dual-averaging warm-up), annealed Langevin (geometric and exact or
 * reproduction dilation paths), SVGD and score-based transport modelling (SBTM) on row-major `count × dim`
 * Float64Array particles; blackjax-style kernels (`init`/`step` with explicit keys), step-size and annealing
 * schedules, targets, a streaming driver, a dependency-free Float64 score network and closed-form Gaussian oracles.
 * Samplers take functions: no dependency on `@parabolic/score` or tfjs.
 *
 * @packageDocumentation
 */
export {
  gaussianTarget,
  gaussianMixtureTarget,
  type Target,
  type ScoreFn,
  type LogDensityFn,
} from "./target.js";
export type { BaseState, BaseInfo, SamplingKernel } from "./kernel.js";
export {
  constantStepSize,
  stepSizeList,
  decayStepSize,
  warmupStepSize,
  adaptiveStepSize,
  linearAnnealing,
  powerAnnealing,
  clipAnnealing,
  type StepSize,
  type StepSizeSchedule,
  type StepSizeContext,
  type AnnealingSchedule,
} from "./schedules.js";
export { annealedTarget, type AnnealedTarget, type AnnealedTargetOptions } from "./annealing.js";
export { ula, annealedUla, type UlaState, type UlaInfo, type UlaOptions } from "./ula.js";
export {
  mala,
  malaWarmup,
  dualAveraging,
  type MalaState,
  type MalaInfo,
  type MalaOptions,
  type DualAveraging,
  type DualAveragingState,
} from "./mala.js";
export { svgd, type SvgdState, type SvgdInfo, type SvgdOptions } from "./svgd.js";
export {
  implicitScoreMatchingLoss,
  pretrainScoreLearner,
  type ScoreLearner,
  type FitResult,
  type PretrainOptions,
  type PretrainResult,
} from "./score-learner.js";
export { mlpScoreLearner, type MlpScoreLearner, type MlpScoreLearnerOptions, type MlpLoss } from "./mlp-score-learner.js";
export { gaussianScoreLearner, type GaussianScoreLearner } from "./gaussian-score-learner.js";
export {
  sbtm,
  annealedSbtm,
  probabilityFlow,
  type FlowState,
  type FlowInfo,
  type SbtmOptions,
  type ProbabilityFlowOptions,
} from "./sbtm.js";
export {
  sampleChains,
  type SampleChainsOptions,
  type SampleChainsResult,
  type StepEvent,
} from "./sample-chains.js";
export { gaussianFlow, gaussianKl1d, gaussianDiscreteLaw, type GaussianFlow, type GaussianScheme } from "./gaussian-oracles.js";
