import type { Key, RandomStream } from "@parabolic/core";
import { fillBatch, sampleBatch } from "./internal/batch.js";
import { nuKernel } from "./internal/kernels.js";
import type { KappaSampleOptions, KappaSamples } from "./kappa-samples.js";

/**
 * Draws `count` exact, unit-weight samples of the source measure ν = k/E_κ[ς] on E₁ (spec heat-ball §6.2).
 *
 * @remarks k = Φ − 1 − log Φ ≥ 0 is the source kernel of the inhomogeneous mean-value formula
 * u(y₀, s₀) = E_κ[u(·)] + r²E_κ[ς]·E_ν[f(y₀ + rζ, s₀ − r²ς)] for ∂ₛu − Δu = f. In (a, W) = (|ζ|²/(4ς), log Φ)
 * it factorises: a ~ Gamma(d/2, rate c) with c = 1 + 2/d, independent of W, whose density ∝ e^{−cW}(e^W − 1 − W)
 * is the mixture of Gamma(j + 1, rate c) over j − 2 ~ Geometric(2/(d + 2)); the direction is uniform. The fields
 * `a` and `w` of the result hold these a and W (as drawn).
 *
 * @returns new buffers owned by the caller (`zeta` row-major `count × dim`).
 * @throws ParabolicError `INVALID_ARGUMENT` for a bad key, `dim` (not in [1, 65536]) or `count`.
 * @example
 * ```ts
 * const nu = sampleNu(key(3), { dim: 16, count: 1000 });
 * ```
 */
export function sampleNu(k: Key, options: KappaSampleOptions): KappaSamples {
  return sampleBatch("sampleNu", nuKernel, k, options);
}

/**
 * Refills `out` with `out.count` fresh ν samples from `stream` (the hot-loop form of {@link sampleNu}).
 *
 * @returns `out`.
 * @throws ParabolicError `INVALID_ARGUMENT` / `SHAPE_MISMATCH` when `out` is inconsistent.
 * @example
 * ```ts
 * const buffers = allocateKappaSamples({ dim: 16, count: 64 });
 * fillNu(randomStream(key(4)), buffers);
 * ```
 */
export function fillNu(stream: RandomStream, out: KappaSamples): KappaSamples {
  return fillBatch("fillNu", nuKernel, stream, out);
}
