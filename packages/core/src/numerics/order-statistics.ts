/**
 * Order statistics on Float64Array by quickselect: O(n) expected time, no full sort.
 *
 * @packageDocumentation
 */

/**
 * The k-th smallest entry (0-based) of `a`, rearranging `a` in place (Hoare selection with median-of-three
 * pivots). Afterwards every entry before index k is ≤ the result and every entry after it is ≥ it.
 *
 * @remarks No validation (hot path): `k` must be an integer in [0, a.length) and `a` free of NaN.
 * @example
 * ```ts
 * kthSmallest(new Float64Array([5, 1, 4, 2]), 1); // 2
 * ```
 */
export function kthSmallest(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const mid = (left + right) >> 1;
    let x = a[left]!;
    let y = a[mid]!;
    let z = a[right]!;
    if (x > y) [x, y] = [y, x];
    if (y > z) [y, z] = [z, y];
    if (x > y) [x, y] = [y, x];
    const pivot = y;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return a[k]!;
  }
  return a[k]!;
}

/**
 * Median of `a` (mean of the two middle order statistics for an even length, like NumPy), rearranging `a` in
 * place; NaN for an empty array. Use {@link median} to keep the input intact.
 *
 * @example
 * ```ts
 * const scratch = distances.slice();
 * const h = medianInPlace(scratch);
 * ```
 */
export function medianInPlace(a: Float64Array): number {
  const n = a.length;
  if (n === 0) return Number.NaN;
  const hi = kthSmallest(a, n >> 1);
  if (n % 2 === 1) return hi;
  // After selecting index n/2, every entry below it is ≤ hi; the lower middle is their maximum.
  let lo = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (a[i]! > lo) lo = a[i]!;
  return 0.5 * (lo + hi);
}

/**
 * Median of `values` without modifying them (quickselect on a copy); NaN for an empty array.
 *
 * @example
 * ```ts
 * median(new Float64Array([3, 1, 2, 10])); // 2.5
 * ```
 */
export function median(values: Float64Array): number {
  return medianInPlace(values.slice());
}
