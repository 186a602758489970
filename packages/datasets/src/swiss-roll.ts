import { assertPositiveNumber } from "@parabolic/core";
import type { ExactDistribution } from "./distribution.js";
import { curveNoise } from "./internal/curve-noise.js";

/**
 * The 2-D swiss roll: t ~ U[1.5π, 4.5π], x = (t cos t, t sin t)/5 + N(0, σ² I), with its exact density and score.
 *
 * @remarks This is FFJORD's `swissroll` toy (scikit-learn `make_swiss_roll(noise=1.0)`, coordinates (x, z),
 * divided by 5), so the default σ = 0.2. The density is the 1-D integral
 * p(x) = (1/3π) ∫ N(x; γ(t), σ² I) dt, evaluated by adaptive Gauss–Kronrod quadrature in log space; the score is
 * (E[γ | x] − x)/σ².
 * @param options - `noise` σ in output units (default 0.2).
 * @throws ParabolicError `INVALID_ARGUMENT` for a non-positive noise.
 * @example
 * ```ts
 * const roll = swissRoll();
 * const s = roll.score(roll.sample(key(2), 100));
 * ```
 */
export function swissRoll(options: Readonly<{ noise?: number }> = {}): ExactDistribution {
  const noise = options.noise ?? 0.2;
  assertPositiveNumber("swissRoll", "noise", noise);
  const impl = curveNoise(
    "swissRoll",
    [{ weight: 1, from: 1.5 * Math.PI, to: 4.5 * Math.PI, point: (t, out) => { out[0] = (t * Math.cos(t)) / 5; out[1] = (t * Math.sin(t)) / 5; } }],
    noise,
  );
  return Object.freeze({ name: "swiss-roll", dim: 2, ...impl });
}
