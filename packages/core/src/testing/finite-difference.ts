import { invalidArgument } from "../errors.js";
import { assertLength } from "../validate.js";

/** Default steps balance truncation (O(h⁴)) against float64 rounding (O(ε/hᵏ)) for derivative order k. */
const DEFAULT_STEP: Readonly<Record<1 | 2 | 3, number>> = { 1: 1e-3, 2: 2e-3, 3: 5e-3 };

/**
 * Options of {@link centralDifference}, {@link centralGradient} and {@link centralLaplacian}.
 *
 * @example
 * ```ts
 * const options: CentralDifferenceOptions = { order: 2, step: 1e-3 };
 * ```
 */
export type CentralDifferenceOptions = Readonly<{
  /**
   * Derivative order (only used by {@link centralDifference}).
   *
   * @defaultValue 1
   */
  order?: 1 | 2 | 3;
  /**
   * Step, scaled by `max(1, |x|)`.
   *
   * @defaultValue 1e-3 (order 1), 2e-3 (order 2), 5e-3 (order 3)
   */
  step?: number;
}>;

function stepFor(fn: string, options: CentralDifferenceOptions, order: 1 | 2 | 3, x: number): number {
  const step = options.step ?? DEFAULT_STEP[order];
  if (!(step > 0) || !Number.isFinite(step)) throw invalidArgument(fn, "step", "be a positive finite number", step);
  return step * Math.max(1, Math.abs(x));
}

/**
 * Float64 central finite difference of order 1, 2 or 3 with fourth-order accurate stencils — the oracle for
 * derivative tests of float32 autodiff.
 *
 * @remarks
 * Stencils: f′ ≈ (−f₂ + 8f₁ − 8f₋₁ + f₋₂)/12h; f″ ≈ (−f₂ + 16f₁ − 30f₀ + 16f₋₁ − f₋₂)/12h²;
 * f‴ ≈ (−f₃ + 8f₂ − 13f₁ + 13f₋₁ − 8f₋₂ + f₋₃)/8h³, where fⱼ = f(x + jh). With the default steps, a smooth f of
 * unit scale gives about 1e-12, 1e-10 and 1e-8 absolute error.
 *
 * @throws `INVALID_ARGUMENT` for a non-positive step or an order other than 1, 2, 3.
 * @example
 * ```ts
 * centralDifference(Math.sin, 0.3, { order: 3 }); // ≈ −cos(0.3)
 * ```
 */
export function centralDifference(f: (x: number) => number, x: number, options: CentralDifferenceOptions = {}): number {
  const order = options.order ?? 1;
  if (order !== 1 && order !== 2 && order !== 3) {
    throw invalidArgument("centralDifference", "order", "be 1, 2 or 3", order);
  }
  const h = stepFor("centralDifference", options, order, x);
  const at = (j: number): number => f(x + j * h);
  if (order === 1) return (-at(2) + 8 * at(1) - 8 * at(-1) + at(-2)) / (12 * h);
  if (order === 2) return (-at(2) + 16 * at(1) - 30 * at(0) + 16 * at(-1) - at(-2)) / (12 * h * h);
  return (-at(3) + 8 * at(2) - 13 * at(1) + 13 * at(-1) - 8 * at(-2) + at(-3)) / (8 * h * h * h);
}

/**
 * Float64 gradient of `f: ℝⁿ → ℝ` by fourth-order central differences in each coordinate (4n evaluations).
 *
 * @remarks `f` receives a scratch copy of `x` that it may read but must not keep.
 * @returns A new Float64Array of length n.
 * @example
 * ```ts
 * centralGradient((v) => v[0]! * v[1]!, Float64Array.of(2, 3)); // ≈ [3, 2]
 * ```
 */
export function centralGradient(f: (x: Float64Array) => number, x: Float64Array, options: CentralDifferenceOptions = {}): Float64Array {
  const point = Float64Array.from(x);
  const gradient = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const partial = (value: number): number => {
      point[i] = value;
      const y = f(point);
      point[i] = xi;
      return y;
    };
    gradient[i] = centralDifference(partial, xi, { ...options, order: 1 });
  }
  return gradient;
}

/**
 * Float64 Laplacian Σᵢ ∂²f/∂xᵢ² of `f: ℝⁿ → ℝ` by fourth-order central second differences (4n + 1 evaluations).
 *
 * @remarks `f` receives a scratch copy of `x` that it may read but must not keep.
 * @example
 * ```ts
 * centralLaplacian((v) => v[0]! ** 2 + 3 * v[1]! ** 2, Float64Array.of(1, 1)); // ≈ 8
 * ```
 */
export function centralLaplacian(f: (x: Float64Array) => number, x: Float64Array, options: CentralDifferenceOptions = {}): number {
  const point = Float64Array.from(x);
  let laplacian = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const partial = (value: number): number => {
      point[i] = value;
      const y = f(point);
      point[i] = xi;
      return y;
    };
    laplacian += centralDifference(partial, xi, { ...options, order: 2 });
  }
  return laplacian;
}

/**
 * Norm-wise relative error ‖actual − expected‖₂ / ‖expected‖₂ (absolute error when `expected` is zero).
 *
 * @throws `SHAPE_MISMATCH` when the lengths differ.
 * @example
 * ```ts
 * relativeError(Float32Array.of(1.0001, 2), [1, 2]); // ≈ 4.5e-5
 * ```
 */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assertLength("relativeError", "actual", actual, expected.length);
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const d = actual[i]! - e;
    difference += d * d;
    norm += e * e;
  }
  return norm === 0 ? Math.sqrt(difference) : Math.sqrt(difference / norm);
}
