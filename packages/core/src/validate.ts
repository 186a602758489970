import { invalidArgument, ParabolicError, describeValue } from "./errors.js";

/**
 * Throws `INVALID_ARGUMENT` unless `value` is an integer in [1, max].
 *
 * @example
 * ```ts
 * assertPositiveInteger("sampleKappa", "count", 1000); // ok
 * ```
 */
export function assertPositiveInteger(fn: string, argument: string, value: unknown, max = Number.MAX_SAFE_INTEGER): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalidArgument(fn, argument, max === Number.MAX_SAFE_INTEGER ? "be a positive integer" : `be an integer in [1, ${max}]`, value);
  }
}

/**
 * Throws `INVALID_ARGUMENT` unless `value` is an integer ≥ 0.
 *
 * @example
 * ```ts
 * assertNonNegativeInteger("normals", "count", options.count);
 * ```
 */
export function assertNonNegativeInteger(fn: string, argument: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > Number.MAX_SAFE_INTEGER) {
    throw invalidArgument(fn, argument, "be a non-negative integer", value);
  }
}

/**
 * Throws `INVALID_ARGUMENT` unless `value` is a finite number.
 *
 * @example
 * ```ts
 * assertFiniteNumber("heatKernel", "t", t);
 * ```
 */
export function assertFiniteNumber(fn: string, argument: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw invalidArgument(fn, argument, "be a finite number", value);
}

/**
 * Throws `INVALID_ARGUMENT` unless `value` is a finite number > 0.
 *
 * @example
 * ```ts
 * assertPositiveNumber("sampleKappa", "radius", radius);
 * ```
 */
export function assertPositiveNumber(fn: string, argument: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw invalidArgument(fn, argument, "be a finite number > 0", value);
  }
}

/**
 * Throws `INVALID_ARGUMENT` unless `value` is a finite number ≥ 0.
 *
 * @example
 * ```ts
 * assertNonNegativeNumber("langevin", "stepSize", h);
 * ```
 */
export function assertNonNegativeNumber(fn: string, argument: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw invalidArgument(fn, argument, "be a finite number >= 0", value);
  }
}

/**
 * Throws `INVALID_ARGUMENT` unless `value` is a number in the closed or open interval given.
 *
 * @example
 * ```ts
 * assertInRange("geometrics", "p", p, { min: 0, max: 1, minExclusive: true });
 * ```
 */
export function assertInRange(
  fn: string,
  argument: string,
  value: unknown,
  range: Readonly<{ min: number; max: number; minExclusive?: boolean; maxExclusive?: boolean }>,
): asserts value is number {
  const lo = range.minExclusive ? "(" : "[";
  const hi = range.maxExclusive ? ")" : "]";
  if (
    typeof value !== "number" ||
    Number.isNaN(value) ||
    (range.minExclusive ? value <= range.min : value < range.min) ||
    (range.maxExclusive ? value >= range.max : value > range.max)
  ) {
    throw invalidArgument(fn, argument, `be a number in ${lo}${range.min}, ${range.max}${hi}`, value);
  }
}

/**
 * Throws `INVALID_ARGUMENT` unless `value` is a non-null object (e.g. a required options object), so a missing
 * argument gives a coded error naming the function instead of a `TypeError` from reading its fields.
 *
 * @param shape - how the message describes the expected object, e.g. `"{ count }"`.
 * @example
 * ```ts
 * assertObject("normals", "options", options, "{ count }"); // then read options.count safely
 * ```
 */
export function assertObject(fn: string, argument: string, value: unknown, shape = ""): asserts value is object {
  if (typeof value !== "object" || value === null) {
    throw invalidArgument(fn, argument, shape === "" ? "be an object" : `be an object ${shape}`, value);
  }
}

/**
 * Throws `SHAPE_MISMATCH` unless `array.length === expected`.
 *
 * @example
 * ```ts
 * assertLength("score", "x", x, count * dim);
 * ```
 */
export function assertLength(fn: string, argument: string, array: ArrayLike<unknown>, expected: number): void {
  if (array.length !== expected) {
    throw new ParabolicError(
      "SHAPE_MISMATCH",
      `${fn}: '${argument}' must have length ${expected}; got ${describeValue(array)}.`,
      { function: fn, argument, expected, actual: array.length },
    );
  }
}

/**
 * Throws `NON_FINITE` at the first NaN or ±∞ entry of `array`, naming its index.
 *
 * @example
 * ```ts
 * assertAllFinite("train", "batch", batch);
 * ```
 */
export function assertAllFinite(fn: string, argument: string, array: ArrayLike<number>): void {
  for (let i = 0; i < array.length; i++) {
    const v = array[i]!;
    if (!Number.isFinite(v)) {
      throw new ParabolicError("NON_FINITE", `${fn}: '${argument}' must be finite everywhere; got ${v} at index ${i}.`, {
        function: fn,
        argument,
        index: i,
        value: v,
      });
    }
  }
}
