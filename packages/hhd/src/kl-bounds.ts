import {
  ParabolicError,
  assertFiniteNumber,
  assertNonNegativeNumber,
  assertPositiveInteger,
  invalidArgument,
} from "@parabolic/core";
import { cholesky, inverseFromCholesky, logDetFromCholesky, matmul } from "./internal/dense.js";
import { symplecticGenerator } from "./test-fields.js";
import { vpSchedule, type VpSchedule } from "./vp-schedule.js";
import { shapeMismatch } from "./internal/check.js";

/**
 * Quadrature rule over the time grid.
 *
 * @example
 * ```ts
 * klBounds({ times, errorNorms, gradientNorms, diffusionSquared: vp.beta, rule: "simpson" satisfies TimeQuadrature });
 * ```
 */
export type TimeQuadrature = "trapezoid" | "simpson";

/**
 * Options of {@link klBounds}.
 *
 * @example
 * ```ts
 * const options: KlBoundsOptions = { times, errorNorms, gradientNorms, diffusionSquared: vpSchedule().beta, terminalKL: 1.26e-6 };
 * ```
 */
export type KlBoundsOptions = Readonly<{
  /** Increasing time grid `t_0 < … < t_n` (e.g. `t_min … T`). */
  times: ArrayLike<number>;
  /** `‖e_t‖²_{L²(p_t)}` at each time (true or estimated). */
  errorNorms: ArrayLike<number>;
  /** `‖Π_G e_t‖²_{L²(p_t)}` at each time (true, from the grid solver, or a dual-Sobolev estimate). */
  gradientNorms: ArrayLike<number>;
  /** `g(t)²` of the forward SDE; for VP pass `schedule.beta`. */
  diffusionSquared: (t: number) => number;
  /** `KL(p_T ‖ π)`, the prior-mismatch term. @defaultValue 0 */
  terminalKL?: number;
  /** `"simpson"` needs a uniform grid with an odd number of points. @defaultValue "trapezoid" */
  rule?: TimeQuadrature;
}>;

/**
 * Girsanov vs gradient-only KL bounds (hhd.md §5).
 *
 * @example
 * ```ts
 * const { girsanov, gradientOnly, gap }: KlBounds = klBounds(options);
 * ```
 */
export type KlBounds = Readonly<{
  /** `B_Gir = KL(p_T‖π) + ∫ ½g²‖e_t‖² dt` (path-space, data-processing bound). */
  girsanov: number;
  /** `B_grad = KL(p_T‖π) + ∫ ½g²‖Π_G e_t‖² dt` (marginal-space bound, Theorem 3.2). */
  gradientOnly: number;
  /** `B_Gir − B_grad = ∫ ½g²‖Π_S e_t‖² dt`: the cost of operating on path space. */
  gap: number;
  terminalKL: number;
  /** `Err_L2 = ∫ ½g²‖e_t‖² dt`. */
  errorIntegral: number;
  /** `Err_grad = ∫ ½g²‖Π_G e_t‖² dt`. */
  gradientIntegral: number;
  /** `Err_sol = ∫ ½g²(‖e_t‖² − ‖Π_G e_t‖²) dt`. */
  solenoidalIntegral: number;
}>;

/**
 * Quadrature weights for `∫ f(t) dt` on the given grid.
 * @internal
 */
export function quadratureWeights(fn: string, times: ArrayLike<number>, rule: TimeQuadrature): Float64Array {
  const n = times.length;
  if (n < 2) throw invalidArgument(fn, "times", "have at least 2 points", n);
  for (let i = 0; i < n; i++) assertFiniteNumber(fn, `times[${i}]`, times[i]);
  for (let i = 1; i < n; i++) {
    if (!(times[i]! > times[i - 1]!)) throw invalidArgument(fn, "times", `be strictly increasing (times[${i}] = ${times[i]})`, times);
  }
  const w = new Float64Array(n);
  if (rule === "trapezoid") {
    for (let i = 0; i + 1 < n; i++) {
      const h = times[i + 1]! - times[i]!;
      w[i]! += 0.5 * h;
      w[i + 1]! += 0.5 * h;
    }
    return w;
  }
  if (rule !== "simpson") throw invalidArgument(fn, "rule", 'be "trapezoid" or "simpson"', rule);
  if (n % 2 === 0) throw invalidArgument(fn, "times", "have an odd number of points for Simpson's rule", n);
  const h = (times[n - 1]! - times[0]!) / (n - 1);
  for (let i = 0; i < n; i++) {
    if (Math.abs(times[i]! - (times[0]! + i * h)) > 1e-9 * Math.max(1, Math.abs(times[n - 1]!))) {
      throw invalidArgument(fn, "times", "be uniform for Simpson's rule", times);
    }
    w[i] = ((i === 0 || i === n - 1 ? 1 : i % 2 === 1 ? 4 : 2) * h) / 3;
  }
  return w;
}

/**
 * The Girsanov bound `B_Gir` and the gradient-only bound `B_grad` of `KL(p_0 ‖ q_0)` for the reverse SDE, from
 * per-time norms of the score error and of its gradient component (hhd.md §5, weight `w(t) = ½g(t)²`).
 *
 * @remarks `B_grad ≤ B_Gir` whenever `gradientNorms ≤ errorNorms`; their gap is the solenoidal part, invisible to
 * the marginals. With estimated gradient norms (lower bounds, see `estimateGradientNorm`) `B_grad` is itself an
 * estimate. Use a grid that resolves `g²` (β grows to 20 at t = 1 for VP).
 * @throws ParabolicError `INVALID_ARGUMENT` / `SHAPE_MISMATCH` / `NON_FINITE` for bad inputs.
 * @example
 * ```ts
 * const vp = vpSchedule();
 * const b = klBounds({ times, errorNorms, gradientNorms, diffusionSquared: vp.beta, terminalKL: 1.26e-6 });
 * b.girsanov; b.gradientOnly; b.gap;
 * ```
 */
export function klBounds(options: KlBoundsOptions): KlBounds {
  const fn = "klBounds";
  if (typeof options !== "object" || options === null) throw invalidArgument(fn, "options", "be an object", options);
  const { times, errorNorms, gradientNorms, diffusionSquared } = options;
  if (typeof diffusionSquared !== "function") throw invalidArgument(fn, "diffusionSquared", "be a function", diffusionSquared);
  const w = quadratureWeights(fn, times, options.rule ?? "trapezoid");
  const n = times.length;
  for (const [name, arr] of [
    ["errorNorms", errorNorms],
    ["gradientNorms", gradientNorms],
  ] as const) {
    if (arr === null || typeof arr !== "object" || arr.length !== n) {
      throw new ParabolicError("SHAPE_MISMATCH", `${fn}: '${name}' must have one value per time (${n}); got ${arr?.length}.`, {
        function: fn,
        argument: name,
      });
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(arr[i]!)) throw new ParabolicError("NON_FINITE", `${fn}: '${name}[${i}]' is ${arr[i]}.`, { function: fn, argument: name, index: i });
    }
  }
  const terminalKL = options.terminalKL ?? 0;
  assertNonNegativeNumber(fn, "terminalKL", terminalKL);
  let errorIntegral = 0;
  let gradientIntegral = 0;
  for (let i = 0; i < n; i++) {
    const g2 = diffusionSquared(times[i]!);
    if (!Number.isFinite(g2) || g2 < 0) throw invalidArgument(fn, "diffusionSquared", `return a finite value >= 0 (at t = ${times[i]})`, g2);
    errorIntegral += w[i]! * 0.5 * g2 * errorNorms[i]!;
    gradientIntegral += w[i]! * 0.5 * g2 * gradientNorms[i]!;
  }
  return {
    girsanov: terminalKL + errorIntegral,
    gradientOnly: terminalKL + gradientIntegral,
    gap: errorIntegral - gradientIntegral,
    terminalKL,
    errorIntegral,
    gradientIntegral,
    solenoidalIntegral: errorIntegral - gradientIntegral,
  };
}

/**
 * Options of {@link exactGaussianKL}.
 *
 * @example
 * ```ts
 * const options: ExactGaussianKLOptions = { mean: [0, 1], covariance: [1, 0, 0, 0.5], rotationScale: 4, start: "marginal" };
 * ```
 */
export type ExactGaussianKLOptions = Readonly<{
  /** Mean m of the Gaussian data law p_0 = N(m, S) (length d). */
  mean: ArrayLike<number>;
  /** Covariance S (d × d row-major, SPD). */
  covariance: ArrayLike<number>;
  /** @defaultValue vpSchedule() */
  schedule?: VpSchedule;
  /** κ of the model `s = (1+κ)∇log p_t + λA∇log p_t`. @defaultValue 0 */
  gradientScale?: number;
  /** λ. @defaultValue 0 */
  rotationScale?: number;
  /** Antisymmetric A (d × d); defaults to the symplectic generator (d even). */
  generator?: Float64Array;
  /** `"sde"`: reverse SDE; `"ode"`: probability-flow ODE. @defaultValue "sde" */
  sampler?: "sde" | "ode";
  /** `"prior"`: start at π = N(0, I); `"marginal"`: start at the exact p_T. @defaultValue "prior" */
  start?: "prior" | "marginal";
  /** RK4 steps over [0, T] (even). @defaultValue 2000 */
  steps?: number;
}>;

/**
 * Result of {@link exactGaussianKL}.
 *
 * @example
 * ```ts
 * const { kl, bounds }: ExactGaussianKL = exactGaussianKL(options);
 * ```
 */
export type ExactGaussianKL = Readonly<{
  /** Exact `KL(p_0 ‖ q_0)` of the continuous-time sampler (up to the RK4 error). */
  kl: number;
  /** `KL(p_T ‖ start law)` (0 for `start: "marginal"`). */
  terminalKL: number;
  /** `B_Gir` and `B_grad` with the exact per-time norms (Simpson on the RK4 grid). */
  bounds: KlBounds;
  /** Law of the sampler output q_0 = N(finalMean, finalCovariance). */
  finalMean: Float64Array;
  finalCovariance: Float64Array;
}>;

function gaussianKL(m1: Float64Array, s1: Float64Array, m2: Float64Array, s2: Float64Array, d: number): number {
  const l1 = cholesky(s1, d);
  const l2 = cholesky(s2, d);
  if (l1 === undefined || l2 === undefined) return Number.NaN;
  const inv2 = inverseFromCholesky(l2, d);
  let tr = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) tr += inv2[i * d + j]! * s1[j * d + i]!;
  let quad = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) quad += (m2[i]! - m1[i]!) * inv2[i * d + j]! * (m2[j]! - m1[j]!);
  return 0.5 * (tr + quad - d + logDetFromCholesky(l2, d) - logDetFromCholesky(l1, d));
}

/**
 * Exact `KL(p_0 ‖ q_0)` for Gaussian data under the VP SDE and the perturbed model
 * `s_θ = ((1+κ)I + λA)∇log p_t`, by integrating the sampler's mean and covariance ODEs (RK4): the oracle for the
 * KL bounds of hhd.md §5 and for invisibility (I1) in any dimension.
 *
 * @remarks For Gaussian p_t = N(α_t m, Σ_t) the error splits exactly: `Π_G e = κ∇log p_t`, `Π_S e = λA∇log p_t`,
 * so `‖e_t‖² = tr((κI+λA)ᵀ(κI+λA)Σ_t⁻¹)` and `‖Π_G e_t‖² = κ² tr Σ_t⁻¹`. The model drift is affine, so q_t stays
 * Gaussian and the KL is closed-form. With `start: "marginal"` and κ = 0 the result is 0 for any λ (invisibility).
 * @throws ParabolicError for invalid inputs; `NON_FINITE` if the covariance stops being positive definite.
 * @example
 * ```ts
 * const r = exactGaussianKL({ mean: [1, 0], covariance: [0.5, 0.1, 0.1, 0.3], gradientScale: 0.2, rotationScale: 3 });
 * r.kl <= r.bounds.gradientOnly && r.bounds.gradientOnly <= r.bounds.girsanov; // true
 * ```
 */
export function exactGaussianKL(options: ExactGaussianKLOptions): ExactGaussianKL {
  const fn = "exactGaussianKL";
  const d = options.mean?.length;
  assertPositiveInteger(fn, "mean.length", d, 256);
  if (options.covariance?.length !== d * d) {
    throw shapeMismatch(fn, "covariance", `have length d² = ${d * d}`, options.covariance);
  }
  const m0 = Float64Array.from(options.mean);
  const s0 = Float64Array.from(options.covariance);
  for (let i = 0; i < d; i++) assertFiniteNumber(fn, `mean[${i}]`, m0[i]);
  if (cholesky(s0, d) === undefined) throw invalidArgument(fn, "covariance", "be symmetric positive definite", options.covariance);
  const schedule = options.schedule ?? vpSchedule();
  const kappa = options.gradientScale ?? 0;
  const lambda = options.rotationScale ?? 0;
  assertFiniteNumber(fn, "gradientScale", kappa);
  assertFiniteNumber(fn, "rotationScale", lambda);
  const a = options.generator ?? (lambda !== 0 ? symplecticGenerator(d) : new Float64Array(d * d));
  if (a.length !== d * d) throw shapeMismatch(fn, "generator", `have length d² = ${d * d}`, a);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      if (Math.abs(a[i * d + j]! + a[j * d + i]!) > 1e-12 * (1 + Math.abs(a[i * d + j]!))) throw invalidArgument(fn, "generator", "be antisymmetric", a);
    }
  }
  const sampler = options.sampler ?? "sde";
  if (sampler !== "sde" && sampler !== "ode") throw invalidArgument(fn, "sampler", 'be "sde" or "ode"', sampler);
  const start = options.start ?? "prior";
  if (start !== "prior" && start !== "marginal") throw invalidArgument(fn, "start", 'be "prior" or "marginal"', start);
  const steps = options.steps ?? 2000;
  assertPositiveInteger(fn, "steps", steps);
  if (steps % 2 !== 0) throw invalidArgument(fn, "steps", "be even (Simpson's rule on the RK4 grid)", steps);
  const horizon = schedule.horizon;

  // K = (1+κ)I + λA (model score = K ∇log p_t), E = κI + λA (error = E ∇log p_t)
  const kMat = new Float64Array(d * d);
  const eMat = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      kMat[i * d + j] = lambda * a[i * d + j]! + (i === j ? 1 + kappa : 0);
      eMat[i * d + j] = lambda * a[i * d + j]! + (i === j ? kappa : 0);
    }
  }
  const marginal = (t: number): { mean: Float64Array; cov: Float64Array } => {
    const al = schedule.alpha(t);
    const sg = schedule.sigma(t);
    const cov = new Float64Array(d * d);
    for (let k = 0; k < d * d; k++) cov[k] = al * al * s0[k]!;
    for (let i = 0; i < d; i++) cov[i * d + i]! += sg * sg;
    return { mean: m0.map((v) => al * v), cov };
  };
  const precision = (t: number): { mean: Float64Array; inv: Float64Array } => {
    const mg = marginal(t);
    const l = cholesky(mg.cov, d);
    if (l === undefined) throw new ParabolicError("NON_FINITE", `${fn}: the marginal covariance at t = ${t} is not positive definite.`, { function: fn, time: t });
    return { mean: mg.mean, inv: inverseFromCholesky(l, d) };
  };
  const noise = sampler === "sde" ? 1 : 0;
  const drift = sampler === "sde" ? 1 : 0.5;
  // state = [mean (d), cov (d²)], derivative in reversed time τ = T − t
  const derivative = (t: number, mean: Float64Array, cov: Float64Array): { dm: Float64Array; dc: Float64Array } => {
    const beta = schedule.beta(t);
    const { mean: mu, inv } = precision(t);
    // model score s(y) = M (y − μ_t), M = −K Σ_t⁻¹; drift in τ: ½βy + c β s(y)
    const m = matmul(kMat, inv, d);
    const b = new Float64Array(d * d);
    for (let k = 0; k < d * d; k++) b[k] = -drift * beta * m[k]!;
    for (let i = 0; i < d; i++) b[i * d + i]! += 0.5 * beta;
    const dm = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let s = 0.5 * beta * mean[i]!;
      for (let j = 0; j < d; j++) s -= drift * beta * m[i * d + j]! * (mean[j]! - mu[j]!);
      dm[i] = s;
    }
    const bc = matmul(b, cov, d);
    const dc = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) dc[i * d + j] = bc[i * d + j]! + bc[j * d + i]! + (i === j ? noise * beta : 0);
    }
    return { dm, dc };
  };

  const pT = marginal(horizon);
  let mean = start === "prior" ? new Float64Array(d) : pT.mean.slice();
  let cov = new Float64Array(d * d);
  if (start === "prior") for (let i = 0; i < d; i++) cov[i * d + i] = 1;
  else cov = pT.cov.slice();
  const terminalKL = start === "prior" ? gaussianKL(pT.mean, pT.cov, mean, cov, d) : 0;

  const dt = horizon / steps;
  const times = new Float64Array(steps + 1);
  const errorNorms = new Float64Array(steps + 1);
  const gradientNorms = new Float64Array(steps + 1);
  const ete = matmul(transpose(eMat, d), eMat, d);
  for (let k = 0; k <= steps; k++) {
    const t = k * dt;
    times[k] = t;
    const { inv } = precision(t);
    let trE = 0;
    let trI = 0;
    for (let i = 0; i < d; i++) {
      trI += inv[i * d + i]!;
      for (let j = 0; j < d; j++) trE += ete[i * d + j]! * inv[j * d + i]!;
    }
    errorNorms[k] = trE;
    gradientNorms[k] = kappa * kappa * trI;
  }
  const axpy = (x: Float64Array, y: Float64Array, s: number): Float64Array => x.map((v, i) => v + s * y[i]!);
  for (let k = steps; k > 0; k--) {
    const t = k * dt;
    const k1 = derivative(t, mean, cov);
    const k2 = derivative(t - 0.5 * dt, axpy(mean, k1.dm, 0.5 * dt), axpy(cov, k1.dc, 0.5 * dt));
    const k3 = derivative(t - 0.5 * dt, axpy(mean, k2.dm, 0.5 * dt), axpy(cov, k2.dc, 0.5 * dt));
    const k4 = derivative(t - dt, axpy(mean, k3.dm, dt), axpy(cov, k3.dc, dt));
    mean = mean.map((v, i) => v + (dt / 6) * (k1.dm[i]! + 2 * k2.dm[i]! + 2 * k3.dm[i]! + k4.dm[i]!));
    cov = cov.map((v, i) => v + (dt / 6) * (k1.dc[i]! + 2 * k2.dc[i]! + 2 * k3.dc[i]! + k4.dc[i]!));
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < i; j++) {
        const s = 0.5 * (cov[i * d + j]! + cov[j * d + i]!);
        cov[i * d + j] = s;
        cov[j * d + i] = s;
      }
    }
  }
  const kl = gaussianKL(m0, s0, mean, cov, d);
  if (!Number.isFinite(kl)) throw new ParabolicError("NON_FINITE", `${fn}: the sampler covariance lost positive definiteness; increase 'steps'.`, { function: fn });
  const bounds = klBounds({ times, errorNorms, gradientNorms, diffusionSquared: schedule.beta, terminalKL, rule: "simpson" });
  return { kl, terminalKL, bounds, finalMean: mean, finalCovariance: cov };
}

function transpose(a: Float64Array, d: number): Float64Array {
  const t = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) t[j * d + i] = a[i * d + j]!;
  return t;
}
