import type { Key } from "@parabolic/core";

/**
 * A distribution on ℝ^dim that can be sampled, with its exact log-density and score where one exists.
 *
 * @remarks Points are row-major `count × dim` arrays (`Float64Array` or any `ArrayLike<number>`); every method
 * returns fresh `Float64Array`s owned by the caller. `logDensity` is normalised (integrates to 1) unless the
 * distribution says otherwise in its documentation; `score` is ∇ log p. NaN inputs give NaN outputs (no throw:
 * these are hot-path functions). Members are `undefined` where no exact formula exists (e.g. the pinwheel).
 *
 * @example
 * ```ts
 * const p: Distribution = sparseDenseMixture();
 * const x = p.sample(key(1), 1000);       // Float64Array(2000)
 * const lp = p.logDensity?.(x);           // Float64Array(1000)
 * ```
 */
export type Distribution = Readonly<{
  /** Short identifier, e.g. `"two-moons"`. */
  name: string;
  /** Dimension of the sample space. */
  dim: number;
  /** Draws `count` independent samples (row-major `count × dim`), deterministically from `key`. */
  sample: (key: Key, count: number) => Float64Array;
  /** Exact normalised log-density at each of the `count` points, or `undefined` if none is available. */
  logDensity?: ((points: ArrayLike<number>) => Float64Array) | undefined;
  /** Exact score ∇ log p at each point (row-major `count × dim`), or `undefined` if none is available. */
  score?: ((points: ArrayLike<number>) => Float64Array) | undefined;
}>;

/**
 * A {@link Distribution} whose exact log-density and score are always available.
 *
 * @example
 * ```ts
 * const moons: ExactDistribution = twoMoons();
 * const s = moons.score(moons.sample(key(0), 10));
 * ```
 */
export type ExactDistribution = Distribution &
  Readonly<{
    logDensity: (points: ArrayLike<number>) => Float64Array;
    score: (points: ArrayLike<number>) => Float64Array;
  }>;
