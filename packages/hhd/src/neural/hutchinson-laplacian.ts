import * as tf from "@tensorflow/tfjs-core";
import { ParabolicError, invalidArgument } from "@parabolic/core";
import { resolvePotential, type NamedParameterPotential, type TrainablePotential } from "./potential.js";

/**
 * Options of {@link hutchinsonLaplacian}.
 *
 * @example
 * ```ts
 * const options: HutchinsonLaplacianOptions = { probes, delta: 1e-3 };
 * ```
 */
export type HutchinsonLaplacianOptions = Readonly<{
  /** Probe vectors `[M, batch, dim]` (Rademacher ±1 for the Hutchinson estimator; unit vectors for an exact sum). Not disposed. */
  probes: tf.Tensor3D;
  /** Step δ: a number or a per-row `[batch]` tensor (not disposed). hhd.md §6.3 uses δ = 1e-2·σ_t. */
  delta: number | tf.Tensor1D;
}>;

/** ∇_x of Σψ over the rows of `x` (ψ acts row-wise, so row i of the result is ∇ψ(x_i, t_i)). @internal */
export function potentialGradient(psi: TrainablePotential, x: tf.Tensor2D, t: tf.Tensor1D): tf.Tensor2D {
  return tf.grad((xx: tf.Tensor) => tf.sum(psi.potential(xx as tf.Tensor2D, t)))(x) as tf.Tensor2D;
}

/**
 * Finite-difference Hutchinson estimate of the Laplacian `Δψ(x_i, t_i)` (hhd.md §6.3):
 * `Δ̂ψ = (1/M) Σ_m v_m·[∇ψ(x + δv_m) − ∇ψ(x − δv_m)]/(2δ)`, from first derivatives of ψ only.
 *
 * @remarks With Rademacher probes the estimate is unbiased up to the `O(δ²)` central-difference error, with
 * variance `2(‖∇²ψ‖_F² − Σ_i ∂_iiψ²)/M`; with the `dim` unit vectors `e_i` as probes (M = dim), `dim` times the
 * result is the deterministic central-difference Laplacian. All `2M` gradient evaluations run in
 * one batched call, so the result stays differentiable w.r.t. ψ's variables (used inside the trainers). Returns a
 * new `[batch]` tensor owned by the caller; no input is disposed.
 * @throws ParabolicError `SHAPE_MISMATCH` for inconsistent shapes, `INVALID_ARGUMENT` for a non-positive δ.
 * @example
 * ```ts
 * const v = tf.sign(tf.randomUniform([1, batch, dim], -1, 1)) as tf.Tensor3D;   // one Rademacher probe
 * const lap = hutchinsonLaplacian(psi, x, t, { probes: v, delta: 1e-3 });       // [batch]
 * ```
 */
export function hutchinsonLaplacian(
  potential: TrainablePotential | NamedParameterPotential,
  x: tf.Tensor2D,
  t: tf.Tensor1D,
  options: HutchinsonLaplacianOptions,
): tf.Tensor1D {
  const fn = "hutchinsonLaplacian";
  const psi = resolvePotential(fn, "potential", potential);
  const { probes, delta } = options;
  if (!(x instanceof tf.Tensor) || x.rank !== 2) throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'x' must be a [batch, dim] tensor.`, { function: fn });
  const [batch, dim] = x.shape;
  if (!(t instanceof tf.Tensor) || t.rank !== 1 || t.shape[0] !== batch) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 't' must have shape [${batch}].`, { function: fn });
  }
  if (!(probes instanceof tf.Tensor) || probes.rank !== 3 || probes.shape[1] !== batch || probes.shape[2] !== dim) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'probes' must have shape [M, ${batch}, ${dim}].`, { function: fn });
  }
  if (typeof delta === "number") {
    if (!(delta > 0) || !Number.isFinite(delta)) throw invalidArgument(fn, "delta", "be a positive finite number", delta);
  } else if (!(delta instanceof tf.Tensor) || delta.rank !== 1 || delta.shape[0] !== batch) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'delta' must be a number or a [${batch}] tensor.`, { function: fn });
  }
  return tf.tidy(() => fdLaplacian(psi, x, t, probes, delta).laplacian);
}

/**
 * Central-difference Hutchinson Laplacian from one batched gradient call over `[x + δv_1 … x + δv_M, x − δv_1 …]`.
 * Call inside a tidy. @internal
 */
export function fdLaplacian(
  psi: TrainablePotential,
  x: tf.Tensor2D,
  t: tf.Tensor1D,
  probes: tf.Tensor3D,
  delta: number | tf.Tensor1D,
): { laplacian: tf.Tensor1D } {
  const [m, batch, dim] = probes.shape;
  const v = tf.reshape(probes, [m * batch, dim]) as tf.Tensor2D;
  const d = typeof delta === "number" ? tf.fill([batch], delta) : delta;
  const dRows = tf.reshape(tf.tile(d, [m]), [-1, 1]);
  const xr = tf.tile(x, [m, 1]);
  const step = tf.mul(v, dRows);
  const both = tf.concat([tf.add(xr, step), tf.sub(xr, step)], 0) as tf.Tensor2D;
  const tb = tf.tile(t, [2 * m]) as tf.Tensor1D;
  const g = potentialGradient(psi, both, tb);
  const gp = tf.slice(g, [0, 0], [m * batch, dim]);
  const gm = tf.slice(g, [m * batch, 0], [m * batch, dim]);
  const rows = tf.div(tf.sum(tf.mul(v, tf.sub(gp, gm)), 1), tf.mul(tf.reshape(dRows, [-1]), 2));
  return { laplacian: tf.mean(tf.reshape(rows, [m, batch]), 0) as tf.Tensor1D };
}
