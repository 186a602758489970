import { ParabolicError } from "./errors.js";

/**
 * One progress report from a long-running function (training, sampling, a study).
 *
 * @remarks Libraries only call the callback; CLIs render it as a progress bar (the sampler-study app uses
 * `cli-progress`). `completed` counts up to `total` in the function's own unit (steps, samples, centres).
 *
 * @example
 * ```ts
 * const event: ProgressEvent = { label: "train", completed: 120, total: 1000, detail: { loss: 0.31 } };
 * ```
 */
export type ProgressEvent = Readonly<{
  /** What is running, e.g. `"train"` or `"kappa d=256"`. */
  label: string;
  completed: number;
  total: number;
  /** Optional live numbers to show beside the bar (loss, acceptance rate, …). */
  detail?: Readonly<Record<string, number | string>>;
}>;

/**
 * Callback that receives {@link ProgressEvent}s. Long-running functions take it as the `onProgress` option.
 *
 * @example
 * ```ts
 * const onProgress: ProgressCallback = (e) => console.error(`${e.label} ${e.completed}/${e.total}`);
 * ```
 */
export type ProgressCallback = (event: ProgressEvent) => void;

/**
 * Throws `ABORTED` if `signal` has been aborted; call it between units of work in long loops.
 *
 * @example
 * ```ts
 * for (let step = 0; step < steps; step++) { throwIfAborted(options.signal, "train"); ... }
 * ```
 */
export function throwIfAborted(signal: AbortSignal | undefined, fn: string): void {
  if (signal?.aborted) {
    throw new ParabolicError("ABORTED", `${fn}: aborted by the caller's AbortSignal.`, { function: fn, reason: signal.reason }, signal.reason);
  }
}

/**
 * Returns a callback that forwards at most one event per `intervalMs` (plus always the final one), so hot
 * loops can report every step cheaply.
 *
 * @example
 * ```ts
 * const report = throttleProgress(options.onProgress, 100);
 * for (let i = 0; i < n; i++) report?.({ label: "sample", completed: i + 1, total: n });
 * ```
 */
export function throttleProgress(callback: ProgressCallback | undefined, intervalMs = 100): ProgressCallback | undefined {
  if (callback === undefined) return undefined;
  let last = -Infinity;
  return (event) => {
    const now = performance.now();
    if (event.completed >= event.total || now - last >= intervalMs) {
      last = now;
      callback(event);
    }
  };
}
