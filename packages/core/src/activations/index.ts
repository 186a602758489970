/**
 * `@parabolic/core/activations`: TensorFlow.js activations whose derivatives of every order are correct.
 *
 * @remarks
 * Stock tfjs kernels that save their output for the backward pass (sigmoid, tanh, exp, …) make second and third
 * derivatives throw or come out silently wrong. These are defined with recursive `tf.customGrad`s that save the
 * input (toolchain.md §3.2). Use them in anything differentiated twice: divergence / Laplacian losses, score
 * networks trained by implicit or sliced score matching, Hessian-vector products.
 *
 * @packageDocumentation
 */
export { sigmoid } from "./sigmoid.js";
export { tanh } from "./tanh.js";
export { softplus } from "./softplus.js";
export { silu } from "./silu.js";
export { gelu, geluTanh } from "./gelu.js";
