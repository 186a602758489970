import { add, erf, mul, square, sub, tanh as stockTanh, type Tensor } from "@tensorflow/tfjs-core";
import { normalCdf, normalPdf } from "./normal.js";
import { recursiveUnary } from "./recursive-unary.js";
import { tanh } from "./tanh.js";

const geluOp = recursiveUnary(
  (x) => mul(mul(x, 0.5), add(1, erf(mul(x, Math.SQRT1_2)))),
  (x) => add(normalCdf(x), mul(x, normalPdf(x))),
);

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const CUBIC = 0.044715;

/** u(x) = √(2/π)(x + 0.044715x³), with plain multiplications (tf.pow saves its output). */
function geluTanhArgument(x: Tensor): Tensor {
  return mul(add(x, mul(mul(square(x), x), CUBIC)), SQRT_2_OVER_PI);
}

const geluTanhOp = recursiveUnary(
  (x) => mul(mul(x, 0.5), add(1, stockTanh(geluTanhArgument(x)))),
  (x) => {
    const t = tanh(geluTanhArgument(x));
    const du = mul(add(1, mul(square(x), 3 * CUBIC)), SQRT_2_OVER_PI);
    // d/dx ½x(1 + tanh u) = ½(1 + t) + ½x(1 − t²)u′
    return mul(add(add(1, t), mul(mul(x, sub(1, square(t))), du)), 0.5);
  },
);

/**
 * Exact (erf-based) GELU x·Φ(x), element-wise, with correct derivatives of every order.
 *
 * @remarks
 * GELU′ = Φ(x) + xφ(x), with Φ and φ themselves recursive ops (φ′ = −xφ), so no saved output is ever treated as
 * a constant (tf.exp and tf.erf's gradient would be, from the third order on). The forward uses `tf.erf`
 * (float32, absolute error ≈ 1e-7).
 *
 * @returns A new tensor owned by the caller; `x` is not disposed.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { gelu } from "@parabolic/core/activations";
 *
 * gelu(tf.tensor1d([-1, 0, 1])).print(); // [-0.1587, 0, 0.8413]
 * ```
 */
export function gelu<T extends Tensor>(x: T): T {
  return geluOp(x);
}

/**
 * GELU with the tanh approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³))), element-wise, with correct derivatives
 * of every order.
 *
 * @remarks The composite written with `tf.tanh` gets the Laplacian through an MLP wrong by ≈ 60 %; this one
 * differentiates through the recursive {@link tanh}.
 * @returns A new tensor owned by the caller; `x` is not disposed.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { geluTanh } from "@parabolic/core/activations";
 *
 * geluTanh(tf.tensor1d([1])).print(); // ≈ 0.8412
 * ```
 */
export function geluTanh<T extends Tensor>(x: T): T {
  return geluTanhOp(x);
}
