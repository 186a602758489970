import * as tf from "@tensorflow/tfjs-core";
import { ParabolicError, assertPositiveInteger, fillNormals, invalidArgument, randomStream, type Key } from "@parabolic/core";
import { checkData, checkTimeSampling, drawIndex, drawTime } from "./internal/sampling.js";
import type { Objective, TensorScoreFn, TimeSampling, TransitionFn } from "./types.js";

/**
 * A DSM batch as tensors: noisy points x_t, times t, regression targets ∇ log p(x_t | x_0) and per-row weights λ.
 * @example
 * ```ts
 * const batch: DsmTensors = dsmTensors(sampleDsmBatch(key(0), options));
 * ```
 */
export type DsmTensors = Readonly<{
  points: tf.Tensor2D;
  times: tf.Tensor1D;
  targets: tf.Tensor2D;
  /** λ(t) per row; all ones when omitted. */
  weights?: tf.Tensor1D;
}>;

/**
 * A DSM batch on the host (float32, row-major), as drawn by {@link sampleDsmBatch}.
 * @example
 * ```ts
 * const batch: DsmBatch = sampleDsmBatch(key(0), options);
 * ```
 */
export type DsmBatch = Readonly<{
  dim: number;
  count: number;
  points: Float32Array;
  times: Float32Array;
  targets: Float32Array;
  weights: Float32Array;
}>;

/**
 * Time weighting λ(t) of the DSM loss: `"variance"` (λ = σ²(t), the usual ε-prediction weighting), `"none"`
 * (λ = 1) or a function of t and the transition variance (e.g. g(t)² for the likelihood weighting).
 * @example
 * ```ts
 * const likelihood: DsmWeighting = (t) => vpProcess().diffusion(t) ** 2;
 * ```
 */
export type DsmWeighting = "variance" | "none" | ((t: number, variance: number) => number);

/**
 * Options of {@link sampleDsmBatch} and {@link dsmObjective}.
 * @example
 * ```ts
 * const options: DsmOptions = { data, dim: 2, batchSize: 256, transition: (t) => vpTransition(t), time: { min: 1e-3, max: 1 } };
 * ```
 */
export type DsmOptions = Readonly<{
  /** Training data x_0, row-major `count × dim` (float64 or float32). */
  data: ArrayLike<number>;
  dim: number;
  batchSize: number;
  /** The forward transition t ↦ { alpha, variance } (e.g. `(t) => vpTransition(t)` from `@parabolic/datasets`). */
  transition: TransitionFn;
  /** Training times. */
  time: TimeSampling;
  /** @defaultValue "variance" */
  weighting?: DsmWeighting;
}>;

/**
 * The continuous-time denoising score-matching loss mean_i λ_i ‖s(x_i, t_i) − target_i‖².
 *
 * @remarks With x_t = αx_0 + σε the target is −ε/σ and the population minimiser is ∇ log p_t (Vincent 2011).
 * @returns a new scalar owned by the caller; the batch tensors are not disposed.
 * @throws ParabolicError `SHAPE_MISMATCH` for inconsistent batch shapes.
 * @example
 * ```ts
 * const loss = dsmLoss(net.score, { points, times, targets });
 * ```
 */
export function dsmLoss(score: TensorScoreFn, batch: DsmTensors): tf.Scalar {
  const { points, times, targets, weights } = batch;
  if (targets.rank !== 2 || targets.shape[0] !== points.shape[0] || targets.shape[1] !== points.shape[1]) {
    throw new ParabolicError("SHAPE_MISMATCH", `dsmLoss: 'targets' must have the shape of 'points' [${points.shape.join(",")}]; got [${targets.shape.join(",")}].`);
  }
  if (weights !== undefined && (weights.rank !== 1 || weights.shape[0] !== points.shape[0])) {
    throw new ParabolicError("SHAPE_MISMATCH", `dsmLoss: 'weights' must have shape [${points.shape[0]}]; got [${weights.shape.join(",")}].`);
  }
  return tf.tidy(() => {
    const residual = tf.sum(tf.square(tf.sub(score(points, times), targets)), 1);
    return tf.mean(weights === undefined ? residual : tf.mul(residual, weights)) as tf.Scalar;
  });
}

type ResolvedDsm = { n: number; time: Required<TimeSampling>; weighting: DsmWeighting };

function resolveDsm(fn: string, options: DsmOptions): ResolvedDsm {
  const n = checkData(fn, options.data, options.dim);
  assertPositiveInteger(fn, "batchSize", options.batchSize, 1 << 24);
  if (typeof options.transition !== "function") throw invalidArgument(fn, "transition", "be a function t ↦ { alpha, variance }", options.transition);
  const time = checkTimeSampling(fn, "time", options.time);
  const weighting = options.weighting ?? "variance";
  if (weighting !== "variance" && weighting !== "none" && typeof weighting !== "function") {
    throw invalidArgument(fn, "weighting", 'be "variance", "none" or a function', weighting);
  }
  return { n, time, weighting };
}

function fillDsmBatch(k: Key, options: DsmOptions, r: ResolvedDsm): DsmBatch {
  const { dim, batchSize, data, transition } = options;
  const stream = randomStream(k);
  const noise = fillNormals(stream, new Float64Array(batchSize * dim));
  const points = new Float32Array(batchSize * dim);
  const targets = new Float32Array(batchSize * dim);
  const times = new Float32Array(batchSize);
  const weights = new Float32Array(batchSize);
  for (let i = 0; i < batchSize; i++) {
    const t = drawTime(stream, r.time);
    const row = drawIndex(stream, r.n);
    const { alpha, variance } = transition(t);
    if (!(variance > 0) || !Number.isFinite(alpha)) {
      throw new ParabolicError("INVALID_ARGUMENT", `sampleDsmBatch: the transition at t = ${t} must have finite alpha and variance > 0; got alpha ${alpha}, variance ${variance}.`, {
        argument: "transition",
        value: t,
      });
    }
    const sd = Math.sqrt(variance);
    for (let j = 0; j < dim; j++) {
      const e = noise[i * dim + j]!;
      points[i * dim + j] = alpha * data[row * dim + j]! + sd * e;
      targets[i * dim + j] = -e / sd;
    }
    times[i] = t;
    weights[i] = r.weighting === "variance" ? variance : r.weighting === "none" ? 1 : r.weighting(t, variance);
  }
  return { dim, count: batchSize, points, times, targets, weights };
}

/**
 * Draws a DSM batch on the host: x_0 from `data`, t from `time`, ε ~ N(0, I), x_t = αx_0 + √variance·ε, target −ε/σ,
 * weight λ(t). Deterministic in `k`.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` / `SHAPE_MISMATCH` for invalid options.
 * @example
 * ```ts
 * const batch = sampleDsmBatch(key(0), { data, dim: 2, batchSize: 256, transition: (t) => vpTransition(t), time: { min: 1e-3, max: 1 } });
 * ```
 */
export function sampleDsmBatch(k: Key, options: DsmOptions): DsmBatch {
  return fillDsmBatch(k, options, resolveDsm("sampleDsmBatch", options));
}

/**
 * Uploads a host DSM batch; the caller owns (or tidies) the tensors.
 * @example
 * ```ts
 * const loss = tf.tidy(() => dsmLoss(net.score, dsmTensors(sampleDsmBatch(key(0), options))));
 * ```
 */
export function dsmTensors(batch: DsmBatch): Required<DsmTensors> {
  return {
    points: tf.tensor2d(batch.points, [batch.count, batch.dim]),
    times: tf.tensor1d(batch.times),
    targets: tf.tensor2d(batch.targets, [batch.count, batch.dim]),
    weights: tf.tensor1d(batch.weights),
  };
}

/**
 * The DSM training objective for {@link train}: each step draws a fresh batch from the step key.
 *
 * @example
 * ```ts
 * const objective = dsmObjective(net.score, { data, dim: 2, batchSize: 256, transition: (t) => vpTransition(t), time: { min: 1e-3, max: 1 } });
 * await train(net, objective, { steps: 1000, learningRate: 1e-3, key: key(1) });
 * ```
 */
export function dsmObjective(score: TensorScoreFn, options: DsmOptions): Objective {
  const resolved = resolveDsm("dsmObjective", options);
  return {
    name: "dsm",
    loss(k) {
      const batch = fillDsmBatch(k, options, resolved);
      return tf.tidy(() => dsmLoss(score, dsmTensors(batch)));
    },
  };
}
