import { softplus as stockSoftplus, type Tensor } from "@tensorflow/tfjs-core";
import { recursiveUnary } from "./recursive-unary.js";
import { sigmoid } from "./sigmoid.js";

const softplusOp = recursiveUnary(stockSoftplus, (x) => sigmoid(x));

/**
 * Softplus log(1 + eˣ), element-wise (numerically stable forward of `tf.softplus`), with correct derivatives of
 * every order.
 *
 * @remarks
 * `tf.softplus`'s first derivative is fine, but its gradient uses the stock sigmoid, so third-order parameter
 * gradients (e.g. of a Laplacian loss) are silently wrong (≈ 10 %). Here softplus′ = {@link sigmoid}, the
 * recursive one.
 *
 * @returns A new tensor owned by the caller; `x` is not disposed.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { softplus } from "@parabolic/core/activations";
 *
 * softplus(tf.tensor1d([-1, 0, 1])).print(); // [0.3133, 0.6931, 1.3133]
 * ```
 */
export function softplus<T extends Tensor>(x: T): T {
  return softplusOp(x);
}
