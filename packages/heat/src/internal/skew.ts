/**
 * Skew-symmetric generators of the rotation part J of a forward drift.
 *
 * @internal
 */
import { assertLength, invalidArgument } from "@parabolic/core";

/** The default rotation generator: pairs (0,1), (2,3), … rotated counter-clockwise. */
export function defaultGenerator(fn: string, d: number): Float64Array {
  if (d % 2 !== 0) throw invalidArgument(fn, "generator", "be given when dim is odd (the default pairs coordinates)", undefined);
  const j0 = new Float64Array(d * d);
  for (let i = 0; i < d; i += 2) {
    j0[i * d + i + 1] = -1;
    j0[(i + 1) * d + i] = 1;
  }
  return j0;
}

/** Throws unless `m` is a finite skew-symmetric d×d matrix. */
export function checkSkew(fn: string, argument: string, m: Float64Array, d: number): void {
  assertLength(fn, argument, m, d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const a = m[i * d + j]!;
      const b = m[j * d + i]!;
      if (!Number.isFinite(a) || Math.abs(a + b) > 1e-12 * (1 + Math.abs(a))) {
        throw invalidArgument(fn, argument, "be a finite skew-symmetric matrix (Jᵀ = −J)", `entry [${i}][${j}] = ${a} vs [${j}][${i}] = ${b}`);
      }
    }
  }
}
