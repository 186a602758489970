import { ParabolicError, assertAllFinite, invalidArgument } from "@parabolic/core";
import { checkPoints } from "./internal/points.js";

/**
 * Score values at the particles: either the values themselves (row-major `count × dim`) or a batched function
 * that returns them for a `count × dim` array.
 * @example
 * ```ts
 * const fromValues: ScoreValues = new Float64Array([-1, 0.5]);
 * const fromFunction: ScoreValues = (x) => x.map((z) => -z);
 * ```
 */
export type ScoreValues = Float64Array | ((points: Float64Array) => Float64Array);

/** Evaluates or checks a {@link ScoreValues} argument. @internal */
export function resolveScore(fn: string, argument: string, score: ScoreValues, points: Float64Array): Float64Array {
  let values: unknown;
  if (typeof score === "function") values = score(points);
  else values = score;
  if (!(values instanceof Float64Array)) throw invalidArgument(fn, argument, "be (or return) a Float64Array", values);
  if (values.length !== points.length) {
    throw new ParabolicError(
      "SHAPE_MISMATCH",
      `${fn}: '${argument}' must hold one value per coordinate (${points.length}); got length ${values.length}.`,
      { function: fn, argument, expected: points.length, actual: values.length },
    );
  }
  assertAllFinite(fn, argument, values);
  return values;
}

/**
 * Relative Fisher information estimate Î = (1/N) Σ_i ‖s(X_i) − ∇log π(X_i)‖² from a learned score s.
 *
 * @remarks SBTM's built-in convergence diagnostic (spec §6): when s ≈ ∇log f_t it estimates
 * I(f_t‖π) = E_f‖∇log f − ∇log π‖² = −dKL(f_t‖π)/dt along the Fokker–Planck flow. Its resolution is limited by
 * the learned score's own error (the spec's learned runs floor at ≈ 1e-3). Cost O(N d) plus the score calls.
 * @param points - row-major `count × dim` particles.
 * @throws ParabolicError `SHAPE_MISMATCH` / `NON_FINITE` for malformed score values.
 * @example
 * ```ts
 * // particles of N(0, 2), exact score −x/2, target N(0, 1): Î → v(1 − 1/v)² = 0.5
 * const x = normals(key(1), { count: 1000 }).map((z) => Math.SQRT2 * z);
 * relativeFisherInformation(x, { dim: 1, learnedScore: (p) => p.map((z) => -z / 2), targetScore: (p) => p.map((z) => -z) });
 * ```
 */
export function relativeFisherInformation(
  points: Float64Array,
  options: Readonly<{ dim: number; learnedScore: ScoreValues; targetScore: ScoreValues }>,
): number {
  const fn = "relativeFisherInformation";
  const count = checkPoints(fn, "points", points, options.dim);
  const s = resolveScore(fn, "learnedScore", options.learnedScore, points);
  const g = resolveScore(fn, "targetScore", options.targetScore, points);
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const e = s[i]! - g[i]!;
    sum += e * e;
  }
  return sum / count;
}

/**
 * Annealed entropy-dissipation estimate (1/N) Σ_i ⟨s(X_i) − ∇log π(X_i), s(X_i) − ∇log π_t(X_i)⟩.
 *
 * @remarks With s = ∇log f_t and particles moving by ∇log π_t − s this equals −dKL(f_t‖π)/dt, KL to the FINAL
 * target π (spec §1.5; the authors plot exactly this in annealed runs). It can be negative early in an annealed
 * run. With π_t = π it reduces to {@link relativeFisherInformation}. Cost O(N d).
 * @example
 * ```ts
 * annealedEntropyDissipation(x, { dim: 1, learnedScore: s, targetScore: finalScore, currentTargetScore: scoreAtT });
 * ```
 */
export function annealedEntropyDissipation(
  points: Float64Array,
  options: Readonly<{ dim: number; learnedScore: ScoreValues; targetScore: ScoreValues; currentTargetScore: ScoreValues }>,
): number {
  const fn = "annealedEntropyDissipation";
  const count = checkPoints(fn, "points", points, options.dim);
  const s = resolveScore(fn, "learnedScore", options.learnedScore, points);
  const g = resolveScore(fn, "targetScore", options.targetScore, points);
  const gt = resolveScore(fn, "currentTargetScore", options.currentTargetScore, points);
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += (s[i]! - g[i]!) * (s[i]! - gt[i]!);
  return sum / count;
}
