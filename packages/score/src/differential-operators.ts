import * as tf from "@tensorflow/tfjs-core";
import { ParabolicError } from "@parabolic/core";

/**
 * A batched vector field x `[batch, d]` ↦ `[batch, d]` acting row by row (no coupling between rows), e.g.
 * `(x) => net.score(x, t)`.
 * @example
 * ```ts
 * const field: VectorField = (x) => net.score(x, t);
 * ```
 */
export type VectorField = (x: tf.Tensor2D) => tf.Tensor2D;

/**
 * A batched scalar field x `[batch, d]` ↦ `[batch]` acting row by row, e.g. `(y) => net.potential(y, s)`.
 * @example
 * ```ts
 * const phi: ScalarField = (y) => net.potential(y, s);
 * ```
 */
export type ScalarField = (x: tf.Tensor2D) => tf.Tensor1D;

/**
 * Value and divergence of a vector field at a batch of points.
 * @example
 * ```ts
 * const { value, divergence }: ValueAndDivergence = exactDivergence(field, x);
 * ```
 */
export type ValueAndDivergence = { value: tf.Tensor2D; divergence: tf.Tensor1D };

function checkProbe(fn: string, x: tf.Tensor, probe: tf.Tensor): void {
  if (probe.rank !== 2 || probe.shape[0] !== x.shape[0] || probe.shape[1] !== x.shape[1]) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'probe' must have the shape of the points [${x.shape.join(",")}]; got [${probe.shape.join(",")}].`, {
      argument: "probe",
      expected: x.shape.slice(),
      received: probe.shape.slice(),
    });
  }
}

/** A `[rows, d]` float32 tensor with ones in column `i` and zeros elsewhere. */
function columnMask(rows: number, d: number, i: number): tf.Tensor2D {
  const values = new Float32Array(rows * d);
  for (let r = 0; r < rows; r++) values[r * d + i] = 1;
  return tf.tensor2d(values, [rows, d]);
}

/**
 * f(x) and its exact divergence Σᵢ ∂fᵢ/∂xᵢ, with d backward passes (one per coordinate).
 *
 * @remarks Differentiable again (w.r.t. parameters of `f`, or x) as long as `f` uses higher-order-safe ops. Cost
 * grows linearly in d; use {@link hutchinsonDivergence} for large d.
 * @returns new tensors owned by the caller; `x` is not disposed.
 * @example
 * ```ts
 * const { value, divergence } = exactDivergence((x) => tf.mul(x, x) as tf.Tensor2D, tf.tensor2d([[1, 2]]));
 * // divergence = 2·1 + 2·2 = 6
 * ```
 */
export function exactDivergence(f: VectorField, x: tf.Tensor2D): ValueAndDivergence {
  const d = x.shape[1];
  let value: tf.Tensor2D | undefined;
  let divergence: tf.Tensor1D | undefined;
  const result = tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    for (let i = 0; i < d; i++) {
      const mask = columnMask(x.shape[0], d, i);
      if (i === 0) {
        const vg = tf.valueAndGrad((xx: tf.Tensor) => f(xx as tf.Tensor2D))(x, mask);
        value = vg.value as tf.Tensor2D;
        parts.push(tf.sum(tf.mul(vg.grad, mask), 1));
      } else {
        parts.push(tf.sum(tf.mul(tf.grad((xx: tf.Tensor) => f(xx as tf.Tensor2D))(x, mask), mask), 1));
      }
    }
    divergence = (parts.length === 1 ? parts[0]! : tf.addN(parts)) as tf.Tensor1D;
    return [value!, divergence] as tf.Tensor[];
  });
  return { value: result[0] as tf.Tensor2D, divergence: result[1] as tf.Tensor1D };
}

/**
 * f(x) and the Hutchinson estimate vᵀ(∂f/∂x)v of its divergence for a probe v per row (one backward pass).
 *
 * @remarks Unbiased when E[vvᵀ] = I (Rademacher or standard normal probes); average several probes by repeating
 * the points. Also returns vᵀf, which sliced score matching needs.
 * @param probe - `[batch, d]`, not disposed.
 * @returns new tensors owned by the caller.
 * @example
 * ```ts
 * const { divergence } = hutchinsonDivergence((x) => tf.mul(x, x) as tf.Tensor2D, x, probe);
 * ```
 */
export function hutchinsonDivergence(f: VectorField, x: tf.Tensor2D, probe: tf.Tensor2D): ValueAndDivergence {
  checkProbe("hutchinsonDivergence", x, probe);
  const [value, divergence] = tf.tidy(() => {
    const vg = tf.valueAndGrad((xx: tf.Tensor) => f(xx as tf.Tensor2D))(x, probe);
    return [vg.value, tf.sum(tf.mul(vg.grad, probe), 1)];
  });
  return { value: value as tf.Tensor2D, divergence: divergence as tf.Tensor1D };
}

/**
 * ∇φ of a batched scalar field (one backward pass).
 *
 * @returns a new `[batch, d]` tensor owned by the caller.
 * @example
 * ```ts
 * const g = gradient((x) => tf.sum(tf.square(x), 1) as tf.Tensor1D, tf.tensor2d([[1, 2]])); // [[2, 4]]
 * ```
 */
export function gradient(phi: ScalarField, x: tf.Tensor2D): tf.Tensor2D {
  return tf.grad((xx: tf.Tensor) => tf.sum(phi(xx as tf.Tensor2D)))(x) as tf.Tensor2D;
}
