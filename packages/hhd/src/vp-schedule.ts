import { assertNonNegativeNumber, invalidArgument } from "@parabolic/core";

/**
 * The variance-preserving (VP) forward SDE `dX = −½β(t)X dt + √β(t) dW` with the linear schedule
 * `β(t) = βmin + (βmax − βmin)t` on `t ∈ [0, 1]` (hhd.md §1): `x_t = α_t x_0 + σ_t ε`.
 * @example
 * ```ts
 * const vp: VpSchedule = vpSchedule({ betaMin: 0.1, betaMax: 20 });
 * const [a, s] = [vp.alpha(0.3), vp.sigma(0.3)]; // x_t = a·x_0 + s·ε
 * ```
 */
export type VpSchedule = Readonly<{
  betaMin: number;
  betaMax: number;
  /** End time T = 1. */
  horizon: number;
  /** β(t) = g(t)². */
  beta: (t: number) => number;
  /** ∫₀ᵗ β. */
  integratedBeta: (t: number) => number;
  /** α_t = exp(−½∫₀ᵗβ). */
  alpha: (t: number) => number;
  /** σ_t = √(1 − α_t²) (computed with expm1, accurate for small t). */
  sigma: (t: number) => number;
}>;

/**
 * Creates a {@link VpSchedule}.
 *
 * @param options.betaMin - β(0). @defaultValue 0.1
 * @param options.betaMax - β(1). @defaultValue 20
 * @throws ParabolicError `INVALID_ARGUMENT` for negative or non-finite β values, or βmax < βmin.
 * @example
 * ```ts
 * const vp = vpSchedule();
 * vp.alpha(1); // exp(−5.025)
 * ```
 */
export function vpSchedule(options: Readonly<{ betaMin?: number; betaMax?: number }> = {}): VpSchedule {
  const fn = "vpSchedule";
  const betaMin = options.betaMin ?? 0.1;
  const betaMax = options.betaMax ?? 20;
  assertNonNegativeNumber(fn, "betaMin", betaMin);
  assertNonNegativeNumber(fn, "betaMax", betaMax);
  if (betaMax < betaMin) throw invalidArgument(fn, "betaMax", `be >= betaMin (${betaMin})`, betaMax);
  const integratedBeta = (t: number): number => betaMin * t + 0.5 * (betaMax - betaMin) * t * t;
  return Object.freeze({
    betaMin,
    betaMax,
    horizon: 1,
    beta: (t: number) => betaMin + (betaMax - betaMin) * t,
    integratedBeta,
    alpha: (t: number) => Math.exp(-0.5 * integratedBeta(t)),
    sigma: (t: number) => Math.sqrt(-Math.expm1(-integratedBeta(t))),
  });
}
