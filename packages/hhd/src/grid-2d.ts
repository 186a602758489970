import { ParabolicError, assertFiniteNumber, assertPositiveInteger, assertPositiveNumber, describeValue, invalidArgument } from "@parabolic/core";
import { assertFunction, checkedResult } from "./internal/check.js";
import type { ScalarField, VectorField } from "./types.js";

/**
 * A square box `[cx − L, cx + L] × [cy − L, cy + L]` cut into `cells × cells` square cells of side
 * `spacing = 2L / cells`: the staggered (MAC) grid of the weighted Helmholtz–Hodge solver.
 *
 * @remarks Index conventions (all row-major with x fastest):
 * - cell `(i, j)` has index `j·N + i`, centre `(cx − L + (i + ½)h, cy − L + (j + ½)h)`;
 * - x-face `(i, j)`, `0 ≤ i ≤ N−2`, sits between cells `(i, j)` and `(i+1, j)`, index `j·(N−1) + i`;
 * - y-face `(i, j)`, `0 ≤ j ≤ N−2`, sits between cells `(i, j)` and `(i, j+1)`, index `j·N + i`.
 * Boundary faces are omitted (natural boundary condition), so there are `(N−1)·N` faces of each kind.
 * @example
 * ```ts
 * const grid: Grid2D = createGrid2D({ cells: 128, halfWidth: 7 }); // grid.spacing === 14 / 128
 * ```
 */
export type Grid2D = Readonly<{
  /** Number of cells per side, N. */
  cells: number;
  /** Half-width L of the box. */
  halfWidth: number;
  /** Centre of the box. */
  center: readonly [number, number];
  /** Cell side h = 2L / N. */
  spacing: number;
  /** Number of interior x-faces, (N−1)·N (equal to the number of y-faces). */
  facesPerAxis: number;
}>;

/**
 * Values on the interior faces of a {@link Grid2D}: `x[k]` on x-faces (normal component along x), `y[k]` on
 * y-faces (normal component along y). Used for face weights `p(midpoint)`, face-normal field data, and the
 * gradient / solenoidal parts returned by the decomposition.
 * @example
 * ```ts
 * const faces: FaceField = sampleFaceField(grid, field); // faces.x.length === grid.facesPerAxis
 * ```
 */
export type FaceField = Readonly<{ x: Float64Array; y: Float64Array }>;

/**
 * Creates a {@link Grid2D}.
 *
 * @param options.cells - N ≥ 2 cells per side.
 * @param options.halfWidth - L > 0.
 * @param options.center - box centre. @defaultValue `[0, 0]`
 * @throws ParabolicError `INVALID_ARGUMENT` for a bad size.
 * @example
 * ```ts
 * const grid = createGrid2D({ cells: 128, halfWidth: 7 }); // h = 14 / 128
 * ```
 */
export function createGrid2D(options: Readonly<{ cells: number; halfWidth: number; center?: readonly [number, number] }>): Grid2D {
  const fn = "createGrid2D";
  assertPositiveInteger(fn, "cells", options.cells, 1 << 14);
  if (options.cells < 2) throw invalidArgument(fn, "cells", "be an integer >= 2", options.cells);
  assertPositiveNumber(fn, "halfWidth", options.halfWidth);
  const center = options.center ?? [0, 0];
  if (center.length !== 2) throw invalidArgument(fn, "center", "have length 2", center);
  assertFiniteNumber(fn, "center[0]", center[0]);
  assertFiniteNumber(fn, "center[1]", center[1]);
  const n = options.cells;
  return Object.freeze({
    cells: n,
    halfWidth: options.halfWidth,
    center: Object.freeze([center[0], center[1]] as const),
    spacing: (2 * options.halfWidth) / n,
    facesPerAxis: (n - 1) * n,
  });
}

/** x coordinate of cell column i (cell-centre), computed as `x0 + (i + ½)h`, never by accumulation. */
function cellX(grid: Grid2D, i: number): number {
  return grid.center[0] - grid.halfWidth + (i + 0.5) * grid.spacing;
}
function cellY(grid: Grid2D, j: number): number {
  return grid.center[1] - grid.halfWidth + (j + 0.5) * grid.spacing;
}

/**
 * Cell centres of the grid as an `N² × 2` row-major array (cell index `j·N + i`).
 *
 * @example
 * ```ts
 * const centres = cellCentres(createGrid2D({ cells: 4, halfWidth: 1 })); // 16 points, first (−0.75, −0.75)
 * ```
 */
export function cellCentres(grid: Grid2D): Float64Array {
  const n = grid.cells;
  const out = new Float64Array(2 * n * n);
  for (let j = 0; j < n; j++) {
    const y = cellY(grid, j);
    for (let i = 0; i < n; i++) {
      const c = j * n + i;
      out[2 * c] = cellX(grid, i);
      out[2 * c + 1] = y;
    }
  }
  return out;
}

/**
 * Midpoints of the interior faces: `x` holds the x-face midpoints, `y` the y-face midpoints, each
 * `(N−1)·N × 2` row-major in face-index order.
 *
 * @example
 * ```ts
 * const { x, y } = faceMidpoints(createGrid2D({ cells: 2, halfWidth: 1 }));
 * // x-faces: (0, −0.5), (0, 0.5); y-faces: (−0.5, 0), (0.5, 0)
 * ```
 */
export function faceMidpoints(grid: Grid2D): Readonly<{ x: Float64Array; y: Float64Array }> {
  const n = grid.cells;
  const h = grid.spacing;
  const px = new Float64Array(2 * grid.facesPerAxis);
  const py = new Float64Array(2 * grid.facesPerAxis);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n - 1; i++) {
      const k = j * (n - 1) + i;
      px[2 * k] = grid.center[0] - grid.halfWidth + (i + 1) * h;
      px[2 * k + 1] = cellY(grid, j);
    }
  }
  for (let j = 0; j < n - 1; j++) {
    for (let i = 0; i < n; i++) {
      const k = j * n + i;
      py[2 * k] = cellX(grid, i);
      py[2 * k + 1] = grid.center[1] - grid.halfWidth + (j + 1) * h;
    }
  }
  return { x: px, y: py };
}

/**
 * Samples the face-normal components of a 2-D vector field: `x[k] = e(mid_k)·(1,0)` on x-faces and
 * `y[k] = e(mid_k)·(0,1)` on y-faces.
 *
 * @param time - passed to the field. @defaultValue 0
 * @throws ParabolicError `SHAPE_MISMATCH` if the field returns the wrong length, `NON_FINITE` if it returns NaN/∞.
 * @example
 * ```ts
 * const grid = createGrid2D({ cells: 64, halfWidth: 7 });
 * const faces = sampleFaceField(grid, (p) => p.map((v) => -v)); // the score of N(0, I)
 * ```
 */
export function sampleFaceField(grid: Grid2D, field: VectorField, time = 0): FaceField {
  const fn = "sampleFaceField";
  assertFunction(fn, "field", field);
  assertFiniteNumber(fn, "time", time);
  const mid = faceMidpoints(grid);
  const vx = checkedResult(fn, "field", field(mid.x, time), mid.x.length);
  const vy = checkedResult(fn, "field", field(mid.y, time), mid.y.length);
  const x = new Float64Array(grid.facesPerAxis);
  const y = new Float64Array(grid.facesPerAxis);
  for (let k = 0; k < grid.facesPerAxis; k++) {
    x[k] = vx[2 * k]!;
    y[k] = vy[2 * k + 1]!;
  }
  return { x, y };
}

/**
 * Face weights `w_f = p(mid_f) = exp(logDensity(mid_f))` for the weighted solver.
 *
 * @remarks Weights are computed from the log-density so that tails far below `1e-300` underflow cleanly to 0
 * (such faces drop out of the system). The reference mixture spans ≈ 85 orders of magnitude on `[−7, 7]²`; no
 * floor is needed. Norms computed with these weights are `L²(p)` norms only if `logDensity` is normalised.
 * @param time - passed to the log-density. @defaultValue 0
 * @throws ParabolicError `SHAPE_MISMATCH` for a wrong-length result, `NON_FINITE` for NaN or +∞ (−∞ is allowed:
 * zero weight).
 * @example
 * ```ts
 * const weights = faceWeights(grid, (p) => standardNormalLogDensity(p));
 * ```
 */
export function faceWeights(grid: Grid2D, logDensity: ScalarField, time = 0): FaceField {
  const fn = "faceWeights";
  assertFunction(fn, "logDensity", logDensity);
  assertFiniteNumber(fn, "time", time);
  const mid = faceMidpoints(grid);
  const out: Float64Array[] = [];
  for (const points of [mid.x, mid.y]) {
    const lp = logDensity(points, time);
    if (!(lp instanceof Float64Array) || lp.length !== points.length / 2) {
      throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'logDensity' must return a Float64Array of length ${points.length / 2}; got ${describeValue(lp)}.`, {
        function: fn,
        argument: "logDensity",
      });
    }
    const w = new Float64Array(lp.length);
    for (let k = 0; k < lp.length; k++) {
      const v = lp[k]!;
      if (Number.isNaN(v) || v === Infinity) {
        throw new ParabolicError("NON_FINITE", `${fn}: 'logDensity' returned ${v} at face ${k}.`, { function: fn, argument: "logDensity", index: k, value: v });
      }
      w[k] = Math.exp(v);
    }
    out.push(w);
  }
  return { x: out[0]!, y: out[1]! };
}

/**
 * Averages face values to cell centres (for plotting quivers): an `N² × 2` row-major array whose x component is
 * the mean of the cell's left/right x-faces and y component the mean of its bottom/top y-faces (a boundary cell
 * uses its single interior face).
 *
 * @example
 * ```ts
 * const arrows = cellCentredField(grid, result.gradient); // pair with cellCentres(grid)
 * ```
 */
export function cellCentredField(grid: Grid2D, faces: FaceField): Float64Array {
  checkFaceField("cellCentredField", "faces", grid, faces);
  const n = grid.cells;
  const out = new Float64Array(2 * n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const c = j * n + i;
      let sx = 0;
      let cx = 0;
      if (i > 0) {
        sx += faces.x[j * (n - 1) + i - 1]!;
        cx++;
      }
      if (i < n - 1) {
        sx += faces.x[j * (n - 1) + i]!;
        cx++;
      }
      let sy = 0;
      let cy = 0;
      if (j > 0) {
        sy += faces.y[(j - 1) * n + i]!;
        cy++;
      }
      if (j < n - 1) {
        sy += faces.y[j * n + i]!;
        cy++;
      }
      out[2 * c] = sx / cx;
      out[2 * c + 1] = sy / cy;
    }
  }
  return out;
}

/** Validates that `faces` has the face counts of `grid` (SHAPE_MISMATCH otherwise). @internal */
export function checkFaceField(fn: string, argument: string, grid: Grid2D, faces: FaceField): void {
  if (typeof faces !== "object" || faces === null || !(faces.x instanceof Float64Array) || !(faces.y instanceof Float64Array)) {
    throw invalidArgument(fn, argument, "be { x: Float64Array, y: Float64Array }", faces);
  }
  if (faces.x.length !== grid.facesPerAxis || faces.y.length !== grid.facesPerAxis) {
    throw new ParabolicError(
      "SHAPE_MISMATCH",
      `${fn}: '${argument}' must hold ${grid.facesPerAxis} x-faces and ${grid.facesPerAxis} y-faces; got ${faces.x.length} and ${faces.y.length}.`,
      { function: fn, argument, expected: grid.facesPerAxis, actual: [faces.x.length, faces.y.length] },
    );
  }
}
