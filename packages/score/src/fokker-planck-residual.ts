import * as tf from "@tensorflow/tfjs-core";
import { ParabolicError, invalidArgument } from "@parabolic/core";
import { exactDivergence, hutchinsonDivergence } from "./differential-operators.js";
import type { TensorPotentialFn } from "./types.js";

/**
 * The heat-coordinate drift c(y, s) and its divergence ∇·c at the residual points (it does not depend on the
 * model, so it is evaluated on the host, e.g. with `@parabolic/heat`, and uploaded).
 * @example
 * ```ts
 * const drift: DriftValues = { values: tf.tensor2d([[0.5, -0.2]]), divergence: tf.tensor1d([0]) };
 * ```
 */
export type DriftValues = Readonly<{ values: tf.Tensor2D; divergence: tf.Tensor1D }>;

/**
 * Inputs of {@link fokkerPlanckResidual}.
 * @example
 * ```ts
 * const inputs: FokkerPlanckResidualInputs = { points: y, times: s, drift };
 * ```
 */
export type FokkerPlanckResidualInputs = Readonly<{
  /** Heat-coordinate points y `[batch, d]`. */
  points: tf.Tensor2D;
  /** Heat times s `[batch]`. */
  times: tf.Tensor1D;
  /** Nonlinear drift in heat coordinates, if any (w_s = Δw − ∇·(cw)). */
  drift?: DriftValues;
  /** Probes for the Hutchinson Laplacian (shape of `points`). */
  probes?: tf.Tensor2D;
}>;

/**
 * Options of {@link fokkerPlanckResidual}.
 * @example
 * ```ts
 * fokkerPlanckResidual(net.potential, { points: y, times: s, probes }, { laplacian: "hutchinson" });
 * ```
 */
export type FokkerPlanckResidualOptions = Readonly<{
  /** `"exact"` (d backward passes) or `"hutchinson"` (one pass, needs `probes`). @defaultValue "exact" */
  laplacian?: "exact" | "hutchinson";
}>;

/**
 * The pointwise Fokker–Planck residual in log-density form, in heat coordinates:
 * R = ψ_s − Δψ − |∇ψ|² + ∇·c + c·∇ψ  ( = (w_s − Δw + ∇·(cw))/w for w = e^ψ ).
 *
 * @remarks It vanishes exactly on the log-density of the forward process (heat-ball.md §2(b), §9); in x-coordinates
 * R = R_FP[p]/(p·s′(t)). Built from nested gradients (∂ψ/∂s, ∇ψ, Δψ); its parameter gradient is third order, which
 * is correct because the networks use recursive-gradient activations.
 * @returns a new `[batch]` tensor owned by the caller.
 * @throws ParabolicError `INVALID_ARGUMENT` (Hutchinson without probes), `SHAPE_MISMATCH`.
 * @example
 * ```ts
 * const r = fokkerPlanckResidual(net.potential, { points: y, times: s }); // [batch]
 * ```
 */
export function fokkerPlanckResidual(
  potential: TensorPotentialFn,
  inputs: FokkerPlanckResidualInputs,
  options: FokkerPlanckResidualOptions = {},
): tf.Tensor1D {
  const fn = "fokkerPlanckResidual";
  const { points, times, drift, probes } = inputs;
  const laplacian = options.laplacian ?? "exact";
  if (laplacian !== "exact" && laplacian !== "hutchinson") throw invalidArgument(fn, "laplacian", 'be "exact" or "hutchinson"', laplacian);
  if (laplacian === "hutchinson" && probes === undefined) throw invalidArgument(fn, "probes", 'be given for laplacian "hutchinson"', probes);
  if (drift !== undefined) {
    if (drift.values.rank !== 2 || drift.values.shape[0] !== points.shape[0] || drift.values.shape[1] !== points.shape[1]) {
      throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'drift.values' must have the shape of the points; got [${drift.values.shape.join(",")}].`);
    }
    if (drift.divergence.rank !== 1 || drift.divergence.shape[0] !== points.shape[0]) {
      throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'drift.divergence' must have shape [${points.shape[0]}]; got [${drift.divergence.shape.join(",")}].`);
    }
  }
  return tf.tidy(() => {
    const psiS = tf.grad((ss: tf.Tensor) => tf.sum(potential(points, ss as tf.Tensor1D)))(times);
    const scoreField = (yy: tf.Tensor2D): tf.Tensor2D => tf.grad((y2: tf.Tensor) => tf.sum(potential(y2 as tf.Tensor2D, times)))(yy) as tf.Tensor2D;
    const { value: grad, divergence: lap } =
      laplacian === "exact" ? exactDivergence(scoreField, points) : hutchinsonDivergence(scoreField, points, probes!);
    let residual = tf.sub(tf.sub(psiS, lap), tf.sum(tf.square(grad), 1));
    if (drift !== undefined) residual = tf.add(residual, tf.add(drift.divergence, tf.sum(tf.mul(drift.values, grad), 1)));
    return residual as tf.Tensor1D;
  });
}

/**
 * mean_i λ_i R_i² of the {@link fokkerPlanckResidual} (a global FP-residual, "score-FPE"-style penalty).
 *
 * @returns a new scalar owned by the caller.
 * @example
 * ```ts
 * const loss = fokkerPlanckResidualLoss(net.potential, { points: y, times: s });
 * ```
 */
export function fokkerPlanckResidualLoss(
  potential: TensorPotentialFn,
  inputs: FokkerPlanckResidualInputs & Readonly<{ weights?: tf.Tensor1D }>,
  options: FokkerPlanckResidualOptions = {},
): tf.Scalar {
  return tf.tidy(() => {
    const r2 = tf.square(fokkerPlanckResidual(potential, inputs, options));
    return tf.mean(inputs.weights === undefined ? r2 : tf.mul(r2, inputs.weights)) as tf.Scalar;
  });
}
