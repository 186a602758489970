import { assertNonNegativeInteger, invalidArgument, type Key } from "@parabolic/core";
import { annealedTarget, type AnnealedTargetOptions } from "./annealing.js";
import { nextTime } from "./internal/clock.js";
import { hasNonFinite, type BaseInfo, type BaseState, type SamplingKernel } from "./kernel.js";
import { checkStepSize, resolveStepSize, type StepSize } from "./schedules.js";
import { checkTarget, evaluateScore, initialScoredState, type ScoreFn } from "./target.js";
import type { ScoreLearner } from "./score-learner.js";

/**
 * State of {@link sbtm} and {@link probabilityFlow}: positions plus the target score there.
 *
 * @example
 * ```ts
 * const state: FlowState = kernel.init(x0);
 * ```
 */
export type FlowState = BaseState & Readonly<{ score: Float64Array }>;

/**
 * Step info of {@link sbtm} and {@link probabilityFlow}.
 *
 * @example
 * ```ts
 * const { info } = kernel.step(k, state);
 * info.relativeFisher; // Î_t
 * info.loss;           // ISM loss of the training call
 * ```
 */
export type FlowInfo = BaseInfo &
  Readonly<{
    /** Time at the start of the step (where s and ∇log π were evaluated). */
    time: number;
    /** Density score s_t(X) used for the move (learned or given), row-major `count × dim`. */
    learnedScore: Float64Array;
    /** Built-in diagnostic Î_t = (1/N) Σ‖s(X_i) − ∇log π_t(X_i)‖² at the start of the step. */
    relativeFisher: number;
    /**
     * With `referenceScore` (the final target's score in annealed runs): (1/N) Σ⟨s − ∇log π, s − ∇log π_t⟩,
     * the estimate of −dKL(f_t‖π)/dt; otherwise equal to `relativeFisher`.
     */
    dissipation: number;
    /** Last minibatch loss of the training call (NaN for {@link probabilityFlow}). */
    loss: number;
    /** Optimiser steps taken by the learner in this step. */
    trainSteps: number;
  }>;

/** Options shared by {@link sbtm} and {@link probabilityFlow}. */
type FlowOptions = Readonly<{
  dim: number;
  /** Target score ∇log π(t, x) (time-dependent when annealing). */
  score: ScoreFn;
  stepSize: StepSize;
  /** `"euler"` (default, as in the authors' runs) or `"heun"` (predictor–corrector with the same s and the same t). */
  integrator?: "euler" | "heun";
  /** Final target score for the annealed dissipation diagnostic (see {@link FlowInfo.dissipation}). */
  referenceScore?: ScoreFn;
}>;

/**
 * Options of {@link sbtm}.
 *
 * @example
 * ```ts
 * sbtm({ ...target, learner, stepSize: 0.01, integrator: "heun", trainSteps: 20 });
 * ```
 */
export type SbtmOptions = FlowOptions &
  Readonly<{
    learner: ScoreLearner;
    /**
     * Optimiser steps per time step (a number or a function of N). @defaultValue max(10, ⌈N/100⌉): with batch 100
     * at least one epoch over the particles per step, as in the spec's verified runs (B4).
     */
    trainSteps?: number | ((count: number) => number);
  }>;

/**
 * Options of {@link probabilityFlow}.
 *
 * @example
 * ```ts
 * probabilityFlow({ ...target, densityScore: (x) => x.map((z) => -z / 2), stepSize: 0.01 });
 * ```
 */
export type ProbabilityFlowOptions = FlowOptions &
  Readonly<{
    /** The density score ∇log f_t(x) to use instead of a learned one (e.g. an exact closed form). */
    densityScore: ScoreFn;
  }>;

function makeFlowKernel(
  fn: string,
  options: FlowOptions,
  density: (key: Key, positions: Float64Array, time: number, count: number) => Readonly<{ loss: number; trainSteps: number; predict: (x: Float64Array, t: number) => Float64Array }>,
): SamplingKernel<FlowState, FlowInfo> {
  checkTarget(fn, options);
  checkStepSize(fn, options.stepSize);
  const integrator = options.integrator ?? "euler";
  if (integrator !== "euler" && integrator !== "heun") throw invalidArgument(fn, "integrator", "be 'euler' or 'heun'", integrator);
  const { dim, score, stepSize, referenceScore } = options;
  if (referenceScore !== undefined && typeof referenceScore !== "function") {
    throw invalidArgument(fn, "referenceScore", "be a ScoreFn", referenceScore);
  }
  const checkDensity = (s: Float64Array, length: number): Float64Array => {
    if (!(s instanceof Float64Array) || s.length !== length) {
      throw invalidArgument(fn, "learner", `return predictions of length ${length}`, s);
    }
    return s;
  };
  return {
    init(positions, initOptions = {}) {
      return initialScoredState(fn, score, dim, positions, initOptions.time ?? 0);
    },
    step(key, state) {
      const x = state.position;
      const g = state.score;
      const n = x.length / dim;
      const t = state.time;
      const trained = density(key, x, t, n);
      const s = checkDensity(trained.predict(x, t), x.length);
      const h = resolveStepSize(fn, stepSize, { step: state.step, time: t, count: n, dim, positions: x, score: g });
      const velocity = new Float64Array(x.length);
      let fisher = 0;
      for (let i = 0; i < x.length; i++) {
        const v = g[i]! - s[i]!;
        velocity[i] = v;
        fisher += v * v;
      }
      fisher /= n;
      let dissipation = fisher;
      if (referenceScore !== undefined) {
        const gRef = evaluateScore(fn, referenceScore, x, t);
        let sum = 0;
        for (let i = 0; i < x.length; i++) sum += (s[i]! - gRef[i]!) * (s[i]! - g[i]!);
        dissipation = sum / n;
      }
      const next = new Float64Array(x.length);
      if (integrator === "euler") {
        for (let i = 0; i < x.length; i++) next[i] = x[i]! + h * velocity[i]!;
      } else {
        // Heun: predictor X̃ = X + hV(X); corrector with the same learned model and the same t.
        for (let i = 0; i < x.length; i++) next[i] = x[i]! + h * velocity[i]!;
        if (!hasNonFinite(next)) {
          const gp = evaluateScore(fn, score, next, t);
          const sp = checkDensity(trained.predict(next, t), x.length);
          for (let i = 0; i < x.length; i++) next[i] = x[i]! + 0.5 * h * (velocity[i]! + gp[i]! - sp[i]!);
        }
      }
      const time = nextTime(state, h, stepSize);
      const divergent = hasNonFinite(next);
      const nextScore = divergent ? new Float64Array(next.length).fill(Number.NaN) : evaluateScore(fn, score, next, time);
      return {
        state: { position: next, score: nextScore, time, step: state.step + 1 },
        info: {
          stepSize: h,
          time: t,
          divergent: divergent || hasNonFinite(nextScore) || !Number.isFinite(fisher),
          learnedScore: s,
          relativeFisher: fisher,
          dissipation,
          loss: trained.loss,
          trainSteps: trained.trainSteps,
        },
      };
    },
  };
}

/**
 * Score-based transport modelling (SBTM): a deterministic particle sampler that moves particles with velocity
 * ∇log π(t, X) − s_t(X), where s_t ≈ ∇log f_t is re-learned at every step by score matching on the current
 * particles.
 *
 * @remarks Each step: (a) `learner.fit(key, X, { steps })` — implicit score matching on the current particles,
 * optimiser state carried over between steps; (b) s = learner.predict(X), V = ∇log π(t, X) − s; (c)
 * X ← X + Δt V (Euler) or Heun with the same model and t. This integrates the probability-flow ODE of the
 * Fokker–Planck equation, whose marginals equal ULA's but without Brownian noise; the learned score gives the
 * relative Fisher information Î_t (in `info`) as a built-in convergence diagnostic. Cost per step: the learner's
 * training (O(N) for minibatch learners) plus O(N d): linear in N, unlike SVGD.
 *
 * **Purity:** the learner is stateful, so `step` trains it as a side effect (the state itself stays immutable).
 * Pretrain the learner on the prior score first ({@link pretrainScoreLearner}). For annealing pass an annealed
 * target ({@link annealedSbtm}) and its final score as `referenceScore`.
 * @throws ParabolicError `INVALID_ARGUMENT` for bad options; NaNs during the run are reported as
 * `info.divergent` (drivers stop), not thrown.
 * @example
 * ```ts
 * const learner = mlpScoreLearner(key(1), { dim: 1 });
 * pretrainScoreLearner(key(2), { learner, points: x0, score: prior.score });
 * const kernel = sbtm({ ...gaussianTarget({ dim: 1 }), learner, stepSize: 0.01 });
 * const result = sampleChains(key(3), { kernel, initialState: kernel.init(x0), steps: 500 });
 * ```
 */
export function sbtm(options: SbtmOptions): SamplingKernel<FlowState, FlowInfo> {
  const fn = "sbtm";
  const learner = options.learner;
  if (learner === null || typeof learner !== "object" || typeof learner.fit !== "function" || typeof learner.predict !== "function") {
    throw invalidArgument(fn, "learner", "be a ScoreLearner { dim, predict, fit }", learner);
  }
  if (learner.dim !== options.dim) throw invalidArgument(fn, "learner", `have dim ${options.dim}`, learner.dim);
  const trainSteps = options.trainSteps ?? ((count: number) => Math.max(10, Math.ceil(count / 100)));
  if (typeof trainSteps === "number") assertNonNegativeInteger(fn, "trainSteps", trainSteps);
  else if (typeof trainSteps !== "function") throw invalidArgument(fn, "trainSteps", "be a non-negative integer or a function of N", trainSteps);
  return makeFlowKernel(fn, options, (key, x, _t, n) => {
    const steps = typeof trainSteps === "number" ? trainSteps : trainSteps(n);
    assertNonNegativeInteger(fn, "trainSteps", steps);
    const result = learner.fit(key, x, { steps });
    return { loss: result.loss, trainSteps: result.steps, predict: (y) => learner.predict(y) };
  });
}

/**
 * The probability-flow ODE X′ = ∇log π(t, X) − ∇log f_t(X) with a GIVEN density score (no learning): SBTM's move
 * with an oracle score.
 *
 * @remarks For exact-score baselines and oracles. Note the "trap" of spec §9 O2: with the exact continuous-time
 * score −x/v(t_k) (taken from the exact flow, not from the particles), Euler particles freeze at a wrong variance
 * (an O(h) error that never decays); compare such runs with the recursion v′ = v(1 + h(1/v(t_k) − 1))², not the
 * flow. Deterministic: the key is ignored.
 * @example
 * ```ts
 * const v = (t: number) => 1 + 9 * Math.exp(-2 * t);
 * const kernel = probabilityFlow({ ...gaussianTarget({ dim: 1 }), densityScore: (x, t) => x.map((z) => -z / v(t)), stepSize: 0.01 });
 * ```
 */
export function probabilityFlow(options: ProbabilityFlowOptions): SamplingKernel<FlowState, FlowInfo> {
  const fn = "probabilityFlow";
  if (typeof options.densityScore !== "function") throw invalidArgument(fn, "densityScore", "be a ScoreFn", options.densityScore);
  const densityScore = options.densityScore;
  return makeFlowKernel(fn, options, () => ({
    loss: Number.NaN,
    trainSteps: 0,
    predict: (y, t) => evaluateScore(fn, densityScore, y, t),
  }));
}

/**
 * Annealed SBTM: SBTM on the annealed target of {@link annealedTarget}, reporting the dissipation of KL to the
 * final target ⟨s − ∇log π, s − ∇log π_t⟩ in `info.dissipation`.
 *
 * @example
 * ```ts
 * const kernel = annealedSbtm({ prior, target: far, path: "geometric", schedule: linearAnnealing({ duration: 10 }), learner, stepSize: 0.01 });
 * ```
 */
export function annealedSbtm(
  options: AnnealedTargetOptions &
    Readonly<{ learner: ScoreLearner; stepSize: StepSize; integrator?: "euler" | "heun"; trainSteps?: number | ((count: number) => number) }>,
): SamplingKernel<FlowState, FlowInfo> {
  const annealed = annealedTarget(options);
  const final = options.target;
  const base = {
    dim: annealed.dim,
    score: annealed.score,
    learner: options.learner,
    stepSize: options.stepSize,
    referenceScore: (x: Float64Array) => final.score(x, 0),
  };
  return sbtm({
    ...base,
    ...(options.integrator === undefined ? {} : { integrator: options.integrator }),
    ...(options.trainSteps === undefined ? {} : { trainSteps: options.trainSteps }),
  });
}
