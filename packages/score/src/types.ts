import type * as tf from "@tensorflow/tfjs-core";
import type { Key } from "@parabolic/core";

/**
 * A batched tensor score function (x `[batch, d]`, t `[batch]`) ↦ `[batch, d]`, e.g. `net.score` of a
 * {@link ScoreNetwork} or {@link PotentialNetwork}. Returns a new tensor; must not dispose its inputs.
 * @example
 * ```ts
 * const score: TensorScoreFn = net.score;
 * ```
 */
export type TensorScoreFn = (x: tf.Tensor2D, t: tf.Tensor1D) => tf.Tensor2D;

/**
 * A batched tensor log-density model (y `[batch, d]`, s `[batch]`) ↦ `[batch]`, e.g. `net.potential`.
 * @example
 * ```ts
 * const psi: TensorPotentialFn = (y, s) => gaussianBasePotential(y, s, 1);
 * ```
 */
export type TensorPotentialFn = (y: tf.Tensor2D, s: tf.Tensor1D) => tf.Tensor1D;

/**
 * The Gaussian transition x_t = α(t)·x_0 + √variance(t)·ε of a linear forward SDE. The `{ alpha, variance }` shape
 * is the one of `@parabolic/datasets` (`vpTransition`, `ouTransition`, `veTransition`, `heatTransition`).
 * @example
 * ```ts
 * const transition: TransitionFn = (t) => vpTransition(t); // from @parabolic/datasets
 * ```
 */
export type TransitionFn = (t: number) => Readonly<{ alpha: number; variance: number }>;

/**
 * How training times are drawn in [min, max].
 * @example
 * ```ts
 * const time: TimeSampling = { min: 1e-3, max: 1, distribution: "log-uniform" };
 * ```
 */
export type TimeSampling = Readonly<{
  min: number;
  max: number;
  /** @defaultValue "uniform" */
  distribution?: "uniform" | "log-uniform";
}>;

/**
 * A training objective for {@link train}: a loss that depends only on a per-step key and the step number, so
 * that a resumed run draws exactly the batches an uninterrupted run would.
 *
 * @remarks `loss` is called inside `tf.variableGrads`; it returns a scalar tensor (the trainer disposes it) and must
 * dispose or tidy every intermediate tensor. Host-side randomness must come only from `k`.
 * @example
 * ```ts
 * const objective: Objective = { name: "l2", loss: () => tf.tidy(() => tf.sum(tf.square(w)) as tf.Scalar) };
 * ```
 */
export type Objective = Readonly<{
  /** Name used in progress reports. */
  name: string;
  loss(k: Key, step: number): tf.Scalar;
}>;
