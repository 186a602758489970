import { assertInRange, assertPositiveInteger, assertPositiveNumber, effectiveSampleSize, assertNonNegativeNumber } from "@parabolic/core";
import { kappaConstants } from "@parabolic/kappa";
import type { HeatField } from "./heat-field.js";
import type { HeatBallOptions } from "./heat-ball.js";
import { ballPoints, centreBatch, centreKeys, checkCommon, checkSingleCentre, drawSamples, evaluateField, meanVar } from "./internal/ball.js";

/**
 * Result of {@link heatBallLogWeights}.
 *
 * @example
 * ```ts
 * const { logWeights, ess } = heatBallLogWeights(field, y0, 1, { radius: 0.3, samples: 256, key: key(1) });
 * ```
 */
export type HeatBallLogWeights = Readonly<{
  /** ψ(y0 + rζ_i, s0 − r²ς_i), the log-weights of the self-normalised estimators. */
  logWeights: Float64Array;
  /** Kish ESS exp(2 lse ψ − lse 2ψ) (out of N). */
  ess: number;
  /** Sample variance of the finite log-weights. */
  logWeightVariance: number;
}>;

/**
 * The κ log-weights ψ_i of one heat ball with their ESS and variance — the diagnostic behind the radius rule.
 *
 * @example
 * ```ts
 * const lw = heatBallLogWeights(field, y0, 1, { radius: 0.3, samples: 256, key: key(1) });
 * lw.ess / 256; // ≈ exp(−Var(log w_i))
 * ```
 */
export function heatBallLogWeights(field: HeatField, center: Float64Array, s0: number, options: HeatBallOptions): HeatBallLogWeights {
  const fn = "heatBallLogWeights";
  checkCommon(fn, field, options);
  checkSingleCentre(fn, field, center);
  const batch = centreBatch(fn, field.dim, center, s0, options.radius);
  const keys = centreKeys(options.key, 0);
  const pts = ballPoints(batch, 0, drawSamples("kappa", keys.kappa, field.dim, options.samples));
  const logWeights = Float64Array.from(evaluateField(fn, field, [pts], false).logDensity[0]!);
  const finite = logWeights.filter((v) => Number.isFinite(v));
  return {
    logWeights,
    ess: effectiveSampleSize(logWeights),
    logWeightVariance: finite.length > 1 ? meanVar(finite).variance : Number.NaN,
  };
}

/**
 * The ESS law's predicted log-weight variance Var(log w_i) ≈ r²·d·m2(d)/v for a target with marginal
 * variance v per coordinate in heat coordinates (v = data variance + 2s; heat-ball.md §13).
 *
 * @remarks ESS/N ≈ exp(−Var) for Var ≲ 0.6.
 * @throws ParabolicError `INVALID_ARGUMENT` for a non-positive dim, radius or variance.
 * @example
 * ```ts
 * predictedLogWeightVariance({ dim: 256, radius: Math.sqrt(0.02 * 10), variance: 21 }); // ≈ 0.141
 * ```
 */
export function predictedLogWeightVariance(options: Readonly<{ dim: number; radius: number; variance: number }>): number {
  const fn = "predictedLogWeightVariance";
  assertPositiveInteger(fn, "dim", options.dim);
  assertNonNegativeNumber(fn, "radius", options.radius);
  assertPositiveNumber(fn, "variance", options.variance);
  return (options.radius ** 2 * options.dim * kappaConstants(options.dim).m2) / options.variance;
}

/**
 * The radius rule: r with predicted Var(log w_i) = V*, i.e. r² = V*·v/(d·m2) (heat-ball.md §13).
 *
 * @throws ParabolicError `INVALID_ARGUMENT` for a non-positive argument.
 * @example
 * ```ts
 * const r = radiusForTargetLogWeightVariance({ dim: 256, variance: 21, targetVariance: 0.1 });
 * ```
 */
export function radiusForTargetLogWeightVariance(options: Readonly<{ dim: number; variance: number; targetVariance: number }>): number {
  const fn = "radiusForTargetLogWeightVariance";
  assertPositiveInteger(fn, "dim", options.dim);
  assertPositiveNumber(fn, "variance", options.variance);
  assertPositiveNumber(fn, "targetVariance", options.targetVariance);
  return Math.sqrt((options.targetVariance * options.variance) / (options.dim * kappaConstants(options.dim).m2));
}

/**
 * The radius rule for a target ESS fraction: V* = −log(ESS/N), then {@link radiusForTargetLogWeightVariance}.
 *
 * @remarks Reliable for targets ≳ 0.55 (Var ≲ 0.6), where ESS/N ≈ exp(−Var) holds; remember the ball must also
 * satisfy r² < 4π·s0.
 * @throws ParabolicError `INVALID_ARGUMENT` unless 0 < targetEssFraction < 1.
 * @example
 * ```ts
 * const r = radiusForTargetEss({ dim: 256, variance: 21, targetEssFraction: 0.9 });
 * ```
 */
export function radiusForTargetEss(options: Readonly<{ dim: number; variance: number; targetEssFraction: number }>): number {
  assertInRange("radiusForTargetEss", "targetEssFraction", options.targetEssFraction, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  return radiusForTargetLogWeightVariance({ dim: options.dim, variance: options.variance, targetVariance: -Math.log(options.targetEssFraction) });
}

/**
 * The drift budget r·C1(d)·‖c‖_∞·(sup w / E_κ w) of heat-ball.md §7.2 and whether it is < 1.
 *
 * @remarks Below 1 the drift correction is a strict perturbation of the κ mean, the log form is well defined
 * and the linearised map contracts. C1(d) ≈ √(d/(2πe)), so the admissible r‖c‖ shrinks like d^{−1/2}. The
 * estimators compute it on their own sample points and set `status: "drift_budget_exceeded"`.
 * @example
 * ```ts
 * driftBudget({ dim: 256, radius: 0.1, driftNorm: 2 }); // { value: 0.77, ok: true }
 * ```
 */
export function driftBudget(options: Readonly<{ dim: number; radius: number; driftNorm: number; weightRatio?: number }>): Readonly<{ value: number; ok: boolean }> {
  const fn = "driftBudget";
  assertPositiveInteger(fn, "dim", options.dim);
  assertNonNegativeNumber(fn, "radius", options.radius);
  assertNonNegativeNumber(fn, "driftNorm", options.driftNorm);
  const ratio = options.weightRatio ?? 1;
  assertPositiveNumber(fn, "weightRatio", ratio);
  const value = options.radius * kappaConstants(options.dim).c1 * options.driftNorm * ratio;
  return { value, ok: value < 1 };
}
