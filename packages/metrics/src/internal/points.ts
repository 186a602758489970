import { ParabolicError, assertPositiveInteger, describeValue, invalidArgument, randomStream, type Key } from "@parabolic/core";

/**
 * Validates a row-major `count × dim` particle array and returns `count`.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` (not a Float64Array, empty, bad dim) or `SHAPE_MISMATCH` (length not a
 * multiple of dim).
 */
export function checkPoints(fn: string, argument: string, points: unknown, dim: number, minCount = 1): number {
  assertPositiveInteger(fn, "dim", dim);
  if (!(points instanceof Float64Array)) {
    throw invalidArgument(fn, argument, "be a Float64Array (row-major count × dim)", points);
  }
  if (points.length % dim !== 0) {
    throw new ParabolicError(
      "SHAPE_MISMATCH",
      `${fn}: '${argument}' must have a length that is a multiple of dim = ${dim}; got ${describeValue(points)}.`,
      { function: fn, argument, dim, length: points.length },
    );
  }
  const count = points.length / dim;
  if (count < minCount) {
    throw invalidArgument(fn, argument, `hold at least ${minCount} point(s) of dimension ${dim}`, points);
  }
  return count;
}

/** Validates an optional subsampling request and returns the rows to use (a fresh array, or `points` itself). */
export function maybeSubsample(
  fn: string,
  points: Float64Array,
  dim: number,
  subsample: Readonly<{ key: Key; size: number }> | undefined,
  salt: number,
): Float64Array {
  if (subsample === undefined) return points;
  assertPositiveInteger(fn, "subsample.size", subsample.size);
  const count = points.length / dim;
  if (subsample.size >= count) return points;
  return subsampleRows(subsample.key, points, dim, subsample.size, salt);
}

/**
 * `size` distinct rows of `points` chosen uniformly without replacement (partial Fisher–Yates), in their
 * original order.
 */
export function subsampleRows(k: Key, points: Float64Array, dim: number, size: number, salt = 0): Float64Array {
  const count = points.length / dim;
  const stream = randomStream(k);
  for (let i = 0; i < salt; i++) stream.nextUint32();
  const index = new Int32Array(count);
  for (let i = 0; i < count; i++) index[i] = i;
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(stream.nextDouble() * (count - i));
    const tmp = index[i]!;
    index[i] = index[j]!;
    index[j] = tmp;
  }
  const chosen = index.subarray(0, size).slice().sort();
  const out = new Float64Array(size * dim);
  for (let r = 0; r < size; r++) out.set(points.subarray(chosen[r]! * dim, chosen[r]! * dim + dim), r * dim);
  return out;
}

/** Squared Euclidean distance between row `i` of `a` and row `j` of `b`. */
export function squaredDistance(a: Float64Array, i: number, b: Float64Array, j: number, dim: number): number {
  let s = 0;
  const oa = i * dim;
  const ob = j * dim;
  for (let k = 0; k < dim; k++) {
    const d = a[oa + k]! - b[ob + k]!;
    s += d * d;
  }
  return s;
}
