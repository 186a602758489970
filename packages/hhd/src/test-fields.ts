import { ParabolicError, assertFiniteNumber, assertPositiveInteger, invalidArgument } from "@parabolic/core";
import { assertFunction, checkedResult } from "./internal/check.js";
import type { ScalarField, VectorField } from "./types.js";

/**
 * The standard symplectic generator `J` of even dimension: block-diagonal `[[0, 1], [−1, 0]]` blocks. It is
 * antisymmetric and orthogonal, so `|λJv| = λ|v|` pointwise; in 2-D `J∇f = (∂_y f, −∂_x f) = ∇^⊥f`.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` unless `dim` is a positive even integer.
 * @example
 * ```ts
 * const R = symplecticGenerator(2); // Float64Array [0, 1, -1, 0]
 * ```
 */
export function symplecticGenerator(dim: number): Float64Array {
  assertPositiveInteger("symplecticGenerator", "dim", dim);
  if (dim % 2 !== 0) throw invalidArgument("symplecticGenerator", "dim", "be even", dim);
  const a = new Float64Array(dim * dim);
  for (let b = 0; b < dim; b += 2) {
    a[b * dim + b + 1] = 1;
    a[(b + 1) * dim + b] = -1;
  }
  return a;
}

/** Checks that `a` is a dim × dim antisymmetric matrix (|A + Aᵀ| ≤ 1e-12·max|A|) and returns a copy. */
function checkGenerator(fn: string, a: unknown, dim: number): Float64Array {
  if (!(a instanceof Float64Array) || a.length !== dim * dim) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'generator' must be a Float64Array of length dim² = ${dim * dim}.`, {
      function: fn,
      argument: "generator",
    });
  }
  let scale = 0;
  for (let k = 0; k < a.length; k++) {
    if (!Number.isFinite(a[k]!)) throw invalidArgument(fn, "generator", "be finite", a[k]);
    scale = Math.max(scale, Math.abs(a[k]!));
  }
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j <= i; j++) {
      const s = a[i * dim + j]! + a[j * dim + i]!;
      if (Math.abs(s) > 1e-12 * scale) {
        throw invalidArgument(fn, "generator", `be antisymmetric (A[${i}][${j}] + A[${j}][${i}] = ${s})`, a);
      }
    }
  }
  return new Float64Array(a);
}

function isOrthogonal(a: Float64Array, dim: number): boolean {
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < dim; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += a[k * dim + i]! * a[k * dim + j]!;
      if (Math.abs(s - (i === j ? 1 : 0)) > 1e-12) return false;
    }
  }
  return true;
}

/** out_row += scale · A · v_row for every row of v (count × dim). */
function addGeneratorProduct(out: Float64Array, a: Float64Array, v: Float64Array, dim: number, scale: number): void {
  const count = v.length / dim;
  for (let p = 0; p < count; p++) {
    const o = p * dim;
    for (let i = 0; i < dim; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += a[i * dim + j]! * v[o + j]!;
      out[o + i]! += scale * s;
    }
  }
}

type DimOption = Readonly<{ dim: number }>;

function checkDim(fn: string, dim: unknown): asserts dim is number {
  assertPositiveInteger(fn, "dim", dim, 1 << 20);
}

function checkPoints(fn: string, points: unknown, dim: number): asserts points is Float64Array {
  if (!(points instanceof Float64Array) || points.length % dim !== 0) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: points must be a Float64Array of length count × ${dim}.`, { function: fn, argument: "points" });
  }
}

/**
 * An exactly p-solenoidal field `e_S = λ A(∇u + u∇log p)` (F5): `p e_S = λ∇·(A p u)` row-wise, so
 * `∇·(p e_S) = λ Σ_ij A_ij ∂_i∂_j(pu) = 0` for any antisymmetric `A` and smooth scalar `u`. Hence
 * `Π_G e_S = 0` and `‖Π_S e_S‖ = ‖e_S‖` in `L²(p)`.
 *
 * @param options.score - `∇log p` (the density the field is solenoidal for; may be time dependent).
 * @param options.potential - `u` and its gradient; omit for `u ≡ 1` (then `e_S = λA∇log p`).
 * @param options.generator - antisymmetric `A` (dim² row-major); defaults to {@link symplecticGenerator}.
 * @param options.scale - λ. @defaultValue 1
 * @throws ParabolicError `INVALID_ARGUMENT` for a non-antisymmetric generator or odd dim without a generator.
 * @example
 * ```ts
 * // hhd.md §7: e_S = 3.12 (∇^⊥u + u∇^⊥log p)
 * const eS = solenoidalField({ dim: 2, score: mixture.score, potential: { value: u, gradient: gradU }, scale: 3.12 });
 * ```
 */
export function solenoidalField(
  options: DimOption &
    Readonly<{ score: VectorField; potential?: Readonly<{ value: ScalarField; gradient: VectorField }>; generator?: Float64Array; scale?: number }>,
): VectorField {
  const fn = "solenoidalField";
  const dim = options.dim;
  checkDim(fn, dim);
  assertFunction(fn, "score", options.score);
  const a = checkGenerator(fn, options.generator ?? symplecticGenerator(dim), dim);
  const lambda = options.scale ?? 1;
  assertFiniteNumber(fn, "scale", lambda);
  const score = options.score;
  const potential = options.potential;
  if (potential !== undefined) {
    assertFunction(fn, "potential.value", potential.value);
    assertFunction(fn, "potential.gradient", potential.gradient);
  }
  return (points, t) => {
    checkPoints(fn, points, dim);
    const count = points.length / dim;
    const s = checkedResult(fn, "score", score(points, t), points.length);
    const v = new Float64Array(points.length);
    if (potential === undefined) {
      v.set(s);
    } else {
      const u = checkedResult(fn, "potential.value", potential.value(points, t), count);
      const gu = checkedResult(fn, "potential.gradient", potential.gradient(points, t), points.length);
      for (let p = 0; p < count; p++) {
        const up = u[p]!;
        for (let i = 0; i < dim; i++) v[p * dim + i] = gu[p * dim + i]! + up * s[p * dim + i]!;
      }
    }
    const out = new Float64Array(points.length);
    addGeneratorProduct(out, a, v, dim, lambda);
    return out;
  };
}

/**
 * A pure gradient field `e_G = κ∇φ₀` (F6): `Π_G e_G = e_G` for any density.
 *
 * @example
 * ```ts
 * const eG = gradientField({ dim: 2, gradient: gradPhi0, scale: 10.8788 });
 * ```
 */
export function gradientField(options: DimOption & Readonly<{ gradient: VectorField; scale?: number }>): VectorField {
  const fn = "gradientField";
  const dim = options.dim;
  checkDim(fn, dim);
  assertFunction(fn, "gradient", options.gradient);
  const kappa = options.scale ?? 1;
  assertFiniteNumber(fn, "scale", kappa);
  const gradient = options.gradient;
  return (points, t) => {
    checkPoints(fn, points, dim);
    const g = checkedResult(fn, "gradient", gradient(points, t), points.length);
    const out = new Float64Array(points.length);
    for (let k = 0; k < out.length; k++) out[k] = kappa * g[k]!;
    return out;
  };
}

/**
 * The perturbed score `s = (1+κ)∇log p + λA∇log p` of the invisibility experiments. Its error
 * `e = κ∇log p + λA∇log p` has `Π_G e = κ∇log p` and `Π_S e = λA∇log p` exactly, so
 * `‖Π_G e‖² = κ²F(p)` and, for orthogonal A, `‖e‖² = (κ² + λ²)F(p)`.
 *
 * @param options.gradientScale - κ (a "temperature" error). @defaultValue 0
 * @param options.rotationScale - λ (a solenoidal error). @defaultValue 0
 * @param options.generator - antisymmetric A; defaults to {@link symplecticGenerator}.
 * @example
 * ```ts
 * const solenoidalModel = perturbedScore({ dim: 2, score: marginalScore, rotationScale: 4.2828 });
 * ```
 */
export function perturbedScore(
  options: DimOption & Readonly<{ score: VectorField; gradientScale?: number; rotationScale?: number; generator?: Float64Array }>,
): VectorField {
  const fn = "perturbedScore";
  const dim = options.dim;
  checkDim(fn, dim);
  assertFunction(fn, "score", options.score);
  const kappa = options.gradientScale ?? 0;
  const lambda = options.rotationScale ?? 0;
  assertFiniteNumber(fn, "gradientScale", kappa);
  assertFiniteNumber(fn, "rotationScale", lambda);
  const a = lambda !== 0 ? checkGenerator(fn, options.generator ?? symplecticGenerator(dim), dim) : undefined;
  const score = options.score;
  return (points, t) => {
    checkPoints(fn, points, dim);
    const s = checkedResult(fn, "score", score(points, t), points.length);
    const out = new Float64Array(points.length);
    for (let k = 0; k < out.length; k++) out[k] = (1 + kappa) * s[k]!;
    if (a !== undefined) addGeneratorProduct(out, a, s, dim, lambda);
    return out;
  };
}

/**
 * The exact equal-norm pair of the paper's 2-D figure (F6): `solenoidal = (I + λR)∇log p` and
 * `gradient = (1 + λ)∇log p`. For an orthogonal antisymmetric R, `|λR∇log p| = |λ∇log p|` pointwise, so both
 * models have the same score error at every x and t, while only the second error has a gradient component.
 *
 * @param options.scale - λ.
 * @param options.generator - orthogonal antisymmetric R (dim even); defaults to {@link symplecticGenerator}.
 * @throws ParabolicError `INVALID_ARGUMENT` if R is not orthogonal and antisymmetric.
 * @example
 * ```ts
 * const { solenoidal, gradient } = equalNormPair({ dim: 2, score: marginalScore, scale: 4.2828 });
 * ```
 */
export function equalNormPair(
  options: DimOption & Readonly<{ score: VectorField; scale: number; generator?: Float64Array }>,
): Readonly<{ solenoidal: VectorField; gradient: VectorField }> {
  const fn = "equalNormPair";
  checkDim(fn, options.dim);
  assertFiniteNumber(fn, "scale", options.scale);
  const generator = checkGenerator(fn, options.generator ?? symplecticGenerator(options.dim), options.dim);
  if (!isOrthogonal(generator, options.dim)) throw invalidArgument(fn, "generator", "be orthogonal (RᵀR = I) for equal pointwise norms", generator);
  return {
    solenoidal: perturbedScore({ dim: options.dim, score: options.score, rotationScale: options.scale, generator }),
    gradient: perturbedScore({ dim: options.dim, score: options.score, gradientScale: options.scale }),
  };
}

/**
 * Sum of vector fields on the same space (e.g. the mixed field `e_G + e_S`).
 *
 * @example
 * ```ts
 * const mixed = sumFields(eG, eS);
 * ```
 */
export function sumFields(...fields: readonly VectorField[]): VectorField {
  const fn = "sumFields";
  if (fields.length === 0) throw invalidArgument(fn, "fields", "be non-empty", fields.length);
  fields.forEach((f, i) => assertFunction(fn, `fields[${i}]`, f));
  return (points, t) => {
    const out = new Float64Array(points.length);
    fields.forEach((f, i) => {
      const v = checkedResult(fn, `fields[${i}]`, f(points, t), points.length);
      for (let k = 0; k < out.length; k++) out[k]! += v[k]!;
    });
    return out;
  };
}

/**
 * The score error `e = model − target` as a field (e.g. `scoreError(model, exactScore)`).
 *
 * @example
 * ```ts
 * const e = scoreError(perturbedScore({ dim: 2, score, rotationScale: 2 }), score);
 * ```
 */
export function scoreError(model: VectorField, target: VectorField): VectorField {
  const fn = "scoreError";
  assertFunction(fn, "model", model);
  assertFunction(fn, "target", target);
  return (points, t) => {
    const a = checkedResult(fn, "model", model(points, t), points.length);
    const b = checkedResult(fn, "target", target(points, t), points.length);
    const out = new Float64Array(points.length);
    for (let k = 0; k < out.length; k++) out[k] = a[k]! - b[k]!;
    return out;
  };
}
