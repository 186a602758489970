import { fillNormals, randomStream } from "@parabolic/core";
import { nextTime } from "./internal/clock.js";
import { hasNonFinite, type BaseInfo, type BaseState, type SamplingKernel } from "./kernel.js";
import { checkStepSize, resolveStepSize, type StepSize } from "./schedules.js";
import { checkTarget, evaluateScore, initialScoredState, type ScoreFn } from "./target.js";
import type { AnnealedTargetOptions } from "./annealing.js";
import { annealedTarget } from "./annealing.js";

/**
 * State of {@link ula}: positions plus the target score there (reused by the next step).
 *
 * @example
 * ```ts
 * const state: UlaState = ula({ ...target, stepSize: 0.1 }).init(x0);
 * ```
 */
export type UlaState = BaseState & Readonly<{ score: Float64Array }>;

/**
 * Step info of {@link ula}.
 *
 * @example
 * ```ts
 * const { info } = kernel.step(k, state); // info.stepSize, info.time, info.divergent
 * ```
 */
export type UlaInfo = BaseInfo & Readonly<{ time: number }>;

/**
 * Options of {@link ula}.
 *
 * @example
 * ```ts
 * const options: UlaOptions = { ...gaussianTarget({ dim: 2 }), stepSize: 0.05 };
 * ```
 */
export type UlaOptions = Readonly<{
  dim: number;
  score: ScoreFn;
  stepSize: StepSize;
}>;

/**
 * Unadjusted Langevin algorithm: X ← X + Δt ∇log π(t, X) + √(2Δt) ξ, ξ ~ N(0, I), batched over particles.
 *
 * @remarks Biased at any fixed Δt: for π = N(0, 1) its stationary variance is 1/(1 − Δt/2) (KL∞ ≈ Δt²/16). Its
 * law follows the Fokker–Planck flow up to O(Δt) (the "same marginals" as the probability-flow ODE that SBTM
 * integrates). With a constant step the clock is t₀ + kΔt exactly; with a schedule the step sizes are summed.
 * Cost O(N d) per step plus one score call. Noise comes from `fillNormals(randomStream(key), …)`.
 * @throws ParabolicError `INVALID_ARGUMENT` for a bad dim, score or step size (at construction);
 * `SHAPE_MISMATCH` / `NON_FINITE` for bad initial positions (at `init`).
 * @example
 * ```ts
 * const kernel = ula({ ...gaussianTarget({ dim: 1 }), stepSize: 0.1 });
 * let state = kernel.init(normals(key(0), { count: 1000 }));
 * ({ state } = kernel.step(foldIn(key(1), 0), state));
 * ```
 */
export function ula(options: UlaOptions): SamplingKernel<UlaState, UlaInfo> {
  const fn = "ula";
  checkTarget(fn, options);
  checkStepSize(fn, options.stepSize);
  const { dim, score, stepSize } = options;
  return {
    init(positions, initOptions = {}) {
      return initialScoredState(fn, score, dim, positions, initOptions.time ?? 0);
    },
    step(key, state) {
      const count = state.position.length / dim;
      const h = resolveStepSize(fn, stepSize, { step: state.step, time: state.time, count, dim, positions: state.position, score: state.score });
      const noise = fillNormals(randomStream(key), new Float64Array(state.position.length));
      const sq = Math.sqrt(2 * h);
      const x = state.position;
      const g = state.score;
      for (let i = 0; i < noise.length; i++) noise[i] = x[i]! + h * g[i]! + sq * noise[i]!;
      const time = nextTime(state, h, stepSize);
      const divergent = hasNonFinite(noise);
      const nextScore = divergent ? new Float64Array(noise.length).fill(Number.NaN) : evaluateScore(fn, score, noise, time);
      return {
        state: { position: noise, score: nextScore, time, step: state.step + 1 },
        info: { stepSize: h, time: state.time, divergent: divergent || hasNonFinite(nextScore) },
      };
    },
  };
}

/**
 * Annealed ULA: ULA on the annealed target of {@link annealedTarget} (geometric or dilation path).
 *
 * @example
 * ```ts
 * const kernel = annealedUla({ prior, target: far, path: "geometric", schedule: linearAnnealing({ duration: 10 }), stepSize: 0.01 });
 * ```
 */
export function annealedUla(options: AnnealedTargetOptions & Readonly<{ stepSize: StepSize }>): SamplingKernel<UlaState, UlaInfo> {
  const annealed = annealedTarget(options);
  return ula({ dim: annealed.dim, score: annealed.score, stepSize: options.stepSize });
}
