import {
  assertAllFinite,
  assertFiniteNumber,
  assertLength,
  assertPositiveInteger,
  assertPositiveNumber,
  invalidArgument,
  ParabolicError,
  throttleProgress,
  type ProgressCallback,
} from "@parabolic/core";
import type { ForwardProcess } from "./forward-process.js";
import type { MarginalField } from "./heat-field.js";

/**
 * A uniform cell-centred grid on the box [xMin, xMax] × [yMin, yMax] with nx × ny cells.
 *
 * @example
 * ```ts
 * const spec: Grid2dSpec = { xMin: -4, xMax: 4, yMin: -4, yMax: 4, nx: 80, ny: 80 };
 * ```
 */
export type Grid2dSpec = Readonly<{ xMin: number; xMax: number; yMin: number; yMax: number; nx: number; ny: number }>;

/**
 * The geometry of a {@link Grid2dSpec}: cell widths and cell-centre coordinates.
 *
 * @remarks Grid arrays are indexed `ix·ny + iy` (x-major), matching row-major `nx × ny`.
 *
 * @example
 * ```ts
 * const g: Grid2d = grid2d({ xMin: 0, xMax: 1, yMin: 0, yMax: 1, nx: 4, ny: 4 }); // g.x = [0.125, 0.375, …]
 * ```
 */
export type Grid2d = Readonly<
  Grid2dSpec & {
    hx: number;
    hy: number;
    /** Cell-centre x coordinates, length nx. */
    x: Float64Array;
    /** Cell-centre y coordinates, length ny. */
    y: Float64Array;
  }
>;

/**
 * Status of a Fokker–Planck solve; the solver reports instead of throwing once it has started.
 *
 * @example
 * ```ts
 * if (result.status !== "success") console.warn(`stopped at t = ${result.ts.at(-1)}`);
 * ```
 */
export type FokkerPlanckStatus = "success" | "non_finite" | "aborted" | "max_steps_reached";

/**
 * Result of {@link solveFokkerPlanck2d}.
 *
 * @example
 * ```ts
 * const { densities, ts, stats } = solveFokkerPlanck2d(process, options); // stats.massError ≈ 1e−15
 * ```
 */
export type FokkerPlanckResult = Readonly<{
  status: FokkerPlanckStatus;
  grid: Grid2d;
  /** Saved times (t0 first, then the requested times, then t1; truncated on failure). */
  ts: Float64Array;
  /** Cell-average densities at the saved times (each nx·ny, unit mass on the grid). */
  densities: Float64Array[];
  stats: Readonly<{
    steps: number;
    /** Sparse matrix–vector products (the cost unit of uniformisation). */
    matvecs: number;
    /** Mass of the initial density on the grid before renormalisation to 1. */
    initialMass: number;
    /** max over saved times of |mass − 1|. */
    massError: number;
    /** Smallest density value seen at a saved time (≥ 0 by construction). */
    minDensity: number;
  }>;
}>;

/**
 * Options of {@link solveFokkerPlanck2d}.
 *
 * @example
 * ```ts
 * const options: FokkerPlanckOptions = { grid: spec, initial: (x) => logp0(x), t1: 1, saveAt: [0.5] };
 * ```
 */
export type FokkerPlanckOptions = Readonly<{
  grid: Grid2dSpec;
  /**
   * Initial density: cell values (length nx·ny, ≥ 0) or a batched log-density evaluated at the cell centres.
   * Either way it is renormalised to unit mass on the grid (mass outside the box is lost — keep it negligible).
   */
  initial: Float64Array | ((points: Float64Array) => Float64Array);
  /** @defaultValue 0 */
  t0?: number;
  t1: number;
  /** Extra times to save (strictly inside (t0, t1)); t0 and t1 are always saved. */
  saveAt?: readonly number[];
  /**
   * Largest step of the Magnus-midpoint exponential integrator (only the time-dependence of the coefficients
   * needs it; autonomous problems are integrated exactly whatever the step). @defaultValue (t1 − t0)/50
   */
  maxStepSize?: number;
  /** @defaultValue 1e6 */
  maxSteps?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}>;

/**
 * Builds the geometry of a 2-D cell-centred grid.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` for a non-finite/empty box or fewer than 3 cells per axis.
 * @example
 * ```ts
 * const g = grid2d({ xMin: -4, xMax: 4, yMin: -4, yMax: 4, nx: 80, ny: 80 });
 * g.hx; // 0.1
 * ```
 */
export function grid2d(spec: Grid2dSpec): Grid2d {
  const fn = "grid2d";
  for (const k of ["xMin", "xMax", "yMin", "yMax"] as const) assertFiniteNumber(fn, k, spec[k]);
  assertPositiveInteger(fn, "nx", spec.nx);
  assertPositiveInteger(fn, "ny", spec.ny);
  if (spec.nx < 3) throw invalidArgument(fn, "nx", "be >= 3", spec.nx);
  if (spec.ny < 3) throw invalidArgument(fn, "ny", "be >= 3", spec.ny);
  if (!(spec.xMax > spec.xMin)) throw invalidArgument(fn, "xMax", `be > xMin (${spec.xMin})`, spec.xMax);
  if (!(spec.yMax > spec.yMin)) throw invalidArgument(fn, "yMax", `be > yMin (${spec.yMin})`, spec.yMax);
  const hx = (spec.xMax - spec.xMin) / spec.nx;
  const hy = (spec.yMax - spec.yMin) / spec.ny;
  const x = new Float64Array(spec.nx);
  const y = new Float64Array(spec.ny);
  for (let i = 0; i < spec.nx; i++) x[i] = spec.xMin + (i + 0.5) * hx;
  for (let j = 0; j < spec.ny; j++) y[j] = spec.yMin + (j + 0.5) * hy;
  return { xMin: spec.xMin, xMax: spec.xMax, yMin: spec.yMin, yMax: spec.yMax, nx: spec.nx, ny: spec.ny, hx, hy, x, y };
}

/**
 * The cell centres of a grid as a row-major `(nx·ny) × 2` point array (x-major order).
 *
 * @example
 * ```ts
 * const pts = gridPoints(grid2d({ xMin: 0, xMax: 1, yMin: 0, yMax: 1, nx: 4, ny: 4 })); // 16 × 2
 * ```
 */
export function gridPoints(grid: Grid2d): Float64Array {
  const pts = new Float64Array(grid.nx * grid.ny * 2);
  for (let i = 0; i < grid.nx; i++) {
    for (let j = 0; j < grid.ny; j++) {
      const c = i * grid.ny + j;
      pts[2 * c] = grid.x[i]!;
      pts[2 * c + 1] = grid.y[j]!;
    }
  }
  return pts;
}

/** Bernoulli function B(z) = z/(e^z − 1), stable for all z (B(0) = 1). */
function bernoulli(z: number): number {
  if (Math.abs(z) < 1e-8) return 1 - 0.5 * z;
  if (z > 700) return z * Math.exp(-z);
  return z / Math.expm1(z);
}

/** Transition rates of the Scharfetter–Gummel generator across one face (forward i→i+1, backward i+1→i). */
function sgRates(f: number, diffusion: number, h: number, out: Float64Array, index: number, back: Float64Array): void {
  if (diffusion <= 0) {
    out[index] = Math.max(f, 0) / h;
    back[index] = Math.max(-f, 0) / h;
    return;
  }
  const pe = (f * h) / diffusion;
  const scale = diffusion / (h * h);
  out[index] = scale * bernoulli(-pe);
  back[index] = scale * bernoulli(pe);
}

type Generator = {
  /** rates across x-faces (nx−1)·ny and y-faces nx·(ny−1) */
  xf: Float64Array;
  xb: Float64Array;
  yf: Float64Array;
  yb: Float64Array;
  /** total outflow rate of each cell */
  out: Float64Array;
  lambda: number;
  finite: boolean;
};

/**
 * Assembles the finite-volume generator A(t) of ∂_t p = −∇·(Fp) + (g²/2)Δp with Scharfetter–Gummel fluxes
 * and zero-flux walls. Face drifts are F·n at face midpoints, except that a drift with a potential uses the
 * potential difference −(U_{i+1} − U_i)/h for its b-part (exact discrete equilibrium ∝ e^{−U/D}).
 */
function assemble(process: ForwardProcess, grid: Grid2d, t: number, centres: Float64Array, gen: Generator): void {
  const { nx, ny, hx, hy } = grid;
  const g = process.diffusion(t);
  const diffusion = 0.5 * g * g;
  const beta = process.beta(t);
  const rot = process.rotation;
  const rate = rot ? rot.rate(t) : 0;
  const j0 = rot ? rot.generator : undefined;
  const drift = process.drift;
  // faces: x-faces at (x_i + hx/2, y_j), y-faces at (x_i, y_j + hy/2)
  const nxf = (nx - 1) * ny;
  const nyf = nx * (ny - 1);
  const bxFace = new Float64Array(nxf);
  const byFace = new Float64Array(nyf);
  if (drift) {
    if (drift.potential) {
      const u = drift.potential(centres, new Float64Array(nx * ny).fill(t));
      for (let i = 0; i < nx - 1; i++) for (let j = 0; j < ny; j++) bxFace[i * ny + j] = -(u[(i + 1) * ny + j]! - u[i * ny + j]!) / hx;
      for (let i = 0; i < nx; i++) for (let j = 0; j < ny - 1; j++) byFace[i * (ny - 1) + j] = -(u[i * ny + j + 1]! - u[i * ny + j]!) / hy;
    } else {
      const px = new Float64Array(nxf * 2);
      for (let i = 0; i < nx - 1; i++) {
        for (let j = 0; j < ny; j++) {
          const f = i * ny + j;
          px[2 * f] = grid.x[i]! + 0.5 * hx;
          px[2 * f + 1] = grid.y[j]!;
        }
      }
      const bx = drift.evaluate(px, new Float64Array(nxf).fill(t));
      for (let f = 0; f < nxf; f++) bxFace[f] = bx[2 * f]!;
      const py = new Float64Array(nyf * 2);
      for (let i = 0; i < nx; i++) {
        for (let j = 0; j < ny - 1; j++) {
          const f = i * (ny - 1) + j;
          py[2 * f] = grid.x[i]!;
          py[2 * f + 1] = grid.y[j]! + 0.5 * hy;
        }
      }
      const by = drift.evaluate(py, new Float64Array(nyf).fill(t));
      for (let f = 0; f < nyf; f++) byFace[f] = by[2 * f + 1]!;
    }
  }
  gen.out.fill(0);
  let finite = true;
  for (let i = 0; i < nx - 1; i++) {
    const xf = grid.x[i]! + 0.5 * hx;
    for (let j = 0; j < ny; j++) {
      const yc = grid.y[j]!;
      const f = i * ny + j;
      let fx = -beta * xf + bxFace[f]!;
      if (j0) fx += rate * (j0[0]! * xf + j0[1]! * yc);
      sgRates(fx, diffusion, hx, gen.xf, f, gen.xb);
      gen.out[i * ny + j] = gen.out[i * ny + j]! + gen.xf[f]!;
      gen.out[(i + 1) * ny + j] = gen.out[(i + 1) * ny + j]! + gen.xb[f]!;
      if (!Number.isFinite(fx)) finite = false;
    }
  }
  for (let i = 0; i < nx; i++) {
    const xc = grid.x[i]!;
    for (let j = 0; j < ny - 1; j++) {
      const yf = grid.y[j]! + 0.5 * hy;
      const f = i * (ny - 1) + j;
      let fy = -beta * yf + byFace[f]!;
      if (j0) fy += rate * (j0[2]! * xc + j0[3]! * yf);
      sgRates(fy, diffusion, hy, gen.yf, f, gen.yb);
      gen.out[i * ny + j] = gen.out[i * ny + j]! + gen.yf[f]!;
      gen.out[i * ny + j + 1] = gen.out[i * ny + j + 1]! + gen.yb[f]!;
      if (!Number.isFinite(fy)) finite = false;
    }
  }
  let lambda = 0;
  for (let c = 0; c < nx * ny; c++) lambda = Math.max(lambda, gen.out[c]!);
  gen.lambda = lambda;
  gen.finite = finite && Number.isFinite(lambda);
}

/**
 * next = P v with the stochastic matrix P = I + A/λ (gather form, one write per cell), and acc += weight·next.
 * `scaled` holds the rates divided by λ: [xf, xb, yf, yb, diag].
 */
function applyUniformised(
  scaled: readonly [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array],
  nx: number,
  ny: number,
  v: Float64Array,
  next: Float64Array,
  acc: Float64Array,
  weight: number,
): void {
  const [xf, xb, yf, yb, diag] = scaled;
  const ny1 = ny - 1;
  for (let i = 0; i < nx; i++) {
    const base = i * ny;
    const yBase = i * ny1;
    for (let j = 0; j < ny; j++) {
      const c = base + j;
      let value = diag[c]! * v[c]!;
      if (i > 0) value += xf[c - ny]! * v[c - ny]!; // inflow from the left cell across face (i−1, j)
      if (i < nx - 1) value += xb[c]! * v[c + ny]!; // inflow from the right cell across face (i, j)
      if (j > 0) value += yf[yBase + j - 1]! * v[c - 1]!;
      if (j < ny1) value += yb[yBase + j]! * v[c + 1]!;
      next[c] = value;
      acc[c] = acc[c]! + weight * value;
    }
  }
}

/** True when two generators have bitwise-identical rates (used to detect autonomous coefficients). */
function sameRates(a: Generator, b: Generator): boolean {
  if (a.lambda !== b.lambda) return false;
  const pairs: Array<[Float64Array, Float64Array]> = [
    [a.xf, b.xf],
    [a.xb, b.xb],
    [a.yf, b.yf],
    [a.yb, b.yb],
  ];
  for (const [u, w] of pairs) for (let i = 0; i < u.length; i++) if (u[i] !== w[i]) return false;
  return true;
}

function newGenerator(nx: number, ny: number): Generator {
  return {
    xf: new Float64Array((nx - 1) * ny),
    xb: new Float64Array((nx - 1) * ny),
    yf: new Float64Array(nx * (ny - 1)),
    yb: new Float64Array(nx * (ny - 1)),
    out: new Float64Array(nx * ny),
    lambda: 0,
    finite: true,
  };
}

/** The largest λ·Δt per step: keeps the Poisson weights e^{−Λ}Λ^k/k! far from underflow. */
const MAX_EXPONENT = 500;

/**
 * Solves the 2-D Fokker–Planck equation ∂_t p = −∇·(F p) + (g²/2)Δp of a forward process on a box — the
 * ground-truth marginal density (and, through {@link gridScore}, score) for nonlinear drifts.
 *
 * @remarks **Discretisation.** Cell-centred finite volumes with Scharfetter–Gummel (exponentially fitted)
 * fluxes and zero-flux walls. The semi-discrete system ṗ = A(t)p has a generator A with non-negative
 * off-diagonals and zero column sums, so it conserves mass and positivity exactly. SG is second order, reduces
 * to upwinding when drift dominates, and for a gradient drift with a `potential` its discrete equilibrium is
 * exactly e^{−U/D} at the cell centres.
 *
 * **Time stepping: exponential, by uniformisation.** Each step applies exp(Δt·A(t_mid)) (Magnus midpoint:
 * exact for time-independent coefficients, second order otherwise) through the Poisson series
 * Σ_k e^{−λΔt}(λΔt)^k/k!·P^k with the stochastic matrix P = I + A/λ, λ ≥ max outflow rate. Every term is
 * non-negative and mass-preserving, so positivity holds unconditionally and mass is conserved to rounding
 * (the truncated weights are renormalised). This was chosen over implicit Euler because it has no time
 * truncation error for the autonomous problems the oracle is mostly used for (OU, Langevin), needs no linear
 * solve (an iterative solve would leak mass at the level of its residual) and is as cheap as explicit
 * stepping. Cost ≈ λ(t1 − t0) matrix–vector products with λ ≈ 4D/h² + |F|/h.
 *
 * **Walls.** The box has zero-flux walls, so mass that would leave is reflected: keep the density at the
 * walls negligible. Relative errors of p (and hence the score) grow near the walls — on the OU test box the
 * density-weighted score error plateaus at ≈ 3e−3 from this alone while the L1 error keeps converging at O(h²).
 *
 * Starts by validating (throws on bad options); afterwards it never throws: a non-finite drift or density
 * gives status `"non_finite"`, the signal `"aborted"`, too many steps `"max_steps_reached"`, with everything
 * computed so far returned.
 *
 * @param process A forward process of dimension 2 (its drift b, linear part β, rotation J and g(t) are used).
 * @throws ParabolicError `INVALID_ARGUMENT`, `SHAPE_MISMATCH` or `NON_FINITE` for invalid options.
 * @example
 * ```ts
 * const result = solveFokkerPlanck2d(ouProcess({ drift: doubleWellDrift({ dim: 2 }), rate: 0 }), {
 *   grid: { xMin: -2.6, xMax: 2.6, yMin: -2.6, yMax: 2.6, nx: 64, ny: 64 },
 *   initial: (x) => x.filter((_, i) => i % 2 === 0).map((_, n) => -((x[2 * n]! - 1) ** 2 + x[2 * n + 1]! ** 2)),
 *   t1: 2,
 * });
 * result.densities.at(-1); // p(·, 2) on the grid, unit mass
 * ```
 */
export function solveFokkerPlanck2d(process: ForwardProcess, options: FokkerPlanckOptions): FokkerPlanckResult {
  const fn = "solveFokkerPlanck2d";
  if (process.dim !== undefined && process.dim !== 2) throw invalidArgument(fn, "process.dim", "be 2", process.dim);
  const grid = grid2d(options.grid);
  const n = grid.nx * grid.ny;
  const t0 = options.t0 ?? 0;
  assertFiniteNumber(fn, "t0", t0);
  assertFiniteNumber(fn, "t1", options.t1);
  const t1 = options.t1;
  if (!(t1 >= t0)) throw invalidArgument(fn, "t1", `be >= t0 (${t0})`, t1);
  const maxStep = options.maxStepSize ?? (t1 - t0) / 50;
  if (t1 > t0) assertPositiveNumber(fn, "maxStepSize", maxStep);
  const maxSteps = options.maxSteps ?? 1e6;
  assertPositiveInteger(fn, "maxSteps", maxSteps);
  const saves = [...(options.saveAt ?? [])];
  for (const t of saves) {
    assertFiniteNumber(fn, "saveAt[]", t);
    if (!(t > t0 && t < t1)) throw invalidArgument(fn, "saveAt[]", `lie strictly inside (t0, t1) = (${t0}, ${t1})`, t);
  }
  saves.sort((a, b) => a - b);
  const targets = [...new Set([...saves, t1])].filter((t) => t > t0);

  const centres = gridPoints(grid);
  let p: Float64Array;
  if (typeof options.initial === "function") {
    const lp = options.initial(centres);
    assertLength(fn, "initial(points)", lp, n);
    let mx = -Infinity;
    for (let c = 0; c < n; c++) {
      const v = lp[c]!;
      if (Number.isNaN(v) || v === Infinity) throw new ParabolicError("NON_FINITE", `${fn}: the initial log-density is ${v} at cell ${c}.`, { cell: c, value: v });
      mx = Math.max(mx, v);
    }
    if (mx === -Infinity) throw invalidArgument(fn, "initial", "have positive mass on the grid", options.initial);
    p = new Float64Array(n);
    for (let c = 0; c < n; c++) p[c] = Math.exp(lp[c]! - mx);
  } else if (options.initial instanceof Float64Array) {
    assertLength(fn, "initial", options.initial, n);
    assertAllFinite(fn, "initial", options.initial);
    p = Float64Array.from(options.initial);
    for (let c = 0; c < n; c++) if (p[c]! < 0) throw invalidArgument(fn, "initial", "be non-negative", `${p[c]} at cell ${c}`);
  } else {
    throw invalidArgument(fn, "initial", "be a Float64Array of cell densities or a batched log-density function", options.initial);
  }
  const cellArea = grid.hx * grid.hy;
  let mass = 0;
  for (let c = 0; c < n; c++) mass += p[c]!;
  if (!(mass > 0)) throw invalidArgument(fn, "initial", "have positive mass on the grid", mass);
  const initialMass = typeof options.initial === "function" ? 1 : mass * cellArea;
  for (let c = 0; c < n; c++) p[c] = p[c]! / (mass * cellArea);

  let gen = newGenerator(grid.nx, grid.ny);
  let previous = newGenerator(grid.nx, grid.ny);
  let autonomous = false;
  const scaled: [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array] = [
    new Float64Array(gen.xf.length),
    new Float64Array(gen.xb.length),
    new Float64Array(gen.yf.length),
    new Float64Array(gen.yb.length),
    new Float64Array(n),
  ];
  let currentDt = 0;
  /** Assembles the generator at the midpoint of a step of (at most) `dt`, shrinking it to respect the cap. */
  const assembleCapped = (dtWanted: number): boolean => {
    let dt = dtWanted;
    assemble(process, grid, t + 0.5 * dt, centres, gen);
    for (let tries = 0; tries < 20 && gen.finite && gen.lambda * dt > MAX_EXPONENT; tries++) {
      dt = (0.98 * MAX_EXPONENT) / gen.lambda;
      assemble(process, grid, t + 0.5 * dt, centres, gen);
    }
    currentDt = dt;
    return gen.finite && gen.lambda * dt <= MAX_EXPONENT * 1.5;
  };
  const ts: number[] = [t0];
  const densities: Float64Array[] = [p.slice()];
  let status: FokkerPlanckStatus = "success";
  let steps = 0;
  let matvecs = 0;
  let t = t0;
  let v = new Float64Array(n);
  let w = new Float64Array(n);
  const acc = new Float64Array(n);
  const report = throttleProgress(options.onProgress);
  outer: for (const target of targets) {
    while (t < target) {
      if (options.signal?.aborted) {
        status = "aborted";
        break outer;
      }
      if (steps >= maxSteps) {
        status = "max_steps_reached";
        break outer;
      }
      // When two consecutive midpoint generators agree bitwise the coefficients look autonomous and the
      // exponential step is exact for any Δt, so the next step tries the largest step the Poisson-weight cap
      // λΔt ≤ 500 allows; every step re-assembles at its own midpoint and falls back to maxStepSize as soon as
      // the generator changes.
      const swap = previous;
      previous = gen;
      gen = swap;
      let dt = Math.min(autonomous ? (0.98 * MAX_EXPONENT) / previous.lambda : maxStep, target - t);
      let ok = assembleCapped(dt);
      if (ok && dt > maxStep && !sameRates(gen, previous)) {
        dt = Math.min(maxStep, target - t);
        ok = assembleCapped(dt);
      }
      if (!ok) {
        status = "non_finite";
        break outer;
      }
      autonomous = steps > 0 && sameRates(gen, previous);
      dt = currentDt;
      // snap the last step onto the target to avoid a sliver step
      if (target - (t + dt) < 1e-12 * Math.max(1, Math.abs(target))) dt = target - t;
      if (gen.lambda > 0 && dt > 0) {
        const big = gen.lambda * dt;
        const inv = 1 / gen.lambda;
        for (let f = 0; f < gen.xf.length; f++) {
          scaled[0][f] = gen.xf[f]! * inv;
          scaled[1][f] = gen.xb[f]! * inv;
        }
        for (let f = 0; f < gen.yf.length; f++) {
          scaled[2][f] = gen.yf[f]! * inv;
          scaled[3][f] = gen.yb[f]! * inv;
        }
        for (let c = 0; c < n; c++) scaled[4][c] = 1 - gen.out[c]! * inv;
        // Poisson weights, truncated past the mode once a term is < 1e−17 of the sum, then renormalised
        const kMax = Math.ceil(big + 12 * Math.sqrt(big) + 40);
        let weight = Math.exp(-big);
        let cumulative = weight;
        v.set(p);
        for (let c = 0; c < n; c++) acc[c] = weight * v[c]!;
        for (let k = 1; k <= kMax && (k <= big || weight > 1e-17 * cumulative); k++) {
          weight *= big / k;
          cumulative += weight;
          applyUniformised(scaled, grid.nx, grid.ny, v, w, acc, weight);
          matvecs++;
          const tmp = v;
          v = w;
          w = tmp;
        }
        const norm = 1 / cumulative;
        let bad = false;
        for (let c = 0; c < n; c++) {
          const value = acc[c]! * norm;
          if (!Number.isFinite(value)) bad = true;
          p[c] = value;
        }
        if (bad) {
          status = "non_finite";
          break outer;
        }
      }
      t = t + dt >= target ? target : t + dt;
      steps++;
      report?.({ label: "solveFokkerPlanck2d", completed: Math.round((1000 * (t - t0)) / Math.max(t1 - t0, 1e-300)), total: 1000 });
    }
    ts.push(target);
    densities.push(p.slice());
  }
  let massError = 0;
  let minDensity = Infinity;
  for (const d of densities) {
    let m = 0;
    for (let c = 0; c < n; c++) {
      m += d[c]!;
      minDensity = Math.min(minDensity, d[c]!);
    }
    massError = Math.max(massError, Math.abs(m * cellArea - 1));
  }
  return { status, grid, ts: Float64Array.from(ts), densities, stats: { steps, matvecs, initialMass, massError, minDensity } };
}

/**
 * log p on the grid (−∞ where the density underflowed to 0).
 *
 * @example
 * ```ts
 * const logp = gridLogDensity(result.densities.at(-1)!);
 * ```
 */
export function gridLogDensity(density: Float64Array): Float64Array {
  return density.map((v) => Math.log(v));
}

/**
 * The score ∇ log p on the grid by second-order central differences of log p (one-sided at the walls).
 *
 * @returns a fresh `(nx·ny) × 2` array; NaN where a neighbouring density underflowed to 0.
 * @throws ParabolicError `SHAPE_MISMATCH` if `density` does not have nx·ny entries.
 * @example
 * ```ts
 * const s = gridScore(result.grid, result.densities.at(-1)!); // s[2c], s[2c+1] = ∂_x, ∂_y log p at cell c
 * ```
 */
export function gridScore(grid: Grid2d, density: Float64Array): Float64Array {
  const { nx, ny, hx, hy } = grid;
  assertLength("gridScore", "density", density, nx * ny);
  const lp = gridLogDensity(density);
  const out = new Float64Array(nx * ny * 2);
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const c = i * ny + j;
      let gx: number;
      if (i === 0) gx = (-3 * lp[c]! + 4 * lp[c + ny]! - lp[c + 2 * ny]!) / (2 * hx);
      else if (i === nx - 1) gx = (3 * lp[c]! - 4 * lp[c - ny]! + lp[c - 2 * ny]!) / (2 * hx);
      else gx = (lp[c + ny]! - lp[c - ny]!) / (2 * hx);
      let gy: number;
      if (j === 0) gy = (-3 * lp[c]! + 4 * lp[c + 1]! - lp[c + 2]!) / (2 * hy);
      else if (j === ny - 1) gy = (3 * lp[c]! - 4 * lp[c - 1]! + lp[c - 2]!) / (2 * hy);
      else gy = (lp[c + 1]! - lp[c - 1]!) / (2 * hy);
      out[2 * c] = gx;
      out[2 * c + 1] = gy;
    }
  }
  return out;
}

/**
 * Bilinear interpolation of a grid field with `components` values per cell at arbitrary points (clamped to
 * the rectangle of cell centres).
 *
 * @returns a fresh `count × components` array.
 * @throws ParabolicError `SHAPE_MISMATCH` for mismatched lengths.
 * @example
 * ```ts
 * const lp = interpolateGrid(grid, gridLogDensity(density), 1, new Float64Array([0.3, -0.2]));
 * ```
 */
export function interpolateGrid(grid: Grid2d, values: Float64Array, components: number, points: Float64Array): Float64Array {
  const fn = "interpolateGrid";
  const { nx, ny, hx, hy } = grid;
  assertLength(fn, "values", values, nx * ny * components);
  if (points.length % 2 !== 0) assertLength(fn, "points", points, points.length + 1);
  const count = points.length / 2;
  const out = new Float64Array(count * components);
  for (let n = 0; n < count; n++) {
    let fx = (points[2 * n]! - grid.x[0]!) / hx;
    let fy = (points[2 * n + 1]! - grid.y[0]!) / hy;
    fx = Math.min(Math.max(fx, 0), nx - 1);
    fy = Math.min(Math.max(fy, 0), ny - 1);
    const i = Math.min(Math.floor(fx), nx - 2);
    const j = Math.min(Math.floor(fy), ny - 2);
    const ax = fx - i;
    const ay = fy - j;
    const c00 = i * ny + j;
    const c10 = c00 + ny;
    for (let k = 0; k < components; k++) {
      const v00 = values[c00 * components + k]!;
      const v01 = values[(c00 + 1) * components + k]!;
      const v10 = values[c10 * components + k]!;
      const v11 = values[(c10 + 1) * components + k]!;
      out[n * components + k] = (1 - ax) * ((1 - ay) * v00 + ay * v01) + ax * ((1 - ay) * v10 + ay * v11);
    }
  }
  return out;
}

/**
 * The solved marginal as a {@link MarginalField}: log p(x, t) and ∇ log p(x, t) by bilinear interpolation in
 * space and linear interpolation (of log p and the score) between saved times.
 *
 * @remarks Spatial error O(h²), temporal error O(Δt_save²) — save densely where you query. Times must lie in
 * [ts[0], ts.at(-1)] (or match a saved time); the field throws `INVALID_ARGUMENT` otherwise.
 * @example
 * ```ts
 * const field = fokkerPlanckField(result);
 * field.score!(new Float64Array([0.5, 0]), new Float64Array([result.ts.at(-1)!]));
 * ```
 */
export function fokkerPlanckField(result: FokkerPlanckResult): MarginalField {
  const { grid, ts, densities } = result;
  const logCache = new Map<number, Float64Array>();
  const scoreCache = new Map<number, Float64Array>();
  const logAt = (k: number): Float64Array => {
    let v = logCache.get(k);
    if (!v) logCache.set(k, (v = gridLogDensity(densities[k]!)));
    return v;
  };
  const scoreAt = (k: number): Float64Array => {
    let v = scoreCache.get(k);
    if (!v) scoreCache.set(k, (v = gridScore(grid, densities[k]!)));
    return v;
  };
  const bracket = (t: number): [number, number, number] => {
    const last = ts.length - 1;
    const tol = 1e-12 * Math.max(1, Math.abs(t));
    if (!(t >= ts[0]! - tol && t <= ts[last]! + tol)) {
      throw invalidArgument("fokkerPlanckField", "times", `lie in the solved range [${ts[0]}, ${ts[last]}]`, t);
    }
    let k = 0;
    while (k < last - 1 && ts[k + 1]! < t) k++;
    if (last === 0) return [0, 0, 0];
    const a = Math.min(1, Math.max(0, (t - ts[k]!) / (ts[k + 1]! - ts[k]!)));
    return [k, k + 1, a];
  };
  const evaluate = (points: Float64Array, times: Float64Array, components: number, table: (k: number) => Float64Array): Float64Array => {
    const count = times.length;
    assertLength("fokkerPlanckField", "points", points, count * 2);
    const out = new Float64Array(count * components);
    const one = new Float64Array(2);
    for (let n = 0; n < count; n++) {
      const [k0, k1, a] = bracket(times[n]!);
      one[0] = points[2 * n]!;
      one[1] = points[2 * n + 1]!;
      const v0 = interpolateGrid(grid, table(k0), components, one);
      const v1 = a > 0 ? interpolateGrid(grid, table(k1), components, one) : v0;
      for (let c = 0; c < components; c++) out[n * components + c] = (1 - a) * v0[c]! + a * v1[c]!;
    }
    return out;
  };
  return {
    dim: 2,
    logDensity: (points, times) => evaluate(points, times, 1, logAt),
    score: (points, times) => evaluate(points, times, 2, scoreAt),
  };
}
