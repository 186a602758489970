import { ParabolicError, invalidArgument, type Key } from "@parabolic/core";
import { checkPositions, evaluateScore, type ScoreFn } from "./target.js";

/**
 * Result of one training call of a {@link ScoreLearner}.
 *
 * @example
 * ```ts
 * const { loss, steps } = learner.fit(key(2), particles, { steps: 10 });
 * ```
 */
export type FitResult = Readonly<{
  /** Loss of the last minibatch (implicit score matching: mean ‖s‖² + 2∇·s; its optimum is −J(f)). */
  loss: number;
  /** Mean minibatch loss over the call. */
  meanLoss: number;
  /** Optimiser steps taken. */
  steps: number;
}>;

/**
 * Result of pretraining by explicit score matching.
 *
 * @example
 * ```ts
 * const { relativeError } = pretrainScoreLearner(key(2), { learner, points: x0, score: prior.score });
 * ```
 */
export type PretrainResult = Readonly<{
  /** Full-set mean ‖s − target‖² at the end. */
  loss: number;
  /** loss / mean ‖target‖². */
  relativeError: number;
  steps: number;
}>;

/**
 * What SBTM needs from a score model: predict s(x) for a batch, and train on the current particles.
 *
 * @remarks A learner is a **stateful resource** (its parameters and optimiser state change on `fit`), so SBTM's
 * `step` is not pure in the learner: stepping the same state twice trains twice. Apps can plug a tfjs network
 * (e.g. from `@parabolic/score`) by implementing this type; {@link mlpScoreLearner} is a dependency-free
 * Float64 implementation for small d and {@link gaussianScoreLearner} the exact affine (moment-matched) one.
 * @example
 * ```ts
 * const learner: ScoreLearner = mlpScoreLearner(key(1), { dim: 1 });
 * const { loss } = learner.fit(key(2), particles, { steps: 10 });
 * const s = learner.predict(particles);
 * ```
 */
export type ScoreLearner = Readonly<{
  dim: number;
  /** s(x) for row-major `count × dim` points (fresh array). */
  predict(points: Float64Array): Float64Array;
  /** Trains on `points` (implicit score matching for SBTM), taking `steps` optimiser steps. */
  fit(key: Key, points: Float64Array, options: Readonly<{ steps: number }>): FitResult;
  /**
   * Optional: fits s to given score values at `points` by explicit score matching (pretraining on the prior
   * score); `targetScores` is row-major `count × dim` like `points`.
   */
  pretrain?(key: Key, options: PretrainOptions & Readonly<{ points: Float64Array; targetScores: Float64Array }>): PretrainResult;
}>;

/**
 * Options of explicit-score-matching pretraining.
 *
 * @example
 * ```ts
 * pretrainScoreLearner(key(2), { learner, points: x0, score: prior.score, batchSize: 128, tolerance: 1e-3 });
 * ```
 */
export type PretrainOptions = Readonly<{
  /** Minibatch size (drawn with replacement). @defaultValue 128 */
  batchSize?: number;
  /** Stop when full-set loss < tolerance · mean ‖target‖². @defaultValue 1e-3 */
  tolerance?: number;
  /** @defaultValue 3000 */
  maxSteps?: number;
  /** Learning rate of the separate pretraining AdamW (no weight decay). @defaultValue 1e-3 */
  learningRate?: number;
  /** Full-set loss is checked every this many steps. @defaultValue 50 */
  checkEvery?: number;
}>;

/**
 * Implicit (Hyvärinen) score-matching loss (1/N) Σ_i (‖s(x_i)‖² + 2∇·s(x_i)) from score and divergence values.
 *
 * @remarks E_f[‖s‖² + 2∇·s] = E_f‖s − ∇log f‖² − E_f‖∇log f‖²: minimised by s = ∇log f with minimum −J(f) (minus the
 * Fisher information; −1/v for N(m, v) in 1-D). On any sample, s = −(x − m̂)/v̂ gives exactly −1/v̂.
 * @example
 * ```ts
 * implicitScoreMatchingLoss({ scores, divergences }); // scores: count × dim, divergences: count
 * ```
 */
export function implicitScoreMatchingLoss(options: Readonly<{ scores: Float64Array; divergences: Float64Array }>): number {
  const n = options.divergences.length;
  if (n === 0 || options.scores.length % n !== 0) {
    throw new ParabolicError("SHAPE_MISMATCH", `implicitScoreMatchingLoss: 'scores' must be count × dim with count = ${n}; got length ${options.scores.length}.`, {});
  }
  let s = 0;
  for (let i = 0; i < options.scores.length; i++) s += options.scores[i]! * options.scores[i]!;
  for (let i = 0; i < n; i++) s += 2 * options.divergences[i]!;
  return s / n;
}

/**
 * Pretrains a learner on the prior score by explicit score matching (minibatch, to a relative tolerance).
 *
 * @remarks The SBTM authors fit the network to ∇log f₀ before sampling; the spec's reference uses minibatch ESM
 * (batch 128) to relative error 1e-3 on ≤ 1000 prior draws. Evaluates `score(points, time)` once.
 * @throws ParabolicError `UNSUPPORTED` if the learner has no `pretrain` method.
 * @example
 * ```ts
 * pretrainScoreLearner(key(2), { learner, points: x0, score: prior.score });
 * ```
 */
export function pretrainScoreLearner(
  k: Key,
  options: PretrainOptions & Readonly<{ learner: ScoreLearner; points: Float64Array; score: ScoreFn; time?: number }>,
): PretrainResult {
  const fn = "pretrainScoreLearner";
  const learner = options.learner;
  if (learner === null || typeof learner !== "object") throw invalidArgument(fn, "learner", "be a ScoreLearner", learner);
  if (typeof learner.pretrain !== "function") {
    throw new ParabolicError("UNSUPPORTED", `${fn}: this learner has no 'pretrain' method.`, {});
  }
  checkPositions(fn, options.points, learner.dim);
  if (typeof options.score !== "function") throw invalidArgument(fn, "score", "be a ScoreFn", options.score);
  const target = evaluateScore(fn, options.score, options.points, options.time ?? 0);
  const { learner: _learner, score: _score, time: _time, ...rest } = options;
  return learner.pretrain(k, { ...rest, targetScores: target });
}
