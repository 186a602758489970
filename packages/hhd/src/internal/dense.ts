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

/** Cholesky factor (lower, row-major) of an SPD matrix, or undefined if it is not numerically SPD. */
export function cholesky(matrix: ArrayLike<number>, size: number): Float64Array | undefined {
  const l = new Float64Array(size * size);
  for (let j = 0; j < size; j++) {
    let s = matrix[j * size + j]!;
    for (let k = 0; k < j; k++) s -= l[j * size + k]! * l[j * size + k]!;
    if (!(s > 0)) return undefined;
    const d = Math.sqrt(s);
    l[j * size + j] = d;
    for (let i = j + 1; i < size; i++) {
      let t = matrix[i * size + j]!;
      for (let k = 0; k < j; k++) t -= l[i * size + k]! * l[j * size + k]!;
      l[i * size + j] = t / d;
    }
  }
  return l;
}

/** log det from a Cholesky factor. */
export function logDetFromCholesky(l: Float64Array, size: number): number {
  let s = 0;
  for (let i = 0; i < size; i++) s += 2 * Math.log(l[i * size + i]!);
  return s;
}

/** Inverse of an SPD matrix from its Cholesky factor. */
export function inverseFromCholesky(l: Float64Array, size: number): Float64Array {
  const inv = new Float64Array(size * size);
  const e = new Float64Array(size);
  const col = new Float64Array(size);
  for (let j = 0; j < size; j++) {
    e.fill(0);
    e[j] = 1;
    // solve L y = e, then Lᵀ x = y
    for (let i = 0; i < size; i++) {
      let t = e[i]!;
      for (let k = 0; k < i; k++) t -= l[i * size + k]! * col[k]!;
      col[i] = t / l[i * size + i]!;
    }
    for (let i = size - 1; i >= 0; i--) {
      let t = col[i]!;
      for (let k = i + 1; k < size; k++) t -= l[k * size + i]! * col[k]!;
      col[i] = t / l[i * size + i]!;
    }
    for (let i = 0; i < size; i++) inv[i * size + j] = col[i]!;
  }
  return inv;
}

/** C = A B for square row-major matrices. */
export function matmul(a: Float64Array, b: Float64Array, size: number): Float64Array {
  const c = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let k = 0; k < size; k++) {
      const aik = a[i * size + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < size; j++) c[i * size + j]! += aik * b[k * size + j]!;
    }
  }
  return c;
}
