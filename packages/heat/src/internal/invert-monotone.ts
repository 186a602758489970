/**
 * Inverse of a monotone scalar map by bracketing and bisection (the inverse time map t(s) of a user schedule
 * given without a closed form). The forward integrals use core's `integrate`.
 *
 * @internal
 */

/** Solves f(t) = target for a continuous non-decreasing f on [lo, ∞) by bracketing and bisection. */
export function invertMonotone(f: (t: number) => number, target: number, lo = 0, initialHi = 1): number {
  let a = lo;
  let b = Math.max(initialHi, lo + 1e-12);
  let fb = f(b);
  let guard = 0;
  while (fb < target && guard < 200) {
    a = b;
    b = lo + 2 * (b - lo);
    fb = f(b);
    guard++;
  }
  for (let i = 0; i < 200; i++) {
    const m = 0.5 * (a + b);
    if (m === a || m === b) break;
    if (f(m) < target) a = m;
    else b = m;
  }
  return 0.5 * (a + b);
}
