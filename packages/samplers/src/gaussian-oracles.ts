import { assertNonNegativeInteger, assertPositiveNumber, invalidArgument } from "@parabolic/core";

/** A 1-D Gaussian law N(mean, variance) and a target N(targetMean, targetVariance). */
type GaussianSetting = Readonly<{ mean0?: number; variance0: number; targetMean?: number; targetVariance?: number }>;

/**
 * The exact Fokker–Planck (Wasserstein gradient) flow of KL(f‖π) between 1-D Gaussians, in closed form.
 *
 * @example
 * ```ts
 * gaussianFlow({ variance0: 10 }).fisher(1); // 0.668871
 * ```
 */
export type GaussianFlow = Readonly<{
  mean(time: number): number;
  variance(time: number): number;
  /** KL(f_t‖π). */
  kl(time: number): number;
  /** Relative Fisher information I(f_t‖π) = −dKL/dt. */
  fisher(time: number): number;
}>;

/**
 * Closed-form KL(N(m, v)‖N(μ, s²)) = ½(v/s² + (m − μ)²/s² − 1 − ln(v/s²)) between 1-D Gaussians.
 *
 * @remarks Hot-path oracle helper: no validation (a non-positive variance gives NaN). For any dimension and
 * validated inputs use `gaussianKl` of `@parabolic/metrics`.
 * @defaultValue targetMean 0, targetVariance 1 (π = N(0, 1))
 * @example
 * ```ts
 * gaussianKl1d({ mean: 0, variance: 10 }); // 3.348707 (spec O1, t = 0)
 * ```
 */
export function gaussianKl1d(
  options: Readonly<{ mean: number; variance: number; targetMean?: number; targetVariance?: number }>,
): number {
  const targetMean = options.targetMean ?? 0;
  const targetVariance = options.targetVariance ?? 1;
  const r = options.variance / targetVariance;
  return 0.5 * (r + (options.mean - targetMean) ** 2 / targetVariance - 1 - Math.log(r));
}

/**
 * The exact flow from f₀ = N(m₀, v₀) to π = N(μ, s²) (spec §9 O1): m(t) = μ + (m₀ − μ)e^{−t/s²},
 * v(t) = s² + (v₀ − s²)e^{−2t/s²}, with KL and relative Fisher information I = v(1/s² − 1/v)² + (m − μ)²/s⁴.
 *
 * @remarks The oracle for every "same marginals" test: ULA, the probability-flow ODE and SBTM all follow it up to
 * their discretisation error. v₀ = 10, π = N(0, 1): KL = 3.348707 / 0.210702 / 0.006128 / 4.17e-8 at
 * t = 0 / 1 / 2 / 5.
 * @example
 * ```ts
 * const flow = gaussianFlow({ variance0: 10 });
 * flow.kl(1); // 0.210702
 * ```
 */
export function gaussianFlow(options: GaussianSetting): GaussianFlow {
  const fn = "gaussianFlow";
  const m0 = options.mean0 ?? 0;
  const v0 = options.variance0;
  const mu = options.targetMean ?? 0;
  const s2 = options.targetVariance ?? 1;
  assertPositiveNumber(fn, "variance0", v0);
  assertPositiveNumber(fn, "targetVariance", s2);
  const mean = (t: number): number => mu + (m0 - mu) * Math.exp(-t / s2);
  const variance = (t: number): number => s2 + (v0 - s2) * Math.exp((-2 * t) / s2);
  return {
    mean,
    variance,
    kl: (t) => gaussianKl1d({ mean: mean(t), variance: variance(t), targetMean: mu, targetVariance: s2 }),
    fisher: (t) => {
      const v = variance(t);
      return v * (1 / s2 - 1 / v) ** 2 + (mean(t) - mu) ** 2 / (s2 * s2);
    },
  };
}

/**
 * A discrete scheme whose Gaussian-in, Gaussian-out moment recursion is exact (spec §9 O2).
 *
 * @example
 * ```ts
 * gaussianDiscreteLaw({ scheme: "heun-current-law", variance0: 10, stepSize: 0.1, steps: 50 });
 * ```
 */
export type GaussianScheme = "ula" | "euler-current-law" | "heun-current-law" | "euler-exact-score";

/**
 * Exact moment recursions of the discrete schemes on a 1-D Gaussian target (spec §9 O2): returns m_k, v_k for
 * k = 0 … steps.
 *
 * @remarks
 * - `"ula"`: m′ = m + h(μ − m)/s², v′ = (1 − h/s²)²v + 2h; stationary v∞ = s²/(1 − h/(2s²)).
 * - `"euler-current-law"`: deterministic Euler with the particles' own Gaussian score −(x − m)/v (the affine ISM
 *   optimum): v′ = v(1 − h/s² + h/v)², fixed point v = s² exactly. Holds for any particle cloud's m̂, v̂.
 * - `"heun-current-law"`: the authors' Heun (same model at the predictor): v′ = v(1 + hc + h²c²/2)², c = 1/v − 1/s².
 * - `"euler-exact-score"`: Euler with the exact flow's score −(x − m(t_k))/v(t_k): v′ = v(1 − h/s² + h/v(t_k))²,
 *   which freezes at a wrong variance (the "trap").
 * @example
 * ```ts
 * const { variances } = gaussianDiscreteLaw({ scheme: "ula", variance0: 10, stepSize: 0.01, steps: 500 });
 * ```
 */
export function gaussianDiscreteLaw(
  options: GaussianSetting & Readonly<{ scheme: GaussianScheme; stepSize: number; steps: number }>,
): Readonly<{ means: Float64Array; variances: Float64Array }> {
  const fn = "gaussianDiscreteLaw";
  const h = options.stepSize;
  assertPositiveNumber(fn, "stepSize", h);
  assertNonNegativeInteger(fn, "steps", options.steps);
  const flow = gaussianFlow(options);
  const mu = options.targetMean ?? 0;
  const s2 = options.targetVariance ?? 1;
  const means = new Float64Array(options.steps + 1);
  const variances = new Float64Array(options.steps + 1);
  let m = options.mean0 ?? 0;
  let v = options.variance0;
  means[0] = m;
  variances[0] = v;
  for (let k = 0; k < options.steps; k++) {
    const t = k * h;
    switch (options.scheme) {
      case "ula":
        m = m + (h * (mu - m)) / s2;
        v = (1 - h / s2) ** 2 * v + 2 * h;
        break;
      case "euler-current-law":
        m = m + (h * (mu - m)) / s2;
        v = v * (1 - h / s2 + h / v) ** 2;
        break;
      case "heun-current-law": {
        const c = 1 / v - 1 / s2;
        const mPred = m + (h * (mu - m)) / s2;
        m = m + 0.5 * h * ((mu - m) / s2 + (mu - mPred) / s2 + (mPred - m) / v);
        v = v * (1 + h * c + 0.5 * h * h * c * c) ** 2;
        break;
      }
      case "euler-exact-score": {
        const mt = flow.mean(t);
        const vt = flow.variance(t);
        m = m + h * ((mu - m) / s2 + (m - mt) / vt);
        v = v * (1 - h / s2 + h / vt) ** 2;
        break;
      }
      default:
        throw invalidArgument(fn, "scheme", "be 'ula', 'euler-current-law', 'heun-current-law' or 'euler-exact-score'", options.scheme);
    }
    means[k + 1] = m;
    variances[k + 1] = v;
  }
  return { means, variances };
}
