import { ParabolicError, invalidArgument } from "@parabolic/core";
import { checkTarget, evaluateScore, type Target } from "./target.js";
import type { AnnealingSchedule } from "./schedules.js";

/**
 * Options of {@link annealedTarget}.
 *
 * @example
 * ```ts
 * annealedTarget({ target, path: "dilation", dilationVariant: "exact", schedule: linearAnnealing({ duration: 10 }), lambdaMin: 0.2 });
 * ```
 */
export type AnnealedTargetOptions = Readonly<{
  /** The final target π (its own time argument is ignored: it is evaluated at time 0). */
  target: Target;
  /** The prior f₀; required by the geometric path. */
  prior?: Target;
  path: "geometric" | "dilation";
  /** λ(t) ∈ [0, 1]. */
  schedule: AnnealingSchedule;
  /**
   * Dilation score: `"exact"` (default) is the score of π_λ(x) = λ^{−d}π(x/λ), (1/λ)∇log π(x/λ); `"reproduction"`
   * is the SBTM authors' drift ∇log π(x/λ) (no 1/λ), whose stationary law is ∝ π(x/λ)^λ.
   */
  dilationVariant?: "exact" | "reproduction";
  /** λ is clipped to [lambdaMin, 1]. @defaultValue 0.2 for dilation (the authors' value), 0 for geometric */
  lambdaMin?: number;
}>;

/**
 * A time-dependent target that also reports its annealing parameter λ(t) (after clipping).
 *
 * @example
 * ```ts
 * const annealed = annealedTarget({ prior, target, path: "geometric", schedule });
 * annealed.lambda(5); // 0.5 with linearAnnealing({ duration: 10 })
 * ```
 */
export type AnnealedTarget = Target & Readonly<{ lambda: (time: number) => number }>;

/**
 * Builds the annealed, time-dependent target π_{λ(t)} of a geometric or dilation path.
 *
 * @remarks
 * - **Geometric:** π_λ ∝ f₀^{1−λ}π^λ, score (1 − λ)∇log f₀ + λ∇log π (log-density likewise, unnormalised).
 * - **Dilation (exact, default):** π_λ(x) = λ^{−d}π(x/λ), score **(1/λ)∇log π(x/λ)**, log-density
 *   log π(x/λ) − d log λ. For π = N(μ, s²) this is N(λμ, λ²s²).
 * - **Dilation, `dilationVariant: "reproduction"`:** the SBTM authors' code uses ∇log π(x/λ) and drops the 1/λ
 *   factor. That drift is the score of ∝ π(x/λ)^λ (log-density λ log π(x/λ)): for a Gaussian N(λμ, λs²) instead of
 *   N(λμ, λ²s²). Both agree at λ = 1. Use it only to reproduce the authors' numbers.
 *
 * Annealed ULA and annealed SBTM are ULA / SBTM run on this target; they then share the same path.
 * @throws ParabolicError `INVALID_ARGUMENT` (missing prior for the geometric path, λ_min ∉ [0, 1], λ_min = 0 for
 * dilation) or `SHAPE_MISMATCH` (prior and target dimensions differ).
 * @example
 * ```ts
 * const annealed = annealedTarget({ prior: gaussianTarget({ dim: 1 }), target: far, path: "geometric",
 *   schedule: linearAnnealing({ duration: 10 }) });
 * const kernel = ula({ ...annealed, stepSize: 0.01 });
 * ```
 */
export function annealedTarget(options: AnnealedTargetOptions): AnnealedTarget {
  const fn = "annealedTarget";
  const { target, prior, path, schedule } = options;
  checkTarget(fn, target);
  if (typeof schedule !== "function") throw invalidArgument(fn, "schedule", "be a function time => λ", schedule);
  const dim = target.dim;
  const lambdaMin = options.lambdaMin ?? (path === "dilation" ? 0.2 : 0);
  if (!(lambdaMin >= 0 && lambdaMin <= 1)) throw invalidArgument(fn, "lambdaMin", "be in [0, 1]", lambdaMin);
  const lambda = (t: number): number => Math.min(1, Math.max(lambdaMin, schedule(t)));
  if (path === "geometric") {
    if (prior === undefined) throw invalidArgument(fn, "prior", "be given for the geometric path", prior);
    checkTarget(fn, prior);
    if (prior.dim !== dim) {
      throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'prior.dim' (${prior.dim}) must equal 'target.dim' (${dim}).`, {
        prior: prior.dim,
        target: dim,
      });
    }
    const priorLogDensity = prior.logDensity;
    const targetLogDensity = target.logDensity;
    const result: AnnealedTarget = {
      dim,
      lambda,
      score: (x, t) => {
        const l = lambda(t);
        if (l === 1) return evaluateScore(fn, target.score, x, 0);
        if (l === 0) return evaluateScore(fn, prior.score, x, 0);
        const a = evaluateScore(fn, prior.score, x, 0);
        const b = evaluateScore(fn, target.score, x, 0);
        for (let i = 0; i < a.length; i++) a[i] = (1 - l) * a[i]! + l * b[i]!;
        return a;
      },
    };
    if (priorLogDensity !== undefined && targetLogDensity !== undefined) {
      return {
        ...result,
        logDensity: (x, t) => {
          const l = lambda(t);
          const a = priorLogDensity(x, 0);
          const b = targetLogDensity(x, 0);
          for (let i = 0; i < a.length; i++) a[i] = (1 - l) * a[i]! + l * b[i]!;
          return a;
        },
      };
    }
    return result;
  }
  if (path === "dilation") {
    if (!(lambdaMin > 0)) throw invalidArgument(fn, "lambdaMin", "be > 0 for the dilation path (π(x/λ) is singular at λ = 0)", lambdaMin);
    const variant = options.dilationVariant ?? "exact";
    if (variant !== "exact" && variant !== "reproduction") {
      throw invalidArgument(fn, "dilationVariant", "be 'exact' or 'reproduction'", variant);
    }
    const targetLogDensity = target.logDensity;
    const result: AnnealedTarget = {
      dim,
      lambda,
      score: (x, t) => {
        const l = lambda(t);
        if (l === 1) return evaluateScore(fn, target.score, x, 0);
        const inv = 1 / l;
        const s = evaluateScore(fn, target.score, x.map((v) => v * inv), 0);
        if (variant === "exact") for (let i = 0; i < s.length; i++) s[i] = s[i]! * inv;
        return s;
      },
    };
    if (targetLogDensity !== undefined) {
      return {
        ...result,
        logDensity: (x, t) => {
          const l = lambda(t);
          const lp = targetLogDensity(x.map((v) => v / l), 0);
          if (variant === "exact") {
            const shift = dim * Math.log(l);
            for (let i = 0; i < lp.length; i++) lp[i] = lp[i]! - shift;
          } else for (let i = 0; i < lp.length; i++) lp[i] = l * lp[i]!;
          return lp;
        },
      };
    }
    return result;
  }
  throw invalidArgument(fn, "path", "be 'geometric' or 'dilation'", path);
}
