/**
 * Field types shared by the HHD package: batched callbacks on row-major `Float64Array`s.
 *
 * @packageDocumentation
 */

/**
 * A batched vector field `x ↦ v(x, t)` on `R^dim`: `points` is `count × dim` row-major, the result is a fresh
 * `count × dim` array (the caller owns it). Time-independent fields simply ignore `t`.
 *
 * @remarks Score models (`s_θ(x, t)`), exact scores (`∇log p_t`) and score errors all have this shape, so a tfjs
 * model is wrapped once (`(x, t) => model.predict(...)` → `Float64Array`) and used everywhere in this package. The
 * package never imports a score package.
 * @example
 * ```ts
 * // the score of N(0, I) in any dimension
 * const standardScore: VectorField = (points) => points.map((v) => -v);
 * ```
 */
export type VectorField = (points: Float64Array, t: number) => Float64Array;

/**
 * A batched scalar field `x ↦ f(x, t)`: `points` is `count × dim` row-major, the result has length `count`.
 *
 * @example
 * ```ts
 * // log N(0, I) in 2-D
 * const logDensity: ScalarField = (points) => {
 *   const out = new Float64Array(points.length / 2);
 *   for (let i = 0; i < out.length; i++) {
 *     const x = points[2 * i]!, y = points[2 * i + 1]!;
 *     out[i] = -Math.log(2 * Math.PI) - 0.5 * (x * x + y * y);
 *   }
 *   return out;
 * };
 * ```
 */
export type ScalarField = (points: Float64Array, t: number) => Float64Array;
