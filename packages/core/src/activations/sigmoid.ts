import { mul, sigmoid as stockSigmoid, sub, type Tensor } from "@tensorflow/tfjs-core";
import { recursiveUnary } from "./recursive-unary.js";

const sigmoidOp = recursiveUnary(stockSigmoid, (x) => {
  const s = sigmoid(x);
  return mul(s, sub(1, s));
});

/**
 * Logistic sigmoid σ(x) = 1/(1 + e⁻ˣ), element-wise, with correct derivatives of every order.
 *
 * @remarks
 * `tf.sigmoid` saves its output for the backward pass, so its second derivative throws and parameter gradients
 * of derivative-based losses are silently wrong. This version saves the input and differentiates as
 * σ′ = σ(1 − σ) with σ recomputed by itself, recursively. Forward values are those of `tf.sigmoid`.
 *
 * @returns A new tensor owned by the caller; `x` is not disposed.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { sigmoid } from "@parabolic/core/activations";
 *
 * const d2 = tf.grad((x: tf.Tensor) => tf.grad((y: tf.Tensor) => sigmoid(y).sum())(x).sum());
 * d2(tf.tensor1d([0.5])).print(); // σ″(0.5) = σ(1−σ)(1−2σ) ≈ −0.0575
 * ```
 */
export function sigmoid<T extends Tensor>(x: T): T {
  return sigmoidOp(x);
}
