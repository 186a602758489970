import { assertFiniteNumber, assertPositiveInteger, assertPositiveNumber, invalidArgument } from "@parabolic/core";
import { checkSkew, defaultGenerator } from "./internal/skew.js";

/**
 * A batched vector field b(x, t) on R^d: the nonlinear part of a forward drift, or the heat-coordinate drift c.
 *
 * @remarks `points` is row-major `count × dim`, `times` has one entry per point. `evaluate` returns a fresh
 * `count × dim` array. The optional members unlock more estimators and oracles:
 * - `divergence` (∇·b, length `count`) — source forms of the log-density and entropy identities;
 * - `jacobian` (`count × dim × dim`, entry `[n][i][j] = ∂_j b_i`) — the drift form of the gradient score;
 * - `potential` (U with b = −∇U, length `count`) — exact Scharfetter–Gummel face drifts in the Fokker–Planck
 *   solver, whose discrete equilibrium is then exactly ∝ e^{−U/D}.
 *
 * @example
 * ```ts
 * const b = doubleWellDrift({ dim: 2 });
 * const v = b.evaluate(new Float64Array([0.5, 0]), new Float64Array([0])); // −∇U at (0.5, 0)
 * ```
 */
export type DriftField = Readonly<{
  dim: number;
  evaluate(points: Float64Array, times: Float64Array): Float64Array;
  divergence?: (points: Float64Array, times: Float64Array) => Float64Array;
  jacobian?: (points: Float64Array, times: Float64Array) => Float64Array;
  potential?: (points: Float64Array, times: Float64Array) => Float64Array;
}>;

function checkDim(fn: string, dim: unknown): asserts dim is number {
  assertPositiveInteger(fn, "dim", dim);
}

/**
 * The gradient drift b = −∇U of a user potential U(x, t), with divergence −ΔU and Jacobian −∇²U when supplied.
 *
 * @param options.potential U at each point (length `count`).
 * @param options.gradient ∇U at each point (`count × dim`).
 * @param options.laplacian ΔU (optional; enables `divergence`).
 * @param options.hessian ∇²U, `count × dim × dim` (optional; enables `jacobian`).
 * @throws ParabolicError `INVALID_ARGUMENT` if `dim` is not a positive integer or a callback is missing.
 * @example
 * ```ts
 * const quadratic = gradientDrift({
 *   dim: 1,
 *   potential: (x) => x.map((v) => 0.5 * v * v),
 *   gradient: (x) => x.slice(),
 * });
 * quadratic.evaluate(new Float64Array([2]), new Float64Array([0])); // [−2]
 * ```
 */
export function gradientDrift(
  options: Readonly<{
    dim: number;
    potential: (points: Float64Array, times: Float64Array) => Float64Array;
    gradient: (points: Float64Array, times: Float64Array) => Float64Array;
    laplacian?: (points: Float64Array, times: Float64Array) => Float64Array;
    hessian?: (points: Float64Array, times: Float64Array) => Float64Array;
  }>,
): DriftField {
  const fn = "gradientDrift";
  checkDim(fn, options.dim);
  if (typeof options.potential !== "function") throw invalidArgument(fn, "potential", "be a function", options.potential);
  if (typeof options.gradient !== "function") throw invalidArgument(fn, "gradient", "be a function", options.gradient);
  const { dim, potential, gradient, laplacian, hessian } = options;
  const negate = (a: Float64Array): Float64Array => {
    for (let i = 0; i < a.length; i++) a[i] = -a[i]!;
    return a;
  };
  return {
    dim,
    evaluate: (points, times) => negate(Float64Array.from(gradient(points, times))),
    potential: (points, times) => potential(points, times),
    ...(laplacian ? { divergence: (points: Float64Array, times: Float64Array) => negate(Float64Array.from(laplacian(points, times))) } : {}),
    ...(hessian ? { jacobian: (points: Float64Array, times: Float64Array) => negate(Float64Array.from(hessian(points, times))) } : {}),
  };
}

/**
 * The double-well (Mexican-hat) gradient drift b = −∇U with U(x) = strength·(|x|² − radius²)².
 *
 * @remarks The defaults (strength ½, radius 1) give U = (|x|² − 1)²/2, the potential of the spec's Langevin
 * check (heat-ball.md §7.2): a double well in 1-D and a ring-shaped well in higher dimension. Divergence,
 * Jacobian and potential are all exact.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` for a non-positive `dim`, `strength` or `radius`.
 * @example
 * ```ts
 * const b = doubleWellDrift({ dim: 2 });
 * b.potential!(new Float64Array([0, 0]), new Float64Array([0])); // [0.5]
 * ```
 */
export function doubleWellDrift(options: Readonly<{ dim: number; strength?: number; radius?: number }>): DriftField {
  const fn = "doubleWellDrift";
  checkDim(fn, options.dim);
  const strength = options.strength ?? 0.5;
  const radius = options.radius ?? 1;
  assertPositiveNumber(fn, "strength", strength);
  assertPositiveNumber(fn, "radius", radius);
  const d = options.dim;
  const r2 = radius * radius;
  const sq = (p: Float64Array, n: number): number => {
    let q = 0;
    for (let i = 0; i < d; i++) q += p[n * d + i]! ** 2;
    return q;
  };
  return {
    dim: d,
    evaluate(points) {
      const count = points.length / d;
      const out = new Float64Array(points.length);
      for (let n = 0; n < count; n++) {
        const f = -4 * strength * (sq(points, n) - r2);
        for (let i = 0; i < d; i++) out[n * d + i] = f * points[n * d + i]!;
      }
      return out;
    },
    divergence(points) {
      const count = points.length / d;
      const out = new Float64Array(count);
      for (let n = 0; n < count; n++) {
        const q = sq(points, n);
        out[n] = -4 * strength * ((q - r2) * d + 2 * q);
      }
      return out;
    },
    jacobian(points) {
      const count = points.length / d;
      const out = new Float64Array(count * d * d);
      for (let n = 0; n < count; n++) {
        const q = sq(points, n);
        const o = n * d * d;
        for (let i = 0; i < d; i++) {
          const xi = points[n * d + i]!;
          for (let j = 0; j < d; j++) out[o + i * d + j] = -4 * strength * ((i === j ? q - r2 : 0) + 2 * xi * points[n * d + j]!);
        }
      }
      return out;
    },
    potential(points) {
      const count = points.length / d;
      const out = new Float64Array(count);
      for (let n = 0; n < count; n++) out[n] = strength * (sq(points, n) - r2) ** 2;
      return out;
    },
  };
}

/**
 * The bounded, saturating drift b_i(x) = −amplitude·tanh(x_i / width), the gradient of
 * U = amplitude·width·Σ log cosh(x_i / width).
 *
 * @remarks Linear (−amplitude/width·x) near the origin and a constant pull of size `amplitude` far away, so
 * the stationary density has exponential rather than Gaussian tails. A negative `amplitude` gives an
 * expanding drift.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` for a non-positive `dim` or `width`, or a non-finite `amplitude`.
 * @example
 * ```ts
 * const b = tanhDrift({ dim: 2, amplitude: 2 });
 * b.evaluate(new Float64Array([10, 0]), new Float64Array([0])); // ≈ [−2, 0]
 * ```
 */
export function tanhDrift(options: Readonly<{ dim: number; amplitude?: number; width?: number }>): DriftField {
  const fn = "tanhDrift";
  checkDim(fn, options.dim);
  const amplitude = options.amplitude ?? 1;
  const width = options.width ?? 1;
  assertFiniteNumber(fn, "amplitude", amplitude);
  assertPositiveNumber(fn, "width", width);
  const d = options.dim;
  return {
    dim: d,
    evaluate(points) {
      const out = new Float64Array(points.length);
      for (let i = 0; i < points.length; i++) out[i] = -amplitude * Math.tanh(points[i]! / width);
      return out;
    },
    divergence(points) {
      const count = points.length / d;
      const out = new Float64Array(count);
      for (let n = 0; n < count; n++) {
        let s = 0;
        for (let i = 0; i < d; i++) {
          const c = Math.cosh(points[n * d + i]! / width);
          s += 1 / (c * c);
        }
        out[n] = (-amplitude / width) * s;
      }
      return out;
    },
    jacobian(points) {
      const count = points.length / d;
      const out = new Float64Array(count * d * d);
      for (let n = 0; n < count; n++) {
        for (let i = 0; i < d; i++) {
          const c = Math.cosh(points[n * d + i]! / width);
          out[n * d * d + i * d + i] = -amplitude / width / (c * c);
        }
      }
      return out;
    },
    potential(points) {
      const count = points.length / d;
      const out = new Float64Array(count);
      for (let n = 0; n < count; n++) {
        let s = 0;
        for (let i = 0; i < d; i++) {
          const z = Math.abs(points[n * d + i]! / width);
          s += z + Math.log1p(Math.exp(-2 * z)) - Math.LN2; // log cosh z, overflow-free
        }
        out[n] = amplitude * width * s;
      }
      return out;
    },
  };
}

/**
 * A skew-symmetric linear drift b(x) = rate·J0·x (a rotation; divergence-free, not a gradient).
 *
 * @remarks With `generator` omitted and `dim` = 2, J0 = [[0, −1], [1, 0]] (counter-clockwise). In higher even
 * dimension the default is the block-diagonal rotation of the coordinate pairs (1,2), (3,4), …. Use it as a
 * non-gradient test drift: an OU process plus a rotation keeps the isotropic Gaussian stationary, and its
 * marginals stay Gaussian in closed form. (A rotation can also be absorbed exactly into the time change with
 * the process's `rotation` option.)
 *
 * @throws ParabolicError `INVALID_ARGUMENT` if the generator is not skew-symmetric or the dimension is odd
 * without a generator.
 * @example
 * ```ts
 * const b = rotationDrift({ dim: 2, rate: 1 });
 * b.evaluate(new Float64Array([1, 0]), new Float64Array([0])); // [0, 1]
 * ```
 */
export function rotationDrift(options: Readonly<{ dim: number; rate?: number; generator?: Float64Array }>): DriftField {
  const fn = "rotationDrift";
  checkDim(fn, options.dim);
  const d = options.dim;
  const rate = options.rate ?? 1;
  assertFiniteNumber(fn, "rate", rate);
  const j0 = options.generator ?? defaultGenerator(fn, d);
  checkSkew(fn, "generator", j0, d);
  return {
    dim: d,
    evaluate(points) {
      const count = points.length / d;
      const out = new Float64Array(points.length);
      for (let n = 0; n < count; n++) {
        for (let i = 0; i < d; i++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += j0[i * d + j]! * points[n * d + j]!;
          out[n * d + i] = rate * s;
        }
      }
      return out;
    },
    divergence: (points) => new Float64Array(points.length / d),
    jacobian(points) {
      const count = points.length / d;
      const out = new Float64Array(count * d * d);
      for (let n = 0; n < count; n++) for (let k = 0; k < d * d; k++) out[n * d * d + k] = rate * j0[k]!;
      return out;
    },
  };
}

/**
 * The constant drift b(x) = v (a test drift with an exact transported heat kernel).
 *
 * @throws ParabolicError `NON_FINITE` for a non-finite entry.
 * @example
 * ```ts
 * const b = constantDrift({ vector: new Float64Array([0.9, -0.6]) });
 * ```
 */
export function constantDrift(options: Readonly<{ vector: Float64Array }>): DriftField {
  const fn = "constantDrift";
  const v = options.vector;
  if (!(v instanceof Float64Array) || v.length === 0) throw invalidArgument(fn, "vector", "be a non-empty Float64Array", v);
  for (let i = 0; i < v.length; i++) assertFiniteNumber(fn, `vector[${i}]`, v[i]);
  const d = v.length;
  const vec = Float64Array.from(v);
  return {
    dim: d,
    evaluate(points) {
      const out = new Float64Array(points.length);
      for (let i = 0; i < points.length; i++) out[i] = vec[i % d]!;
      return out;
    },
    divergence: (points) => new Float64Array(points.length / d),
    jacobian: (points) => new Float64Array((points.length / d) * d * d),
  };
}
