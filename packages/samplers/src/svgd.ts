import { assertPositiveInteger, assertPositiveNumber, invalidArgument, medianInPlace } from "@parabolic/core";
import { nextTime } from "./internal/clock.js";
import { hasNonFinite, type BaseInfo, type BaseState, type SamplingKernel } from "./kernel.js";
import { checkStepSize, resolveStepSize, type StepSize } from "./schedules.js";
import { checkPositions, checkTarget, evaluateScore, initialScoredState, type ScoreFn } from "./target.js";

/**
 * State of {@link svgd}: positions plus the target score there.
 *
 * @example
 * ```ts
 * const state: SvgdState = svgd({ ...target, stepSize: 0.05 }).init(x0);
 * ```
 */
export type SvgdState = BaseState & Readonly<{ score: Float64Array }>;

/**
 * Step info of {@link svgd}.
 *
 * @example
 * ```ts
 * const { info } = kernel.step(k, state); // info.bandwidth
 * ```
 */
export type SvgdInfo = BaseInfo & Readonly<{ time: number; /** Kernel width w used this step. */ bandwidth: number }>;

/**
 * Options of {@link svgd}.
 *
 * @example
 * ```ts
 * const options: SvgdOptions = { ...target, stepSize: 0.05, bandwidth: "median" };
 * ```
 */
export type SvgdOptions = Readonly<{
  dim: number;
  score: ScoreFn;
  stepSize: StepSize;
  /**
   * Kernel width w in k(x, y) = exp(−‖x − y‖²/w): a number, or `"median"` (default): w = median of the pairwise
   * squared distances / log N, recomputed every step (the SBTM authors' choice).
   */
  bandwidth?: number | "median";
  /** The median is taken over the pairs of at most this many (evenly strided) particles. @defaultValue 2000 */
  medianSubset?: number;
}>;

/**
 * Stein variational gradient descent with an RBF kernel: X_i ← X_i + Δt φ(X_i),
 * φ(x_i) = (1/N) Σ_j [k(x_j, x_i)∇log π(x_j) + ∇_{x_j}k(x_j, x_i)].
 *
 * @remarks Deterministic (the key is ignored). **Cost O(N² d) time per step** (and O(m²) memory for the median
 * over m = min(N, medianSubset) particles), against O(N) for ULA and SBTM. **Slow clock:** with φ normalised by
 * 1/N, SVGD does not move on the Fokker–Planck time scale: from N(0, 10) to N(0, 1) with N = 100, Δt = 0.05 its
 * variance is still ≈ 8 at T = 2.5 (the exact flow: 1.06) and ≈ 1.2 at T = 100 (spec §5, B9). Give it its own
 * step size and horizon; comparing it with ULA/SBTM on their (Δt, T) makes it look broken.
 * @throws ParabolicError `INVALID_ARGUMENT` for fewer than 2 particles with the median heuristic.
 * @example
 * ```ts
 * const kernel = svgd({ ...gaussianTarget({ dim: 1 }), stepSize: 0.05 });
 * ```
 */
export function svgd(options: SvgdOptions): SamplingKernel<SvgdState, SvgdInfo> {
  const fn = "svgd";
  checkTarget(fn, options);
  checkStepSize(fn, options.stepSize);
  const { dim, score, stepSize } = options;
  const rule = options.bandwidth ?? "median";
  if (rule !== "median") assertPositiveNumber(fn, "bandwidth", rule);
  const medianSubset = options.medianSubset ?? 2000;
  assertPositiveInteger(fn, "medianSubset", medianSubset);
  return {
    init(positions, initOptions = {}) {
      const count = checkPositions(fn, positions, dim);
      if (rule === "median" && count < 2) throw invalidArgument(fn, "positions", "hold at least 2 particles for the median heuristic", count);
      return initialScoredState(fn, score, dim, positions, initOptions.time ?? 0);
    },
    step(_key, state) {
      const x = state.position;
      const g = state.score;
      const n = x.length / dim;
      const h = resolveStepSize(fn, stepSize, { step: state.step, time: state.time, count: n, dim, positions: x, score: g });
      let w: number;
      if (rule === "median") {
        const stride = Math.max(1, Math.ceil(n / medianSubset));
        const m = Math.ceil(n / stride);
        const d2 = new Float64Array((m * (m - 1)) / 2);
        let p = 0;
        for (let a = 0; a < m; a++) {
          for (let b = a + 1; b < m; b++) {
            let s = 0;
            for (let c = 0; c < dim; c++) {
              const d = x[a * stride * dim + c]! - x[b * stride * dim + c]!;
              s += d * d;
            }
            d2[p++] = s;
          }
        }
        w = medianInPlace(d2) / Math.log(n);
        if (!(w > 0)) w = 1; // all particles coincide: any width gives the same (attractive-only) update
      } else w = rule;
      const invW = 1 / w;
      const phi = new Float64Array(x.length);
      const diff = new Float64Array(dim);
      // Each unordered pair once (k is symmetric): with d = x_j − x_i,
      //   φ_i += k (∇log π(x_j) − 2d/w),   φ_j += k (∇log π(x_i) + 2d/w);   the self term adds ∇log π(x_i).
      for (let i = 0; i < n; i++) {
        const oi = i * dim;
        for (let c = 0; c < dim; c++) phi[oi + c] = phi[oi + c]! + g[oi + c]!;
        for (let j = i + 1; j < n; j++) {
          const oj = j * dim;
          let d2 = 0;
          for (let c = 0; c < dim; c++) {
            const d = x[oj + c]! - x[oi + c]!;
            diff[c] = d;
            d2 += d * d;
          }
          const k = Math.exp(-d2 * invW);
          const k2 = 2 * k * invW;
          for (let c = 0; c < dim; c++) {
            phi[oi + c] = phi[oi + c]! + k * g[oj + c]! - k2 * diff[c]!;
            phi[oj + c] = phi[oj + c]! + k * g[oi + c]! + k2 * diff[c]!;
          }
        }
      }
      const scale = h / n;
      for (let i = 0; i < phi.length; i++) phi[i] = x[i]! + scale * phi[i]!;
      const time = nextTime(state, h, stepSize);
      const divergent = hasNonFinite(phi);
      const nextScore = divergent ? new Float64Array(phi.length).fill(Number.NaN) : evaluateScore(fn, score, phi, time);
      return {
        state: { position: phi, score: nextScore, time, step: state.step + 1 },
        info: { stepSize: h, time: state.time, bandwidth: w, divergent: divergent || hasNonFinite(nextScore) },
      };
    },
  };
}
