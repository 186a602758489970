import { assertPositiveNumber } from "@parabolic/core";
import type { ExactDistribution } from "./distribution.js";
import { curveNoise } from "./internal/curve-noise.js";

/**
 * Two interleaving half circles plus Gaussian noise (scikit-learn's `make_moons` geometry), with its exact
 * density and score.
 *
 * @remarks Each sample picks a moon with probability ½ and θ ~ U[0, π]; the upper moon is (cos θ, sin θ), the
 * lower one (1 − cos θ, ½ − sin θ); then adds N(0, σ² I). The density is therefore the 1-D integral
 * p(x) = ½ Σ_moons (1/π) ∫₀^π N(x; γ(θ), σ² I) dθ, which `logDensity` evaluates by adaptive Gauss–Kronrod
 * quadrature in log space (relative error ≲ 1e−11, also far in the tails), and `score` is (E[γ | x] − x)/σ².
 * Unlike `make_moons`, θ is random rather than a regular grid, so samples are i.i.d. from this density.
 * @param options - `noise` σ (default 0.1).
 * @throws ParabolicError `INVALID_ARGUMENT` for a non-positive noise.
 * @example
 * ```ts
 * const moons = twoMoons({ noise: 0.1 });
 * const x = moons.sample(key(0), 1000);
 * const lp = moons.logDensity(x);
 * ```
 */
export function twoMoons(options: Readonly<{ noise?: number }> = {}): ExactDistribution {
  const noise = options.noise ?? 0.1;
  assertPositiveNumber("twoMoons", "noise", noise);
  const impl = curveNoise(
    "twoMoons",
    [
      { weight: 1, from: 0, to: Math.PI, point: (t, out) => { out[0] = Math.cos(t); out[1] = Math.sin(t); } },
      { weight: 1, from: 0, to: Math.PI, point: (t, out) => { out[0] = 1 - Math.cos(t); out[1] = 0.5 - Math.sin(t); } },
    ],
    noise,
  );
  return Object.freeze({ name: "two-moons", dim: 2, ...impl });
}
