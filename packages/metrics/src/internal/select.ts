/**
 * Median of `values` (average of the two middle order statistics for an even count, like numpy/jax), by
 * quickselect on a scratch copy: O(n) expected time. `values` is not modified.
 */
export function median(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const a = values.slice();
  const hi = kthSmallest(a, n >> 1);
  if (n % 2 === 1) return hi;
  // After selecting index n/2, every entry below it is ≤ hi; the lower middle is their maximum.
  let lo = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (a[i]! > lo) lo = a[i]!;
  return 0.5 * (lo + hi);
}

/** k-th smallest (0-based) of `a`, rearranging `a` in place (Hoare selection with median-of-three pivots). */
export function kthSmallest(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const mid = (left + right) >> 1;
    // median of three as pivot
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
