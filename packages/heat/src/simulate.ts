import {
  assertAllFinite,
  assertFiniteNumber,
  assertLength,
  assertPositiveInteger,
  fillNormals,
  invalidArgument,
  randomStream,
  throttleProgress,
  type Key,
  type ProgressCallback,
} from "@parabolic/core";
import type { ForwardProcess } from "./forward-process.js";

/**
 * Outcome of a solver run: finished, stopped at a non-finite state, or stopped by the caller's AbortSignal.
 *
 * @example
 * ```ts
 * if (run.status === "non_finite") console.warn(`diverged after ${run.stats.steps} steps`);
 * ```
 */
export type SolverStatus = "success" | "non_finite" | "aborted";

/**
 * Which SDE integrator {@link simulateForward} uses.
 *
 * @example
 * ```ts
 * const method: SdeMethod = "heun";
 * ```
 */
export type SdeMethod = "euler-maruyama" | "heun";

/**
 * Result of {@link simulateForward} (diffrax-style).
 *
 * @example
 * ```ts
 * const { ts, ys, status } = simulateForward(key(1), ouProcess(), { initial: x0, dim: 2, t1: 1, steps: 100 });
 * ```
 */
export type SimulationResult = Readonly<{
  /** Saved times. */
  ts: Float64Array;
  /** Saved states, one `count × dim` array per saved time. */
  ys: Float64Array[];
  status: SolverStatus;
  stats: Readonly<{ steps: number; driftEvaluations: number }>;
}>;

/**
 * Options of {@link simulateForward}.
 *
 * @example
 * ```ts
 * const options: SimulateOptions = { initial: x0, dim: 2, t1: 1, steps: 200, method: "heun", saveAt: { every: 50 } };
 * ```
 */
export type SimulateOptions = Readonly<{
  /** Initial states, row-major `count × dim`. */
  initial: Float64Array;
  /** State dimension (required unless the process fixes it). */
  dim?: number;
  /** @defaultValue 0 */
  t0?: number;
  t1: number;
  /** Number of uniform steps; the grid is t0 + k(t1 − t0)/steps (never accumulated). */
  steps: number;
  /** @defaultValue "euler-maruyama" */
  method?: SdeMethod;
  /**
   * Which states to keep: `times` (each must be a grid time), `every` n steps, and/or `t0`. The final state is
   * always saved. @defaultValue only t1
   */
  saveAt?: Readonly<{ times?: readonly number[]; every?: number; t0?: boolean }>;
  /**
   * Pre-drawn standard normals (`steps × count × dim`) used instead of the key's stream — for coupled
   * convergence studies (sum pairs and divide by √2 to coarsen).
   */
  noise?: Float64Array;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}>;

/**
 * Evaluates the full forward drift F(x,t) = −β(t)x + J(t)x + b(x,t) for a batch of points at one time.
 *
 * @returns a fresh `count × dim` array.
 * @throws ParabolicError `INVALID_ARGUMENT` for a bad `dim` or one that differs from the process's;
 * `SHAPE_MISMATCH` when `points` is not `count × dim` or the nonlinear drift returns the wrong length.
 * @example
 * ```ts
 * const f = forwardDrift(ouProcess(), new Float64Array([1, 2]), 0, 2); // [−1, −2]
 * ```
 */
export function forwardDrift(process: ForwardProcess, points: Float64Array, t: number, dim: number): Float64Array {
  const fn = "forwardDrift";
  assertPositiveInteger(fn, "dim", dim);
  if (process.dim !== undefined && process.dim !== dim) throw invalidArgument(fn, "dim", `equal the process dimension ${process.dim}`, dim);
  if (points.length % dim !== 0) assertLength(fn, "points", points, (Math.floor(points.length / dim) + 1) * dim);
  const beta = process.beta(t);
  const count = points.length / dim;
  let out: Float64Array;
  if (process.drift) {
    const times = new Float64Array(count).fill(t);
    out = process.drift.evaluate(points, times);
    assertLength(fn, "drift.evaluate(points)", out, points.length);
    for (let i = 0; i < out.length; i++) out[i] = out[i]! - beta * points[i]!;
  } else {
    out = new Float64Array(points.length);
    for (let i = 0; i < out.length; i++) out[i] = -beta * points[i]!;
  }
  const rot = process.rotation;
  if (rot) {
    const rate = rot.rate(t);
    const j0 = rot.generator;
    for (let n = 0; n < count; n++) {
      const o = n * dim;
      for (let i = 0; i < dim; i++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += j0[i * dim + j]! * points[o + j]!;
        out[o + i] = out[o + i]! + rate * s;
      }
    }
  }
  return out;
}

/**
 * Simulates the forward SDE dX = F(X,t)dt + g(t)dW with Euler–Maruyama or the stochastic Heun scheme.
 *
 * @remarks The noise is additive (g depends on t only), so both schemes have strong order 1; Heun
 * (predictor x̃ = x + Fh + gΔW, corrector x' = x + ½(F(x,t) + F(x̃,t+h))h + ½(g(t) + g(t+h))ΔW) has weak order 2
 * for smooth drifts where Euler–Maruyama has weak order 1. Use it where no closed-form transition exists
 * (nonlinear drift b). Float64 throughout; a non-finite state stops the run with status `"non_finite"` (the
 * last finite state is kept) and an aborted signal with `"aborted"` — it never throws mid-run.
 *
 * @param k PRNG key (unused when `noise` is given).
 * @throws ParabolicError `INVALID_ARGUMENT`/`SHAPE_MISMATCH`/`NON_FINITE` for bad options, before any step.
 * @example
 * ```ts
 * const x0 = new Float64Array(2 * 1000); // 1000 particles at the origin in 2-D
 * const run = simulateForward(key(1), ouProcess(), { initial: x0, dim: 2, t1: 1, steps: 100, method: "heun" });
 * run.ys[0]; // the 1000 × 2 states at t = 1, ≈ N(0, (1 − e^{−2}) I)
 * ```
 */
export function simulateForward(k: Key, process: ForwardProcess, options: SimulateOptions): SimulationResult {
  const fn = "simulateForward";
  const dim = options.dim ?? process.dim;
  if (dim === undefined) throw invalidArgument(fn, "dim", "be given (the process does not fix the dimension)", dim);
  assertPositiveInteger(fn, "dim", dim);
  if (process.dim !== undefined && process.dim !== dim) throw invalidArgument(fn, "dim", `equal the process dimension ${process.dim}`, dim);
  const initial = options.initial;
  if (!(initial instanceof Float64Array)) throw invalidArgument(fn, "initial", "be a Float64Array (count × dim)", initial);
  const count = initial.length / dim;
  if (!Number.isInteger(count) || count === 0) throw invalidArgument(fn, "initial", `have a positive length divisible by dim = ${dim}`, initial);
  assertAllFinite(fn, "initial", initial);
  const t0 = options.t0 ?? 0;
  assertFiniteNumber(fn, "t0", t0);
  assertFiniteNumber(fn, "t1", options.t1);
  if (!(options.t1 > t0)) throw invalidArgument(fn, "t1", `be > t0 (${t0})`, options.t1);
  assertPositiveInteger(fn, "steps", options.steps);
  const steps = options.steps;
  const t1 = options.t1;
  const method = options.method ?? "euler-maruyama";
  if (method !== "euler-maruyama" && method !== "heun") throw invalidArgument(fn, "method", `be "euler-maruyama" or "heun"`, method);
  const noise = options.noise;
  if (noise !== undefined) assertLength(fn, "noise", noise, steps * count * dim);
  const gridTime = (step: number): number => (step === steps ? t1 : t0 + (step * (t1 - t0)) / steps);

  // save schedule
  const saveSteps = new Set<number>([steps]);
  const saveAt = options.saveAt ?? {};
  if (saveAt.t0) saveSteps.add(0);
  if (saveAt.every !== undefined) {
    assertPositiveInteger(fn, "saveAt.every", saveAt.every);
    for (let s = saveAt.every; s < steps; s += saveAt.every) saveSteps.add(s);
  }
  for (const t of saveAt.times ?? []) {
    assertFiniteNumber(fn, "saveAt.times[]", t);
    const step = Math.round(((t - t0) / (t1 - t0)) * steps);
    if (step < 0 || step > steps || Math.abs(gridTime(step) - t) > 1e-9 * Math.max(1, Math.abs(t))) {
      throw invalidArgument(fn, "saveAt.times[]", `lie on the step grid t0 + k·(t1 − t0)/${steps}`, t);
    }
    saveSteps.add(step);
  }

  const stream = noise === undefined ? randomStream(k) : undefined;
  const z = new Float64Array(count * dim);
  let x = Float64Array.from(initial);
  const ts: number[] = [];
  const ys: Float64Array[] = [];
  if (saveSteps.has(0)) {
    ts.push(t0);
    ys.push(x.slice());
  }
  const report = throttleProgress(options.onProgress);
  let status: SolverStatus = "success";
  let evaluations = 0;
  let done = 0;
  for (let step = 0; step < steps; step++) {
    if (options.signal?.aborted) {
      status = "aborted";
      break;
    }
    const ta = gridTime(step);
    const tb = gridTime(step + 1);
    const h = tb - ta;
    const sq = Math.sqrt(h);
    if (noise === undefined) fillNormals(stream!, z);
    else z.set(noise.subarray(step * count * dim, (step + 1) * count * dim));
    const fa = forwardDrift(process, x, ta, dim);
    evaluations++;
    const ga = process.diffusion(ta);
    const next = new Float64Array(x.length);
    if (method === "euler-maruyama") {
      for (let i = 0; i < x.length; i++) next[i] = x[i]! + fa[i]! * h + ga * sq * z[i]!;
    } else {
      const gb = process.diffusion(tb);
      const pred = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) pred[i] = x[i]! + fa[i]! * h + ga * sq * z[i]!;
      const fb = forwardDrift(process, pred, tb, dim);
      evaluations++;
      const gm = 0.5 * (ga + gb) * sq;
      for (let i = 0; i < x.length; i++) next[i] = x[i]! + 0.5 * (fa[i]! + fb[i]!) * h + gm * z[i]!;
    }
    let finite = true;
    for (let i = 0; i < next.length; i++) {
      if (!Number.isFinite(next[i]!)) {
        finite = false;
        break;
      }
    }
    if (!finite) {
      status = "non_finite";
      break;
    }
    x = next;
    done = step + 1;
    if (saveSteps.has(done)) {
      ts.push(tb);
      ys.push(x.slice());
    }
    report?.({ label: "simulateForward", completed: done, total: steps });
  }
  if (status !== "success") {
    ts.push(gridTime(done));
    ys.push(x.slice());
  }
  return { ts: Float64Array.from(ts), ys, status, stats: { steps: done, driftEvaluations: evaluations } };
}
