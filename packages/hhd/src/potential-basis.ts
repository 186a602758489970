import { assertPositiveInteger, assertPositiveNumber, invalidArgument, nextNormal, randomStream, type Key } from "@parabolic/core";

/**
 * A finite family of scalar potentials `φ_1 … φ_K` on `R^dim` with closed-form gradients and Laplacians: the
 * linear-in-parameters class `ψ_c = Σ_k c_k φ_k` of the dual-Sobolev estimators.
 * @example
 * ```ts
 * const basis: PotentialBasis = rffPotentialBasis(key(1), { dim: 2 });
 * const grads = new Float64Array(2 * basis.size), laps = new Float64Array(basis.size);
 * basis.evaluate(new Float64Array([0.1, 0.2]), 0, grads, laps);
 * ```
 */
export type PotentialBasis = Readonly<{
  dim: number;
  /** Number of basis functions K. */
  size: number;
  /**
   * Evaluates every basis function's gradient and Laplacian at the point `points[offset … offset+dim)`.
   * `gradients` is dim-major: `gradients[j·K + k] = ∂_j φ_k(x)`; `laplacians[k] = Δφ_k(x)`; `values[k] = φ_k(x)`
   * when a `values` buffer is passed.
   */
  evaluate: (points: ArrayLike<number>, offset: number, gradients: Float64Array, laplacians: Float64Array, values?: Float64Array) => void;
  /** Number of random Fourier features (the rest are monomials). */
  fourierFeatures: number;
  /** Exponent vectors of the monomials (each of length dim). */
  monomials: ReadonlyArray<ReadonlyArray<number>>;
}>;

/**
 * Options of {@link rffPotentialBasis}.
 *
 * @example
 * ```ts
 * const options: RffPotentialBasisOptions = { dim: 3, features: 200, polynomialDegree: 2 };
 * ```
 */
export type RffPotentialBasisOptions = Readonly<{
  dim: number;
  /** Number of random Fourier features. @defaultValue 160 */
  features?: number;
  /** Length scales r cycled over the features (ω ~ N(0, r⁻²I)). @defaultValue [0.25, 0.5, 1, 2] */
  lengthScales?: readonly number[];
  /**
   * Maximal total degree of the monomials added to the features (degree 1 … this). @defaultValue 3 if dim ≤ 3,
   * 2 if dim ≤ 16, else 1
   */
  polynomialDegree?: number;
  /** Scale of the monomials. @defaultValue 0.3 */
  polynomialScale?: number;
}>;

function monomialsUpTo(dim: number, degree: number): number[][] {
  const out: number[][] = [];
  const rec = (prefix: number[], remaining: number, index: number): void => {
    if (index === dim) {
      const total = prefix.reduce((a, b) => a + b, 0);
      if (total >= 1) out.push(prefix.slice());
      return;
    }
    for (let e = 0; e <= remaining; e++) {
      prefix.push(e);
      rec(prefix, remaining - e, index + 1);
      prefix.pop();
    }
  };
  rec([], degree, 0);
  out.sort((a, b) => a.reduce((s, v) => s + v, 0) - b.reduce((s, v) => s + v, 0));
  return out;
}

/**
 * Random-Fourier-feature potential basis (hhd.md §6.2): `φ_k = cos(ω_k·x + b_k)` with `ω_k ~ N(0, r_k⁻²I)`,
 * `r_k` cycling over the length scales, `b_k ~ U[0, 2π)`, plus monomials of degree 1 … D scaled by 0.3 (they
 * capture potentials that grow in the tails, such as `log p`). Closed-form derivatives:
 * `∇φ_k = −sin(ω_k·x + b_k) ω_k`, `Δφ_k = −|ω_k|² cos(ω_k·x + b_k)`.
 *
 * @remarks The default in 2-D is K = 160 + 9 = 169 functions. The number of monomials grows like `C(d+D, D)`;
 * the defaults keep it moderate (low d is the intended use; images need a neural potential).
 * @throws ParabolicError `INVALID_ARGUMENT` for bad sizes or length scales.
 * @example
 * ```ts
 * const basis = rffPotentialBasis(key(500), { dim: 2 }); // basis.size === 169
 * ```
 */
export function rffPotentialBasis(k: Key, options: RffPotentialBasisOptions): PotentialBasis {
  const fn = "rffPotentialBasis";
  const dim = options.dim;
  assertPositiveInteger(fn, "dim", dim, 4096);
  const features = options.features ?? 160;
  if (!Number.isInteger(features) || features < 0) throw invalidArgument(fn, "features", "be a non-negative integer", features);
  const lengthScales = options.lengthScales ?? [0.25, 0.5, 1, 2];
  if (!Array.isArray(lengthScales) || lengthScales.length === 0) throw invalidArgument(fn, "lengthScales", "be a non-empty array", lengthScales);
  lengthScales.forEach((r, i) => assertPositiveNumber(fn, `lengthScales[${i}]`, r));
  const degree = options.polynomialDegree ?? (dim <= 3 ? 3 : dim <= 16 ? 2 : 1);
  if (!Number.isInteger(degree) || degree < 0 || degree > 6) throw invalidArgument(fn, "polynomialDegree", "be an integer in [0, 6]", degree);
  const polyScale = options.polynomialScale ?? 0.3;
  assertPositiveNumber(fn, "polynomialScale", polyScale);
  const monomials = degree === 0 ? [] : monomialsUpTo(dim, degree);
  const size = features + monomials.length;
  if (size === 0) throw invalidArgument(fn, "features", "give at least one basis function (features + monomials > 0)", features);

  const stream = randomStream(k);
  const omega = new Float64Array(features * dim);
  const phase = new Float64Array(features);
  const omega2 = new Float64Array(features);
  for (let f = 0; f < features; f++) {
    const r = lengthScales[f % lengthScales.length]!;
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const w = nextNormal(stream) / r;
      omega[f * dim + j] = w;
      s += w * w;
    }
    omega2[f] = s;
    phase[f] = 2 * Math.PI * stream.nextDouble();
  }
  const exps = monomials.map((m) => Int32Array.from(m));
  const powers = new Float64Array(dim * (degree + 1));

  const evaluate = (points: ArrayLike<number>, offset: number, gradients: Float64Array, laplacians: Float64Array, values?: Float64Array): void => {
    for (let f = 0; f < features; f++) {
      let a = phase[f]!;
      const o = f * dim;
      for (let j = 0; j < dim; j++) a += omega[o + j]! * points[offset + j]!;
      const s = Math.sin(a);
      const c = Math.cos(a);
      for (let j = 0; j < dim; j++) gradients[j * size + f] = -s * omega[o + j]!;
      laplacians[f] = -omega2[f]! * c;
      if (values) values[f] = c;
    }
    if (exps.length === 0) return;
    for (let j = 0; j < dim; j++) {
      const x = points[offset + j]!;
      let p = 1;
      for (let e = 0; e <= degree; e++) {
        powers[j * (degree + 1) + e] = p;
        p *= x;
      }
    }
    const pw = (j: number, e: number): number => (e < 0 ? 0 : powers[j * (degree + 1) + e]!);
    for (let m = 0; m < exps.length; m++) {
      const ex = exps[m]!;
      const idx = features + m;
      let lap = 0;
      if (values) {
        let v = 1;
        for (let j = 0; j < dim; j++) v *= pw(j, ex[j]!);
        values[idx] = polyScale * v;
      }
      for (let j = 0; j < dim; j++) {
        const ej = ex[j]!;
        if (ej === 0) {
          gradients[j * size + idx] = 0;
          continue;
        }
        // ∂_j x^α = α_j x^{α − e_j}; ∂_jj x^α = α_j(α_j − 1) x^{α − 2e_j}
        let g = ej * pw(j, ej - 1);
        let h = ej >= 2 ? ej * (ej - 1) * pw(j, ej - 2) : 0;
        for (let i = 0; i < dim; i++) {
          if (i === j || ex[i] === 0) continue;
          const v = pw(i, ex[i]!);
          g *= v;
          h *= v;
        }
        gradients[j * size + idx] = polyScale * g;
        lap += h;
      }
      laplacians[idx] = polyScale * lap;
    }
  };

  return Object.freeze({ dim, size, evaluate, fourierFeatures: features, monomials });
}
