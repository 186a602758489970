import * as tf from "@tensorflow/tfjs-core";
import { assertPositiveInteger, invalidArgument } from "@parabolic/core";
import { forwardDrift, type ForwardProcess } from "@parabolic/heat";
import type { HeatDrift } from "./heat-ball-groups.js";
import type { TensorScoreFn } from "./types.js";

/**
 * A forward SDE dX = f(X, t)dt + g(t)dW as the reverse-time samplers see it: a batched drift (`count × dim` at one
 * time; `undefined` means f ≡ 0) and a scalar diffusion g(t).
 * @example
 * ```ts
 * const sde: DiffusionSde = { dim: 1, drift: (x) => x.map((v) => -v), diffusion: () => Math.SQRT2 }; // OU
 * ```
 */
export type DiffusionSde = Readonly<{
  dim: number;
  drift(points: Float64Array, t: number): Float64Array | undefined;
  diffusion(t: number): number;
}>;

/**
 * A batched score callback: ∇ log p_t at `count` points (row-major `count × dim`) at one time; returns a fresh
 * `count × dim` array. Use {@link tensorScore} to wrap a network.
 * @example
 * ```ts
 * const standardNormalScore: ScoreFn = (x) => x.map((v) => -v);
 * ```
 */
export type ScoreFn = (points: Float64Array, t: number) => Float64Array;

/**
 * The forward SDE of a `@parabolic/heat` process in x-time: f = −β(t)x + J(t)x + b(x, t), g(t) — linear
 * schedules (OU, VP, sub-VP, VE) and nonlinear drifts alike.
 *
 * @example
 * ```ts
 * const sde = xTimeSde(vpProcess(), 2);
 * ```
 */
export function xTimeSde(process: ForwardProcess, dim: number): DiffusionSde {
  assertPositiveInteger("xTimeSde", "dim", dim);
  if (process.dim !== undefined && process.dim !== dim) throw invalidArgument("xTimeSde", "dim", `equal the process dimension ${process.dim}`, dim);
  return {
    dim,
    drift: (points, t) => forwardDrift(process, points, t, dim),
    diffusion: (t) => process.diffusion(t),
  };
}

/**
 * The forward SDE in heat coordinates (y, s): dY = c(Y, s)ds + √2 dW_s, whose density w solves
 * w_s = Δw − ∇·(cw) (heat-ball.md §2). Without a drift it is the plain heat flow, whose reverse-time sampler is
 * y ← y + 2S(y, s)Δs + √(2Δs)ε.
 *
 * @param drift - the heat-coordinate drift c (e.g. `timeChange(process).heatDrift`), if any.
 * @example
 * ```ts
 * const sde = heatTimeSde(2);                                  // linear forward processes
 * const sde2 = heatTimeSde(2, timeChange(process).heatDrift);  // nonlinear drift
 * ```
 */
export function heatTimeSde(dim: number, drift?: HeatDrift): DiffusionSde {
  assertPositiveInteger("heatTimeSde", "dim", dim);
  if (drift !== undefined && drift.dim !== dim) throw invalidArgument("heatTimeSde", "drift.dim", `equal ${dim}`, drift.dim);
  return {
    dim,
    drift: drift === undefined ? () => undefined : (points, s) => drift.evaluate(points, new Float64Array(points.length / dim).fill(s)),
    diffusion: () => Math.SQRT2,
  };
}

/**
 * Wraps a tensor score function (a network's `score`) as a host {@link ScoreFn}: uploads float32 chunks of at most
 * `batchSize` rows, evaluates inside `tf.tidy` and returns float64 copies. No tensors outlive a call.
 *
 * @remarks Synchronous (`dataSync`) because the samplers are synchronous loops; fine on the cpu and wasm backends.
 * @example
 * ```ts
 * const score = tensorScore(net.score, { dim: 2 });
 * const s = score(points, 0.5);
 * ```
 */
export function tensorScore(score: TensorScoreFn, options: Readonly<{ dim: number; batchSize?: number }>): ScoreFn {
  const { dim } = options;
  const batchSize = options.batchSize ?? 4096;
  assertPositiveInteger("tensorScore", "batchSize", batchSize);
  return (points, t) => {
    const count = points.length / dim;
    const out = new Float64Array(points.length);
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      const chunk = Float32Array.from(points.subarray(start * dim, (start + n) * dim));
      const result = tf.tidy(() => score(tf.tensor2d(chunk, [n, dim]), tf.fill([n], t) as tf.Tensor1D));
      out.set(result.dataSync(), start * dim);
      result.dispose();
    }
    return out;
  };
}
