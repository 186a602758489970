import * as tf from "@tensorflow/tfjs-core";
import {
  ParabolicError,
  assertFiniteNumber,
  assertInRange,
  assertPositiveInteger,
  invalidArgument,
  randomStream,
  split,
  type Key,
} from "@parabolic/core";
import { kappaConstants, sampleDrift, sampleKappa } from "@parabolic/kappa";
import type { HeatBallGroups } from "./heat-ball-residual.js";

/**
 * A heat-coordinate drift field c(y, s) evaluated on the host: `@parabolic/heat`'s `timeChange(process).heatDrift`
 * has this shape. `points` is row-major `count × dim`, `heatTimes` has `count` entries.
 * @example
 * ```ts
 * const c: HeatDrift = timeChange(process, { dim: 2 }).heatDrift!;
 * ```
 */
export type HeatDrift = Readonly<{
  dim: number;
  evaluate(points: Float64Array, heatTimes: Float64Array): Float64Array;
  divergence?: (points: Float64Array, heatTimes: Float64Array) => Float64Array;
}>;

/**
 * Options of {@link sampleHeatBallGroups}.
 * @example
 * ```ts
 * const options: HeatBallGroupOptions = { dim: 2, centers, centerTimes, radiusFraction: 0.125, samples: 64 };
 * ```
 */
export type HeatBallGroupOptions = Readonly<{
  dim: number;
  /** Centres y₀, row-major `B × dim`. */
  centers: Float64Array;
  /** Centre times s₀ (`B`), all > 0. */
  centerTimes: Float64Array;
  /** r² = radiusFraction · s₀ (the reference scripts use 0.125 in 2-D). */
  radiusFraction: number;
  /** Log-uniform jitter of r in [r/j, r·j] (the 2-D reference script uses 2). @defaultValue 1 (none) */
  jitter?: number;
  /** κ-points per centre, N (a multiple of 4 with antithetic pairs, else of 2: two independent halves). */
  samples: number;
  /** Mirror each κ-point (ζ and −ζ) inside its half. @defaultValue true */
  antithetic?: boolean;
  /** Nonlinear drift: evaluate the §7.2 correction with `samples` D-points per centre (antithetic as above). */
  drift?: Readonly<{ field: HeatDrift; samples: number }>;
  /** Multiply residuals by 1/(r²E_κ[ς]) (the r → 0-stable scale). @defaultValue false */
  normalise?: boolean;
}>;

/**
 * Host (float64) version of {@link HeatBallGroups}; upload with {@link heatBallGroupTensors}.
 * @example
 * ```ts
 * const host: HeatBallGroupsHost = sampleHeatBallGroups(key(0), options);
 * ```
 */
export type HeatBallGroupsHost = Readonly<{
  dim: number;
  count: number;
  centers: Float64Array;
  centerTimes: Float64Array;
  radii: Float64Array;
  ballPoints: Float64Array;
  ballTimes: Float64Array;
  samplesPerCenter: number;
  drift: Readonly<{ points: Float64Array; times: Float64Array; projections: Float64Array; samplesPerCenter: number; factors: Float64Array }> | undefined;
  scale: Float64Array | undefined;
}>;

/**
 * Draws the heat-ball geometry for a batch of centres: per centre, a radius r (r² = fraction·s₀, optionally
 * jittered), N κ-points (two independent halves, antithetic pairs inside each half) and, with a drift, M
 * drift-measure points y₀ − rζ with the projections c·ζ/|ζ| (heat-ball.md §6–§7). Deterministic in `k`.
 *
 * @remarks κ and D samples come from `@parabolic/kappa` (exact, unit weight). The drift field is evaluated on the
 * host in float64 since it does not depend on the model.
 * @throws ParabolicError `INVALID_ARGUMENT` if r² could reach 4π·s₀, or for bad counts; `SHAPE_MISMATCH` for
 * inconsistent arrays.
 * @example
 * ```ts
 * const host = sampleHeatBallGroups(key(1), { dim: 2, centers, centerTimes, radiusFraction: 0.125, samples: 64 });
 * const groups = heatBallGroupTensors(host); // caller disposes (tf.dispose(Object.values(...)))
 * ```
 */
export function sampleHeatBallGroups(k: Key, options: HeatBallGroupOptions): HeatBallGroupsHost {
  const fn = "sampleHeatBallGroups";
  const { dim, centers, centerTimes, radiusFraction, samples } = options;
  assertPositiveInteger(fn, "dim", dim);
  const count = centerTimes.length;
  if (centers.length !== count * dim || count === 0) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'centers' must have ${count} × ${dim} entries; got ${centers.length}.`, { argument: "centers" });
  }
  const jitter = options.jitter ?? 1;
  assertInRange(fn, "jitter", jitter, { min: 1, max: 100 });
  assertFiniteNumber(fn, "radiusFraction", radiusFraction);
  if (!(radiusFraction > 0 && radiusFraction * jitter * jitter < 4 * Math.PI)) {
    throw invalidArgument(fn, "radiusFraction", `be > 0 with radiusFraction·jitter² < 4π (the ball must stay in s > 0; jitter ${jitter})`, radiusFraction);
  }
  const antithetic = options.antithetic ?? true;
  const unit = antithetic ? 4 : 2;
  assertPositiveInteger(fn, "samples", samples);
  if (samples % unit !== 0) throw invalidArgument(fn, "samples", `be a multiple of ${unit}`, samples);
  for (let b = 0; b < count; b++) {
    if (!(centerTimes[b]! > 0)) throw invalidArgument(fn, "centerTimes", "be all > 0", centerTimes[b]);
  }
  const { meanSigma, c1 } = kappaConstants(dim);
  const [radiusKey, kappaKey, driftKey] = split(k, 3) as [Key, Key, Key];
  const stream = randomStream(radiusKey);
  const radii = new Float64Array(count);
  const logJ = Math.log(jitter);
  for (let b = 0; b < count; b++) {
    const j = jitter === 1 ? 1 : Math.exp((2 * stream.nextDouble() - 1) * logJ);
    radii[b] = Math.sqrt(radiusFraction * centerTimes[b]!) * j;
  }
  const draws = samples / (antithetic ? 2 : 1);
  const kappa = sampleKappa(kappaKey, { dim, count: count * draws });
  const ballPoints = new Float64Array(count * samples * dim);
  const ballTimes = new Float64Array(count * samples);
  fillPoints(ballPoints, ballTimes, kappa.zeta, kappa.sigma, centers, centerTimes, radii, dim, samples, antithetic, 1);

  let drift: HeatBallGroupsHost["drift"];
  if (options.drift !== undefined) {
    const m = options.drift.samples;
    assertPositiveInteger(fn, "drift.samples", m);
    if (m % unit !== 0) throw invalidArgument(fn, "drift.samples", `be a multiple of ${unit}`, m);
    if (options.drift.field.dim !== dim) throw invalidArgument(fn, "drift.field.dim", `equal ${dim}`, options.drift.field.dim);
    const dd = sampleDrift(driftKey, { dim, count: count * (m / (antithetic ? 2 : 1)) });
    const points = new Float64Array(count * m * dim);
    const times = new Float64Array(count * m);
    const directions = new Float64Array(count * m * dim);
    fillPoints(points, times, dd.zeta, dd.sigma, centers, centerTimes, radii, dim, m, antithetic, -1, directions);
    const c = options.drift.field.evaluate(points, times);
    const projections = new Float64Array(count * m);
    for (let i = 0; i < count * m; i++) {
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += c[i * dim + j]! * directions[i * dim + j]!;
      projections[i] = dot;
    }
    const factors = radii.map((r) => r * c1);
    drift = { points, times, projections, samplesPerCenter: m, factors };
  }
  const scale = options.normalise ? radii.map((r) => 1 / (r * r * meanSigma)) : undefined;
  return { dim, count, centers, centerTimes, radii, ballPoints, ballTimes, samplesPerCenter: samples, drift, scale };
}

/**
 * Writes heat-ball points for every centre: rows of centre b are split in two halves; inside a half, draw q gives
 * y₀ + sign·rζ_q and (antithetic) y₀ − sign·rζ_q. `directions` (optional) receives the unit vector ζ_row/|ζ_row| of
 * each row's own ζ (for the drift projections, where y = y₀ − rζ_row).
 */
function fillPoints(
  points: Float64Array,
  times: Float64Array,
  zeta: Float64Array,
  sigma: Float64Array,
  centers: Float64Array,
  centerTimes: Float64Array,
  radii: Float64Array,
  dim: number,
  perCenter: number,
  antithetic: boolean,
  sign: 1 | -1,
  directions?: Float64Array,
): void {
  const half = perCenter / 2;
  const drawsPerHalf = antithetic ? half / 2 : half;
  let draw = 0;
  for (let b = 0; b < centerTimes.length; b++) {
    const r = radii[b]!;
    const s0 = centerTimes[b]!;
    for (let h = 0; h < 2; h++) {
      for (let q = 0; q < drawsPerHalf; q++, draw++) {
        let norm = 0;
        for (let j = 0; j < dim; j++) norm += zeta[draw * dim + j]! ** 2;
        norm = Math.sqrt(norm);
        const rows = antithetic ? [1, -1] : [1];
        rows.forEach((mirror, idx) => {
          const row = b * perCenter + h * half + q + idx * drawsPerHalf;
          times[row] = s0 - r * r * sigma[draw]!;
          for (let j = 0; j < dim; j++) {
            const z = mirror * zeta[draw * dim + j]!;
            points[row * dim + j] = centers[b * dim + j]! + sign * r * z;
            if (directions !== undefined) directions[row * dim + j] = norm > 0 ? z / norm : 0;
          }
        });
      }
    }
  }
}

/**
 * Uploads host heat-ball groups as float32 tensors (the caller owns them; dispose with
 * `tf.dispose(collectTensors(groups))` or inside `tf.tidy`).
 *
 * @example
 * ```ts
 * const loss = tf.tidy(() => heatBallResidualLoss(net.potential, heatBallGroupTensors(host)));
 * ```
 */
export function heatBallGroupTensors(host: HeatBallGroupsHost): HeatBallGroups {
  const { dim, count } = host;
  const f32 = (a: Float64Array): Float32Array => Float32Array.from(a);
  const groups: HeatBallGroups = {
    centers: tf.tensor2d(f32(host.centers), [count, dim]),
    centerTimes: tf.tensor1d(f32(host.centerTimes)),
    ballPoints: tf.tensor2d(f32(host.ballPoints), [count * host.samplesPerCenter, dim]),
    ballTimes: tf.tensor1d(f32(host.ballTimes)),
    samplesPerCenter: host.samplesPerCenter,
    ...(host.scale === undefined ? {} : { scale: tf.tensor1d(f32(host.scale)) }),
    ...(host.drift === undefined
      ? {}
      : {
          drift: {
            points: tf.tensor2d(f32(host.drift.points), [count * host.drift.samplesPerCenter, dim]),
            times: tf.tensor1d(f32(host.drift.times)),
            projections: tf.tensor1d(f32(host.drift.projections)),
            samplesPerCenter: host.drift.samplesPerCenter,
            factors: tf.tensor1d(f32(host.drift.factors)),
          },
        }),
  };
  return groups;
}

/**
 * Every tensor inside a {@link HeatBallGroups}, for `tf.dispose`.
 * @example
 * ```ts
 * const groups = heatBallGroupTensors(host);
 * // ... use groups ...
 * tf.dispose(groupTensors(groups));
 * ```
 */
export function groupTensors(groups: HeatBallGroups): tf.Tensor[] {
  const out: tf.Tensor[] = [groups.centers, groups.centerTimes, groups.ballPoints, groups.ballTimes];
  if (groups.scale !== undefined) out.push(groups.scale);
  if (groups.drift !== undefined) out.push(groups.drift.points, groups.drift.times, groups.drift.projections, groups.drift.factors);
  return out;
}
