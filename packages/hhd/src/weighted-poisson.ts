import {
  ParabolicError,
  assertInRange,
  assertPositiveInteger,
  invalidArgument,
  throttleProgress,
  type ProgressCallback,
} from "@parabolic/core";
import { checkFaceField, type FaceField, type Grid2D } from "./grid-2d.js";
import { applyLaplacian, makeLevel, type LaplacianLevel } from "./internal/laplacian.js";
import { buildMultigrid } from "./internal/multigrid.js";

/**
 * How a solve ended. Solvers report this instead of throwing mid-solve (unless `throwOnFailure`).
 *
 * @example
 * ```ts
 * const { status } = solveWeightedPoisson(grid, weights, b);
 * if (status !== "success") console.warn(status satisfies SolveStatus);
 * ```
 */
export type SolveStatus = "success" | "max_iterations_reached" | "non_finite" | "breakdown" | "aborted";

/**
 * Preconditioner of the conjugate-gradient solve.
 *
 * @example
 * ```ts
 * solveWeightedPoisson(grid, weights, b, { preconditioner: "jacobi" satisfies Preconditioner });
 * ```
 */
export type Preconditioner = "jacobi" | "multigrid";

/**
 * Options of {@link solveWeightedPoisson}.
 *
 * @example
 * ```ts
 * const options: WeightedPoissonOptions = { tolerance: 1e-12, preconditioner: "multigrid", maxIterations: 200 };
 * ```
 */
export type WeightedPoissonOptions = Readonly<{
  /**
   * Stop when `‖r‖_{M⁻¹} ≤ tolerance · ‖b‖_{M⁻¹}` with M the preconditioner (`r·z` of PCG). For Jacobi
   * (`M = diag 𝐋`) this is the criterion of hhd.md §6.4; for multigrid (`M⁻¹ ≈ 𝐋⁺`) it bounds the relative
   * energy-norm error, i.e. the relative `L²(p)` error of the gradient part.
   * @defaultValue 1e-10
   */
  tolerance?: number;
  /** @defaultValue 20·N + 100 */
  maxIterations?: number;
  /** @defaultValue "multigrid" */
  preconditioner?: Preconditioner;
  /** Gauss–Seidel sweeps before and after the coarse correction (multigrid only). @defaultValue 1 */
  smoothingSweeps?: number;
  /** Scale of the aggregation coarse-grid correction (multigrid only), in (0, 2]. @defaultValue 1 */
  coarseCorrectionScale?: number;
  /** Initial guess (length N²); zeros if omitted. It is not modified. */
  initialGuess?: Float64Array;
  /** Throw `NOT_CONVERGED` / `NON_FINITE` / `ABORTED` at the end instead of returning the status. @defaultValue false */
  throwOnFailure?: boolean;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}>;

/**
 * Result of {@link solveWeightedPoisson}.
 *
 * @example
 * ```ts
 * const { solution, status, iterations, residual }: WeightedPoissonResult = solveWeightedPoisson(grid, weights, b);
 * ```
 */
export type WeightedPoissonResult = Readonly<{
  /** Cell-centred potential φ (length N², index `j·N + i`), defined up to an additive constant. */
  solution: Float64Array;
  status: SolveStatus;
  /** CG iterations performed. */
  iterations: number;
  /**
   * Final relative residual in the preconditioner norm, `‖r‖_{M⁻¹} / ‖b‖_{M⁻¹}` (the stopping quantity; for
   * Jacobi this is the diagonally scaled norm, for multigrid an estimate of the relative energy-norm error).
   */
  residual: number;
  /** `‖b − 𝐋φ‖_{D⁻¹} / ‖b‖_{D⁻¹}` recomputed from φ (diagnostic; equals `residual` up to rounding for Jacobi). */
  jacobiResidual: number;
  preconditioner: Preconditioner;
  /** Multigrid levels used (1 for Jacobi). */
  levels: number;
}>;

/**
 * The right-hand side `b = DᵀW(h e)` of the weighted least-squares projection, i.e.
 * `b_c = h[(w e)_left − (w e)_right + (w e)_bottom − (w e)_top]`: a discrete `−h²·div(p e)`.
 *
 * @remarks `b` sums to zero (up to rounding) for any data, so the singular Neumann system is consistent.
 * @example
 * ```ts
 * const b = weightedDivergence(grid, weights, sampleFaceField(grid, field));
 * ```
 */
export function weightedDivergence(grid: Grid2D, weights: FaceField, faces: FaceField): Float64Array {
  const fn = "weightedDivergence";
  checkFaceField(fn, "weights", grid, weights);
  checkFaceField(fn, "faces", grid, faces);
  const n = grid.cells;
  const h = grid.spacing;
  const b = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n - 1; i++) {
      const k = j * (n - 1) + i;
      const c = j * n + i;
      const f = h * weights.x[k]! * faces.x[k]!;
      b[c]! -= f;
      b[c + 1]! += f;
    }
  }
  for (let k = 0; k < grid.facesPerAxis; k++) {
    const f = h * weights.y[k]! * faces.y[k]!;
    b[k]! -= f;
    b[k + n]! += f;
  }
  return b;
}

/**
 * Applies the weighted graph Laplacian `𝐋 = DᵀWD`: `(𝐋φ)_c = Σ_{faces f of c} w_f (φ_c − φ_nb(f))`.
 *
 * @example
 * ```ts
 * const lphi = applyWeightedLaplacian(grid, weights, phi); // zero for constant φ
 * ```
 */
export function applyWeightedLaplacian(grid: Grid2D, weights: FaceField, phi: Float64Array): Float64Array {
  const fn = "applyWeightedLaplacian";
  checkFaceField(fn, "weights", grid, weights);
  checkCells(fn, "phi", grid, phi);
  const out = new Float64Array(phi.length);
  applyLaplacian(makeLevel(grid.cells, weights.x, weights.y), phi, out);
  return out;
}

/**
 * Solves the singular, consistent Neumann system `𝐋φ = b` (`𝐋 = DᵀWD`, the weighted graph Laplacian of the
 * staggered grid) by preconditioned conjugate gradients in Float64.
 *
 * @remarks
 * - `"jacobi"`: diagonal preconditioner; iterations grow like ≈ 1.6 N (cost O(N³)).
 * - `"multigrid"` (default): one symmetric V-cycle of aggregation multigrid (Galerkin coarsening of the weights,
 *   symmetric Gauss–Seidel smoothing, dense coarsest solve); iterations almost independent of N.
 * - Never throws mid-solve: the loop ends with a {@link SolveStatus}. Validation happens up front.
 * - Weights may span hundreds of orders of magnitude (p on a large box) or be exactly 0 (cells with zero
 *   diagonal are left at their initial value).
 * @throws ParabolicError `INVALID_ARGUMENT` / `SHAPE_MISMATCH` / `NON_FINITE` for bad inputs (before solving);
 * with `throwOnFailure`, `NOT_CONVERGED`, `NON_FINITE` or `ABORTED` after it.
 * @example
 * ```ts
 * const b = weightedDivergence(grid, weights, faces);
 * const { solution, status, iterations } = solveWeightedPoisson(grid, weights, b, { tolerance: 1e-10 });
 * ```
 */
export function solveWeightedPoisson(
  grid: Grid2D,
  weights: FaceField,
  rhs: Float64Array,
  options: WeightedPoissonOptions = {},
): WeightedPoissonResult {
  const fn = "solveWeightedPoisson";
  checkFaceField(fn, "weights", grid, weights);
  checkWeights(fn, weights);
  checkCells(fn, "rhs", grid, rhs);
  const tolerance = options.tolerance ?? 1e-10;
  assertInRange(fn, "tolerance", tolerance, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const maxIterations = options.maxIterations ?? 20 * grid.cells + 100;
  assertPositiveInteger(fn, "maxIterations", maxIterations);
  const preconditioner = options.preconditioner ?? "multigrid";
  if (preconditioner !== "jacobi" && preconditioner !== "multigrid") {
    throw invalidArgument(fn, "preconditioner", 'be "jacobi" or "multigrid"', preconditioner);
  }
  const sweeps = options.smoothingSweeps ?? 1;
  assertPositiveInteger(fn, "smoothingSweeps", sweeps, 16);
  const correctionScale = options.coarseCorrectionScale ?? 1;
  assertInRange(fn, "coarseCorrectionScale", correctionScale, { min: 0, max: 2, minExclusive: true });
  if (options.initialGuess !== undefined) checkCells(fn, "initialGuess", grid, options.initialGuess);

  const level = makeLevel(grid.cells, weights.x, weights.y);
  const mg = preconditioner === "multigrid" ? buildMultigrid(level, { sweeps, correctionScale, coarsestCells: 8 }) : undefined;
  const precondition = mg
    ? (r: Float64Array, z: Float64Array) => mg.apply(r, z)
    : (r: Float64Array, z: Float64Array) => {
        const d = level.inverseDiagonal;
        for (let c = 0; c < r.length; c++) z[c] = d[c]! * r[c]!;
      };
  const result = pcg(level, rhs, options.initialGuess, tolerance, maxIterations, precondition, options.signal, options.onProgress);
  const out: WeightedPoissonResult = { ...result, preconditioner, levels: mg ? mg.levels : 1 };
  if (options.throwOnFailure && out.status !== "success") {
    const code = out.status === "non_finite" ? "NON_FINITE" : out.status === "aborted" ? "ABORTED" : "NOT_CONVERGED";
    throw new ParabolicError(code, `${fn}: solve ended with status "${out.status}" after ${out.iterations} iterations (residual ${out.residual}).`, {
      function: fn,
      status: out.status,
      iterations: out.iterations,
      residual: out.residual,
    });
  }
  return out;
}

function jacobiNorm(level: LaplacianLevel, r: Float64Array): number {
  const d = level.inverseDiagonal;
  let s = 0;
  for (let c = 0; c < r.length; c++) s += r[c]! * r[c]! * d[c]!;
  return Math.sqrt(s);
}

function pcg(
  level: LaplacianLevel,
  b: Float64Array,
  initialGuess: Float64Array | undefined,
  tolerance: number,
  maxIterations: number,
  precondition: (r: Float64Array, z: Float64Array) => void,
  signal: AbortSignal | undefined,
  onProgress: ProgressCallback | undefined,
): { solution: Float64Array; status: SolveStatus; iterations: number; residual: number; jacobiResidual: number } {
  const m = b.length;
  const x = initialGuess ? new Float64Array(initialGuess) : new Float64Array(m);
  const r = new Float64Array(m);
  const z = new Float64Array(m);
  const q = new Float64Array(m);
  const bJacobi = jacobiNorm(level, b);
  const trueJacobiResidual = (): number => {
    const t = new Float64Array(m);
    applyLaplacian(level, x, t);
    for (let c = 0; c < m; c++) t[c] = b[c]! - t[c]!;
    const rn = jacobiNorm(level, t);
    return bJacobi > 0 ? rn / bJacobi : rn;
  };
  // reference scale ‖b‖_{M⁻¹}
  precondition(b, z);
  let bz = 0;
  for (let c = 0; c < m; c++) bz += b[c]! * z[c]!;
  applyLaplacian(level, x, r);
  for (let c = 0; c < m; c++) r[c] = b[c]! - r[c]!;
  precondition(r, z);
  let rz = 0;
  for (let c = 0; c < m; c++) rz += r[c]! * z[c]!;
  if (!(bz > 0)) {
    // b ≡ 0 (or invisible to the preconditioner): φ = initial guess already solves it.
    const ok = Number.isFinite(bz);
    return { solution: x, status: ok ? "success" : "non_finite", iterations: 0, residual: 0, jacobiResidual: trueJacobiResidual() };
  }
  let rel = Math.sqrt(Math.max(rz, 0) / bz);
  if (rel <= tolerance) return { solution: x, status: "success", iterations: 0, residual: rel, jacobiResidual: trueJacobiResidual() };
  const report = throttleProgress(onProgress, 200);
  const p = new Float64Array(z);
  let status: SolveStatus = "max_iterations_reached";
  let iterations = 0;
  for (let it = 1; it <= maxIterations; it++) {
    if (signal?.aborted) {
      status = "aborted";
      break;
    }
    iterations = it;
    const pq = applyLaplacian(level, p, q);
    if (!Number.isFinite(pq) || !Number.isFinite(rz)) {
      status = "non_finite";
      break;
    }
    if (pq <= 0 || rz <= 0) {
      status = "breakdown";
      break;
    }
    const alpha = rz / pq;
    for (let c = 0; c < m; c++) {
      x[c]! += alpha * p[c]!;
      r[c]! -= alpha * q[c]!;
    }
    precondition(r, z);
    let rzNew = 0;
    for (let c = 0; c < m; c++) rzNew += r[c]! * z[c]!;
    rel = Math.sqrt(Math.max(rzNew, 0) / bz);
    if (!Number.isFinite(rel)) {
      status = "non_finite";
      break;
    }
    report?.({ label: "hhd weighted Poisson", completed: it, total: maxIterations, detail: { residual: rel } });
    if (rel <= tolerance) {
      status = "success";
      break;
    }
    const beta = rzNew / rz;
    rz = rzNew;
    for (let c = 0; c < m; c++) p[c] = z[c]! + beta * p[c]!;
  }
  if (status === "breakdown" && rel <= tolerance) status = "success";
  return { solution: x, status, iterations, residual: rel, jacobiResidual: trueJacobiResidual() };
}

function checkCells(fn: string, argument: string, grid: Grid2D, values: unknown): asserts values is Float64Array {
  if (!(values instanceof Float64Array)) throw invalidArgument(fn, argument, "be a Float64Array", values);
  const m = grid.cells * grid.cells;
  if (values.length !== m) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: '${argument}' must have length ${m} (N²); got ${values.length}.`, {
      function: fn,
      argument,
      expected: m,
      actual: values.length,
    });
  }
  for (let c = 0; c < m; c++) {
    if (!Number.isFinite(values[c]!)) {
      throw new ParabolicError("NON_FINITE", `${fn}: '${argument}' must be finite; got ${values[c]} at cell ${c}.`, {
        function: fn,
        argument,
        index: c,
        value: values[c],
      });
    }
  }
}

function checkWeights(fn: string, weights: FaceField): void {
  for (const [name, w] of [
    ["weights.x", weights.x],
    ["weights.y", weights.y],
  ] as const) {
    for (let k = 0; k < w.length; k++) {
      const v = w[k]!;
      if (!(v >= 0) || v === Infinity) {
        throw new ParabolicError("NON_FINITE", `${fn}: '${name}' must be finite and >= 0; got ${v} at face ${k}.`, {
          function: fn,
          argument: name,
          index: k,
          value: v,
        });
      }
    }
  }
}
