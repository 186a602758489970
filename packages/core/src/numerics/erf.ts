/**
 * Error function, complementary error function and the standard normal CDF in float64, from W. J. Cody's
 * rational Chebyshev approximations ("Rational Chebyshev approximation for the error function", Math. Comp. 23,
 * 1969; the coefficient sets of SPECFUN CALERF), relative error ≲ 1e-15 except where erfc underflows.
 */

// Published coefficients (17–18 significant digits; JavaScript rounds each literal to the nearest double).
const A = [3.16112374387056560e0, 1.13864154151050156e2, 3.77485237685302021e2, 3.20937758913846947e3, 1.85777706184603153e-1] as const;
const B = [2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3, 2.84423683343917062e3] as const;
const C = [
  5.64188496988670089e-1, 8.88314979438837594e0, 6.61191906371416295e1, 2.98635138197400131e2, 8.81952221241769090e2,
  1.71204761263407058e3, 2.05107837782607147e3, 1.23033935479799725e3, 2.15311535474403846e-8,
] as const;
const D = [
  1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2, 1.62138957456669019e3, 3.29079923573345963e3,
  4.36261909014324716e3, 3.43936767414372164e3, 1.23033935480374942e3,
] as const;
const P = [
  3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
  6.58749161529837803e-4, 1.63153871373020978e-2,
] as const;
const Q = [2.56852019228982242e0, 1.87295284992346047e0, 5.27905102951428412e-1, 6.05183413124413191e-2, 2.33520497626869185e-3] as const;
const ONE_OVER_SQRT_PI = 5.6418958354775628695e-1;
const SQRT1_2 = Math.SQRT1_2;

/** erf(y) for 0 ≤ |y| ≤ 0.46875. */
function erfSmall(y: number): number {
  const ysq = y * y;
  let num = A[4] * ysq;
  let den = ysq;
  for (let i = 0; i < 3; i++) {
    num = (num + A[i]!) * ysq;
    den = (den + B[i]!) * ysq;
  }
  return (y * (num + A[3])) / (den + B[3]);
}

/** exp(−y²) without the rounding error of forming y² (Cody's splitting y = ⌊16y⌋/16 + δ). */
function expMinusSquare(y: number): number {
  const ysq = Math.trunc(16 * y) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq) * Math.exp(-del);
}

/** erfc(y) for y > 0.46875. */
function erfcPositive(y: number): number {
  if (y <= 4) {
    let num = C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    return expMinusSquare(y) * ((num + C[7]) / (den + D[7]));
  }
  if (y >= 26.65) return 0; // below the smallest subnormal
  const ysq = 1 / (y * y);
  let num = P[5] * ysq;
  let den = ysq;
  for (let i = 0; i < 4; i++) {
    num = (num + P[i]!) * ysq;
    den = (den + Q[i]!) * ysq;
  }
  const r = (ysq * (num + P[4])) / (den + Q[4]);
  return (expMinusSquare(y) * (ONE_OVER_SQRT_PI - r)) / y;
}

/**
 * The error function erf(x) = (2/√π) ∫₀ˣ e^{−t²} dt.
 *
 * @remarks Relative error ≲ 1e-15 (Cody 1969). NaN in, NaN out.
 * @example
 * ```ts
 * erf(1); // 0.8427007929497149
 * ```
 */
export function erf(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) return erfSmall(x);
  const r = 1 - erfcPositive(y);
  return x < 0 ? -r : r;
}

/**
 * The complementary error function erfc(x) = 1 − erf(x), computed without cancellation for large x.
 *
 * @remarks Relative error ≲ 1e-15 until it underflows (x ≳ 26.5); erfc(−x) = 2 − erfc(x).
 * @example
 * ```ts
 * erfc(5); // 1.5374597944280349e-12
 * ```
 */
export function erfc(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) return 1 - erfSmall(x);
  if (Number.isNaN(x)) return Number.NaN;
  const r = erfcPositive(y);
  return x < 0 ? 2 - r : r;
}

/**
 * The standard normal CDF Φ(x) = ½ erfc(−x/√2).
 *
 * @remarks Accurate in both tails (the lower tail keeps relative precision down to ≈ 1e-300).
 * @example
 * ```ts
 * normalCdf(1.959963984540054); // 0.975
 * ```
 */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * SQRT1_2);
}
