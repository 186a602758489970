/**
 * Minimal compressed-sparse-row kernels for the coarse levels of the multigrid preconditioner. Every matrix here
 * is a symmetric "Laplacian-like" operator with zero row sums (`A·1 = 0`): the diagonal is stored separately and
 * products are computed in difference form `Σ_j a_ij (x_i − x_j)` over off-diagonal entries, which is exact on
 * constants and avoids cancellation where x is huge in cells of negligible weight.
 */

export type Csr = {
  readonly rows: number;
  readonly cols: number;
  readonly rowPtr: Int32Array;
  readonly colIndex: Int32Array;
  readonly values: Float64Array;
};

/** A Laplacian-like level: off-diagonal part (no diagonal entries) plus the diagonal `d_i = −Σ_j a_ij`. */
export type LaplacianCsr = {
  readonly offDiagonal: Csr;
  readonly diagonal: Float64Array;
  readonly inverseDiagonal: Float64Array;
};

/** C = A·B (Gustavson with a dense marker row; column indices sorted within rows). */
export function multiply(a: Csr, b: Csr): Csr {
  const marker = new Int32Array(b.cols).fill(-1);
  const acc = new Float64Array(b.cols);
  const rowPtr = new Int32Array(a.rows + 1);
  let cap = Math.max(16, 2 * (a.values.length + b.values.length));
  let colIndex = new Int32Array(cap);
  let values = new Float64Array(cap);
  let touched = new Int32Array(64);
  let nnz = 0;
  for (let i = 0; i < a.rows; i++) {
    let count = 0;
    for (let p = a.rowPtr[i]!; p < a.rowPtr[i + 1]!; p++) {
      const k = a.colIndex[p]!;
      const v = a.values[p]!;
      for (let q = b.rowPtr[k]!; q < b.rowPtr[k + 1]!; q++) {
        const j = b.colIndex[q]!;
        if (marker[j] !== i) {
          marker[j] = i;
          acc[j] = v * b.values[q]!;
          if (count === touched.length) {
            const t = new Int32Array(2 * count);
            t.set(touched);
            touched = t;
          }
          // insertion into the sorted list of touched columns (rows are short)
          let pos = count++;
          while (pos > 0 && touched[pos - 1]! > j) {
            touched[pos] = touched[pos - 1]!;
            pos--;
          }
          touched[pos] = j;
        } else {
          acc[j]! += v * b.values[q]!;
        }
      }
    }
    if (nnz + count > cap) {
      cap = Math.max(2 * cap, nnz + count);
      const ci = new Int32Array(cap);
      ci.set(colIndex.subarray(0, nnz));
      colIndex = ci;
      const vv = new Float64Array(cap);
      vv.set(values.subarray(0, nnz));
      values = vv;
    }
    for (let t = 0; t < count; t++) {
      const j = touched[t]!;
      colIndex[nnz] = j;
      values[nnz++] = acc[j]!;
    }
    rowPtr[i + 1] = nnz;
  }
  return { rows: a.rows, cols: b.cols, rowPtr, colIndex: colIndex.slice(0, nnz), values: values.slice(0, nnz) };
}

export function transpose(a: Csr): Csr {
  const counts = new Int32Array(a.cols + 1);
  for (let p = 0; p < a.values.length; p++) counts[a.colIndex[p]! + 1]! += 1;
  for (let j = 0; j < a.cols; j++) counts[j + 1]! += counts[j]!;
  const rowPtr = counts.slice();
  const next = counts.slice(0, a.cols);
  const colIndex = new Int32Array(a.values.length);
  const values = new Float64Array(a.values.length);
  for (let i = 0; i < a.rows; i++) {
    for (let p = a.rowPtr[i]!; p < a.rowPtr[i + 1]!; p++) {
      const j = a.colIndex[p]!;
      const dst = next[j]!++;
      colIndex[dst] = i;
      values[dst] = a.values[p]!;
    }
  }
  return { rows: a.cols, cols: a.rows, rowPtr, colIndex, values };
}

/** Full CSR of a Laplacian-like level (diagonal included), for products. */
export function toFullCsr(level: LaplacianCsr): Csr {
  const off = level.offDiagonal;
  const n = off.rows;
  const rowPtr = new Int32Array(n + 1);
  const colIndex = new Int32Array(off.values.length + n);
  const values = new Float64Array(off.values.length + n);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    let placed = false;
    for (let p = off.rowPtr[i]!; p < off.rowPtr[i + 1]!; p++) {
      const j = off.colIndex[p]!;
      if (!placed && j > i) {
        colIndex[nnz] = i;
        values[nnz++] = level.diagonal[i]!;
        placed = true;
      }
      colIndex[nnz] = j;
      values[nnz++] = off.values[p]!;
    }
    if (!placed) {
      colIndex[nnz] = i;
      values[nnz++] = level.diagonal[i]!;
    }
    rowPtr[i + 1] = nnz;
  }
  return { rows: n, cols: n, rowPtr, colIndex, values };
}

/**
 * Splits a full symmetric matrix with zero row sums into off-diagonal part + diagonal, re-deriving the diagonal as
 * `−Σ_{j≠i} a_ij` (exact zero row sums) and symmetrising rounding (`(a_ij + a_ji)/2`).
 */
export function toLaplacianCsr(full: Csr): LaplacianCsr {
  const n = full.rows;
  const t = transpose(full);
  const rowPtr = new Int32Array(n + 1);
  const colIndex = new Int32Array(full.values.length);
  const values = new Float64Array(full.values.length);
  const diagonal = new Float64Array(n);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    // rows of `full` and `t` have the same sparsity pattern for a structurally symmetric matrix
    let q = t.rowPtr[i]!;
    for (let p = full.rowPtr[i]!; p < full.rowPtr[i + 1]!; p++) {
      const j = full.colIndex[p]!;
      while (q < t.rowPtr[i + 1]! && t.colIndex[q]! < j) q++;
      const vt = q < t.rowPtr[i + 1]! && t.colIndex[q] === j ? t.values[q]! : 0;
      if (j === i) continue;
      const v = 0.5 * (full.values[p]! + vt);
      if (v === 0) continue;
      colIndex[nnz] = j;
      values[nnz++] = v;
      diagonal[i]! -= v;
    }
    rowPtr[i + 1] = nnz;
  }
  const inverseDiagonal = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const inv = 1 / diagonal[i]!;
    inverseDiagonal[i] = diagonal[i]! > 0 && Number.isFinite(inv) ? inv : 0;
  }
  return {
    offDiagonal: { rows: n, cols: n, rowPtr, colIndex: colIndex.slice(0, nnz), values: values.slice(0, nnz) },
    diagonal,
    inverseDiagonal,
  };
}

/** r = b − A x, difference form. */
export function residualCsr(level: LaplacianCsr, b: Float64Array, x: Float64Array, r: Float64Array): void {
  const { rowPtr, colIndex, values } = level.offDiagonal;
  const n = b.length;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    let s = 0;
    // A x = Σ_j a_ij x_j + d_i x_i = Σ_j a_ij (x_j − x_i) since d_i = −Σ_j a_ij, so r_i = b_i + Σ_j a_ij (x_i − x_j)
    for (let p = rowPtr[i]!; p < rowPtr[i + 1]!; p++) s += values[p]! * (xi - x[colIndex[p]!]!);
    r[i] = b[i]! + s;
  }
}

/** One Gauss–Seidel sweep (forward or backward), in place. */
export function gaussSeidelCsr(level: LaplacianCsr, b: Float64Array, x: Float64Array, reverse: boolean): void {
  const { rowPtr, colIndex, values } = level.offDiagonal;
  const inv = level.inverseDiagonal;
  const n = b.length;
  if (!reverse) {
    for (let i = 0; i < n; i++) {
      const di = inv[i]!;
      if (di === 0) continue;
      let s = b[i]!;
      for (let p = rowPtr[i]!; p < rowPtr[i + 1]!; p++) s -= values[p]! * x[colIndex[p]!]!;
      x[i] = s * di;
    }
  } else {
    for (let i = n - 1; i >= 0; i--) {
      const di = inv[i]!;
      if (di === 0) continue;
      let s = b[i]!;
      for (let p = rowPtr[i]!; p < rowPtr[i + 1]!; p++) s -= values[p]! * x[colIndex[p]!]!;
      x[i] = s * di;
    }
  }
}

/** Dense copy (n × n) of a Laplacian-like level. */
export function denseFromCsr(level: LaplacianCsr): Float64Array {
  const { rows: n, rowPtr, colIndex, values } = level.offDiagonal;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    a[i * n + i] = level.diagonal[i]!;
    for (let p = rowPtr[i]!; p < rowPtr[i + 1]!; p++) a[i * n + colIndex[p]!]! += values[p]!;
  }
  return a;
}

/** y = A x (plain CSR product, for the transfer operators). */
export function multiplyVector(a: Csr, x: Float64Array, y: Float64Array): void {
  const { rowPtr, colIndex, values } = a;
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let p = rowPtr[i]!; p < rowPtr[i + 1]!; p++) s += values[p]! * x[colIndex[p]!]!;
    y[i] = s;
  }
}
