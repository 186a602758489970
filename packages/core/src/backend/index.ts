/**
 * `@parabolic/core/backend`: the one place a TensorFlow.js backend is chosen (tfjs-node → wasm → cpu), plus the
 * BatchMatMul gradient fix that makes training on wasm fast. Applications and test set-ups call
 * {@link initBackend} once; libraries never import this subpath.
 *
 * @packageDocumentation
 */
export {
  initBackend,
  type BackendName,
  type BackendFallback,
  type InitBackendOptions,
  type InitBackendResult,
} from "./init-backend.js";
export { installFastMatMulGradient, isFastMatMulGradientInstalled } from "./fast-mat-mul-gradient.js";
