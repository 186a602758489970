import { semidefiniteCholesky, semidefiniteSolve, type SemidefiniteCholesky } from "./dense.js";
import { gaussSeidel, residual, type LaplacianLevel } from "./laplacian.js";
import {
  denseFromCsr,
  gaussSeidelCsr,
  multiply,
  multiplyVector,
  residualCsr,
  toFullCsr,
  toLaplacianCsr,
  transpose,
  type Csr,
  type LaplacianCsr,
} from "./sparse.js";

/**
 * Multigrid V-cycle for the weighted graph Laplacian, used as a symmetric preconditioner inside CG.
 *
 * - Coarsening: geometric 2 × 2 aggregates on every level (levels stay n × n grids); smoothed-aggregation
 *   prolongation `P = (I − ω D⁻¹A) P₀` (P₀ piecewise constant, ω = 2/3) and Galerkin coarse operators `PᵀAP`.
 *   Plain piecewise-constant aggregation converges poorly here: `p` varies by many orders of magnitude across a
 *   coarse cell in the tails (measured two-grid energy contraction ≈ 0.3 on the reference mixture at L = 7);
 *   smoothing the prolongator makes the coarse space follow the operator.
 * - `P·1 = 1`, so every level keeps the constant null space; coarse diagonals are re-derived as minus the
 *   off-diagonal row sums (exact zero row sums) and products use difference form.
 * - Smoothing: `sweeps` forward Gauss–Seidel sweeps before and the same number of backward sweeps after: a
 *   symmetric cycle (a valid CG preconditioner).
 * - Coarsest level (n ≤ `coarsestCells`): dense semidefinite Cholesky (null space dropped).
 */
export type Multigrid = {
  readonly levels: number;
  /** z = B r */
  apply(r: Float64Array, z: Float64Array): void;
};

type Level = {
  n: number;
  matrix: LaplacianCsr;
  prolongation?: Csr;
  restriction?: Csr;
  b: Float64Array;
  x: Float64Array;
  r: Float64Array;
};

/** CSR of the fine 5-point operator built from face weights. */
function fineCsr(fine: LaplacianLevel): LaplacianCsr {
  const { n, wx, wy } = fine;
  const m = n * n;
  const rowPtr = new Int32Array(m + 1);
  const colIndex = new Int32Array(4 * m);
  const values = new Float64Array(4 * m);
  let nnz = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const c = j * n + i;
      if (j > 0) {
        colIndex[nnz] = c - n;
        values[nnz++] = -wy[c - n]!;
      }
      if (i > 0) {
        colIndex[nnz] = c - 1;
        values[nnz++] = -wx[j * (n - 1) + i - 1]!;
      }
      if (i < n - 1) {
        colIndex[nnz] = c + 1;
        values[nnz++] = -wx[j * (n - 1) + i]!;
      }
      if (j < n - 1) {
        colIndex[nnz] = c + n;
        values[nnz++] = -wy[c]!;
      }
      rowPtr[c + 1] = nnz;
    }
  }
  return {
    offDiagonal: { rows: m, cols: m, rowPtr, colIndex: colIndex.slice(0, nnz), values: values.slice(0, nnz) },
    diagonal: fine.diagonal,
    inverseDiagonal: fine.inverseDiagonal,
  };
}

/**
 * Smoothed-aggregation prolongator from an n × n level to its ⌈n/2⌉ × ⌈n/2⌉ aggregates:
 * `P = P₀ − ω D⁻¹ A P₀`, truncated to the pattern "aggregate plus a one-cell ring" (so the coarse stencils stay
 * within radius 2 instead of growing level after level), then each row is corrected on its own aggregate so that
 * `P·1 = 1` exactly.
 */
function smoothedProlongation(n: number, matrix: LaplacianCsr, omega: number): Csr {
  const nc = (n + 1) >> 1;
  const m = n * n;
  const off = matrix.offDiagonal;
  const inv = matrix.inverseDiagonal;
  const rowPtr = new Int32Array(m + 1);
  // at most 4 aggregates are within the one-cell ring of any cell
  const colIndex = new Int32Array(4 * m);
  const values = new Float64Array(4 * m);
  const cols = new Int32Array(4);
  const vals = new Float64Array(4);
  let nnz = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const c = j * n + i;
      const own = (j >> 1) * nc + (i >> 1);
      // candidate aggregates: those whose ring contains (i, j)
      const ia0 = Math.max(0, (i - 1) >> 1);
      const ia1 = Math.min(nc - 1, (i + 1) >> 1);
      const ja0 = Math.max(0, (j - 1) >> 1);
      const ja1 = Math.min(nc - 1, (j + 1) >> 1);
      let k = 0;
      for (let ja = ja0; ja <= ja1; ja++) {
        for (let ia = ia0; ia <= ia1; ia++) {
          cols[k] = ja * nc + ia;
          vals[k] = 0;
          k++;
        }
      }
      // row c of −ω D⁻¹ A P₀: −ω d_c⁻¹ (d_c e_own + Σ_q a_cq e_agg(q)) = −ω e_own − ω d_c⁻¹ Σ_q a_cq e_agg(q)
      const dinv = inv[c]!;
      if (dinv > 0) {
        for (let t = 0; t < k; t++) if (cols[t] === own) vals[t]! -= omega;
        for (let q = off.rowPtr[c]!; q < off.rowPtr[c + 1]!; q++) {
          const col = off.colIndex[q]!;
          const qi = col % n;
          const qj = (col - qi) / n;
          const agg = (qj >> 1) * nc + (qi >> 1);
          for (let t = 0; t < k; t++) {
            if (cols[t] === agg) {
              vals[t]! -= omega * dinv * off.values[q]!;
              break;
            }
          }
        }
      }
      // + P₀ and exact row sum 1 (the truncated mass goes back to the own aggregate)
      let sum = 0;
      for (let t = 0; t < k; t++) sum += vals[t]!;
      for (let t = 0; t < k; t++) if (cols[t] === own) vals[t]! += 1 - sum;
      for (let t = 0; t < k; t++) {
        if (vals[t] !== 0) {
          colIndex[nnz] = cols[t]!;
          values[nnz++] = vals[t]!;
        }
      }
      rowPtr[c + 1] = nnz;
    }
  }
  return { rows: m, cols: nc * nc, rowPtr, colIndex: colIndex.slice(0, nnz), values: values.slice(0, nnz) };
}

export function buildMultigrid(
  fine: LaplacianLevel,
  options: Readonly<{ sweeps: number; correctionScale: number; coarsestCells: number; prolongationSmoothing?: number }>,
): Multigrid {
  const omega = options.prolongationSmoothing ?? 2 / 3;
  const levels: Level[] = [];
  let n = fine.n;
  let matrix = fineCsr(fine);
  for (;;) {
    const size = n * n;
    const level: Level = { n, matrix, b: new Float64Array(size), x: new Float64Array(size), r: new Float64Array(size) };
    levels.push(level);
    if (n <= options.coarsestCells) break;
    const p = smoothedProlongation(n, matrix, omega);
    const rt = transpose(p);
    const coarse = toLaplacianCsr(multiply(rt, multiply(toFullCsr(matrix), p)));
    level.prolongation = p;
    level.restriction = rt;
    n = (n + 1) >> 1;
    matrix = coarse;
  }
  const coarsest = levels[levels.length - 1]!;
  const chol: SemidefiniteCholesky = semidefiniteCholesky(denseFromCsr(coarsest.matrix), coarsest.n * coarsest.n, 1e-10);
  const { sweeps, correctionScale } = options;

  function smooth(index: number, b: Float64Array, x: Float64Array, reverse: boolean): void {
    if (index === 0) gaussSeidel(fine, b, x, reverse);
    else gaussSeidelCsr(levels[index]!.matrix, b, x, reverse);
  }

  function cycle(index: number, b: Float64Array, x: Float64Array): void {
    const level = levels[index]!;
    if (index === levels.length - 1) {
      semidefiniteSolve(chol, b, x);
      return;
    }
    x.fill(0);
    for (let s = 0; s < sweeps; s++) smooth(index, b, x, false);
    if (index === 0) residual(fine, b, x, level.r);
    else residualCsr(level.matrix, b, x, level.r);
    const next = levels[index + 1]!;
    multiplyVector(level.restriction!, level.r, next.b);
    cycle(index + 1, next.b, next.x);
    const p = level.prolongation!;
    const { rowPtr, colIndex, values } = p;
    for (let i = 0; i < p.rows; i++) {
      let s = 0;
      for (let q = rowPtr[i]!; q < rowPtr[i + 1]!; q++) s += values[q]! * next.x[colIndex[q]!]!;
      x[i]! += correctionScale * s;
    }
    for (let s = 0; s < sweeps; s++) smooth(index, b, x, true);
  }

  // B is applied as QᵀB₀Q with Q = I − d1ᵀ/(1ᵀd): the input loses its component along the null space's dual
  // (Σr = 0, removed in proportion to the diagonal so that cells of tiny weight are untouched) and the output loses
  // its d-weighted mean. Without this, the rounding-level inconsistency Σr ≈ 1e-17 is amplified by ~1e15 through
  // the singular smoother and coarse solve and destroys PCG after a few iterations.
  const diagonal = fine.diagonal;
  let diagonalSum = 0;
  for (let c = 0; c < diagonal.length; c++) diagonalSum += diagonal[c]!;
  const projected = new Float64Array(diagonal.length);
  return {
    levels: levels.length,
    apply(r, z) {
      let s = 0;
      for (let c = 0; c < r.length; c++) s += r[c]!;
      const a = diagonalSum > 0 ? s / diagonalSum : 0;
      for (let c = 0; c < r.length; c++) projected[c] = r[c]! - a * diagonal[c]!;
      cycle(0, projected, z);
      let t = 0;
      for (let c = 0; c < z.length; c++) t += diagonal[c]! * z[c]!;
      const shift = diagonalSum > 0 ? t / diagonalSum : 0;
      for (let c = 0; c < z.length; c++) z[c]! -= shift;
    },
  };
}
