import { assertFiniteNumber, assertNonNegativeInteger, assertNonNegativeNumber, assertPositiveInteger, assertPositiveNumber, invalidArgument } from "@parabolic/core";

/**
 * A learning rate: a constant, or a pure function of the (0-based) step.
 * @example
 * ```ts
 * const lr: LearningRate = (step) => 1e-3 * 0.999 ** step;
 * ```
 */
export type LearningRate = number | ((step: number) => number);

/**
 * Options of {@link cosineSchedule}.
 * @example
 * ```ts
 * const options: CosineScheduleOptions = { initial: 1e-3, final: 1e-4, steps: 10_000, warmup: 500 };
 * ```
 */
export type CosineScheduleOptions = Readonly<{
  /** Peak learning rate (reached after the warm-up). */
  initial: number;
  /** Final learning rate at `steps`. @defaultValue 0 */
  final?: number;
  /** Length of the schedule in steps. */
  steps: number;
  /** Linear warm-up from 0 over this many steps. @defaultValue 0 */
  warmup?: number;
}>;

/**
 * Linear warm-up then cosine decay from `initial` to `final` at `steps` (constant at `final` afterwards).
 *
 * @remarks A pure function of the step, so resumed runs see the same rates.
 * @throws ParabolicError `INVALID_ARGUMENT` for invalid options.
 * @example
 * ```ts
 * const lr = cosineSchedule({ initial: 1e-3, final: 1e-4, steps: 10_000, warmup: 200 });
 * lr(0); // 1e-3 / 200 ... lr(10_000) === 1e-4
 * ```
 */
export function cosineSchedule(options: CosineScheduleOptions): (step: number) => number {
  const fn = "cosineSchedule";
  assertPositiveNumber(fn, "initial", options.initial);
  const final = options.final ?? 0;
  assertNonNegativeNumber(fn, "final", final);
  assertPositiveInteger(fn, "steps", options.steps);
  const warmup = options.warmup ?? 0;
  assertNonNegativeInteger(fn, "warmup", warmup);
  if (warmup >= options.steps) throw invalidArgument(fn, "warmup", `be < steps (${options.steps})`, warmup);
  const { initial, steps } = options;
  return (step) => {
    if (step < warmup) return (initial * (step + 1)) / warmup;
    if (step >= steps) return final;
    const progress = (step - warmup) / (steps - warmup);
    return final + 0.5 * (initial - final) * (1 + Math.cos(Math.PI * progress));
  };
}

/**
 * Linear warm-up to a constant rate.
 *
 * @example
 * ```ts
 * const lr = warmupSchedule({ initial: 1e-3, warmup: 100 });
 * ```
 */
export function warmupSchedule(options: Readonly<{ initial: number; warmup: number }>): (step: number) => number {
  assertPositiveNumber("warmupSchedule", "initial", options.initial);
  assertNonNegativeInteger("warmupSchedule", "warmup", options.warmup);
  const { initial, warmup } = options;
  return (step) => (step < warmup ? (initial * (step + 1)) / warmup : initial);
}

/**
 * Evaluates a {@link LearningRate} at a step.
 * @example
 * ```ts
 * learningRateAt(cosineSchedule({ initial: 1, steps: 10 }), 5); // 0.5
 * ```
 */
export function learningRateAt(rate: LearningRate, step: number): number {
  return typeof rate === "number" ? rate : rate(step);
}

/**
 * A loss weight that is 0 before `delay`, then ramps linearly to `weight` over `ramp` steps (the reference
 * scripts' anchor warm-up and heat-ball delay).
 *
 * @example
 * ```ts
 * const wAnchor = rampWeight({ weight: 1, delay: 1000, ramp: 2000 });
 * ```
 */
export function rampWeight(options: Readonly<{ weight: number; delay?: number; ramp?: number }>): (step: number) => number {
  assertFiniteNumber("rampWeight", "weight", options.weight);
  const delay = options.delay ?? 0;
  const ramp = options.ramp ?? 0;
  assertNonNegativeInteger("rampWeight", "delay", delay);
  assertNonNegativeInteger("rampWeight", "ramp", ramp);
  const { weight } = options;
  return (step) => (step < delay ? 0 : ramp === 0 ? weight : weight * Math.min(1, (step - delay + 1) / ramp));
}
