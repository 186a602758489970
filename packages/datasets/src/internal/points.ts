import { invalidArgument, ParabolicError, describeValue } from "@parabolic/core";

/** Validates a row-major point array of dimension `dim` and returns the number of points. */
export function pointCount(fn: string, points: ArrayLike<number>, dim: number): number {
  if (points === null || typeof points !== "object" || typeof (points as { length?: unknown }).length !== "number") {
    throw invalidArgument(fn, "points", "be a row-major array of numbers (count × dim)", points);
  }
  if (points.length % dim !== 0) {
    throw new ParabolicError(
      "SHAPE_MISMATCH",
      `${fn}: 'points' must have a length divisible by dim = ${dim} (row-major count × dim); got ${describeValue(points)}.`,
      { function: fn, argument: "points", dim, actual: points.length },
    );
  }
  return points.length / dim;
}

/** Validates a sample count. */
export function checkCount(fn: string, count: unknown): asserts count is number {
  if (typeof count !== "number" || !Number.isInteger(count) || count < 0 || count > 2 ** 31 - 1) {
    throw invalidArgument(fn, "count", "be an integer in [0, 2^31 - 1]", count);
  }
}
