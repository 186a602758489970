import { describe, expect, it } from "vitest";
import { ParabolicError } from "../errors.js";
import { erfc } from "./erf.js";
import { chiSquareCdf, chiSquareSf, gammaCdf, regularizedGammaP, regularizedGammaQ } from "./incomplete-gamma.js";
import { logGamma } from "./log-gamma.js";
import { logSumExp } from "./log-sum-exp.js";

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** Exact oracle for integer a: Q(a, x) = e^{−x} Σ_{k<a} x^k/k!  (Poisson CDF), summed in log space. */
function poissonQ(a: number, x: number): number {
  const logs = new Float64Array(a);
  for (let k = 0; k < a; k++) logs[k] = -x + k * Math.log(x) - logGamma(k + 1);
  return Math.exp(logSumExp(logs));
}
function poissonP(a: number, x: number): number {
  const logs: number[] = [];
  // P(a, x) = Σ_{k ≥ a} e^{−x} x^k / k!, summed until negligible
  for (let k = a; k < a + 20 * Math.sqrt(a + x) + 200; k++) logs.push(-x + k * Math.log(x) - logGamma(k + 1));
  return Math.exp(logSumExp(logs));
}

describe("regularised incomplete gamma", () => {
  it("equals the finite Poisson sums for integer a (both tails, relative error)", () => {
    for (const a of [1, 2, 3, 5, 8, 13, 30]) {
      for (const x of [0.01, 0.3, 1, 2.5, 7, 15, 40, 90]) {
        const q = poissonQ(a, x);
        const p = poissonP(a, x);
        if (q > 1e-300) expect(rel(regularizedGammaQ(a, x), q)).toBeLessThan(1e-13);
        if (p > 1e-300) expect(rel(regularizedGammaP(a, x), p)).toBeLessThan(1e-13);
      }
    }
  });

  it("is accurate for large a: χ²₄₁₀₀ (a = 2050) and a = 1e5 against the Poisson sums", () => {
    for (const a of [2050, 100_000]) {
      const s = Math.sqrt(a);
      for (const z of [-6, -3, -1, -0.1, 0, 0.4, 1.5, 3.2, 6]) {
        const x = a + z * s;
        const p = poissonP(a, x);
        const q = poissonQ(a, x);
        // the oracle's own accuracy is limited by rounding of its log-space terms (|k log x| ≈ a log a):
        // ≈ 1e-12 at a = 2050 and ≈ 1.5e-10 at a = 1e5 (checked against 50-digit mpmath values)
        expect(rel(regularizedGammaP(a, x), p)).toBeLessThan(a * 3e-15);
        expect(rel(regularizedGammaQ(a, x), q)).toBeLessThan(a * 3e-15);
      }
    }
  });

  it("equals the erfc forms for half-integer a: Q(k + ½, x) = erfc(√x) + e^{−x} Σ_{j=1}^{k} x^{j−½}/Γ(j + ½)", () => {
    for (const k of [0, 1, 2, 4, 7]) {
      for (const x of [0.05, 0.5, 1.3, 4, 11, 25]) {
        let oracle = erfc(Math.sqrt(x));
        for (let j = 1; j <= k; j++) oracle += Math.exp(-x + (j - 0.5) * Math.log(x) - logGamma(j + 0.5));
        expect(rel(regularizedGammaQ(k + 0.5, x), oracle)).toBeLessThan(1e-13);
      }
    }
  });

  it("satisfies P + Q = 1 and the recurrence P(a + 1, x) = P(a, x) − x^a e^{−x}/Γ(a + 1)", () => {
    for (const a of [0.01, 0.3, 0.9, 1.7, 4.4, 12.5, 77.7, 640.25]) {
      for (const x of [0.02 * a, 0.5 * a, 0.97 * a, a, 1.03 * a + 0.5, 2 * a + 1]) {
        expect(Math.abs(regularizedGammaP(a, x) + regularizedGammaQ(a, x) - 1)).toBeLessThan(3e-16);
        const step = Math.exp(a * Math.log(x) - x - logGamma(a + 1));
        // tolerance: rounding of the step's exponent a·log x − x − log Γ(a + 1)
        const tol = 1e-15 + 4e-16 * (Math.abs(a * Math.log(x)) + x + logGamma(a + 1)) * step;
        expect(Math.abs(regularizedGammaP(a + 1, x) - (regularizedGammaP(a, x) - step))).toBeLessThan(tol);
      }
    }
  });

  it("reproduces χ² quantile tables (quantiles from 40-digit mpmath root finding)", () => {
    expect(Math.abs(chiSquareCdf(3.841458820694126, 1) - 0.95)).toBeLessThan(2e-16);
    expect(Math.abs(chiSquareCdf(18.307038053275146, 10) - 0.95)).toBeLessThan(2e-16);
    expect(Math.abs(chiSquareSf(135.8067231710268, 100) - 0.01)).toBeLessThan(1e-17);
    expect(Math.abs(chiSquareCdf(0.11483180189911704, 3) - 0.01)).toBeLessThan(1e-17);
    expect(Math.abs(chiSquareCdf(4099.33335260807, 4100) - 0.5)).toBeLessThan(1e-14);
    expect(Math.abs(chiSquareSf(4385.541408751217, 4100) - 0.001)).toBeLessThan(1e-16);
  });

  it("gammaCdf handles the edges (x ≤ 0, shape 0, ∞)", () => {
    expect(gammaCdf(-1, 2)).toBe(0);
    expect(gammaCdf(0, 2)).toBe(0);
    expect(gammaCdf(0, 0)).toBe(1);
    expect(gammaCdf(Infinity, 3)).toBe(1);
    expect(gammaCdf(2, 1)).toBeCloseTo(1 - Math.exp(-2), 15);
    expect(chiSquareSf(0, 3)).toBe(1);
  });

  it("rejects bad parameters with coded errors naming the value", () => {
    const cases: [() => unknown, string, unknown][] = [
      [() => regularizedGammaP(-1, 1), "a", -1],
      [() => regularizedGammaQ(0, 1), "a", 0],
      [() => regularizedGammaP(1, -2), "x", -2],
      [() => gammaCdf(1, -0.5), "shape", -0.5],
      [() => chiSquareCdf(1, Number.NaN), "dof", Number.NaN],
      [() => chiSquareSf(1, 0), "dof", 0],
    ];
    for (const [run, argument, value] of cases) {
      try {
        run();
        expect.unreachable();
      } catch (e) {
        expect(ParabolicError.is(e, "INVALID_ARGUMENT")).toBe(true);
        expect((e as ParabolicError).details.argument).toBe(argument);
        expect(Object.is((e as ParabolicError).details.value, value)).toBe(true);
      }
    }
  });
});
