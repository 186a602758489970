import { ParabolicError, assertPositiveInteger, invalidArgument, type Key } from "@parabolic/core";
import { simulateForward, timeChange, type ForwardProcess, type SdeMethod } from "@parabolic/heat";
import { checkData } from "./internal/sampling.js";

/**
 * Options of {@link simulateCenterPool}.
 * @example
 * ```ts
 * const options: CenterPoolOptions = { data, dim: 2, times: [0.1, 0.5, 1], paths: 4000, steps: 1000 };
 * ```
 */
export type CenterPoolOptions = Readonly<{
  /** Initial data x₀, row-major `count × dim` (rows are reused cyclically over the paths). */
  data: ArrayLike<number>;
  dim: number;
  /** Times t (x-time) at which states are kept; each must lie on the step grid. */
  times: readonly number[];
  /** Number of simulated paths. */
  paths: number;
  /** Uniform SDE steps from 0 to max(times). */
  steps: number;
  /** @defaultValue "heun" */
  method?: SdeMethod;
}>;

/**
 * A pool of forward-simulated states in heat coordinates, `points` row-major `count × dim`, one heat time per row.
 * @example
 * ```ts
 * const pool: CenterPool = simulateCenterPool(key(0), process, options);
 * ```
 */
export type CenterPool = Readonly<{ dim: number; points: Float64Array; times: Float64Array; xTimes: Float64Array }>;

/**
 * Simulates the forward SDE of `process` from the data (`@parabolic/heat`'s stochastic Heun or Euler–Maruyama) and
 * keeps the states at `times`, mapped to heat coordinates (y, s): the training centres for a nonlinear drift, which
 * has no closed-form transition.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` for bad options; `NON_FINITE` if the simulation diverges.
 * @example
 * ```ts
 * const process = ouProcess({ rate: 0, diffusion: Math.SQRT2, drift: doubleWellDrift({ dim: 2 }) });
 * const pool = simulateCenterPool(key(1), process, { data, dim: 2, times: [0.1, 0.2, 0.5, 1], paths: 8000, steps: 200 });
 * ```
 */
export function simulateCenterPool(k: Key, process: ForwardProcess, options: CenterPoolOptions): CenterPool {
  const fn = "simulateCenterPool";
  const { data, dim, times, paths, steps } = options;
  const n = checkData(fn, data, dim);
  assertPositiveInteger(fn, "paths", paths);
  assertPositiveInteger(fn, "steps", steps);
  if (!Array.isArray(times) || times.length === 0 || times.some((t) => !(t > 0 && Number.isFinite(t)))) {
    throw invalidArgument(fn, "times", "be a non-empty list of finite times > 0", times);
  }
  const t1 = Math.max(...times);
  const initial = new Float64Array(paths * dim);
  for (let p = 0; p < paths; p++) for (let j = 0; j < dim; j++) initial[p * dim + j] = data[(p % n) * dim + j]!;
  const result = simulateForward(k, process, {
    initial,
    dim,
    t1,
    steps,
    method: options.method ?? "heun",
    saveAt: { times: times.filter((t) => t !== t1) },
  });
  if (result.status !== "success") {
    throw new ParabolicError("NON_FINITE", `${fn}: the forward simulation stopped with status "${result.status}".`, { status: result.status });
  }
  const change = timeChange(process, { dim });
  const count = result.ts.length * paths;
  const points = new Float64Array(count * dim);
  const heatTimes = new Float64Array(count);
  const xTimes = new Float64Array(count);
  result.ts.forEach((t, i) => {
    const mapped = change.toHeat(result.ys[i]!, t);
    points.set(mapped.points, i * paths * dim);
    heatTimes.fill(change.heatTime(t), i * paths, (i + 1) * paths);
    xTimes.fill(t, i * paths, (i + 1) * paths);
  });
  return { dim, points, times: heatTimes, xTimes };
}
