import * as tf from "@tensorflow/tfjs-core";
import { ParabolicError, assertPositiveInteger, fillNormals, invalidArgument, randomStream, type Key, type RandomStream } from "@parabolic/core";
import { exactDivergence, hutchinsonDivergence } from "./differential-operators.js";
import { checkData, checkTimeSampling, drawIndex, drawTime } from "./internal/sampling.js";
import type { Objective, TensorScoreFn, TimeSampling, TransitionFn } from "./types.js";

/**
 * How the divergence in implicit score matching is computed: `"exact"` (d backward passes; small d),
 * `"hutchinson"` (½‖s‖² + vᵀ(∂s/∂x)v, one pass) or `"sliced"` (sliced score matching, ½(vᵀs)² + vᵀ(∂s/∂x)v).
 * @example
 * ```ts
 * ismLoss(net.score, { points, times, probes }, { estimator: "sliced" satisfies DivergenceEstimator });
 * ```
 */
export type DivergenceEstimator = "exact" | "hutchinson" | "sliced";

/**
 * Points, times and (for the stochastic estimators) one probe per row.
 * @example
 * ```ts
 * const batch: IsmTensors = { points, times, probes };
 * ```
 */
export type IsmTensors = Readonly<{
  points: tf.Tensor2D;
  times: tf.Tensor1D;
  /** Probe vectors v with E[vvᵀ] = I, shape of `points`; required unless the estimator is `"exact"`. */
  probes?: tf.Tensor2D;
  /** Per-row weights λ(t); ones when omitted. */
  weights?: tf.Tensor1D;
}>;

/**
 * Implicit (Hyvärinen) score matching: mean_i λ_i (½‖s(x_i, t_i)‖² + ∇·s(x_i, t_i)), or its Hutchinson / sliced
 * estimates.
 *
 * @remarks Equals E‖s − ∇ log p‖²/2 up to a constant when x ~ p. The parameter gradient is a second-order
 * derivative (third-order for a potential network's score), which is correct here because the networks use
 * recursive-gradient activations.
 * @returns a new scalar owned by the caller.
 * @throws ParabolicError `INVALID_ARGUMENT` when a stochastic estimator has no probes; `SHAPE_MISMATCH` for bad shapes.
 * @example
 * ```ts
 * const loss = ismLoss(net.score, { points, times }, { estimator: "exact" });
 * ```
 */
export function ismLoss(score: TensorScoreFn, batch: IsmTensors, options: Readonly<{ estimator?: DivergenceEstimator }> = {}): tf.Scalar {
  const estimator = options.estimator ?? "exact";
  const { points, times, probes, weights } = batch;
  if (estimator !== "exact" && estimator !== "hutchinson" && estimator !== "sliced") {
    throw invalidArgument("ismLoss", "estimator", 'be "exact", "hutchinson" or "sliced"', estimator);
  }
  if (estimator !== "exact" && probes === undefined) throw invalidArgument("ismLoss", "probes", `be given for the "${estimator}" estimator`, probes);
  if (weights !== undefined && (weights.rank !== 1 || weights.shape[0] !== points.shape[0])) {
    throw new ParabolicError("SHAPE_MISMATCH", `ismLoss: 'weights' must have shape [${points.shape[0]}]; got [${weights.shape.join(",")}].`);
  }
  return tf.tidy(() => {
    const field = (x: tf.Tensor2D): tf.Tensor2D => score(x, times);
    let perRow: tf.Tensor;
    if (estimator === "exact") {
      const { value, divergence } = exactDivergence(field, points);
      perRow = tf.add(tf.mul(tf.sum(tf.square(value), 1), 0.5), divergence);
    } else {
      const { value, divergence } = hutchinsonDivergence(field, points, probes!);
      const quadratic = estimator === "hutchinson" ? tf.sum(tf.square(value), 1) : tf.square(tf.sum(tf.mul(value, probes!), 1));
      perRow = tf.add(tf.mul(quadratic, 0.5), divergence);
    }
    return tf.mean(weights === undefined ? perRow : tf.mul(perRow, weights)) as tf.Scalar;
  });
}

/**
 * Distribution of Hutchinson probes.
 * @example
 * ```ts
 * const probes = fillProbes(randomStream(key(0)), new Float32Array(256), "rademacher" satisfies ProbeDistribution);
 * ```
 */
export type ProbeDistribution = "rademacher" | "gaussian";

/**
 * Fills `out` with probe entries (±1 or standard normal).
 * @example
 * ```ts
 * const v = fillProbes(randomStream(key(0)), new Float32Array(4), "rademacher"); // entries ±1
 * ```
 */
export function fillProbes(stream: RandomStream, out: Float32Array, distribution: ProbeDistribution): Float32Array {
  if (distribution === "gaussian") {
    const g = fillNormals(stream, new Float64Array(out.length));
    for (let i = 0; i < out.length; i++) out[i] = g[i]!;
    return out;
  }
  for (let i = 0; i < out.length; i += 32) {
    const bits = stream.nextUint32();
    for (let b = 0; b < 32 && i + b < out.length; b++) out[i + b] = (bits >>> b) & 1 ? 1 : -1;
  }
  return out;
}

/**
 * Options of {@link ismObjective}.
 * @example
 * ```ts
 * const options: IsmObjectiveOptions = { data, dim: 2, batchSize: 128, transition: (t) => vpTransition(t), time: { min: 0.01, max: 1 }, estimator: "hutchinson" };
 * ```
 */
export type IsmObjectiveOptions = Readonly<{
  data: ArrayLike<number>;
  dim: number;
  batchSize: number;
  transition: TransitionFn;
  time: TimeSampling;
  /** @defaultValue "exact" */
  estimator?: DivergenceEstimator;
  /** @defaultValue "rademacher" */
  probes?: ProbeDistribution;
  /** λ(t, variance); @defaultValue variance (σ²) */
  weighting?: "variance" | "none" | ((t: number, variance: number) => number);
}>;

/**
 * Implicit score matching as a training objective: x_t = αx_0 + σε drawn from the data, then {@link ismLoss}.
 *
 * @example
 * ```ts
 * const objective = ismObjective(net.score, { data, dim: 2, batchSize: 128, transition: (t) => vpTransition(t), time: { min: 0.01, max: 1 } });
 * ```
 */
export function ismObjective(score: TensorScoreFn, options: IsmObjectiveOptions): Objective {
  const fn = "ismObjective";
  const { dim, batchSize, data, transition } = options;
  const n = checkData(fn, data, dim);
  assertPositiveInteger(fn, "batchSize", batchSize, 1 << 24);
  const time = checkTimeSampling(fn, "time", options.time);
  const estimator = options.estimator ?? "exact";
  const probeDistribution = options.probes ?? "rademacher";
  if (probeDistribution !== "rademacher" && probeDistribution !== "gaussian") throw invalidArgument(fn, "probes", 'be "rademacher" or "gaussian"', probeDistribution);
  const weighting = options.weighting ?? "variance";
  return {
    name: `ism-${estimator}`,
    loss(k: Key) {
      const stream = randomStream(k);
      const noise = fillNormals(stream, new Float64Array(batchSize * dim));
      const points = new Float32Array(batchSize * dim);
      const times = new Float32Array(batchSize);
      const weights = new Float32Array(batchSize);
      for (let i = 0; i < batchSize; i++) {
        const t = drawTime(stream, time);
        const row = drawIndex(stream, n);
        const { alpha, variance } = transition(t);
        const sd = Math.sqrt(variance);
        for (let j = 0; j < dim; j++) points[i * dim + j] = alpha * data[row * dim + j]! + sd * noise[i * dim + j]!;
        times[i] = t;
        weights[i] = weighting === "variance" ? variance : weighting === "none" ? 1 : weighting(t, variance);
      }
      const probes = estimator === "exact" ? undefined : fillProbes(stream, new Float32Array(batchSize * dim), probeDistribution);
      return tf.tidy(() =>
        ismLoss(
          score,
          {
            points: tf.tensor2d(points, [batchSize, dim]),
            times: tf.tensor1d(times),
            weights: tf.tensor1d(weights),
            ...(probes === undefined ? {} : { probes: tf.tensor2d(probes, [batchSize, dim]) }),
          },
          { estimator },
        ),
      );
    },
  };
}
