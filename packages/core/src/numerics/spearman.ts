import { invalidArgument } from "../errors.js";
import { assertLength } from "../validate.js";
import { pearsonCorrelation } from "./moments.js";

/**
 * Mid-ranks (1-based) of a sample: tied values all get the average of the ranks they occupy.
 * @internal
 */
export function averageRanks(xs: ArrayLike<number>): Float64Array {
  const n = xs.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => xs[i]! - xs[j]!);
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && xs[order[end]!]! === xs[order[start]!]!) end++;
    const rank = (start + 1 + end) / 2; // mean of the 1-based ranks start+1 … end
    for (let q = start; q < end; q++) ranks[order[q]!] = rank;
    start = end;
  }
  return ranks;
}

/**
 * Spearman rank correlation of two equal-length samples: the Pearson correlation of their ranks, with tied values
 * given their average rank (mid-ranks), so it is exact with ties (not the `1 − 6Σd²/(n(n²−1))` shortcut).
 *
 * @returns a number in [−1, 1], or NaN when either sample is constant.
 * @throws ParabolicError `SHAPE_MISMATCH` for different lengths; `INVALID_ARGUMENT` for fewer than two pairs or a
 * non-finite value (NaN has no rank).
 * @example
 * ```ts
 * spearmanCorrelation([1, 2, 3, 4], [10, 20, 15, 40]); // 0.8 (any monotone relation gives ±1)
 * ```
 */
export function spearmanCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const fn = "spearmanCorrelation";
  assertLength(fn, "b", b, a.length);
  if (a.length < 2) throw invalidArgument(fn, "a", "have at least two elements", a);
  for (const [name, xs] of [
    ["a", a],
    ["b", b],
  ] as const) {
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(xs[i]!)) throw invalidArgument(fn, `${name}[${i}]`, "be finite", xs[i]);
    }
  }
  return pearsonCorrelation(averageRanks(a), averageRanks(b));
}
