import * as tf from "@tensorflow/tfjs-core";
import { ParabolicError, assertPositiveNumber, invalidArgument, type Key } from "@parabolic/core";
import { createMlp, type ActivationName } from "./internal/mlp.js";
import type { NamedVariable } from "./parameters.js";
import { checkPointsAndTimes, resolveCommon, type NetworkConfig } from "./score-network.js";
import { timeFeatureCount, timeFeatures, type TimeFeatureOptions } from "./time-features.js";

/**
 * Options of {@link createPotentialNetwork}.
 * @example
 * ```ts
 * const options: PotentialNetworkOptions = { dim: 2, width: 64, dataVariance: 3.4, time: { scale: "log", min: 1e-3, max: 1e4 } };
 * ```
 */
export type PotentialNetworkOptions = Readonly<{
  /** Data dimension d. */
  dim: number;
  /** Hidden width. @defaultValue 128 */
  width?: number;
  /** Number of hidden layers. @defaultValue 3 */
  depth?: number;
  /** Residual hidden blocks. @defaultValue false */
  residual?: boolean;
  /** Hidden activation (always one with correct higher-order gradients). @defaultValue "silu" */
  activation?: ActivationName;
  /** Time features of the heat time s (usually `{ scale: "log", min: s_min, max: S_MAX }`). */
  time: TimeFeatureOptions;
  /**
   * Per-coordinate data variance v. When given, the network input is y/√(v + 2s) (the scale of the heat-flow
   * marginal) and a Gaussian base can be added.
   */
  dataVariance?: number;
  /**
   * Add the exactly caloric base log N(y; 0, (v + 2s)I), so ψ = base + correction. The base solves the heat
   * equation exactly, which makes it a free control variate for heat-ball residuals. Requires `dataVariance`.
   * @defaultValue true when `dataVariance` is given
   */
  gaussianBase?: boolean;
  /**
   * Scale of the correction: `"noise"` multiplies the MLP output by √((v + 2s)/(2s)), so its y-gradient has the
   * 1/√(2s) scale of a noisy score (the MNIST reference parametrisation); `"unit"` leaves it as is.
   * @defaultValue "noise" with a Gaussian base, else "unit"
   */
  correctionScale?: "noise" | "unit";
  /** Scale of the last layer's initial weights. @defaultValue 1 */
  outputGain?: number;
}>;

/**
 * A potential network ψ_θ(y, s) ≈ log w(y, s): a scalar log-density model in heat coordinates whose score is
 * ∇_y ψ_θ by automatic differentiation.
 *
 * @remarks A stateful resource: call `dispose()` when done. Every method returns new tensors owned by the caller
 * and never disposes its inputs. All operations on the y and s paths have correct derivatives of every order
 * (recursive activations, no saved-output kernels), so Laplacians and ∂ψ/∂s can be differentiated again w.r.t.
 * the parameters.
 * @example
 * ```ts
 * const net: PotentialNetwork = createPotentialNetwork(key(0), options);
 * const psi = net.potential(y, s); // [batch]
 * ```
 */
export type PotentialNetwork = Readonly<{
  kind: "potential";
  dim: number;
  config: NetworkConfig;
  parameters: readonly NamedVariable[];
  /** Per-coordinate data variance v, if configured. */
  dataVariance: number | undefined;
  /** Whether ψ includes the caloric Gaussian base. */
  hasGaussianBase: boolean;
  /** ψ_θ(y, s): y `[batch, dim]`, s `[batch]` → `[batch]`. */
  potential(y: tf.Tensor2D, s: tf.Tensor1D): tf.Tensor1D;
  /** ψ_θ − base (equal to ψ_θ without a base). */
  correction(y: tf.Tensor2D, s: tf.Tensor1D): tf.Tensor1D;
  /** ∇_y ψ_θ(y, s), `[batch, dim]`. */
  score(y: tf.Tensor2D, s: tf.Tensor1D): tf.Tensor2D;
  /** ψ_θ and ∇_yψ_θ from one forward/backward pass. */
  potentialAndScore(y: tf.Tensor2D, s: tf.Tensor1D): { potential: tf.Tensor1D; score: tf.Tensor2D };
  /** Frees every variable. Further calls throw `INVALID_ARGUMENT`. */
  dispose(): void;
}>;

/**
 * log N(y; 0, (v + 2s) I) for each row: the heat-flow solution started from N(0, vI), exactly caloric
 * (w_s = Δw).
 *
 * @param y - `[batch, d]` (not disposed).
 * @param s - `[batch]` heat times (not disposed).
 * @returns a new `[batch]` tensor owned by the caller.
 * @example
 * ```ts
 * const base = gaussianBasePotential(tf.zeros([1, 2]), tf.tensor1d([0.5]), 1); // log N(0; 0, 2I) = −log(4π)
 * ```
 */
export function gaussianBasePotential(y: tf.Tensor2D, s: tf.Tensor1D, variance: number): tf.Tensor1D {
  return tf.tidy(() => {
    const d = y.shape[1];
    const q = tf.add(tf.mul(s, 2), variance);
    const sq = tf.sum(tf.square(y), 1);
    return tf.sub(tf.mul(tf.div(sq, q), -0.5), tf.mul(tf.log(tf.mul(q, 2 * Math.PI)), 0.5 * d)) as tf.Tensor1D;
  });
}

/**
 * Creates a potential network ψ_θ(y, s) with weights initialised deterministically from `k`.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` for invalid options (e.g. a Gaussian base without `dataVariance`).
 * @example
 * ```ts
 * const net = createPotentialNetwork(key(1), {
 *   dim: 2, width: 64, depth: 3, dataVariance: 4, time: { scale: "log", min: 0.01, max: 1e4 },
 * });
 * const y = tf.zeros([8, 2]); const s = tf.fill([8], 0.5) as tf.Tensor1D;
 * const score = net.score(y, s); // ∇_y ψ, [8, 2]
 * tf.dispose([y, s, score]); net.dispose();
 * ```
 */
export function createPotentialNetwork(k: Key, options: PotentialNetworkOptions): PotentialNetwork {
  const fn = "createPotentialNetwork";
  const c = resolveCommon(fn, options);
  const base = resolvePotentialBase(fn, options);
  const mlp = createMlp(
    k,
    { inputs: c.dim + timeFeatureCount(c.time), outputs: 1, width: c.width, depth: c.depth, residual: c.residual, activation: c.activation, outputGain: c.outputGain },
    "potential",
  );
  const config: NetworkConfig = {
    kind: "potential",
    dim: c.dim,
    width: c.width,
    depth: c.depth,
    residual: c.residual,
    activation: c.activation,
    timeMin: c.time.min,
    timeMax: c.time.max,
    timeScale: c.time.scale,
    frequencies: c.time.frequencies,
    dataVariance: base.dataVariance ?? null,
    gaussianBase: base.gaussianBase,
    correctionScale: base.correctionScale,
  };
  return assemblePotentialNetwork({
    dim: c.dim,
    config,
    parameters: mlp.parameters,
    base,
    head: (yin, s) => tf.reshape(mlp.apply(tf.concat([yin, timeFeatures(s, c.time)], 1)), [-1]) as tf.Tensor1D,
  });
}

/** The resolved Gaussian-base options shared by every potential network. @internal */
export type PotentialBase = Readonly<{ dataVariance: number | undefined; gaussianBase: boolean; correctionScale: "noise" | "unit" }>;

/**
 * Validates `dataVariance`, `gaussianBase` and `correctionScale` of a potential network's options (names `fn` in
 * errors) and applies their defaults.
 * @internal
 */
export function resolvePotentialBase(
  fn: string,
  options: Readonly<{ dataVariance?: number; gaussianBase?: boolean; correctionScale?: "noise" | "unit" }>,
): PotentialBase {
  const v = options.dataVariance;
  if (v !== undefined) assertPositiveNumber(fn, "dataVariance", v);
  const hasBase = options.gaussianBase ?? v !== undefined;
  if (hasBase && v === undefined) throw invalidArgument(fn, "gaussianBase", "be false unless 'dataVariance' is given", hasBase);
  const correctionScale = options.correctionScale ?? (hasBase ? "noise" : "unit");
  if (correctionScale !== "noise" && correctionScale !== "unit") throw invalidArgument(fn, "correctionScale", 'be "noise" or "unit"', correctionScale);
  return { dataVariance: v, gaussianBase: hasBase, correctionScale };
}

/**
 * Builds a {@link PotentialNetwork} around a scalar head h(y_in, s) → `[batch]`: input scaling y/√(v + 2s) when a
 * data variance is set, the `"noise"` correction scale, the caloric Gaussian base, shape/disposal checks, and
 * ∇_yψ by autodiff. Used by the MLP and the image potential networks so that both behave identically.
 * @internal
 */
export function assemblePotentialNetwork(
  parts: Readonly<{
    dim: number;
    config: NetworkConfig;
    parameters: readonly NamedVariable[];
    base: PotentialBase;
    head: (yin: tf.Tensor2D, s: tf.Tensor1D) => tf.Tensor1D;
  }>,
): PotentialNetwork {
  const { dim, config, parameters, base, head } = parts;
  const v = base.dataVariance;
  const variance = v ?? 1;
  let disposed = false;
  const check = (method: string, y: tf.Tensor, s: tf.Tensor): void => {
    if (disposed) throw new ParabolicError("INVALID_ARGUMENT", `PotentialNetwork.${method}: the network has been disposed.`);
    checkPointsAndTimes(`PotentialNetwork.${method}`, dim, y, s);
  };
  const correction = (y: tf.Tensor2D, s: tf.Tensor1D): tf.Tensor1D =>
    tf.tidy(() => {
      const q = tf.add(tf.mul(s, 2), variance); // v + 2s
      const yin = v === undefined ? y : (tf.div(y, tf.reshape(tf.sqrt(q), [-1, 1])) as tf.Tensor2D);
      const h = head(yin, s);
      return (base.correctionScale === "noise" ? tf.mul(h, tf.sqrt(tf.div(q, tf.mul(s, 2)))) : h) as tf.Tensor1D;
    });
  const potential = (y: tf.Tensor2D, s: tf.Tensor1D): tf.Tensor1D =>
    tf.tidy(() => (base.gaussianBase ? tf.add(gaussianBasePotential(y, s, variance), correction(y, s)) : correction(y, s)) as tf.Tensor1D);
  return {
    kind: "potential",
    dim,
    config,
    parameters,
    dataVariance: v,
    hasGaussianBase: base.gaussianBase,
    potential(y, s) {
      check("potential", y, s);
      return potential(y, s);
    },
    correction(y, s) {
      check("correction", y, s);
      return correction(y, s);
    },
    score(y, s) {
      check("score", y, s);
      return tf.grad((yy: tf.Tensor) => tf.sum(potential(yy as tf.Tensor2D, s)))(y) as tf.Tensor2D;
    },
    potentialAndScore(y, s) {
      check("potentialAndScore", y, s);
      const ones = tf.onesLike(s);
      try {
        const { value, grad } = tf.valueAndGrad((yy: tf.Tensor) => potential(yy as tf.Tensor2D, s))(y, ones);
        return { potential: value as tf.Tensor1D, score: grad as tf.Tensor2D };
      } finally {
        ones.dispose();
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const p of parameters) p.variable.dispose();
    },
  };
}
