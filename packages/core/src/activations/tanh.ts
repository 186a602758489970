import { square, sub, tanh as stockTanh, type Tensor } from "@tensorflow/tfjs-core";
import { recursiveUnary } from "./recursive-unary.js";

const tanhOp = recursiveUnary(stockTanh, (x) => sub(1, square(tanh(x))));

/**
 * Hyperbolic tangent, element-wise, with correct derivatives of every order.
 *
 * @remarks
 * `tf.tanh` saves its output, so `tf.grad(tf.grad(tf.tanh))` throws ("Cannot compute gradient of y=f(x) …")
 * and parameter gradients of Hutchinson-divergence losses come out wrong without an error. This version saves
 * the input and differentiates as tanh′ = 1 − tanh² with tanh recomputed by itself.
 *
 * @returns A new tensor owned by the caller; `x` is not disposed.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { tanh } from "@parabolic/core/activations";
 *
 * const d2 = tf.grad((x: tf.Tensor) => tf.grad((y: tf.Tensor) => tanh(y).sum())(x).sum());
 * d2(tf.tensor1d([0.3])).print(); // tanh″(0.3) = −2 tanh(1 − tanh²) ≈ −0.533
 * ```
 */
export function tanh<T extends Tensor>(x: T): T {
  return tanhOp(x);
}
