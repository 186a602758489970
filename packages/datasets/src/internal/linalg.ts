/**
 * Small dense float64 linear algebra for the Gaussian-mixture oracle: Cholesky factorisation and the two
 * triangular solves. Row-major `d × d` blocks inside a larger Float64Array (offset given).
 */

/**
 * Cholesky factor L (lower, row-major, strict upper part zero) of the symmetric matrix `a` (d × d at `offset`),
 * written into `out` at `outOffset`. Returns `true` on success, `false` if a pivot is not strictly positive
 * (the matrix is not numerically positive definite).
 */
export function choleskyInto(a: Float64Array, offset: number, d: number, out: Float64Array, outOffset: number): boolean {
  for (let i = 0; i < d * d; i++) out[outOffset + i] = 0;
  for (let j = 0; j < d; j++) {
    let diag = a[offset + j * d + j]!;
    for (let k = 0; k < j; k++) {
      const l = out[outOffset + j * d + k]!;
      diag -= l * l;
    }
    if (!(diag > 0) || !Number.isFinite(diag)) return false;
    const ljj = Math.sqrt(diag);
    out[outOffset + j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let s = a[offset + i * d + j]!;
      for (let k = 0; k < j; k++) s -= out[outOffset + i * d + k]! * out[outOffset + j * d + k]!;
      out[outOffset + i * d + j] = s / ljj;
    }
  }
  return true;
}

/** Solves L z = b in place (b → z); L lower-triangular d × d at `offset`. */
export function forwardSolveInPlace(l: Float64Array, offset: number, d: number, b: Float64Array): void {
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    const row = offset + i * d;
    for (let k = 0; k < i; k++) s -= l[row + k]! * b[k]!;
    b[i] = s / l[row + i]!;
  }
}

/** Solves Lᵀ y = z in place (z → y); L lower-triangular d × d at `offset`. */
export function backwardSolveTransposeInPlace(l: Float64Array, offset: number, d: number, z: Float64Array): void {
  for (let i = d - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < d; k++) s -= l[offset + k * d + i]! * z[k]!;
    z[i] = s / l[offset + i * d + i]!;
  }
}
