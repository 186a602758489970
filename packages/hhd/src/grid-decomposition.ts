import { ParabolicError, invalidArgument } from "@parabolic/core";
import { checkFaceField, faceWeights, sampleFaceField, type FaceField, type Grid2D } from "./grid-2d.js";
import type { ScalarField, VectorField } from "./types.js";
import { solveWeightedPoisson, weightedDivergence, type SolveStatus, type WeightedPoissonOptions, type Preconditioner } from "./weighted-poisson.js";

/**
 * `‖·‖²_{L²(p)}` of the field and of its two parts, by face quadrature `h² Σ_f w_f v_f²`.
 *
 * @example
 * ```ts
 * const { total, gradient, solenoidal }: DecompositionNorms = decomposeOnGrid(options).norms;
 * ```
 */
export type DecompositionNorms = Readonly<{ total: number; gradient: number; solenoidal: number }>;

/**
 * Result of {@link decomposeOnGrid} / {@link decomposeFaceField}.
 *
 * @example
 * ```ts
 * const r: GridDecomposition = decomposeOnGrid({ grid, logDensity, field });
 * const quiver = cellCentredField(grid, r.solenoidal);
 * ```
 */
export type GridDecomposition = Readonly<{
  grid: Grid2D;
  /** Face weights `w_f = p(mid_f)`. */
  weights: FaceField;
  /** Face-normal data of the decomposed field e. */
  field: FaceField;
  /** Cell-centred potential φ (length N²), shifted to zero weighted mean (weights = diagonal of 𝐋). */
  potential: Float64Array;
  /** Gradient part `Π_G e ≈ ∇φ` on faces: `(φ_nb − φ_c)/h`. */
  gradient: FaceField;
  /** p-solenoidal remainder `Π_S e = e − ∇φ` on faces; `DᵀW·solenoidal = 0` up to the solver tolerance. */
  solenoidal: FaceField;
  norms: DecompositionNorms;
  /** Discrete Pythagoras defect `|‖e‖² − ‖Π_G e‖² − ‖Π_S e‖²| / ‖e‖²` (0 when e = 0). */
  pythagorasDefect: number;
  solve: Readonly<{ status: SolveStatus; iterations: number; residual: number; jacobiResidual: number; preconditioner: Preconditioner; levels: number }>;
}>;

/**
 * Face gradient `(Dφ)_f = (φ_nb − φ_c)/h` of a cell-centred potential.
 *
 * @example
 * ```ts
 * const g = faceGradient(grid, phi); // g.x on x-faces, g.y on y-faces
 * ```
 */
export function faceGradient(grid: Grid2D, phi: Float64Array): FaceField {
  const fn = "faceGradient";
  if (!(phi instanceof Float64Array) || phi.length !== grid.cells * grid.cells) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'phi' must be a Float64Array of length ${grid.cells * grid.cells}.`, {
      function: fn,
      argument: "phi",
    });
  }
  const n = grid.cells;
  const h = grid.spacing;
  const gx = new Float64Array(grid.facesPerAxis);
  const gy = new Float64Array(grid.facesPerAxis);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n - 1; i++) {
      const c = j * n + i;
      gx[j * (n - 1) + i] = (phi[c + 1]! - phi[c]!) / h;
    }
  }
  for (let k = 0; k < grid.facesPerAxis; k++) gy[k] = (phi[k + n]! - phi[k]!) / h;
  return { x: gx, y: gy };
}

/**
 * Weighted inner product `⟨u, v⟩_W = h² Σ_f w_f u_f v_f ≈ ∫ p u·v dx` of two face fields.
 *
 * @example
 * ```ts
 * const cross = weightedFaceInner(grid, weights, result.gradient, result.solenoidal); // ≈ 0
 * ```
 */
export function weightedFaceInner(grid: Grid2D, weights: FaceField, u: FaceField, v: FaceField): number {
  const fn = "weightedFaceInner";
  checkFaceField(fn, "weights", grid, weights);
  checkFaceField(fn, "u", grid, u);
  checkFaceField(fn, "v", grid, v);
  let s = 0;
  for (let k = 0; k < grid.facesPerAxis; k++) s += weights.x[k]! * u.x[k]! * v.x[k]! + weights.y[k]! * u.y[k]! * v.y[k]!;
  return s * grid.spacing * grid.spacing;
}

/**
 * Weighted squared norm `‖v‖²_W = h² Σ_f w_f v_f² ≈ ‖v‖²_{L²(p)}`.
 *
 * @example
 * ```ts
 * const e2 = weightedFaceNorm2(grid, weights, faces);
 * ```
 */
export function weightedFaceNorm2(grid: Grid2D, weights: FaceField, v: FaceField): number {
  return weightedFaceInner(grid, weights, v, v);
}

/**
 * Weighted squared distance `‖u − v‖²_W` (the error measure of the grid tests: `relErr = ‖computed − oracle‖_W / ‖e‖_W`).
 *
 * @example
 * ```ts
 * const relErr = Math.sqrt(weightedFaceDistance2(grid, weights, result.gradient, oracle) / result.norms.total);
 * ```
 */
export function weightedFaceDistance2(grid: Grid2D, weights: FaceField, u: FaceField, v: FaceField): number {
  const fn = "weightedFaceDistance2";
  checkFaceField(fn, "weights", grid, weights);
  checkFaceField(fn, "u", grid, u);
  checkFaceField(fn, "v", grid, v);
  let s = 0;
  for (let k = 0; k < grid.facesPerAxis; k++) {
    const dx = u.x[k]! - v.x[k]!;
    const dy = u.y[k]! - v.y[k]!;
    s += weights.x[k]! * dx * dx + weights.y[k]! * dy * dy;
  }
  return s * grid.spacing * grid.spacing;
}

/**
 * Weighted Helmholtz–Hodge decomposition of face data: the discrete `L²(p)` projection of `e` onto discrete
 * gradients, `min_φ Σ_f w_f (φ_nb − φ_c − h e_f)²`, i.e. `div(p∇φ) = div(p e)` with the natural boundary condition
 * `p(∇φ − e)·n = 0`.
 *
 * @remarks Use this form when the face data are not point samples of a field (e.g. a discrete-exact oracle);
 * otherwise {@link decomposeOnGrid} samples them for you.
 * @throws ParabolicError for invalid inputs; with `solver.throwOnFailure`, when the solve fails.
 * @example
 * ```ts
 * const r = decomposeFaceField(grid, weights, faces, { preconditioner: "multigrid" });
 * r.norms; // { total, gradient, solenoidal }
 * ```
 */
export function decomposeFaceField(grid: Grid2D, weights: FaceField, field: FaceField, solver: WeightedPoissonOptions = {}): GridDecomposition {
  const fn = "decomposeFaceField";
  checkFaceField(fn, "weights", grid, weights);
  checkFaceField(fn, "field", grid, field);
  for (const [name, arr] of [
    ["field.x", field.x],
    ["field.y", field.y],
  ] as const) {
    for (let k = 0; k < arr.length; k++) {
      if (!Number.isFinite(arr[k]!)) {
        throw new ParabolicError("NON_FINITE", `${fn}: '${name}' must be finite; got ${arr[k]} at face ${k}.`, { function: fn, argument: name, index: k });
      }
    }
  }
  const b = weightedDivergence(grid, weights, field);
  const solved = solveWeightedPoisson(grid, weights, b, solver);
  const phi = solved.solution;
  // Remove the arbitrary constant with a diagonal-weighted mean: an unweighted mean would be dominated by the
  // huge, irrelevant values φ takes in cells whose weights are ~1e-85 and wipe out the bulk by cancellation.
  const n = grid.cells;
  let sum = 0;
  let mass = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const c = j * n + i;
      const d =
        (i > 0 ? weights.x[j * (n - 1) + i - 1]! : 0) +
        (i < n - 1 ? weights.x[j * (n - 1) + i]! : 0) +
        (j > 0 ? weights.y[c - n]! : 0) +
        (j < n - 1 ? weights.y[c]! : 0);
      sum += d * phi[c]!;
      mass += d;
    }
  }
  if (mass > 0) {
    const mean = sum / mass;
    for (let c = 0; c < n * n; c++) phi[c]! -= mean;
  }
  const gradient = faceGradient(grid, phi);
  const sx = new Float64Array(grid.facesPerAxis);
  const sy = new Float64Array(grid.facesPerAxis);
  for (let k = 0; k < grid.facesPerAxis; k++) {
    sx[k] = field.x[k]! - gradient.x[k]!;
    sy[k] = field.y[k]! - gradient.y[k]!;
  }
  const solenoidal = { x: sx, y: sy };
  const total = weightedFaceNorm2(grid, weights, field);
  const g2 = weightedFaceNorm2(grid, weights, gradient);
  const s2 = weightedFaceNorm2(grid, weights, solenoidal);
  return {
    grid,
    weights,
    field,
    potential: phi,
    gradient,
    solenoidal,
    norms: { total, gradient: g2, solenoidal: s2 },
    pythagorasDefect: total > 0 ? Math.abs(total - g2 - s2) / total : 0,
    solve: {
      status: solved.status,
      iterations: solved.iterations,
      residual: solved.residual,
      jacobiResidual: solved.jacobiResidual,
      preconditioner: solved.preconditioner,
      levels: solved.levels,
    },
  };
}

/**
 * Options of {@link decomposeOnGrid}.
 *
 * @example
 * ```ts
 * const options: DecomposeOnGridOptions = { grid, logDensity, field, time: 0.3, solver: { preconditioner: "jacobi" } };
 * ```
 */
export type DecomposeOnGridOptions = Readonly<{
  grid: Grid2D;
  /** log p (normalised, for absolute `L²(p)` norms); face weights are `exp(logDensity)`. */
  logDensity: ScalarField;
  /** The 2-D field e to decompose (e.g. a score error `s_θ − ∇log p_t`). */
  field: VectorField;
  /** Time passed to `logDensity` and `field`. @defaultValue 0 */
  time?: number;
  /** Solver options (tolerance 1e-10 and multigrid by default). */
  solver?: WeightedPoissonOptions;
}>;

/**
 * Exact 2-D weighted Helmholtz–Hodge decomposition of a vector field in `L²(p)` on a box: `e = ∇φ + r` with
 * `div(p r) = 0` and `p(∇φ − e)·n = 0` on the boundary, on a staggered grid (second-order accurate).
 *
 * @remarks "Decompose my model's score error": pass `field = (x, t) => s_θ(x,t) − ∇log p_t(x)` (or, by (F2), the
 * model itself for the solenoidal part only) and `logDensity = log p_t`. The box must hold essentially all of
 * p's mass (natural boundary conditions project in `L²(p|_Ω)`).
 * @throws ParabolicError for invalid inputs (before solving); the solve itself reports `solve.status`.
 * @example
 * ```ts
 * const grid = createGrid2D({ cells: 256, halfWidth: 7 });
 * const r = decomposeOnGrid({ grid, logDensity: mixture.logDensity, field: scoreError });
 * console.log(r.norms.gradient, r.norms.solenoidal, r.solve.status);
 * ```
 */
export function decomposeOnGrid(options: DecomposeOnGridOptions): GridDecomposition {
  const fn = "decomposeOnGrid";
  if (typeof options !== "object" || options === null) throw invalidArgument(fn, "options", "be an object", options);
  const time = options.time ?? 0;
  const weights = faceWeights(options.grid, options.logDensity, time);
  const faces = sampleFaceField(options.grid, options.field, time);
  return decomposeFaceField(options.grid, weights, faces, options.solver ?? {});
}
