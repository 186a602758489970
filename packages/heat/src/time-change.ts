import { assertFiniteNumber, assertLength, assertNonNegativeNumber, assertPositiveInteger, invalidArgument, ParabolicError } from "@parabolic/core";
import type { DriftField } from "./drift-field.js";
import type { ForwardProcess } from "./forward-process.js";
import type { HeatField, MarginalField } from "./heat-field.js";
import { expSkew } from "./internal/linalg.js";

/**
 * Times for a batch of points: one shared time, or one per point.
 *
 * @example
 * ```ts
 * tc.toHeat(points, 0.3);                 // one time for all points
 * tc.toHeat(points, perPointTimes);       // or one per point
 * ```
 */
export type Times = number | Float64Array;

/**
 * Points with their times (row-major `count × dim`, `times` one per point).
 *
 * @example
 * ```ts
 * const { points: y, times: s }: TimedPoints = tc.toHeat(x, 0.3);
 * ```
 */
export type TimedPoints = Readonly<{ points: Float64Array; times: Float64Array }>;

/**
 * The exact time change of a forward process to heat coordinates (heat-ball.md §2(b)):
 * y = e^{B(t)} R(t)ᵀ x, s = s(t), w(y, s) = e^{−dB(t)} p(x, t), ∇_x log p = e^{B} R ∇_y ψ and the heat-coordinate
 * drift c = 2e^{−B} Rᵀ b / g².
 *
 * @remarks Every map is a pure function of its arguments; times are either a single number or one per point.
 * Maps named `…FromHeat` take heat times s, the others forward times t.
 *
 * @example
 * ```ts
 * const tc: TimeChange = timeChange(vpProcess(), { dim: 2 });
 * tc.scoreFromHeat(gradPsi, s); // ∇_x log p = e^B ∇_y ψ
 * ```
 */
export type TimeChange = Readonly<{
  process: ForwardProcess;
  dim: number;
  /** s(t). */
  heatTime(t: number): number;
  /** t(s), the inverse of {@link TimeChange.heatTime}. */
  time(s: number): number;
  /** B(t) = ∫_0^t β: log of the spatial scale e^{B}. */
  logScale(t: number): number;
  /** R(t) (row-major dim × dim), or undefined when the process has no rotation. */
  rotationMatrix(t: number): Float64Array | undefined;
  /** (x, t) ↦ (y, s). */
  toHeat(points: Float64Array, times: Times): TimedPoints;
  /** (y, s) ↦ (x, t). */
  fromHeat(points: Float64Array, heatTimes: Times): TimedPoints;
  /** log p(x, t) ↦ ψ(y, s) = log p − dB(t). */
  logDensityToHeat(logDensities: Float64Array, times: Times): Float64Array;
  /** ψ(y, s) ↦ log p(x, t) = ψ + dB(t(s)). */
  logDensityFromHeat(logDensities: Float64Array, heatTimes: Times): Float64Array;
  /** ∇_x log p ↦ ∇_y ψ = e^{−B} Rᵀ ∇_x log p. */
  scoreToHeat(scores: Float64Array, times: Times): Float64Array;
  /** ∇_y ψ ↦ ∇_x log p = e^{B} R ∇_y ψ. */
  scoreFromHeat(gradients: Float64Array, heatTimes: Times): Float64Array;
  /** The heat-coordinate drift c(y, s) = 2e^{−B}Rᵀ b(x, t)/g(t)², or undefined when b = 0. */
  heatDrift: DriftField | undefined;
  /** Wraps a marginal field log p(x, t) as the heat field ψ(y, s). */
  heatField(field: MarginalField): HeatField;
  /** Wraps a heat field ψ(y, s) as the marginal field log p(x, t). */
  marginalField(field: HeatField): MarginalField;
}>;

/**
 * Builds the exact time change of a forward process to heat coordinates.
 *
 * @param process The forward process.
 * @param options.dim The state dimension (required unless the process fixes it through a drift or rotation).
 * @throws ParabolicError `INVALID_ARGUMENT` for a missing/mismatched `dim`; the returned maps throw
 * `SHAPE_MISMATCH` for arrays whose length is not a multiple of `dim` or times of the wrong length.
 * @example
 * ```ts
 * const tc = timeChange(ouProcess(), { dim: 2 });
 * const { points: y, times: s } = tc.toHeat(new Float64Array([1, 2]), 0.3); // y = e^{0.3}·x, s = (e^{0.6}−1)/2
 * const back = tc.fromHeat(y, s);                                            // back.points ≈ [1, 2]
 * ```
 */
export function timeChange(process: ForwardProcess, options: Readonly<{ dim?: number }> = {}): TimeChange {
  const fn = "timeChange";
  const dim = options.dim ?? process.dim;
  if (dim === undefined) throw invalidArgument(fn, "dim", "be given (the process does not fix the dimension)", dim);
  assertPositiveInteger(fn, "dim", dim);
  if (process.dim !== undefined && process.dim !== dim) throw invalidArgument(fn, "dim", `equal the process dimension ${process.dim}`, dim);
  const d = dim;
  const rotation = process.rotation;

  const rotationMatrix = (t: number): Float64Array | undefined =>
    rotation ? expSkew(rotation.generator, rotation.integratedRate(t), d) : undefined;

  const countOf = (name: string, values: Float64Array, per: number): number => {
    const count = values.length / per;
    if (!Number.isInteger(count)) assertLength(fn, name, values, Math.ceil(count) * per);
    return count;
  };
  const timeAt = (name: string, times: Times, count: number): ((n: number) => number) => {
    if (typeof times === "number") {
      assertFiniteNumber(fn, name, times);
      return () => times;
    }
    assertLength(fn, name, times, count);
    return (n) => times[n]!;
  };

  /** Applies y_n = a(t_n)·M(t_n) v_n with M = R or Rᵀ, caching the per-time quantities. */
  function transform(
    values: Float64Array,
    times: Times,
    name: string,
    scaleOf: (t: number) => number,
    transpose: boolean,
  ): Float64Array {
    const count = countOf("points", values, d);
    const at = timeAt(name, times, count);
    const out = new Float64Array(values.length);
    let lastT = Number.NaN;
    let a = 1;
    let m: Float64Array | undefined;
    for (let n = 0; n < count; n++) {
      const t = at(n);
      if (t !== lastT) {
        lastT = t;
        a = scaleOf(t);
        m = rotationMatrix(t);
      }
      const o = n * d;
      if (m === undefined) {
        for (let i = 0; i < d; i++) out[o + i] = a * values[o + i]!;
      } else {
        for (let i = 0; i < d; i++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += (transpose ? m[j * d + i]! : m[i * d + j]!) * values[o + j]!;
          out[o + i] = a * s;
        }
      }
    }
    return out;
  }

  const heatTimesOf = (times: Times, count: number): Float64Array => {
    const at = timeAt("times", times, count);
    const s = new Float64Array(count);
    for (let n = 0; n < count; n++) s[n] = process.heatTime(at(n));
    return s;
  };
  const timesOf = (heatTimes: Times, count: number): Float64Array => {
    const at = timeAt("heatTimes", heatTimes, count);
    const t = new Float64Array(count);
    let lastS = Number.NaN;
    let lastT = 0;
    for (let n = 0; n < count; n++) {
      const s = at(n);
      if (s !== lastS) {
        lastS = s;
        lastT = process.time(s);
      }
      t[n] = lastT;
    }
    return t;
  };

  const toHeat = (points: Float64Array, times: Times): TimedPoints => {
    const count = countOf("points", points, d);
    return {
      points: transform(points, times, "times", (t) => Math.exp(process.integratedBeta(t)), true),
      times: heatTimesOf(times, count),
    };
  };
  const fromHeat = (points: Float64Array, heatTimes: Times): TimedPoints => {
    const count = countOf("points", points, d);
    const t = timesOf(heatTimes, count);
    return { points: transform(points, t, "times", (tt) => Math.exp(-process.integratedBeta(tt)), false), times: t };
  };
  const logDensityToHeat = (values: Float64Array, times: Times): Float64Array => {
    const at = timeAt("times", times, values.length);
    return values.map((v, n) => v - d * process.integratedBeta(at(n)));
  };
  const logDensityFromHeat = (values: Float64Array, heatTimes: Times): Float64Array => {
    const t = timesOf(heatTimes, values.length);
    return values.map((v, n) => v + d * process.integratedBeta(t[n]!));
  };
  const scoreToHeat = (scores: Float64Array, times: Times): Float64Array =>
    transform(scores, times, "times", (t) => Math.exp(-process.integratedBeta(t)), true);
  const scoreFromHeat = (gradients: Float64Array, heatTimes: Times): Float64Array => {
    const count = countOf("gradients", gradients, d);
    return transform(gradients, timesOf(heatTimes, count), "heatTimes", (t) => Math.exp(process.integratedBeta(t)), false);
  };

  let heatDrift: DriftField | undefined;
  const b = process.drift;
  if (b !== undefined) {
    if (b.dim !== d) throw invalidArgument(fn, "dim", `equal the drift dimension ${b.dim}`, d);
    const gSq = (t: number): number => process.diffusion(t) ** 2;
    const evaluate = (points: Float64Array, heatTimes: Float64Array): Float64Array => {
      const x = fromHeat(points, heatTimes);
      const bx = b.evaluate(x.points, x.times);
      // c = 2 e^{−B} Rᵀ b / g²
      return transform(bx, x.times, "heatTimes", (t) => (2 * Math.exp(-process.integratedBeta(t))) / gSq(t), true);
    };
    const divergence = b.divergence
      ? (points: Float64Array, heatTimes: Float64Array): Float64Array => {
          const x = fromHeat(points, heatTimes);
          const div = b.divergence!(x.points, x.times);
          // ∇_y·c = 2 e^{−2B} (∇_x·b) / g²   (∂x/∂y = e^{−B} R, trace invariant under rotation)
          return div.map((v, n) => (2 * Math.exp(-2 * process.integratedBeta(x.times[n]!)) * v) / gSq(x.times[n]!));
        }
      : undefined;
    const jacobian = b.jacobian
      ? (points: Float64Array, heatTimes: Float64Array): Float64Array => {
          const x = fromHeat(points, heatTimes);
          const jb = b.jacobian!(x.points, x.times);
          const count = x.times.length;
          const out = new Float64Array(count * d * d);
          for (let n = 0; n < count; n++) {
            const t = x.times[n]!;
            const f = (2 * Math.exp(-2 * process.integratedBeta(t))) / gSq(t);
            const r = rotationMatrix(t);
            const o = n * d * d;
            if (r === undefined) {
              for (let k = 0; k < d * d; k++) out[o + k] = f * jb[o + k]!;
            } else {
              // ∂c/∂y = f · Rᵀ J_b R
              for (let i = 0; i < d; i++) {
                for (let j = 0; j < d; j++) {
                  let s = 0;
                  for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) s += r[k * d + i]! * jb[o + k * d + l]! * r[l * d + j]!;
                  out[o + i * d + j] = f * s;
                }
              }
            }
          }
          return out;
        }
      : undefined;
    heatDrift = {
      dim: d,
      evaluate,
      ...(divergence ? { divergence } : {}),
      ...(jacobian ? { jacobian } : {}),
    };
  }

  const heatField = (field: MarginalField): HeatField => {
    if (field.dim !== d) throw invalidArgument("timeChange.heatField", "field.dim", `equal ${d}`, field.dim);
    const score = field.score;
    return {
      dim: d,
      logDensity: (points, heatTimes) => {
        const x = fromHeat(points, heatTimes);
        return logDensityToHeat(field.logDensity(x.points, x.times), x.times);
      },
      ...(score
        ? {
            gradLogDensity: (points: Float64Array, heatTimes: Float64Array) => {
              const x = fromHeat(points, heatTimes);
              return scoreToHeat(score(x.points, x.times), x.times);
            },
          }
        : {}),
    };
  };
  const marginalField = (field: HeatField): MarginalField => {
    if (field.dim !== d) throw invalidArgument("timeChange.marginalField", "field.dim", `equal ${d}`, field.dim);
    const grad = field.gradLogDensity;
    return {
      dim: d,
      logDensity: (points, times) => {
        const y = toHeat(points, times);
        return logDensityFromHeat(field.logDensity(y.points, y.times), y.times);
      },
      ...(grad
        ? {
            score: (points: Float64Array, times: Float64Array) => {
              const y = toHeat(points, times);
              return scoreFromHeat(grad(y.points, y.times), y.times);
            },
          }
        : {}),
    };
  };

  return {
    process,
    dim: d,
    heatTime: (t) => process.heatTime(t),
    time: (s) => process.time(s),
    logScale: (t) => process.integratedBeta(t),
    rotationMatrix,
    toHeat,
    fromHeat,
    logDensityToHeat,
    logDensityFromHeat,
    scoreToHeat,
    scoreFromHeat,
    heatDrift,
    heatField,
    marginalField,
  };
}

/**
 * The Gaussian transition of a linear process without rotation or nonlinear drift:
 * X_t = α X_0 + √variance·ε with α = e^{−B(t)} and variance = 2s(t)e^{−2B(t)}.
 *
 * @remarks The `{ alpha, variance }` shape is `@parabolic/datasets`' `AffineGaussianTransition`, so
 * `forwardMarginal(mixture, affineTransition(process, t))` is the exact marginal of any Gaussian mixture under
 * any of this package's linear processes (one oracle, shared).
 *
 * @throws ParabolicError `UNSUPPORTED` when the process has a rotation or a nonlinear drift (the transition is
 * then not a scalar affine map); `INVALID_ARGUMENT` for t < 0.
 * @example
 * ```ts
 * affineTransition(ouProcess(), 0.3); // { alpha: e^{−0.3}, variance: 1 − e^{−0.6} }
 * ```
 */
export function affineTransition(process: ForwardProcess, t: number): Readonly<{ alpha: number; variance: number }> {
  const fn = "affineTransition";
  assertNonNegativeNumber(fn, "t", t);
  if (process.rotation || process.drift) {
    throw new ParabolicError("UNSUPPORTED", `${fn}: the process has a ${process.rotation ? "rotation" : "nonlinear drift"}; its transition is not x ↦ αx + noise.`, {
      function: fn,
    });
  }
  const b = process.integratedBeta(t);
  return { alpha: Math.exp(-b), variance: 2 * process.heatTime(t) * Math.exp(-2 * b) };
}
