import {
  assertNonNegativeInteger,
  assertPositiveInteger,
  foldIn,
  invalidArgument,
  throttleProgress,
  throwIfAborted,
  type Key,
  type ProgressCallback,
} from "@parabolic/core";
import type { BaseInfo, BaseState, SamplingKernel } from "./kernel.js";

/**
 * What {@link sampleChains} passes to `onStep` after every step.
 *
 * @example
 * ```ts
 * sampleChains(key(1), { kernel, initialState, steps: 100, onStep: ({ state, info }) => log(state.step, info.stepSize) });
 * ```
 */
export type StepEvent<S extends BaseState, I extends BaseInfo> = Readonly<{
  /** The new state (after the step). */
  state: S;
  info: I;
  /** The state before the step. */
  previous: S;
}>;

/**
 * Options of {@link sampleChains}.
 *
 * @example
 * ```ts
 * sampleChains(key(1), { kernel, initialState, steps: 1000, saveEvery: 100, onProgress: console.error });
 * ```
 */
export type SampleChainsOptions<S extends BaseState, I extends BaseInfo> = Readonly<{
  kernel: SamplingKernel<S, I>;
  initialState: S;
  /** Number of steps to take. */
  steps: number;
  /**
   * Streaming callback after every step (compute and keep your own statistics here: moments, KL, mode mass, a few
   * trajectories). Return `false` to stop early (status `"stopped"`).
   */
  onStep?: (event: StepEvent<S, I>) => void | boolean;
  /** Also keep every `saveEvery`-th state's positions (and the initial and final ones). Off by default. */
  saveEvery?: number;
  /** Keep every step's `info` object in the result (O(steps) memory). @defaultValue false */
  keepInfo?: boolean;
  /** Progress events (throttled to one per 100 ms plus the last), with the numeric fields of `info` as detail. */
  onProgress?: ProgressCallback;
  /** @defaultValue "sample" */
  progressLabel?: string;
  /** Checked before every step; an aborted signal throws `ABORTED`. */
  signal?: AbortSignal;
}>;

/**
 * Result of {@link sampleChains}.
 *
 * @example
 * ```ts
 * const { state, status, failedStep } = sampleChains(key(1), { kernel, initialState, steps: 1000 });
 * ```
 */
export type SampleChainsResult<S extends BaseState, I extends BaseInfo> = Readonly<{
  /** The last state (the last FINITE one if the run diverged). */
  state: S;
  /** `"non_finite"`: a step produced NaN/±∞ (see `failedStep`); `"stopped"`: `onStep` returned false. */
  status: "success" | "non_finite" | "stopped";
  /** Steps completed successfully. */
  stepsTaken: number;
  /** Index (state.step before the step) of the step that diverged, if any. */
  failedStep?: number;
  /** Saved snapshots when `saveEvery` was given: `state.step`, `state.time` and a copy of the positions. */
  saved: ReadonlyArray<Readonly<{ step: number; time: number; position: Float64Array }>>;
  /** Every step's info when `keepInfo` was true, else empty. */
  infos: readonly I[];
}>;

/**
 * Runs a kernel for `steps` steps with streaming callbacks, progress, cancellation and optional snapshots.
 *
 * @remarks Step k of the state uses the key `foldIn(key, state.step)`, so a run continued from a saved state with
 * the same key reproduces an uninterrupted run bit for bit. Nothing is stored per step unless asked
 * (`saveEvery`, `keepInfo`): storing every particle of every step is O(K·N·d) memory. A divergent step (NaN/±∞) is
 * not thrown: the run stops with status `"non_finite"` and the step number, keeping the last finite state.
 * @throws ParabolicError `ABORTED` when `signal` is aborted (checked before each step); `INVALID_ARGUMENT` for bad
 * options.
 * @example
 * ```ts
 * const kernel = ula({ ...gaussianTarget({ dim: 1 }), stepSize: 0.01 });
 * const result = sampleChains(key(1), {
 *   kernel, initialState: kernel.init(x0), steps: 500,
 *   onStep: ({ state }) => { if (state.step % 100 === 0) log(state.position); },
 * });
 * ```
 */
export function sampleChains<S extends BaseState, I extends BaseInfo>(k: Key, options: SampleChainsOptions<S, I>): SampleChainsResult<S, I> {
  const fn = "sampleChains";
  const { kernel, steps } = options;
  if (kernel === null || typeof kernel !== "object" || typeof kernel.step !== "function") {
    throw invalidArgument(fn, "kernel", "be a sampling kernel { init, step }", kernel);
  }
  assertNonNegativeInteger(fn, "steps", steps);
  if (options.saveEvery !== undefined) assertPositiveInteger(fn, "saveEvery", options.saveEvery);
  foldIn(k, 0); // validates the key up front
  const progress = throttleProgress(options.onProgress, 100);
  const label = options.progressLabel ?? "sample";
  const saved: { step: number; time: number; position: Float64Array }[] = [];
  const infos: I[] = [];
  let state = options.initialState;
  const save = (s: S): void => {
    saved.push({ step: s.step, time: s.time, position: s.position.slice() });
  };
  if (options.saveEvery !== undefined) save(state);
  let status: "success" | "non_finite" | "stopped" = "success";
  let failedStep: number | undefined;
  let taken = 0;
  for (let i = 0; i < steps; i++) {
    throwIfAborted(options.signal, fn);
    const previous = state;
    const { state: next, info } = kernel.step(foldIn(k, previous.step), previous);
    if (options.keepInfo) infos.push(info);
    if (info.divergent) {
      status = "non_finite";
      failedStep = previous.step;
      break;
    }
    state = next;
    taken++;
    if (options.saveEvery !== undefined && (i + 1) % options.saveEvery === 0 && i + 1 < steps) save(state);
    if (options.onStep !== undefined && options.onStep({ state, info, previous }) === false) {
      status = "stopped";
      break;
    }
    if (progress !== undefined) {
      const detail: Record<string, number> = {};
      for (const [name, value] of Object.entries(info)) if (typeof value === "number") detail[name] = value;
      progress({ label, completed: i + 1, total: steps, detail });
    }
  }
  if (options.saveEvery !== undefined && saved[saved.length - 1]!.step !== state.step) save(state);
  return {
    state,
    status,
    stepsTaken: taken,
    ...(failedStep === undefined ? {} : { failedStep }),
    saved,
    infos,
  };
}
