import type { Key } from "@parabolic/core";
import { checkPoints, maybeSubsample, squaredDistance } from "./internal/points.js";

/** Σ_{i<j} |a_i − a_j| for sorted a, in O(n). */
function pairSumSorted(a: Float64Array): number {
  const n = a.length;
  let s = 0;
  for (let k = 0; k < n; k++) s += (2 * k - n + 1) * a[k]!;
  return s;
}

/** Σ_i Σ_j |a_i − b_j| for sorted a, b, in O(n + m). */
function crossSumSorted(a: Float64Array, b: Float64Array): number {
  // For each a_i: Σ_j |a_i − b_j| = a_i·(#b below) − (sum of b below) + (sum of b above) − a_i·(#b above).
  let totalB = 0;
  for (let j = 0; j < b.length; j++) totalB += b[j]!;
  let j = 0;
  let below = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const ai = a[i]!;
    while (j < b.length && b[j]! <= ai) below += b[j++]!;
    s += ai * j - below + (totalB - below) - ai * (b.length - j);
  }
  return s;
}

/**
 * Squared energy distance 2E‖X − Y‖ − E‖X − X′‖ − E‖Y − Y′‖ between two particle sets (Székely–Rizzo).
 *
 * @remarks Within-sample terms are U-statistics (i ≠ j), so the estimate is unbiased and can be slightly
 * negative. It is zero iff the laws agree and needs no bandwidth. **Cost: O((n + m) log(n + m)) in 1-D (sorting),
 * O((n + m)² d) otherwise**; pass `subsample: { key, size }` to cap each set at `size` random rows.
 * @example
 * ```ts
 * energyDistance(x, y, { dim: 1 }); // ≈ 2E|X−Y| − E|X−X′| − E|Y−Y′|
 * ```
 */
export function energyDistance(
  x: Float64Array,
  y: Float64Array,
  options: Readonly<{ dim: number; subsample?: Readonly<{ key: Key; size: number }> }>,
): number {
  const fn = "energyDistance";
  const dim = options.dim;
  checkPoints(fn, "x", x, dim, 2);
  checkPoints(fn, "y", y, dim, 2);
  const a = maybeSubsample(fn, x, dim, options.subsample, 0);
  const b = maybeSubsample(fn, y, dim, options.subsample, 7919);
  const n = a.length / dim;
  const m = b.length / dim;
  if (dim === 1) {
    const sa = a.slice().sort();
    const sb = b.slice().sort();
    return (2 * crossSumSorted(sa, sb)) / (n * m) - (2 * pairSumSorted(sa)) / (n * (n - 1)) - (2 * pairSumSorted(sb)) / (m * (m - 1));
  }
  let xy = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) xy += Math.sqrt(squaredDistance(a, i, b, j, dim));
  let xx = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) xx += Math.sqrt(squaredDistance(a, i, a, j, dim));
  let yy = 0;
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) yy += Math.sqrt(squaredDistance(b, i, b, j, dim));
  return (2 * xy) / (n * m) - (2 * xx) / (n * (n - 1)) - (2 * yy) / (m * (m - 1));
}
