/**
 * Small dense symmetric positive semi-definite factorisation used as the coarsest-grid solver of the multigrid
 * preconditioner and by the dual-Sobolev estimators.
 */

/** A Cholesky factor of the kept rows/columns of a PSD matrix; dropped pivots solve to 0. */
export type SemidefiniteCholesky = Readonly<{ size: number; factor: Float64Array; dropped: Uint8Array; droppedCount: number }>;

/**
 * Cholesky factorisation `A = L Lᵀ` (row-major, lower triangle of `factor`), dropping pivot j when its Schur
 * complement is ≤ `relativeTolerance · A_jj` (the null space of a graph Laplacian, or numerical rank loss).
 * The resulting solve is the symmetric PSD operator `x_S = A_SS⁻¹ b_S`, `x_dropped = 0`.
 */
export function semidefiniteCholesky(matrix: Float64Array, size: number, relativeTolerance: number): SemidefiniteCholesky {
  const l = new Float64Array(matrix);
  const dropped = new Uint8Array(size);
  let droppedCount = 0;
  for (let j = 0; j < size; j++) {
    const rowJ = j * size;
    const ajj = matrix[rowJ + j]!;
    let s = ajj;
    for (let k = 0; k < j; k++) {
      const v = l[rowJ + k]!;
      s -= v * v;
    }
    if (!(s > relativeTolerance * Math.abs(ajj)) || ajj <= 0) {
      dropped[j] = 1;
      droppedCount++;
      for (let i = j; i < size; i++) l[i * size + j] = 0;
      continue;
    }
    const d = Math.sqrt(s);
    l[rowJ + j] = d;
    for (let i = j + 1; i < size; i++) {
      const rowI = i * size;
      let t = l[rowI + j]!;
      for (let k = 0; k < j; k++) t -= l[rowI + k]! * l[rowJ + k]!;
      l[rowI + j] = t / d;
    }
  }
  // zero the strict upper triangle so the factor is clean
  for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) l[i * size + j] = 0;
  return { size, factor: l, dropped, droppedCount };
}

/** Solves with a {@link semidefiniteCholesky} factor: `out = A_SS⁻¹ b` on kept indices, 0 on dropped ones. */
export function semidefiniteSolve(chol: SemidefiniteCholesky, b: ArrayLike<number>, out: Float64Array): Float64Array {
  const { size, factor: l, dropped } = chol;
  for (let i = 0; i < size; i++) {
    if (dropped[i]) {
      out[i] = 0;
      continue;
    }
    let t = b[i]!;
    const row = i * size;
    for (let k = 0; k < i; k++) t -= l[row + k]! * out[k]!;
    out[i] = t / l[row + i]!;
  }
  for (let i = size - 1; i >= 0; i--) {
    if (dropped[i]) {
      out[i] = 0;
      continue;
    }
    let t = out[i]!;
    for (let k = i + 1; k < size; k++) t -= l[k * size + i]! * out[k]!;
    out[i] = t / l[i * size + i]!;
  }
  return out;
}
