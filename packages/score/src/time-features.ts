import * as tf from "@tensorflow/tfjs-core";
import { assertPositiveNumber, invalidArgument, assertNonNegativeInteger } from "@parabolic/core";

/**
 * How a network sees time: the time is mapped to u ∈ [0, 1] (linearly or logarithmically between `min` and
 * `max`), then expanded into `[u, sin(πku), cos(πku)]` for k = 1 … `frequencies`.
 * @example
 * ```ts
 * const time: TimeFeatureOptions = { scale: "log", min: 1e-3, max: 1e4, frequencies: 8 };
 * ```
 */
export type TimeFeatureOptions = Readonly<{
  /** Smallest time the network is trained on (> 0 when `scale` is `"log"`). */
  min: number;
  /** Largest time the network is trained on. */
  max: number;
  /** `"linear"` for x-time in [0, T]; `"log"` for heat time s, which spans several decades. @defaultValue "linear" */
  scale?: "linear" | "log";
  /** Number of Fourier frequencies. @defaultValue 8 */
  frequencies?: number;
}>;

/**
 * Validated, filled-in {@link TimeFeatureOptions}.
 * @example
 * ```ts
 * const resolved: ResolvedTimeFeatures = resolveTimeFeatures("demo", { min: 0, max: 1 });
 * ```
 */
export type ResolvedTimeFeatures = Readonly<{ min: number; max: number; scale: "linear" | "log"; frequencies: number }>;

/**
 * Validates time-feature options and fills in defaults.
 * @example
 * ```ts
 * resolveTimeFeatures("demo", { min: 0, max: 1 }); // { min: 0, max: 1, scale: "linear", frequencies: 8 }
 * ```
 */
export function resolveTimeFeatures(fn: string, options: TimeFeatureOptions): ResolvedTimeFeatures {
  const scale = options.scale ?? "linear";
  if (scale !== "linear" && scale !== "log") throw invalidArgument(fn, "time.scale", 'be "linear" or "log"', scale);
  const frequencies = options.frequencies ?? 8;
  assertNonNegativeInteger(fn, "time.frequencies", frequencies);
  if (scale === "log") assertPositiveNumber(fn, "time.min", options.min);
  if (!Number.isFinite(options.min)) throw invalidArgument(fn, "time.min", "be finite", options.min);
  if (!(Number.isFinite(options.max) && options.max > options.min)) {
    throw invalidArgument(fn, "time.max", `be finite and > time.min (${options.min})`, options.max);
  }
  return { min: options.min, max: options.max, scale, frequencies };
}

/**
 * Number of feature columns produced by {@link timeFeatures}.
 * @example
 * ```ts
 * timeFeatureCount(resolveTimeFeatures("demo", { min: 0, max: 1, frequencies: 4 })); // 9
 * ```
 */
export function timeFeatureCount(options: ResolvedTimeFeatures): number {
  return 1 + 2 * options.frequencies;
}

/**
 * Fourier time features `[u, sin(πku), cos(πku)]`, k = 1 … F, of a batch of times.
 *
 * @remarks Built only from `log`, `sub`, `mul`, `sin`, `cos` and `concat`, whose gradients are correct to any order,
 * so ∂ψ/∂s of a potential network is exact. Times outside [min, max] extrapolate smoothly (no clamping).
 * @param t - times, shape `[batch]` (not disposed).
 * @returns a new `[batch, 1 + 2F]` tensor owned by the caller.
 * @example
 * ```ts
 * const feats = timeFeatures(tf.tensor1d([0.1, 1, 10]), resolveTimeFeatures("demo", { min: 0.01, max: 100, scale: "log" }));
 * ```
 */
export function timeFeatures(t: tf.Tensor1D, options: ResolvedTimeFeatures): tf.Tensor2D {
  return tf.tidy(() => {
    let u: tf.Tensor;
    if (options.scale === "log") {
      const lo = Math.log(options.min);
      u = tf.mul(tf.sub(tf.log(t), lo), 1 / (Math.log(options.max) - lo));
    } else {
      u = tf.mul(tf.sub(t, options.min), 1 / (options.max - options.min));
    }
    const col = tf.reshape(u, [-1, 1]);
    if (options.frequencies === 0) return col as tf.Tensor2D;
    const freqs = new Float32Array(options.frequencies);
    for (let k = 0; k < freqs.length; k++) freqs[k] = Math.PI * (k + 1);
    // [batch,1] · [1,F] as a broadcast multiply (no matmul needed for an outer product).
    const angles = tf.mul(col, tf.tensor2d(freqs, [1, options.frequencies]));
    return tf.concat([col, tf.sin(angles), tf.cos(angles)], 1) as tf.Tensor2D;
  });
}
