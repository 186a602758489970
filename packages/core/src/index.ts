/**
 * `@parabolic/core`: explicit PRNG keys, exact random variates on Float64Array, float64 numerics and coded
 * errors. Backend selection lives in `@parabolic/core/backend`, activations in `@parabolic/core/activations`.
 *
 * @packageDocumentation
 */
export { ParabolicError, invalidArgument, describeValue, type ErrorCode } from "./errors.js";
export {
  assertPositiveInteger,
  assertNonNegativeInteger,
  assertFiniteNumber,
  assertPositiveNumber,
  assertNonNegativeNumber,
  assertInRange,
  assertLength,
  assertAllFinite,
  assertObject,
} from "./validate.js";
export { key, split, foldIn, keyToJSON, keyFromJSON, threefry2x32, type Key } from "./key.js";
export { RandomStream, randomStream } from "./random-stream.js";
export {
  fillNormals,
  nextNormal,
  fillExponentials,
  nextExponential,
  nextGamma,
  fillGammas,
  nextChiSquare,
  nextGeometric,
  fillUniformDirection,
  normals,
  exponentials,
  gammas,
  chiSquares,
  geometrics,
  uniformDirections,
} from "./variates.js";
export { throwIfAborted, throttleProgress, type ProgressEvent, type ProgressCallback } from "./progress.js";
export { logSumExp, logMeanExp, softmaxWeights, effectiveSampleSize } from "./numerics/log-sum-exp.js";
export { runningMoments, mean, variance, pearsonCorrelation, type RunningMoments } from "./numerics/moments.js";
export { spearmanCorrelation } from "./numerics/spearman.js";
export { logGamma } from "./numerics/log-gamma.js";
export { median, medianInPlace, kthSmallest } from "./numerics/order-statistics.js";
export {
  regularizedGammaP,
  regularizedGammaQ,
  gammaCdf,
  chiSquareCdf,
  chiSquareSf,
} from "./numerics/incomplete-gamma.js";
export { erf, erfc, normalCdf } from "./numerics/erf.js";
export { ksTest, ksTwoSample, kolmogorovSmirnovSf, type KsResult } from "./numerics/kolmogorov-smirnov.js";
export {
  integrate,
  gaussKronrod15,
  type IntegrateOptions,
  type IntegrateResult,
  type GaussKronrodNode,
} from "./numerics/integrate.js";
