import { assertInRange, assertPositiveInteger, assertPositiveNumber, fillNormals, foldIn, invalidArgument, randomStream, type Key } from "@parabolic/core";
import { hasNonFinite, type BaseInfo, type BaseState, type SamplingKernel } from "./kernel.js";
import { checkPositions, checkTarget, evaluateScore, type LogDensityFn, type ScoreFn } from "./target.js";

/**
 * State of {@link mala}: positions with their log-density and score.
 *
 * @example
 * ```ts
 * const state: MalaState = mala({ ...target, stepSize: 0.5 }).init(x0); // state.logDensity, state.score
 * ```
 */
export type MalaState = BaseState & Readonly<{ logDensity: Float64Array; score: Float64Array }>;

/**
 * Step info of {@link mala}.
 *
 * @example
 * ```ts
 * const { info } = kernel.step(k, state);
 * info.acceptanceRate;
 * ```
 */
export type MalaInfo = BaseInfo &
  Readonly<{
    /** Fraction of chains whose proposal was accepted in this step. */
    acceptanceRate: number;
    /** Mean over chains of min(1, α) (the quantity dual averaging adapts). */
    meanAcceptanceProbability: number;
    /** 1 where the chain moved, 0 where it stayed. */
    accepted: Uint8Array;
  }>;

/**
 * Options of {@link mala}.
 *
 * @example
 * ```ts
 * const options: MalaOptions = { dim: 1, score, logDensity, stepSize: 0.5 };
 * ```
 */
export type MalaOptions = Readonly<{
  dim: number;
  score: ScoreFn;
  logDensity: LogDensityFn;
  /** Langevin step h: proposal y = x + h∇log π(x) + √(2h) ξ. */
  stepSize: number;
  /** Time at which the (static) target is evaluated. @defaultValue 0 */
  time?: number;
}>;

/**
 * Metropolis-adjusted Langevin algorithm, batched over independent chains (one chain per row).
 *
 * @remarks Proposal y = x + h∇log π(x) + √(2h)ξ, accepted with probability min(1, α),
 * log α = log π(y) − log π(x) + log q(x|y) − log q(y|x), q(y|x) ∝ exp(−‖y − x − h∇log π(x)‖²/(4h)); all in Float64.
 * π is left exactly invariant at every stable h (N(0,1): variance 1 where ULA gives 1/(1 − h/2)). The step size
 * is fixed here: tune it with {@link malaWarmup} (dual averaging towards ≈ 0.57). The clock does not advance (the
 * target is static). Cost O(N d) per step plus one score and one log-density call.
 * @throws ParabolicError `INVALID_ARGUMENT` at construction for a bad dim, functions or step size.
 * @example
 * ```ts
 * const kernel = mala({ ...gaussianTarget({ dim: 1 }), stepSize: 1 });
 * const { state, info } = kernel.step(key(1), kernel.init(positions));
 * info.acceptanceRate; // ≈ 0.78
 * ```
 */
export function mala(options: MalaOptions): SamplingKernel<MalaState, MalaInfo> {
  const fn = "mala";
  checkTarget(fn, options);
  if (typeof options.logDensity !== "function") throw invalidArgument(fn, "logDensity", "be a function (positions, time) => Float64Array", options.logDensity);
  assertPositiveNumber(fn, "stepSize", options.stepSize);
  const { dim, score, logDensity, stepSize: h } = options;
  const evalTime = options.time ?? 0;
  const logDensities = (x: Float64Array, count: number): Float64Array => {
    const lp = logDensity(x, evalTime);
    if (!(lp instanceof Float64Array) || lp.length !== count) {
      throw invalidArgument(fn, "logDensity", `return a Float64Array of length ${count}`, lp);
    }
    return lp;
  };
  return {
    init(positions) {
      const count = checkPositions(fn, positions, dim);
      const position = positions.slice();
      return { position, logDensity: logDensities(position, count), score: evaluateScore(fn, score, position, evalTime), time: evalTime, step: 0 };
    },
    step(key, state) {
      const x = state.position;
      const count = x.length / dim;
      const stream = randomStream(key);
      const y = fillNormals(stream, new Float64Array(x.length));
      const sq = Math.sqrt(2 * h);
      const gx = state.score;
      for (let i = 0; i < y.length; i++) y[i] = x[i]! + h * gx[i]! + sq * y[i]!;
      // A chain whose proposal is not finite (e.g. an overflowing score far in the tails) is rejected on its own;
      // the target is evaluated at the current position instead, so user functions only ever see finite input and
      // one bad chain does not freeze the others.
      const finiteRow = new Uint8Array(count);
      let allFinite = true;
      for (let r = 0; r < count; r++) {
        let ok = 1;
        for (let c = 0; c < dim; c++) if (!Number.isFinite(y[r * dim + c]!)) ok = 0;
        finiteRow[r] = ok;
        if (ok === 0) {
          allFinite = false;
          for (let c = 0; c < dim; c++) y[r * dim + c] = x[r * dim + c]!;
        }
      }
      const lpy = logDensities(y, count);
      const gy = evaluateScore(fn, score, y, evalTime);
      if (!allFinite) for (let r = 0; r < count; r++) if (finiteRow[r] === 0) lpy[r] = -Infinity;
      const position = x.slice();
      const lp = state.logDensity.slice();
      const sc = gx.slice();
      const accepted = new Uint8Array(count);
      let nAccepted = 0;
      let sumProbability = 0;
      const inv4h = 1 / (4 * h);
      for (let r = 0; r < count; r++) {
        const o = r * dim;
        let forward = 0; // ‖y − x − h g(x)‖²
        let backward = 0; // ‖x − y − h g(y)‖²
        for (let c = 0; c < dim; c++) {
          const xi = x[o + c]!;
          const yi = y[o + c]!;
          const f = yi - xi - h * gx[o + c]!;
          const b = xi - yi - h * gy[o + c]!;
          forward += f * f;
          backward += b * b;
        }
        const logAlpha = lpy[r]! - lp[r]! - (backward - forward) * inv4h;
        // NaN (e.g. a proposal outside the support) counts as a rejection
        const probability = logAlpha >= 0 ? 1 : logAlpha < 0 ? Math.exp(logAlpha) : 0;
        sumProbability += probability;
        if (stream.nextDouble() < probability) {
          for (let c = 0; c < dim; c++) {
            position[o + c] = y[o + c]!;
            sc[o + c] = gy[o + c]!;
          }
          lp[r] = lpy[r]!;
          accepted[r] = 1;
          nAccepted++;
        }
      }
      return {
        state: { position, logDensity: lp, score: sc, time: state.time, step: state.step + 1 },
        info: {
          stepSize: h,
          divergent: hasNonFinite(position) || hasNonFinite(lp),
          acceptanceRate: nAccepted / count,
          meanAcceptanceProbability: sumProbability / count,
          accepted,
        },
      };
    },
  };
}

/**
 * State of the dual-averaging step-size adaptation (Hoffman & Gelman 2014, as in Stan and blackjax).
 *
 * @example
 * ```ts
 * let s: DualAveragingState = dualAveraging().init(0.1);
 * ```
 */
export type DualAveragingState = Readonly<{
  logStepSize: number;
  logAverageStepSize: number;
  averageError: number;
  mu: number;
  iteration: number;
}>;

/**
 * Dual-averaging step-size adaptation: pure `init` / `update`.
 *
 * @example
 * ```ts
 * const da: DualAveraging = dualAveraging({ targetAcceptance: 0.57 });
 * ```
 */
export type DualAveraging = Readonly<{
  init(initialStepSize: number): DualAveragingState;
  /** Feeds one observed acceptance probability; returns the next state (use `exp(logStepSize)` next). */
  update(state: DualAveragingState, acceptanceProbability: number): DualAveragingState;
  /** The averaged step size to use after adaptation. */
  finalStepSize(state: DualAveragingState): number;
}>;

/**
 * Dual averaging towards a target acceptance probability (Nesterov 2009; Hoffman & Gelman 2014).
 *
 * @remarks H̄_t = (1 − 1/(t + t₀))H̄_{t−1} + (δ − a_t)/(t + t₀); log h_t = μ − √t/γ · H̄_t;
 * log h̄_t = t^{−κ} log h_t + (1 − t^{−κ}) log h̄_{t−1}; μ = log(10 h₀).
 * @defaultValue targetAcceptance 0.57 (MALA's optimal-scaling value), gamma 0.05, t0 10, kappa 0.75
 * @example
 * ```ts
 * const da = dualAveraging({ targetAcceptance: 0.57 });
 * let s = da.init(0.1);
 * s = da.update(s, info.meanAcceptanceProbability);
 * ```
 */
export function dualAveraging(
  options: Readonly<{ targetAcceptance?: number; gamma?: number; t0?: number; kappa?: number }> = {},
): DualAveraging {
  const fn = "dualAveraging";
  const delta = options.targetAcceptance ?? 0.57;
  const gamma = options.gamma ?? 0.05;
  const t0 = options.t0 ?? 10;
  const kappa = options.kappa ?? 0.75;
  assertInRange(fn, "targetAcceptance", delta, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  assertPositiveNumber(fn, "gamma", gamma);
  assertPositiveNumber(fn, "t0", t0);
  assertInRange(fn, "kappa", kappa, { min: 0.5, max: 1, minExclusive: true });
  return {
    init(initialStepSize) {
      assertPositiveNumber(fn, "initialStepSize", initialStepSize);
      return { logStepSize: Math.log(initialStepSize), logAverageStepSize: 0, averageError: 0, mu: Math.log(10 * initialStepSize), iteration: 0 };
    },
    update(state, a) {
      const t = state.iteration + 1;
      const w = 1 / (t + t0);
      const averageError = (1 - w) * state.averageError + w * (delta - a);
      const logStepSize = state.mu - (Math.sqrt(t) / gamma) * averageError;
      const eta = Math.pow(t, -kappa);
      const logAverageStepSize = eta * logStepSize + (1 - eta) * state.logAverageStepSize;
      return { logStepSize, logAverageStepSize, averageError, mu: state.mu, iteration: t };
    },
    finalStepSize(state) {
      return Math.exp(state.iteration === 0 ? state.logStepSize : state.logAverageStepSize);
    },
  };
}

/**
 * MALA warm-up: runs `steps` MALA steps while adapting the step size by dual averaging, and returns the final
 * state with the averaged step size.
 *
 * @remarks All chains share one step size, adapted to their mean acceptance probability. Step k uses
 * `foldIn(key, k)`. Use the returned `stepSize` for a fresh {@link mala} kernel and keep sampling from `state`.
 * @example
 * ```ts
 * const warm = malaWarmup(key(3), { ...target, positions, initialStepSize: 0.1, steps: 500 });
 * const kernel = mala({ ...target, stepSize: warm.stepSize });
 * ```
 */
export function malaWarmup(
  k: Key,
  options: Readonly<{
    dim: number;
    score: ScoreFn;
    logDensity: LogDensityFn;
    positions: Float64Array;
    initialStepSize: number;
    steps: number;
    targetAcceptance?: number;
  }>,
): Readonly<{ state: MalaState; stepSize: number; meanAcceptanceProbability: number }> {
  const fn = "malaWarmup";
  assertPositiveInteger(fn, "steps", options.steps);
  const da = dualAveraging(options.targetAcceptance === undefined ? {} : { targetAcceptance: options.targetAcceptance });
  let adaptation = da.init(options.initialStepSize);
  let state = mala({ ...options, stepSize: options.initialStepSize }).init(options.positions);
  let lastProbability = Number.NaN;
  for (let s = 0; s < options.steps; s++) {
    const kernel = mala({ ...options, stepSize: Math.exp(adaptation.logStepSize) });
    const result = kernel.step(foldIn(k, s), state);
    state = result.state;
    lastProbability = result.info.meanAcceptanceProbability;
    adaptation = da.update(adaptation, lastProbability);
  }
  return { state, stepSize: da.finalStepSize(adaptation), meanAcceptanceProbability: lastProbability };
}
