const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * erf by the positive-term series erf(x) = (2/√π)e^{−x²} Σₙ 2ⁿx^{2n+1}/(2n+1)!!; no cancellation, so relative
 * accuracy ≈ 1e-15 for |x| ≤ 6 (|erf| = 1 to double precision beyond). Independent of core's numerics on
 * purpose: it is an oracle.
 */
function erfSeries(x: number): number {
  const ax = Math.abs(x);
  if (ax > 6) return Math.sign(x);
  const x2 = x * x;
  let term = ax;
  let total = ax;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    total += term;
    if (term < total * 1e-17) break;
  }
  return Math.sign(x) * TWO_OVER_SQRT_PI * Math.exp(-x2) * total;
}

function sigmoid64(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * Float64 scalar versions of the activations in `@parabolic/core/activations`, written independently of
 * TensorFlow.js, for finite-difference oracles (see `centralDifference`).
 *
 * @example
 * ```ts
 * import { centralDifference, float64Activations } from "@parabolic/core/testing";
 *
 * const expected = centralDifference(float64Activations.silu, 0.7, { order: 3 }); // SiLU‴(0.7)
 * ```
 */
export const float64Activations: Readonly<{
  sigmoid: (x: number) => number;
  tanh: (x: number) => number;
  softplus: (x: number) => number;
  silu: (x: number) => number;
  gelu: (x: number) => number;
  geluTanh: (x: number) => number;
}> = Object.freeze({
  sigmoid: sigmoid64,
  tanh: Math.tanh,
  softplus: (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
  silu: (x: number) => x * sigmoid64(x),
  gelu: (x: number) => 0.5 * x * (1 + erfSeries(x * Math.SQRT1_2)),
  geluTanh: (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
});
