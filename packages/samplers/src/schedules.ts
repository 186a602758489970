import { assertFiniteNumber, assertNonNegativeInteger, assertPositiveNumber, invalidArgument } from "@parabolic/core";

/**
 * What a step-size schedule sees before step `step` (all values at the current positions and time).
 *
 * @example
 * ```ts
 * const rule: StepSizeSchedule = (context: StepSizeContext) => 0.1 / (1 + context.time);
 * ```
 */
export type StepSizeContext = Readonly<{
  /** 0-based index of the step about to be taken. */
  step: number;
  time: number;
  count: number;
  dim: number;
  positions: Float64Array;
  /** Target score ∇log π(time, positions), row-major `count × dim`. */
  score: Float64Array;
}>;

/**
 * A step-size schedule: returns Δt > 0 for the next step.
 *
 * @example
 * ```ts
 * const halving: StepSizeSchedule = ({ step }) => 0.1 * 0.5 ** Math.floor(step / 100);
 * ```
 */
export type StepSizeSchedule = (context: StepSizeContext) => number;

/**
 * A step size: a positive number (constant) or a {@link StepSizeSchedule}.
 *
 * @example
 * ```ts
 * ula({ ...target, stepSize: 0.01 }); ula({ ...target, stepSize: adaptiveStepSize() });
 * ```
 */
export type StepSize = number | StepSizeSchedule;

/** Internal: validates a StepSize option. */
export function checkStepSize(fn: string, stepSize: unknown): asserts stepSize is StepSize {
  if (typeof stepSize === "function") return;
  assertPositiveNumber(fn, "stepSize", stepSize);
}

/** Internal: evaluates a StepSize for a context, throwing INVALID_ARGUMENT if a schedule returns a bad value. */
export function resolveStepSize(fn: string, stepSize: StepSize, context: StepSizeContext): number {
  if (typeof stepSize === "number") return stepSize;
  const h = stepSize(context);
  if (!(typeof h === "number" && h > 0 && Number.isFinite(h))) {
    throw invalidArgument(fn, "stepSize", `return a finite number > 0 at step ${context.step}`, h);
  }
  return h;
}

/**
 * Constant step size as a schedule (passing the number itself is the same, and keeps the exact t₀ + kΔt clock).
 *
 * @example
 * ```ts
 * ula({ ...target, stepSize: constantStepSize({ value: 0.01 }) });
 * ```
 */
export function constantStepSize(options: Readonly<{ value: number }>): StepSizeSchedule {
  const value = options.value;
  assertPositiveNumber("constantStepSize", "value", value);
  return () => value;
}

/**
 * Per-step list of step sizes; after the list is exhausted the last value repeats (or an error, with
 * `repeatLast: false`).
 *
 * @defaultValue repeatLast true
 * @example
 * ```ts
 * // the authors' mixed schedule: 100 steps of 0.01, 100 of 0.1, 100 of 1
 * const h = stepSizeList({ values: [...Array(100).fill(0.01), ...Array(100).fill(0.1), ...Array(100).fill(1)] });
 * ```
 */
export function stepSizeList(options: Readonly<{ values: ArrayLike<number>; repeatLast?: boolean }>): StepSizeSchedule {
  const fn = "stepSizeList";
  const values = options.values;
  if (values === undefined || values.length === 0) throw invalidArgument(fn, "values", "be non-empty", values);
  const list = Float64Array.from(values);
  for (let i = 0; i < list.length; i++) assertPositiveNumber(fn, `values[${i}]`, list[i]);
  const repeatLast = options.repeatLast ?? true;
  return ({ step }) => {
    if (step < list.length) return list[step]!;
    if (repeatLast) return list[list.length - 1]!;
    throw invalidArgument(fn, "step", `be < ${list.length} (the list is exhausted)`, step);
  };
}

/**
 * Decaying step size: geometric h_k = h₀·rate^k, or power h_k = h₀·(1 + k/scale)^(−power).
 *
 * @example
 * ```ts
 * decayStepSize({ initial: 0.1, kind: "power", power: 0.55, scale: 100 });
 * ```
 */
export function decayStepSize(
  options: Readonly<{ initial: number; kind: "geometric"; rate: number; minimum?: number }> |
    Readonly<{ initial: number; kind: "power"; power: number; scale?: number; minimum?: number }>,
): StepSizeSchedule {
  const fn = "decayStepSize";
  assertPositiveNumber(fn, "initial", options.initial);
  const minimum = options.minimum ?? 0;
  if (!(minimum >= 0)) throw invalidArgument(fn, "minimum", "be >= 0", minimum);
  if (options.kind === "geometric") {
    const rate = options.rate;
    if (!(rate > 0 && rate <= 1)) throw invalidArgument(fn, "rate", "be in (0, 1]", rate);
    return ({ step }) => Math.max(minimum, options.initial * Math.pow(rate, step));
  }
  if (options.kind === "power") {
    assertPositiveNumber(fn, "power", options.power);
    const scale = options.scale ?? 1;
    assertPositiveNumber(fn, "scale", scale);
    return ({ step }) => Math.max(minimum, options.initial * Math.pow(1 + step / scale, -options.power));
  }
  throw invalidArgument(fn, "kind", "be 'geometric' or 'power'", (options as { kind: unknown }).kind);
}

/**
 * Linear warm-up: the step size ramps from `initialFactor`·h to h over `steps` steps, then follows `base`.
 *
 * @example
 * ```ts
 * warmupStepSize({ base: 0.01, steps: 50, initialFactor: 0.01 });
 * ```
 */
export function warmupStepSize(options: Readonly<{ base: StepSize; steps: number; initialFactor?: number }>): StepSizeSchedule {
  const fn = "warmupStepSize";
  checkStepSize(fn, options.base);
  assertNonNegativeInteger(fn, "steps", options.steps);
  const f0 = options.initialFactor ?? 0.1;
  if (!(f0 > 0 && f0 <= 1)) throw invalidArgument(fn, "initialFactor", "be in (0, 1]", f0);
  const base = options.base;
  return (context) => {
    const h = resolveStepSize(fn, base, context);
    if (context.step >= options.steps) return h;
    return h * (f0 + ((1 - f0) * context.step) / options.steps);
  };
}

/**
 * The SBTM authors' adaptive rule Δt = scale·N / Σ_i ‖∇log π(X_i)‖², optionally clipped to [minimum, maximum].
 *
 * @remarks Large target scores (particles far from π) give small steps. With all scores zero it returns `maximum`
 * (∞ by default, which is an error): pass a maximum for targets whose score can vanish on all particles.
 * @defaultValue scale 0.1
 * @example
 * ```ts
 * sbtm({ ...target, learner, stepSize: adaptiveStepSize({ maximum: 0.1 }) });
 * ```
 */
export function adaptiveStepSize(options: Readonly<{ scale?: number; minimum?: number; maximum?: number }> = {}): StepSizeSchedule {
  const fn = "adaptiveStepSize";
  const scale = options.scale ?? 0.1;
  assertPositiveNumber(fn, "scale", scale);
  const minimum = options.minimum ?? 0;
  const maximum = options.maximum ?? Infinity;
  if (!(minimum >= 0) || !(maximum > minimum)) throw invalidArgument(fn, "maximum", `be > minimum = ${minimum}`, maximum);
  return ({ score, count }) => {
    let s = 0;
    for (let i = 0; i < score.length; i++) s += score[i]! * score[i]!;
    return Math.min(maximum, Math.max(minimum, (scale * count) / s));
  };
}

/**
 * An annealing schedule: time ↦ λ ∈ [0, 1] (λ = 1 is the target).
 *
 * @example
 * ```ts
 * const schedule: AnnealingSchedule = (t) => Math.min(1, (t / 10) ** 2);
 * ```
 */
export type AnnealingSchedule = (time: number) => number;

/**
 * Linear annealing λ(t) = min(t / duration, 1): the authors' default with duration = Δt·K.
 *
 * @example
 * ```ts
 * const schedule = linearAnnealing({ duration: 10 });
 * ```
 */
export function linearAnnealing(options: Readonly<{ duration: number }>): AnnealingSchedule {
  assertPositiveNumber("linearAnnealing", "duration", options.duration);
  const d = options.duration;
  return (t) => Math.min(Math.max(t / d, 0), 1);
}

/**
 * Power annealing λ(t) = min(t / (reachAt·duration), 1)^power: reaches the target at fraction `reachAt` of the
 * run (the authors' early runs used reachAt = 0.9 with power 1 and 2).
 *
 * @defaultValue power 1, reachAt 1
 * @example
 * ```ts
 * powerAnnealing({ duration: 10, power: 2, reachAt: 0.9 });
 * ```
 */
export function powerAnnealing(options: Readonly<{ duration: number; power?: number; reachAt?: number }>): AnnealingSchedule {
  const fn = "powerAnnealing";
  assertPositiveNumber(fn, "duration", options.duration);
  const power = options.power ?? 1;
  assertPositiveNumber(fn, "power", power);
  const reachAt = options.reachAt ?? 1;
  if (!(reachAt > 0 && reachAt <= 1)) throw invalidArgument(fn, "reachAt", "be in (0, 1]", reachAt);
  const end = options.duration * reachAt;
  return (t) => Math.pow(Math.min(Math.max(t / end, 0), 1), power);
}

/**
 * Clips a schedule to λ ≥ `minimum` (and ≤ `maximum`): the dilation path needs λ bounded away from 0 (the
 * authors clip at 0.2).
 *
 * @defaultValue maximum 1
 * @example
 * ```ts
 * clipAnnealing({ schedule: linearAnnealing({ duration: 10 }), minimum: 0.2 });
 * ```
 */
export function clipAnnealing(options: Readonly<{ schedule: AnnealingSchedule; minimum: number; maximum?: number }>): AnnealingSchedule {
  const fn = "clipAnnealing";
  const schedule = options.schedule;
  if (typeof schedule !== "function") throw invalidArgument(fn, "schedule", "be a function time => λ", schedule);
  assertFiniteNumber(fn, "minimum", options.minimum);
  const maximum = options.maximum ?? 1;
  if (!(options.minimum >= 0 && maximum <= 1 && maximum >= options.minimum)) {
    throw invalidArgument(fn, "minimum", `satisfy 0 <= minimum <= maximum <= 1 (maximum = ${maximum})`, options.minimum);
  }
  return (t) => Math.min(maximum, Math.max(options.minimum, schedule(t)));
}
