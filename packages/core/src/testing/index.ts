/**
 * `@parabolic/core/testing`: test helpers shared by Parabolic packages — a TensorFlow.js tensor-leak assertion
 * for vitest and float64 finite-difference oracles for derivative tests.
 *
 * @packageDocumentation
 */
export { expectNoLeaks } from "./expect-no-leaks.js";
export {
  centralDifference,
  centralGradient,
  centralLaplacian,
  relativeError,
  type CentralDifferenceOptions,
} from "./finite-difference.js";
export { float64Activations } from "./float64-activations.js";
