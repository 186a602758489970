import { ParabolicError, describeValue, invalidArgument } from "@parabolic/core";

/** Calls a batched callback and checks it returned a finite Float64Array of the expected length. */
export function checkedResult(fn: string, argument: string, value: unknown, expected: number): Float64Array {
  if (!(value instanceof Float64Array) || value.length !== expected) {
    throw new ParabolicError(
      "SHAPE_MISMATCH",
      `${fn}: '${argument}' must return a Float64Array of length ${expected}; got ${describeValue(value)}.`,
      { function: fn, argument, expected, actual: describeValue(value) },
    );
  }
  for (let k = 0; k < value.length; k++) {
    const v = value[k]!;
    if (!Number.isFinite(v)) {
      throw new ParabolicError("NON_FINITE", `${fn}: '${argument}' returned ${v} at entry ${k}.`, { function: fn, argument, index: k, value: v });
    }
  }
  return value;
}

/** Throws INVALID_ARGUMENT unless `value` is a function. */
export function assertFunction(fn: string, argument: string, value: unknown): asserts value is (...args: never[]) => unknown {
  if (typeof value !== "function") throw invalidArgument(fn, argument, "be a function", value);
}

/** Throws INVALID_ARGUMENT unless `value` is a Float64Array. */
export function assertFloat64Array(fn: string, argument: string, value: unknown): asserts value is Float64Array {
  if (!(value instanceof Float64Array)) throw invalidArgument(fn, argument, "be a Float64Array", value);
}

/** A SHAPE_MISMATCH error naming the offending value: "fn: 'argument' must …; got <value>." */
export function shapeMismatch(fn: string, argument: string, must: string, value: unknown): ParabolicError {
  return new ParabolicError("SHAPE_MISMATCH", `${fn}: '${argument}' must ${must}; got ${describeValue(value)}.`, { function: fn, argument, actual: describeValue(value) });
}
