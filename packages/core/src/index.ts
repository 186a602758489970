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
