import { add, mul, sigmoid as stockSigmoid, sub, type Tensor } from "@tensorflow/tfjs-core";
import { recursiveUnary } from "./recursive-unary.js";
import { sigmoid } from "./sigmoid.js";

const siluOp = recursiveUnary(
  (x) => mul(x, stockSigmoid(x)),
  (x) => {
    const s = sigmoid(x);
    return mul(s, add(1, mul(x, sub(1, s))));
  },
);

/**
 * SiLU / swish x·σ(x), element-wise, with correct derivatives of every order.
 *
 * @remarks
 * The usual composite `x * tf.sigmoid(x)` is silently wrong from the second derivative on (a Laplacian through
 * an MLP is off by ≈ 20 %). Here SiLU′ = σ(1 + x(1 − σ)) with the recursive {@link sigmoid}. Use it for score
 * networks trained with divergence or Laplacian losses.
 *
 * @returns A new tensor owned by the caller; `x` is not disposed.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { silu } from "@parabolic/core/activations";
 *
 * const hidden = silu(tf.matMul(x, w)); // x: [batch, in], w: [in, out]
 * ```
 */
export function silu<T extends Tensor>(x: T): T {
  return siluOp(x);
}
