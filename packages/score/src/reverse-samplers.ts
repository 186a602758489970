import {
  ParabolicError,
  assertAllFinite,
  assertFiniteNumber,
  assertPositiveInteger,
  assertPositiveNumber,
  fillNormals,
  invalidArgument,
  randomStream,
  throttleProgress,
  type Key,
  type ProgressCallback,
  type RandomStream,
} from "@parabolic/core";
import type { DiffusionSde, ScoreFn } from "./diffusion-sde.js";

/**
 * Outcome of a sampler run.
 * @example
 * ```ts
 * if (result.status !== "success") console.warn(`sampler stopped: ${result.status}`);
 * ```
 */
export type SamplerStatus = "success" | "non_finite" | "aborted" | "max_steps_reached";

/**
 * Result of the reverse-time samplers.
 * @example
 * ```ts
 * const { points, time, status, stats } = sampleProbabilityFlow(options);
 * ```
 */
export type SamplerResult = Readonly<{
  /** Final states, row-major `count × dim` (the last finite state when the status is `"non_finite"`). */
  points: Float64Array;
  /** The time the returned states belong to. */
  time: number;
  status: SamplerStatus;
  stats: Readonly<{ steps: number; rejectedSteps: number; scoreEvaluations: number }>;
}>;

/**
 * A decreasing time grid from `start` (large, noisy end) to `end` (small), or explicit grid points.
 * `spacing` `"log"` suits heat time s, which spans decades; `"quadratic"` refines near `end`.
 * @example
 * ```ts
 * const grid: TimeGrid = { start: 1, end: 1e-3, steps: 500, spacing: "quadratic" };
 * ```
 */
export type TimeGrid =
  | Readonly<{ start: number; end: number; steps: number; spacing?: "uniform" | "log" | "quadratic" }>
  | Readonly<{ times: ArrayLike<number> }>;

/**
 * Builds the grid of a {@link TimeGrid} (strictly decreasing, validated).
 * @example
 * ```ts
 * timeGrid("demo", { start: 1, end: 0, steps: 4 }); // [1, 0.75, 0.5, 0.25, 0]
 * ```
 */
export function timeGrid(fn: string, grid: TimeGrid): Float64Array {
  if ("times" in grid) {
    const t = Float64Array.from(grid.times);
    if (t.length < 2) throw invalidArgument(fn, "grid.times", "have at least 2 entries", t.length);
    assertAllFinite(fn, "grid.times", t);
    for (let i = 1; i < t.length; i++) if (!(t[i]! < t[i - 1]!)) throw invalidArgument(fn, "grid.times", "be strictly decreasing", t[i]);
    return t;
  }
  const { start, end, steps } = grid;
  assertFiniteNumber(fn, "grid.start", start);
  assertFiniteNumber(fn, "grid.end", end);
  assertPositiveInteger(fn, "grid.steps", steps);
  if (!(start > end)) throw invalidArgument(fn, "grid.start", `be > grid.end (${end})`, start);
  const spacing = grid.spacing ?? "uniform";
  if (spacing === "log" && !(end > 0)) throw invalidArgument(fn, "grid.end", 'be > 0 with spacing "log"', end);
  const t = new Float64Array(steps + 1);
  for (let i = 0; i <= steps; i++) {
    const u = i / steps;
    t[i] =
      spacing === "log"
        ? start * Math.pow(end / start, u)
        : spacing === "quadratic"
          ? end + (start - end) * (1 - u) * (1 - u)
          : start + (end - start) * u;
  }
  t[steps] = end;
  return t;
}

/**
 * Options shared by the samplers.
 * @example
 * ```ts
 * const options: SamplerOptions = { sde: xTimeSde(vpProcess(), 2), score, initial, grid: { start: 1, end: 1e-3, steps: 400 } };
 * ```
 */
export type SamplerOptions = Readonly<{
  sde: DiffusionSde;
  score: ScoreFn;
  /** Initial states at the grid's first time, row-major `count × dim` (not modified). */
  initial: Float64Array;
  grid: TimeGrid;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}>;

/**
 * Options of {@link sampleReverseSde}.
 * @example
 * ```ts
 * const options: ReverseSdeOptions = { ...common, method: "heun", corrector: { steps: 1, snr: 0.1 } };
 * ```
 */
export type ReverseSdeOptions = SamplerOptions &
  Readonly<{
    /** @defaultValue "euler-maruyama" */
    method?: "euler-maruyama" | "heun";
    /**
     * Langevin corrector after each predictor step (predictor–corrector sampling): `steps` updates
     * x ← x + εS + √(2ε)z with ε = 2(snr·‖z‖/‖S‖)² (mean norms over the batch).
     */
    corrector?: Readonly<{ steps: number; snr: number }>;
    /** Make the last step noise-free (a Tweedie-like denoising step). @defaultValue false */
    denoiseLastStep?: boolean;
  }>;

function checkCommon(fn: string, options: SamplerOptions): { dim: number; count: number; grid: Float64Array } {
  const { sde, initial } = options;
  if (sde === null || typeof sde !== "object" || typeof sde.drift !== "function") throw invalidArgument(fn, "sde", "be a DiffusionSde", sde);
  if (typeof options.score !== "function") throw invalidArgument(fn, "score", "be a function (points, t) => scores", options.score);
  const dim = sde.dim;
  if (!(initial instanceof Float64Array) || initial.length === 0 || initial.length % dim !== 0) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'initial' must be a Float64Array of count × ${dim} values; got length ${initial?.length}.`, { argument: "initial" });
  }
  assertAllFinite(fn, "initial", initial);
  return { dim, count: initial.length / dim, grid: timeGrid(fn, options.grid) };
}

function isFinite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return false;
  return true;
}

/** Reverse drift in forward-time orientation, b = f − g²·S, into `out`; returns the score array used. */
function reverseDrift(sde: DiffusionSde, score: ScoreFn, x: Float64Array, t: number, scale: number, out: Float64Array): Float64Array {
  const s = score(x, t);
  const f = sde.drift(x, t);
  const g2 = sde.diffusion(t) ** 2 * scale;
  for (let i = 0; i < x.length; i++) out[i] = (f === undefined ? 0 : f[i]!) - g2 * s[i]!;
  return s;
}

function langevinCorrector(score: ScoreFn, x: Float64Array, t: number, steps: number, snr: number, stream: RandomStream, count: number, dim: number): number {
  const z = new Float64Array(x.length);
  for (let k = 0; k < steps; k++) {
    const s = score(x, t);
    fillNormals(stream, z);
    let sNorm = 0;
    let zNorm = 0;
    for (let n = 0; n < count; n++) {
      let a = 0;
      let b = 0;
      for (let j = 0; j < dim; j++) {
        a += s[n * dim + j]! ** 2;
        b += z[n * dim + j]! ** 2;
      }
      sNorm += Math.sqrt(a) / count;
      zNorm += Math.sqrt(b) / count;
    }
    const eps = sNorm > 0 ? 2 * ((snr * zNorm) / sNorm) ** 2 : 0;
    const noise = Math.sqrt(2 * eps);
    for (let i = 0; i < x.length; i++) x[i] = x[i]! + eps * s[i]! + noise * z[i]!;
  }
  return steps;
}

/**
 * Samples the reverse-time SDE dx = [f(x, t) − g(t)²∇log p_t(x)]dt + g(t)dW̄ from the grid's first time down to its
 * last, with Euler–Maruyama or stochastic Heun steps, optionally with a Langevin corrector (predictor–corrector).
 *
 * @remarks Works in x-time with any `@parabolic/heat` process ({@link xTimeSde}, including nonlinear drifts) and in
 * heat time ({@link heatTimeSde}). Float64 throughout; the score is a host callback (exact oracles, or a network via
 * {@link tensorScore}). Never throws mid-run: a non-finite state stops with status `"non_finite"` (the last finite
 * state is returned), an aborted signal with `"aborted"`.
 * @throws ParabolicError `INVALID_ARGUMENT` / `SHAPE_MISMATCH` / `NON_FINITE` for bad options, before any step.
 * @example
 * ```ts
 * const result = sampleReverseSde(key(1), {
 *   sde: xTimeSde(vpProcess(), 2), score, initial, grid: { start: 1, end: 1e-3, steps: 500 }, method: "heun",
 * });
 * ```
 */
export function sampleReverseSde(k: Key, options: ReverseSdeOptions): SamplerResult {
  const fn = "sampleReverseSde";
  const { dim, count, grid } = checkCommon(fn, options);
  const method = options.method ?? "euler-maruyama";
  if (method !== "euler-maruyama" && method !== "heun") throw invalidArgument(fn, "method", 'be "euler-maruyama" or "heun"', method);
  const corrector = options.corrector;
  if (corrector !== undefined) {
    assertPositiveInteger(fn, "corrector.steps", corrector.steps);
    assertPositiveNumber(fn, "corrector.snr", corrector.snr);
  }
  const { sde, score } = options;
  const stream = randomStream(k);
  const report = throttleProgress(options.onProgress, 100);
  let x = options.initial.slice();
  const b1 = new Float64Array(x.length);
  const b2 = new Float64Array(x.length);
  const z = new Float64Array(x.length);
  const xt = new Float64Array(x.length);
  let evaluations = 0;
  let status: SamplerStatus = "success";
  let time = grid[0]!;
  const steps = grid.length - 1;
  for (let i = 0; i < steps; i++) {
    if (options.signal?.aborted) {
      status = "aborted";
      break;
    }
    const t = grid[i]!;
    const tn = grid[i + 1]!;
    const h = t - tn;
    const last = i === steps - 1 && options.denoiseLastStep === true;
    const g = sde.diffusion(t);
    fillNormals(stream, z);
    const noise = last ? 0 : Math.sqrt(h);
    const next = new Float64Array(x.length);
    reverseDrift(sde, score, x, t, 1, b1);
    evaluations++;
    if (method === "euler-maruyama") {
      for (let j = 0; j < x.length; j++) next[j] = x[j]! - b1[j]! * h + g * noise * z[j]!;
    } else {
      for (let j = 0; j < x.length; j++) xt[j] = x[j]! - b1[j]! * h + g * noise * z[j]!;
      reverseDrift(sde, score, xt, tn, 1, b2);
      evaluations++;
      const gm = 0.5 * (g + sde.diffusion(tn));
      for (let j = 0; j < x.length; j++) next[j] = x[j]! - 0.5 * (b1[j]! + b2[j]!) * h + gm * noise * z[j]!;
    }
    if (corrector !== undefined && !last) evaluations += langevinCorrector(score, next, tn, corrector.steps, corrector.snr, stream, count, dim);
    if (!isFinite(next)) {
      status = "non_finite";
      break;
    }
    x = next;
    time = tn;
    report?.({ label: "reverse-sde", completed: i + 1, total: steps });
  }
  return { points: x, time, status, stats: { steps: grid.length - 1, rejectedSteps: 0, scoreEvaluations: evaluations } };
}

/**
 * Options of {@link sampleProbabilityFlow}.
 * @example
 * ```ts
 * const options: ProbabilityFlowOptions = { ...common, method: "adaptive", rtol: 1e-5, atol: 1e-5 };
 * ```
 */
export type ProbabilityFlowOptions = SamplerOptions &
  Readonly<{
    /**
     * `"heun"` (fixed grid, 2nd order) or `"adaptive"` (Bogacki–Shampine 3(2) with error control between the grid's
     * first and last time; the intermediate grid points are ignored).
     * @defaultValue "heun"
     */
    method?: "heun" | "adaptive";
    /** Relative tolerance of the adaptive method. @defaultValue 1e-4 */
    rtol?: number;
    /** Absolute tolerance of the adaptive method. @defaultValue 1e-4 */
    atol?: number;
    /** Step limit of the adaptive method. @defaultValue 10 000 */
    maxSteps?: number;
  }>;

/**
 * Integrates the probability-flow ODE dx/dt = f(x, t) − ½g(t)²∇log p_t(x) backwards from the grid's first time to
 * its last: Heun on the grid, or an adaptive Bogacki–Shampine 3(2) method with an RMS error norm over all particles.
 *
 * @remarks Deterministic (no key). Works in x-time and heat time, with nonlinear forward drifts. Never throws
 * mid-run (status `"non_finite"`, `"aborted"` or `"max_steps_reached"`).
 * @throws ParabolicError `INVALID_ARGUMENT` / `SHAPE_MISMATCH` / `NON_FINITE` for bad options.
 * @example
 * ```ts
 * const result = sampleProbabilityFlow({ sde: heatTimeSde(2), score, initial, grid: { start: 1e4, end: 1e-3, steps: 1 }, method: "adaptive", rtol: 1e-5 });
 * ```
 */
export function sampleProbabilityFlow(options: ProbabilityFlowOptions): SamplerResult {
  const fn = "sampleProbabilityFlow";
  const { grid } = checkCommon(fn, options);
  const method = options.method ?? "heun";
  if (method !== "heun" && method !== "adaptive") throw invalidArgument(fn, "method", 'be "heun" or "adaptive"', method);
  const { sde, score } = options;
  const report = throttleProgress(options.onProgress, 100);
  let x = options.initial.slice();
  const n = x.length;
  let evaluations = 0;
  const velocity = (p: Float64Array, t: number, out: Float64Array): Float64Array => {
    evaluations++;
    reverseDrift(sde, score, p, t, 0.5, out);
    return out;
  };
  if (method === "heun") {
    const k1 = new Float64Array(n);
    const k2 = new Float64Array(n);
    const xt = new Float64Array(n);
    let status: SamplerStatus = "success";
    let time = grid[0]!;
    const steps = grid.length - 1;
    for (let i = 0; i < steps; i++) {
      if (options.signal?.aborted) {
        status = "aborted";
        break;
      }
      const t = grid[i]!;
      const tn = grid[i + 1]!;
      const h = tn - t; // negative
      velocity(x, t, k1);
      for (let j = 0; j < n; j++) xt[j] = x[j]! + h * k1[j]!;
      velocity(xt, tn, k2);
      const next = new Float64Array(n);
      for (let j = 0; j < n; j++) next[j] = x[j]! + 0.5 * h * (k1[j]! + k2[j]!);
      if (!isFinite(next)) {
        status = "non_finite";
        break;
      }
      x = next;
      time = tn;
      report?.({ label: "probability-flow", completed: i + 1, total: steps });
    }
    return { points: x, time, status, stats: { steps, rejectedSteps: 0, scoreEvaluations: evaluations } };
  }
  const rtol = options.rtol ?? 1e-4;
  const atol = options.atol ?? 1e-4;
  const maxSteps = options.maxSteps ?? 10_000;
  assertPositiveNumber(fn, "rtol", rtol);
  assertPositiveNumber(fn, "atol", atol);
  assertPositiveInteger(fn, "maxSteps", maxSteps);
  const t0 = grid[0]!;
  const t1 = grid[grid.length - 1]!;
  let t = t0;
  let h = (t1 - t0) / 100;
  let k1: Float64Array = velocity(x, t, new Float64Array(n));
  const k2 = new Float64Array(n);
  const k3 = new Float64Array(n);
  let k4: Float64Array = new Float64Array(n);
  const xt = new Float64Array(n);
  let accepted = 0;
  let rejected = 0;
  let status: SamplerStatus = "success";
  while (t > t1) {
    if (options.signal?.aborted) {
      status = "aborted";
      break;
    }
    if (accepted + rejected >= maxSteps) {
      status = "max_steps_reached";
      break;
    }
    if (t + h < t1) h = t1 - t;
    for (let j = 0; j < n; j++) xt[j] = x[j]! + 0.5 * h * k1[j]!;
    velocity(xt, t + 0.5 * h, k2);
    for (let j = 0; j < n; j++) xt[j] = x[j]! + 0.75 * h * k2[j]!;
    velocity(xt, t + 0.75 * h, k3);
    const next = new Float64Array(n);
    for (let j = 0; j < n; j++) next[j] = x[j]! + h * ((2 / 9) * k1[j]! + (1 / 3) * k2[j]! + (4 / 9) * k3[j]!);
    velocity(next, t + h, k4);
    let err = 0;
    for (let j = 0; j < n; j++) {
      const e = h * ((-5 / 72) * k1[j]! + (1 / 12) * k2[j]! + (1 / 9) * k3[j]! - (1 / 8) * k4[j]!);
      const sc = atol + rtol * Math.max(Math.abs(x[j]!), Math.abs(next[j]!));
      err += (e / sc) ** 2;
    }
    err = Math.sqrt(err / n);
    if (!Number.isFinite(err)) {
      if (Math.abs(h) < 1e-14 * Math.max(1, Math.abs(t))) {
        status = "non_finite";
        break;
      }
      h *= 0.25;
      rejected++;
      continue;
    }
    if (err <= 1) {
      x = next;
      t = t + h === t1 || t + h < t1 ? t1 : t + h;
      [k1, k4] = [k4, k1];
      accepted++;
      report?.({ label: "probability-flow", completed: Math.round((1000 * (t0 - t)) / (t0 - t1)), total: 1000 });
    } else {
      rejected++;
    }
    h *= Math.min(5, Math.max(0.2, 0.9 * Math.pow(Math.max(err, 1e-10), -1 / 3)));
  }
  return { points: x, time: t, status, stats: { steps: accepted, rejectedSteps: rejected, scoreEvaluations: evaluations } };
}
