import { assertPositiveNumber, invalidArgument, nextExponential, nextNormal, normalCdf, randomStream, type Key } from "@parabolic/core";
import type { ExactDistribution } from "./distribution.js";
import { checkCount, pointCount } from "./internal/points.js";

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The circle density of {@link circleDensity}: exact log-density, score, normaliser and radial law.
 *
 * @example
 * ```ts
 * const circle: CircleDensity = circleDensity();
 * circle.radialCdf(1); // P(‖x − c‖ ≤ R)
 * ```
 */
export type CircleDensity = ExactDistribution &
  Readonly<{
    logDensity: (points: ArrayLike<number>) => Float64Array;
    score: (points: ArrayLike<number>) => Float64Array;
    /** log N(‖x − c‖ − R; 0, v) (the SBTM study's unnormalised target). */
    unnormalizedLogDensity: (points: ArrayLike<number>) => Float64Array;
    /** log ∫ N(‖x − c‖ − R; 0, v) dx, so logDensity = unnormalizedLogDensity − logNormalizer. */
    logNormalizer: number;
    /** CDF of the radius ‖x − c‖ under the density. */
    radialCdf: (r: number) => number;
  }>;

/**
 * The SBTM study's circle target, density ∝ N(‖x − c‖ − R; 0, v) with c = (4, 0), R = 1, v = 0.2 (a variance).
 *
 * @remarks Everything is exact. In polar coordinates around c the angle is uniform and the radius has density
 * ∝ r·exp(−(r − R)²/2v) on r > 0, so the normaliser is closed-form:
 * ∫ exp(−(‖x−c‖ − R)²/2v) dx = 2π[v e^{−R²/2v} + R√(2πv) Φ(R/√v)] (checked against quadrature in the tests).
 * Sampling is exact rejection from the proposal ∝ (R + |u|) e^{−u²/2v} for u = r − R (a normal/Rayleigh
 * mixture; acceptance (R + u)/(R + |u|) on u > −R). The score −((r − R)/v)(x − c)/r is singular at the centre
 * (direction undefined); there it returns (0, 0).
 * @throws ParabolicError `INVALID_ARGUMENT` for a non-finite centre or non-positive radius or variance.
 * @example
 * ```ts
 * const circle = circleDensity();
 * const x = circle.sample(key(3), 10_000);
 * const s = circle.score(x);
 * ```
 */
export function circleDensity(options: Readonly<{ center?: readonly [number, number]; radius?: number; variance?: number }> = {}): CircleDensity {
  const center = options.center ?? [4, 0];
  const R = options.radius ?? 1;
  const v = options.variance ?? 0.2;
  if (!Array.isArray(center) || center.length !== 2 || !center.every((c) => typeof c === "number" && Number.isFinite(c))) {
    throw invalidArgument("circleDensity", "center", "be a pair of finite numbers", center);
  }
  assertPositiveNumber("circleDensity", "radius", R);
  assertPositiveNumber("circleDensity", "variance", v);
  const [cx, cy] = center;
  const sd = Math.sqrt(v);
  const radialMass = v * Math.exp(-(R * R) / (2 * v)) + R * Math.sqrt(2 * Math.PI * v) * normalCdf(R / sd);
  const logZ = Math.log(2 * Math.PI * radialMass); // log ∫ exp(−(r − R)²/2v) dx
  const gaussConst = -0.5 * (LOG_2PI + Math.log(v));
  const logNormalizer = gaussConst + logZ;
  const pNormal = (R * Math.sqrt(2 * Math.PI * v)) / (R * Math.sqrt(2 * Math.PI * v) + 2 * v);
  const lower = normalCdf(-R / sd);

  function logDensityWith(fn: string, points: ArrayLike<number>, shift: number): Float64Array {
    const n = pointCount(fn, points, 2);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = Math.hypot(points[2 * i]! - cx, points[2 * i + 1]! - cy);
      out[i] = -((r - R) * (r - R)) / (2 * v) + shift;
    }
    return out;
  }

  return Object.freeze({
    name: "circle",
    dim: 2,
    logNormalizer,
    sample(k: Key, count: number): Float64Array {
      checkCount("circleDensity.sample", count);
      const stream = randomStream(k);
      const out = new Float64Array(2 * count);
      for (let i = 0; i < count; i++) {
        let u: number;
        for (;;) {
          if (stream.nextDouble() < pNormal) u = sd * nextNormal(stream);
          else u = (stream.nextDouble() < 0.5 ? -1 : 1) * Math.sqrt(2 * v * nextExponential(stream));
          if (u > -R && stream.nextDouble() * (R + Math.abs(u)) < R + u) break;
        }
        const angle = 2 * Math.PI * stream.nextDouble();
        out[2 * i] = cx + (R + u) * Math.cos(angle);
        out[2 * i + 1] = cy + (R + u) * Math.sin(angle);
      }
      return out;
    },
    logDensity: (points: ArrayLike<number>) => logDensityWith("circleDensity.logDensity", points, -logZ),
    unnormalizedLogDensity: (points: ArrayLike<number>) => logDensityWith("circleDensity.unnormalizedLogDensity", points, gaussConst),
    score(points: ArrayLike<number>): Float64Array {
      const n = pointCount("circleDensity.score", points, 2);
      const out = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        const dx = points[2 * i]! - cx;
        const dy = points[2 * i + 1]! - cy;
        const r = Math.hypot(dx, dy);
        if (r === 0) continue;
        const f = -(r - R) / (v * r);
        out[2 * i] = f * dx;
        out[2 * i + 1] = f * dy;
      }
      return out;
    },
    radialCdf(r: number): number {
      if (!(r > 0)) return r === r ? 0 : Number.NaN;
      const num = v * (Math.exp(-(R * R) / (2 * v)) - Math.exp(-((r - R) * (r - R)) / (2 * v))) + R * Math.sqrt(2 * Math.PI * v) * (normalCdf((r - R) / sd) - lower);
      return Math.min(1, Math.max(0, num / radialMass));
    },
  });
}
