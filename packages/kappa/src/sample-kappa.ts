import type { Key, RandomStream } from "@parabolic/core";
import { fillBatch, sampleBatch } from "./internal/batch.js";
import { kappaKernel } from "./internal/kernels.js";
import type { KappaSampleOptions, KappaSamples } from "./kappa-samples.js";

/**
 * Draws `count` exact, unit-weight samples of the κ-measure on the unit heat ball (spec heat-ball §4, §6.1).
 *
 * @remarks κ(dζ dς) = ¼|ζ|²/ς² on E₁ is the Evans mean-value measure: for a caloric u (∂ₛu = Δu),
 * u(y₀, s₀) = E_κ[u(y₀ + rζ, s₀ − r²ς)] for every admissible radius r. Theorem K: A = |ζ|²/(4ς) ~ Gamma(d/2 + 1)
 * and W = log Φ(ζ, ς) ~ Exp(1) are independent, the direction of ζ is uniform, and ς = e^{−2(A+W)/d}/(4π).
 * This is Sampler A of the spec (d standard normals for the direction and the χ²_d part of A, plus
 * exponentials; no tabulated CDF), exact in every dimension 1 … 65536. W is stored as drawn, so `w` is log Φ
 * without the cancellation of −(d/2)log(4πς) − |ζ|²/(4ς) (two terms ≈ 2050 at d = 4096); ς is formed from
 * log(4πς) = −2(A + W)/d and ζ by scaling the normals by 2√(ςA)/|G|.
 *
 * Deterministic: the same key and options give bit-identical samples.
 *
 * @param k - PRNG key; derive a fresh one per use (`foldIn(k, step)`).
 * @param options - `dim` in [1, 65536] and `count` ≥ 1.
 * @returns new buffers owned by the caller: `zeta` is `count × dim` row-major.
 * @throws ParabolicError `INVALID_ARGUMENT` for a bad key, `dim` or `count`.
 * @example
 * ```ts
 * import { key } from "@parabolic/core";
 * import { sampleKappa } from "@parabolic/kappa";
 *
 * const s = sampleKappa(key(1), { dim: 2, count: 4096 });
 * // s.zeta[2*i], s.zeta[2*i+1] and s.sigma[i] form the i-th point; mean of s.sigma ≈ 1/(32π)
 * ```
 */
export function sampleKappa(k: Key, options: KappaSampleOptions): KappaSamples {
  return sampleBatch("sampleKappa", kappaKernel, k, options);
}

/**
 * Refills `out` with `out.count` fresh κ samples from `stream` (the hot-loop form of {@link sampleKappa}).
 *
 * @remarks No allocation besides typed-array views; validation is O(1). The samples depend on the stream's
 * position and on `out.dim`, `out.count`, so a refill of the same buffers with a cloned stream reproduces them.
 * @returns `out`.
 * @throws ParabolicError `INVALID_ARGUMENT` / `SHAPE_MISMATCH` when `out` is inconsistent.
 * @example
 * ```ts
 * const buffers = allocateKappaSamples({ dim: 256, count: 64 });
 * const stream = randomStream(key(2));
 * fillKappa(stream, buffers); // buffers.sigma, buffers.zeta … now hold 64 κ samples
 * ```
 */
export function fillKappa(stream: RandomStream, out: KappaSamples): KappaSamples {
  return fillBatch("fillKappa", kappaKernel, stream, out);
}
