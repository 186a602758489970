import { ParabolicError } from "@parabolic/core";

/**
 * Lower Cholesky factor of the symmetric positive-definite `dim × dim` row-major matrix `a` (fresh array).
 *
 * @throws ParabolicError `INVALID_ARGUMENT` if `a` is not (numerically) positive definite.
 */
export function cholesky(fn: string, argument: string, a: ArrayLike<number>, dim: number): Float64Array {
  const l = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * dim + j]!;
      for (let k = 0; k < j; k++) s -= l[i * dim + k]! * l[j * dim + k]!;
      if (i === j) {
        if (!(s > 0)) {
          throw new ParabolicError(
            "INVALID_ARGUMENT",
            `${fn}: '${argument}' must be symmetric positive definite; got a non-positive pivot ${s} at row ${i}.`,
            { function: fn, argument, row: i, pivot: s },
          );
        }
        l[i * dim + i] = Math.sqrt(s);
      } else {
        l[i * dim + j] = s / l[j * dim + j]!;
      }
    }
  }
  return l;
}

/** log det A from its Cholesky factor. */
export function logDetFromCholesky(l: Float64Array, dim: number): number {
  let s = 0;
  for (let i = 0; i < dim; i++) s += Math.log(l[i * dim + i]!);
  return 2 * s;
}

/** Solves L y = b in place (forward substitution). */
export function forwardSolve(l: Float64Array, dim: number, b: Float64Array): Float64Array {
  for (let i = 0; i < dim; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * dim + k]! * b[k]!;
    b[i] = s / l[i * dim + i]!;
  }
  return b;
}

/** Solves Lᵀ x = y in place (back substitution). */
export function backSolve(l: Float64Array, dim: number, y: Float64Array): Float64Array {
  for (let i = dim - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < dim; k++) s -= l[k * dim + i]! * y[k]!;
    y[i] = s / l[i * dim + i]!;
  }
  return y;
}

/** A⁻¹ from the Cholesky factor of A (fresh dim × dim array). */
export function inverseFromCholesky(l: Float64Array, dim: number): Float64Array {
  const inv = new Float64Array(dim * dim);
  const col = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    col.fill(0);
    col[j] = 1;
    backSolve(l, dim, forwardSolve(l, dim, col));
    for (let i = 0; i < dim; i++) inv[i * dim + j] = col[i]!;
  }
  return inv;
}
