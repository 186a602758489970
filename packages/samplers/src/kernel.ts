import type { Key } from "@parabolic/core";

/**
 * Fields every sampler state has. States are immutable: `step` returns a new state with fresh arrays.
 *
 * @example
 * ```ts
 * const { position, time, step } = kernel.init(x0);
 * ```
 */
export type BaseState = Readonly<{
  /** Particles, row-major `count × dim` (never mutated after creation). */
  position: Float64Array;
  /** Sampler clock (the `time` passed to time-dependent targets). */
  time: number;
  /** Number of steps taken since `init`. */
  step: number;
}>;

/**
 * Fields every step info has.
 *
 * @example
 * ```ts
 * if (kernel.step(k, state).info.divergent) console.error("NaN");
 * ```
 */
export type BaseInfo = Readonly<{
  /** Step size Δt used by this step. */
  stepSize: number;
  /** True if the new positions (or the score there) contain NaN or ±∞; drivers stop and report the step. */
  divergent: boolean;
}>;

/**
 * A blackjax-style sampling kernel: pure `init` and `step` (given the same key and state, `step` returns the
 * same result), immutable states, fresh output arrays.
 *
 * @remarks SBTM is the exception to purity: its learner is a stateful resource that `step` trains (documented on
 * {@link sbtm}).
 * @example
 * ```ts
 * const kernel: SamplingKernel<UlaState, UlaInfo> = ula({ ...target, stepSize: 0.1 });
 * const { state, info } = kernel.step(foldIn(runKey, 0), kernel.init(x0));
 * ```
 */
export type SamplingKernel<S extends BaseState, I extends BaseInfo> = Readonly<{
  /** Builds the initial state from row-major `count × dim` positions (copied). */
  init(positions: Float64Array, options?: Readonly<{ time?: number }>): S;
  /** One step with its own key (derive it with `foldIn(runKey, state.step)`). */
  step(key: Key, state: S): Readonly<{ state: S; info: I }>;
}>;

/** Internal: true if any entry is NaN or ±∞. */
export function hasNonFinite(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return true;
  return false;
}
