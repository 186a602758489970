import { assertNonNegativeNumber, assertPositiveNumber, invalidArgument } from "@parabolic/core";
import type { AffineGaussianTransition } from "./gaussian-mixture.js";

/**
 * Transition of the Ornstein–Uhlenbeck process dX = −X dt + √2 dW from time 0 to `t`:
 * α = e^{−t}, variance = 1 − e^{−2t} (stationary law N(0, I)).
 *
 * @remarks This is the OU convention of the heat-ball specification (its heat coordinates are y = e^t x,
 * s = (e^{2t} − 1)/2). `variance` is computed with `expm1`, so it is accurate for small `t`.
 * @throws ParabolicError `INVALID_ARGUMENT` unless `t` is a finite number ≥ 0.
 * @example
 * ```ts
 * const pt = forwardMarginal(sparseDenseMixture(), ouTransition(0.3));
 * ```
 */
export function ouTransition(t: number): AffineGaussianTransition {
  assertNonNegativeNumber("ouTransition", "t", t);
  return Object.freeze({ alpha: Math.exp(-t), variance: -Math.expm1(-2 * t) });
}

type BetaSchedule = Readonly<{
  /** β(0). @defaultValue 0.1 */
  betaMin?: number;
  /** β(1). @defaultValue 20 */
  betaMax?: number;
}>;

function integratedBeta(fn: string, t: number, options: BetaSchedule): number {
  assertNonNegativeNumber(fn, "t", t);
  const betaMin = options.betaMin ?? 0.1;
  const betaMax = options.betaMax ?? 20;
  assertNonNegativeNumber(fn, "betaMin", betaMin);
  assertNonNegativeNumber(fn, "betaMax", betaMax);
  const integral = betaMin * t + 0.5 * (betaMax - betaMin) * t * t;
  if (!(integral >= 0)) throw invalidArgument(fn, "t", "give a non-negative integrated beta ∫β (check betaMin/betaMax)", t);
  return integral;
}

/**
 * Transition of the variance-preserving SDE dX = −½β(t)X dt + √β(t) dW with the linear schedule
 * β(t) = βmin + t(βmax − βmin) (Song et al. 2021): α = exp(−½∫₀ᵗβ), variance = 1 − exp(−∫₀ᵗβ).
 *
 * @remarks Defaults βmin = 0.1, βmax = 20 (t ∈ [0, 1]); these are the heat-ball reference scripts' settings
 * (τ_max = ½(0.1 + 9.95) = 5.025 = ½∫₀¹β). Times beyond 1 extrapolate the linear schedule.
 * @throws ParabolicError `INVALID_ARGUMENT` for negative or non-finite `t`, `betaMin`, `betaMax`.
 * @example
 * ```ts
 * vpTransition(1); // { alpha: exp(−5.025), variance: 1 − exp(−10.05) }
 * ```
 */
export function vpTransition(t: number, options: BetaSchedule = {}): AffineGaussianTransition {
  const b = integratedBeta("vpTransition", t, options);
  return Object.freeze({ alpha: Math.exp(-0.5 * b), variance: -Math.expm1(-b) });
}

/**
 * Transition of the sub-VP SDE dX = −½β(t)X dt + √(β(t)(1 − e^{−2∫₀ᵗβ})) dW (Song et al. 2021):
 * α = exp(−½∫β), variance = (1 − exp(−∫β))².
 *
 * @remarks Same β schedule and defaults as {@link vpTransition}.
 * @example
 * ```ts
 * const { alpha, variance } = subVpTransition(0.5);
 * ```
 */
export function subVpTransition(t: number, options: BetaSchedule = {}): AffineGaussianTransition {
  const b = integratedBeta("subVpTransition", t, options);
  const v = -Math.expm1(-b);
  return Object.freeze({ alpha: Math.exp(-0.5 * b), variance: v * v });
}

/**
 * Transition of the variance-exploding SDE dX = √(dσ²/dt) dW with σ(t) = σmin (σmax/σmin)^t, started at
 * time 0: α = 1, variance = σ(t)² − σmin².
 *
 * @remarks This is the exact law of the SDE from t = 0. Song et al.'s code (`score_sde`, `VESDE.marginal_prob`)
 * uses variance σ(t)² instead, i.e. it treats the data as already carrying σmin noise; to reproduce that
 * convention pass `{ alpha: 1, variance: σ(t)² }` directly. Both parameters are required (common choices:
 * σmin = 0.01, σmax = 50 for images; σmax ≈ the largest pairwise data distance in general).
 * @throws ParabolicError `INVALID_ARGUMENT` unless `0 < sigmaMin < sigmaMax` are finite and `t ≥ 0`.
 * @example
 * ```ts
 * veTransition(0.5, { sigmaMin: 0.01, sigmaMax: 50 }); // { alpha: 1, variance: 0.5 − 1e-4 }
 * ```
 */
export function veTransition(t: number, options: Readonly<{ sigmaMin: number; sigmaMax: number }>): AffineGaussianTransition {
  const fn = "veTransition";
  assertNonNegativeNumber(fn, "t", t);
  if (options === null || typeof options !== "object") throw invalidArgument(fn, "options", "be an object { sigmaMin, sigmaMax }", options);
  const { sigmaMin, sigmaMax } = options;
  assertPositiveNumber(fn, "sigmaMin", sigmaMin);
  assertPositiveNumber(fn, "sigmaMax", sigmaMax);
  if (!(sigmaMax > sigmaMin)) throw invalidArgument(fn, "sigmaMax", `be greater than sigmaMin = ${sigmaMin}`, sigmaMax);
  // σ(t)² − σmin² = σmin² (r^{2t} − 1), r = σmax/σmin, evaluated with expm1 for accuracy at small t.
  const variance = sigmaMin * sigmaMin * Math.expm1(2 * t * Math.log(sigmaMax / sigmaMin));
  return Object.freeze({ alpha: 1, variance });
}

/**
 * The heat semigroup ∂_s w = Δw run for heat time `s`: α = 1, variance = 2s (the kernel Φ(·, s) has covariance
 * 2s·I). This is the transition in the heat coordinates of `@parabolic/heat`.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` unless `s` is a finite number ≥ 0.
 * @example
 * ```ts
 * const w = forwardMarginal(p0, heatTransition(0.5)); // w(·, 0.5) = p0 * Φ(·, 0.5)
 * ```
 */
export function heatTransition(s: number): AffineGaussianTransition {
  assertNonNegativeNumber("heatTransition", "s", s);
  return Object.freeze({ alpha: 1, variance: 2 * s });
}
