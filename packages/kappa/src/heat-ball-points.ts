import { assertAllFinite, assertLength, assertObject, assertPositiveNumber, invalidArgument, ParabolicError } from "@parabolic/core";
import { checkKappaSamples } from "./internal/validate.js";
import type { KappaSamples } from "./kappa-samples.js";

/**
 * Options of {@link heatBallPoints}.
 *
 * @example
 * ```ts
 * const options: HeatBallPointsOptions = { antithetic: true, sign: -1 };
 * ```
 */
export type HeatBallPointsOptions = {
  /**
   * Also emit the mirrored points y₀ − sign·rζᵢ (antithetic pairs), as rows `count … 2·count − 1`.
   * @defaultValue false
   */
  readonly antithetic?: boolean;
  /**
   * Orientation of the map ζ ↦ y: `1` gives y = y₀ + rζ, `-1` gives y = y₀ − rζ (the convention of the drift form
   * of the mean-value identity, spec heat-ball §7.2). κ and ν are symmetric in ζ, so for them the sign only
   * matters together with antithetic pairing; for the drift measure D it flips the sign of the drift term.
   * @defaultValue 1
   */
  readonly sign?: 1 | -1;
};

/**
 * Space-time points of a heat ball: `points` is `rows × dim` row-major, `times` has `rows` entries.
 *
 * @example
 * ```ts
 * const { points, times }: HeatBallPoints = heatBallPoints(new Float64Array(2), 1, 0.5, sampleKappa(key(3), { dim: 2, count: 8 }));
 * ```
 */
export type HeatBallPoints = {
  readonly points: Float64Array;
  readonly times: Float64Array;
};

/**
 * Maps unit-heat-ball samples to the heat ball E(y₀, s₀; r): yᵢ = y₀ + sign·rζᵢ, sᵢ = s₀ − r²ςᵢ.
 *
 * @remarks Every sample's time lag is at most r²/(4π), so the ball stays inside s > 0 iff r² < 4π·s₀; this is
 * checked. With `antithetic: true` the result has 2·count rows: rows `0 … count−1` are y₀ + sign·rζᵢ and rows
 * `count … 2count−1` the mirrored y₀ − sign·rζᵢ with the same time sᵢ (pair i is rows i and count + i), as used
 * by the derivative-free score estimator.
 *
 * @param center - y₀, length `samples.dim`.
 * @param s0 - the centre's time s₀ > 0.
 * @param radius - r > 0 with r² < 4π·s₀.
 * @param samples - draws from {@link sampleKappa}, {@link sampleNu} or {@link sampleDrift}.
 * @returns new Float64Arrays owned by the caller.
 * @throws ParabolicError `INVALID_ARGUMENT` for s₀ ≤ 0, r ≤ 0, r² ≥ 4πs₀ or a bad `sign`; `SHAPE_MISMATCH` if
 * `center.length !== samples.dim`; `NON_FINITE` for a non-finite centre coordinate.
 * @example
 * ```ts
 * const samples = sampleKappa(key(7), { dim: 2, count: 128 });
 * const { points, times } = heatBallPoints(new Float64Array([0.5, -1]), 1, 0.4, samples, { antithetic: true });
 * // points.length === 2 * 128 * 2; every times[i] is in [1 − 0.16/(4π), 1)
 * ```
 */
export function heatBallPoints(
  center: Float64Array,
  s0: number,
  radius: number,
  samples: KappaSamples,
  options: HeatBallPointsOptions = {},
): HeatBallPoints {
  const fn = "heatBallPoints";
  checkKappaSamples(fn, "samples", samples);
  if (!(center instanceof Float64Array)) throw invalidArgument(fn, "center", "be a Float64Array", center);
  assertLength(fn, "center", center, samples.dim);
  assertAllFinite(fn, "center", center);
  assertPositiveNumber(fn, "s0", s0);
  assertPositiveNumber(fn, "radius", radius);
  if (!(radius * radius < 4 * Math.PI * s0)) {
    throw new ParabolicError(
      "INVALID_ARGUMENT",
      `${fn}: 'radius' must satisfy radius² < 4π·s0 (the heat ball must stay in s > 0); got radius=${radius}, s0=${s0}.`,
      { function: fn, argument: "radius", value: radius, s0, maxRadius: Math.sqrt(4 * Math.PI * s0) },
    );
  }
  assertObject(fn, "options", options, "{ antithetic?, sign? }");
  const antithetic = options.antithetic ?? false;
  const sign = options.sign ?? 1;
  if (typeof antithetic !== "boolean") throw invalidArgument(fn, "options.antithetic", "be a boolean", antithetic);
  if (sign !== 1 && sign !== -1) throw invalidArgument(fn, "options.sign", "be 1 or -1", sign);

  const { dim, count, zeta, sigma } = samples;
  const rows = antithetic ? 2 * count : count;
  const points = new Float64Array(rows * dim);
  const times = new Float64Array(rows);
  const r = sign * radius;
  const r2 = radius * radius;
  for (let i = 0; i < count; i++) {
    const off = i * dim;
    for (let j = 0; j < dim; j++) points[off + j] = center[j]! + r * zeta[off + j]!;
    times[i] = s0 - r2 * sigma[i]!;
  }
  if (antithetic) {
    const base = count * dim;
    for (let i = 0; i < count; i++) {
      const off = i * dim;
      for (let j = 0; j < dim; j++) points[base + off + j] = center[j]! - r * zeta[off + j]!;
      times[count + i] = times[i]!;
    }
  }
  return { points, times };
}
