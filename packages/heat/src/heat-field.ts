/**
 * A batched log-density in heat coordinates: ψ(y, s) = log w(y, s) and optionally its gradient ∇_y ψ.
 *
 * @remarks The interface of every heat-ball estimator. `points` is row-major `count × dim` and `times` holds
 * one heat time s per point, so a model can evaluate all ball points of many centres in one call.
 * `logDensity` returns a fresh length-`count` array; `gradLogDensity` a fresh `count × dim` array. The field
 * need not be normalised for the score estimators (they are self-normalised), but the density, log-density
 * and residual estimators compare ψ at the centre with ψ on the ball, so a per-time offset c(s) shows up
 * (heat-ball.md §10).
 *
 * @example
 * ```ts
 * // the heat kernel Φ(y, s + 0.5) in d = 2 is caloric: w_s = Δw
 * const field: HeatField = {
 *   dim: 2,
 *   logDensity: (y, s) => s.map((si, n) => -Math.log(4 * Math.PI * (si + 0.5)) - (y[2 * n]! ** 2 + y[2 * n + 1]! ** 2) / (4 * (si + 0.5))),
 * };
 * ```
 */
export type HeatField = Readonly<{
  dim: number;
  logDensity(points: Float64Array, times: Float64Array): Float64Array;
  gradLogDensity?: (points: Float64Array, times: Float64Array) => Float64Array;
}>;

/**
 * A batched log-density of the forward process in its original coordinates: log p(x, t) and optionally the
 * score ∇_x log p(x, t). Same layout as {@link HeatField}.
 *
 * @example
 * ```ts
 * const standardNormal: MarginalField = {
 *   dim: 1,
 *   logDensity: (x) => x.map((v) => -0.5 * v * v - 0.5 * Math.log(2 * Math.PI)),
 *   score: (x) => x.map((v) => -v),
 * };
 * ```
 */
export type MarginalField = Readonly<{
  dim: number;
  logDensity(points: Float64Array, times: Float64Array): Float64Array;
  score?: (points: Float64Array, times: Float64Array) => Float64Array;
}>;
