import * as tf from "@tensorflow/tfjs-core";
import { ParabolicError, assertPositiveInteger, assertFiniteNumber, type Key } from "@parabolic/core";
import { createMlp, resolveActivation, validateMlpShape, type ActivationName } from "./internal/mlp.js";
import type { NamedVariable } from "./parameters.js";
import { resolveTimeFeatures, timeFeatureCount, timeFeatures, type ResolvedTimeFeatures, type TimeFeatureOptions } from "./time-features.js";

/**
 * Options of {@link createScoreNetwork}.
 * @example
 * ```ts
 * const options: ScoreNetworkOptions = { dim: 2, width: 128, depth: 3, residual: true, time: { min: 0, max: 1 } };
 * ```
 */
export type ScoreNetworkOptions = Readonly<{
  /** Data dimension d. */
  dim: number;
  /** Hidden width. @defaultValue 128 */
  width?: number;
  /** Number of hidden layers. @defaultValue 3 */
  depth?: number;
  /** Residual hidden blocks `h ← h + act(hW + b)`. @defaultValue false */
  residual?: boolean;
  /** Hidden activation (always one with correct higher-order gradients). @defaultValue "silu" */
  activation?: ActivationName;
  /** Time features. */
  time: TimeFeatureOptions;
  /**
   * Optional preconditioning: the network sees `x · inputScale(t)` (e.g. 1/marginal std). Must be built from
   * differentiable tfjs ops; receives `[batch]`, returns `[batch]` (a new tensor).
   */
  inputScale?: (t: tf.Tensor1D) => tf.Tensor1D;
  /** Optional preconditioning: the output is multiplied by `outputScale(t)` (e.g. 1/σ(t), the ε-parametrisation). */
  outputScale?: (t: tf.Tensor1D) => tf.Tensor1D;
  /** Scale of the last layer's initial weights. @defaultValue 1 */
  outputGain?: number;
}>;

/**
 * JSON description of a network's architecture, stored in checkpoints to detect mismatches.
 * @example
 * ```ts
 * console.log(net.config.width, net.config.activation);
 * ```
 */
export type NetworkConfig = Readonly<Record<string, string | number | boolean | null>>;

/**
 * A score network s_θ(x, t) ≈ ∇_x log p_t(x): an MLP (optionally residual) on `[x·c_in(t), Fourier(t)]`.
 *
 * @remarks A stateful resource: call `dispose()` when done (frees all variables). `score` returns a new tensor owned
 * by the caller and never disposes its inputs.
 * @example
 * ```ts
 * const net: ScoreNetwork = createScoreNetwork(key(0), { dim: 2, time: { min: 0, max: 1 } });
 * ```
 */
export type ScoreNetwork = Readonly<{
  kind: "score";
  dim: number;
  config: NetworkConfig;
  parameters: readonly NamedVariable[];
  /** s_θ(x, t) for x `[batch, dim]`, t `[batch]`; returns `[batch, dim]` (caller owns). */
  score(x: tf.Tensor2D, t: tf.Tensor1D): tf.Tensor2D;
  /** Frees every variable. Further calls throw `INVALID_ARGUMENT`. */
  dispose(): void;
}>;

/**
 * Checks that `x` is `[batch, dim]` and `t` is `[batch]`.
 * @internal
 */
export function checkPointsAndTimes(fn: string, dim: number, x: tf.Tensor, t: tf.Tensor): void {
  if (x.rank !== 2 || x.shape[1] !== dim) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: points must have shape [batch, ${dim}]; got [${x.shape.join(",")}].`, {
      argument: "x",
      expected: [-1, dim],
      received: x.shape.slice(),
    });
  }
  if (t.rank !== 1 || t.shape[0] !== x.shape[0]) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: times must have shape [${x.shape[0]}]; got [${t.shape.join(",")}].`, {
      argument: "t",
      expected: [x.shape[0]],
      received: t.shape.slice(),
    });
  }
}

export function resolveCommon(
  fn: string,
  options: Readonly<{ dim: number; width?: number; depth?: number; residual?: boolean; activation?: ActivationName; outputGain?: number; time: TimeFeatureOptions }>,
): { dim: number; width: number; depth: number; residual: boolean; activation: ActivationName; outputGain: number; time: ResolvedTimeFeatures } {
  assertPositiveInteger(fn, "dim", options.dim, 1 << 20);
  const width = options.width ?? 128;
  const depth = options.depth ?? 3;
  validateMlpShape(fn, width, depth);
  const outputGain = options.outputGain ?? 1;
  assertFiniteNumber(fn, "outputGain", outputGain);
  return {
    dim: options.dim,
    width,
    depth,
    residual: options.residual ?? false,
    activation: resolveActivation(fn, options.activation ?? "silu"),
    outputGain,
    time: resolveTimeFeatures(fn, options.time),
  };
}

/**
 * Creates a score network s_θ(x, t) with weights initialised deterministically from `k`.
 *
 * @param k - PRNG key for the initial weights (LeCun-normal kernels, zero biases).
 * @throws ParabolicError `INVALID_ARGUMENT` for invalid options.
 * @example
 * ```ts
 * const net = createScoreNetwork(key(0), { dim: 2, width: 64, depth: 3, time: { min: 0, max: 1 } });
 * const s = net.score(tf.zeros([4, 2]), tf.fill([4], 0.5)); // [4, 2], caller disposes
 * s.dispose(); net.dispose();
 * ```
 */
export function createScoreNetwork(k: Key, options: ScoreNetworkOptions): ScoreNetwork {
  const fn = "createScoreNetwork";
  const c = resolveCommon(fn, options);
  const mlp = createMlp(
    k,
    { inputs: c.dim + timeFeatureCount(c.time), outputs: c.dim, width: c.width, depth: c.depth, residual: c.residual, activation: c.activation, outputGain: c.outputGain },
    "score",
  );
  const { inputScale, outputScale } = options;
  let disposed = false;
  const config: NetworkConfig = {
    kind: "score",
    dim: c.dim,
    width: c.width,
    depth: c.depth,
    residual: c.residual,
    activation: c.activation,
    timeMin: c.time.min,
    timeMax: c.time.max,
    timeScale: c.time.scale,
    frequencies: c.time.frequencies,
    inputScale: inputScale !== undefined,
    outputScale: outputScale !== undefined,
  };
  return {
    kind: "score",
    dim: c.dim,
    config,
    parameters: mlp.parameters,
    score(x, t) {
      if (disposed) throw new ParabolicError("INVALID_ARGUMENT", "ScoreNetwork.score: the network has been disposed.");
      checkPointsAndTimes("ScoreNetwork.score", c.dim, x, t);
      return tf.tidy(() => {
        const xin = inputScale === undefined ? x : tf.mul(x, tf.reshape(inputScale(t), [-1, 1]));
        const out = mlp.apply(tf.concat([xin as tf.Tensor2D, timeFeatures(t, c.time)], 1));
        return (outputScale === undefined ? out : tf.mul(out, tf.reshape(outputScale(t), [-1, 1]))) as tf.Tensor2D;
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const p of mlp.parameters) p.variable.dispose();
    },
  };
}
