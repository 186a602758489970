import type { Key, RandomStream } from "@parabolic/core";
import { fillBatch, sampleBatch } from "./internal/batch.js";
import { driftKernel } from "./internal/kernels.js";
import type { KappaSampleOptions, KappaSamples } from "./kappa-samples.js";

/**
 * Draws `count` exact, unit-weight samples of the drift measure D = |∇_ζ k|/C₁(d) on E₁ (spec heat-ball §6.3).
 *
 * @remarks With ∇_ζ k = −(Φ − 1)ζ/(2ς), the drift form of the mean-value identity for ∂ₛw = Δw − ∇·(cw) reads
 * w(y₀, s₀) = E_κ[w(y₀ − rζ, s₀ − r²ς)] + r·C₁(d)·E_D[(cw)(y₀ − rζ, s₀ − r²ς)·ζ/|ζ|].
 * **Sign convention:** that identity is written for points y = y₀ − rζ; with y = y₀ + rζ the drift term changes
 * sign. Use `heatBallPoints(…, { sign: -1 })` to build points in the y₀ − rζ convention.
 * D factorises: a = |ζ|²/(4ς) ~ Gamma((d + 1)/2, rate 1 + 1/d), W = log Φ hypo-exponential,
 * W = d·E₁ + E₂/(1 + 1/d) (density ∝ e^{−W/d} − e^{−(1+1/d)W}), independent, direction uniform.
 *
 * @returns new buffers owned by the caller (`zeta` row-major `count × dim`).
 * @throws ParabolicError `INVALID_ARGUMENT` for a bad key, `dim` (not in [1, 65536]) or `count`.
 * @example
 * ```ts
 * const drift = sampleDrift(key(5), { dim: 2, count: 1000 });
 * const { c1 } = kappaConstants(2); // the budget constant multiplying E_D[…]
 * ```
 */
export function sampleDrift(k: Key, options: KappaSampleOptions): KappaSamples {
  return sampleBatch("sampleDrift", driftKernel, k, options);
}

/**
 * Refills `out` with `out.count` fresh D samples from `stream` (the hot-loop form of {@link sampleDrift}).
 *
 * @returns `out`.
 * @throws ParabolicError `INVALID_ARGUMENT` / `SHAPE_MISMATCH` when `out` is inconsistent.
 * @example
 * ```ts
 * const buffers = allocateKappaSamples({ dim: 2, count: 64 });
 * fillDrift(randomStream(key(6)), buffers);
 * ```
 */
export function fillDrift(stream: RandomStream, out: KappaSamples): KappaSamples {
  return fillBatch("fillDrift", driftKernel, stream, out);
}
