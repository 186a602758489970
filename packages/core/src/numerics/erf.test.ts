import { describe, expect, it } from "vitest";
import { erf, erfc, normalCdf } from "./erf.js";
import { integrate } from "./integrate.js";

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** Independent oracle: erf(x) = (2/√π) e^{−x²} Σₙ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)), all terms positive. */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 500; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
    if (term < 1e-18 * sum) break;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

describe("erf / erfc / normalCdf", () => {
  it("match 40-digit reference values (mpmath) to 1e-15", () => {
    expect(rel(erf(0.5), 0.5204998778130465)).toBeLessThan(1e-15);
    expect(rel(erf(1), 0.8427007929497149)).toBeLessThan(1e-15);
    expect(rel(erf(2), 0.9953222650189527)).toBeLessThan(1e-15);
    expect(rel(erfc(3), 2.209049699858544e-5)).toBeLessThan(1e-15);
    expect(rel(erfc(5), 1.537459794428035e-12)).toBeLessThan(1e-15);
    expect(rel(erfc(10), 2.088487583762545e-45)).toBeLessThan(1e-15);
    expect(rel(erfc(26), 5.663192408856143e-296)).toBeLessThan(1e-14);
  });

  it("erf agrees with the positive-term series to 1e-14 on [−5, 5]", () => {
    for (let x = -5; x <= 5; x += 0.0173) {
      const e = erfSeries(Math.abs(x)) * Math.sign(x);
      expect(Math.abs(erf(x) - e)).toBeLessThanOrEqual(1e-14 * Math.abs(e) + 1e-300);
    }
  });

  it("erfc agrees with quadrature of (2/√π)e^{−t²} over [x, ∞) in relative terms (x up to 20)", () => {
    for (const x of [0.3, 0.9, 1.7, 2.9, 4.2, 7.5, 12, 20]) {
      // substitute t = x + s to keep the integrand O(e^{−x²}) scaled: ∫₀^∞ e^{−(x+s)²} ds = e^{−x²} ∫₀^∞ e^{−2xs−s²} ds
      const tail = integrate((s) => Math.exp(-2 * x * s - s * s), 0, Infinity, { tolerance: 0, relativeTolerance: 1e-14 });
      const oracle = (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * tail.value;
      expect(rel(erfc(x), oracle)).toBeLessThan(x * x > 20 ? 5e-14 : 5e-15);
    }
  });

  it("satisfies the symmetries erf(−x) = −erf(x), erfc(−x) = 2 − erfc(x), Φ(x) + Φ(−x) = 1", () => {
    for (let x = 0; x < 8; x += 0.37) {
      expect(erf(-x)).toBe(-erf(x));
      expect(erfc(-x)).toBe(2 - erfc(x));
      expect(Math.abs(normalCdf(x) + normalCdf(-x) - 1)).toBeLessThan(2e-16);
    }
  });

  it("normalCdf hits standard quantiles and keeps tail precision", () => {
    expect(Math.abs(normalCdf(1.9599639845400543) - 0.975)).toBeLessThan(1e-16);
    expect(Math.abs(normalCdf(0) - 0.5)).toBe(0);
    // Φ(−x) = ½ erfc(x/√2); at x = 30 about 4.9e-198 (Mills-ratio check: Φ(−x) ≈ φ(x)/x (1 − 1/x² + 3/x⁴))
    const x = 30;
    const mills = (Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI) / x) * (1 - 1 / x ** 2 + 3 / x ** 4 - 15 / x ** 6 + 105 / x ** 8 - 945 / x ** 10);
    expect(rel(normalCdf(-x), mills)).toBeLessThan(1e-13);
  });

  it("propagates NaN", () => {
    expect(erf(Number.NaN)).toBeNaN();
    expect(erfc(Number.NaN)).toBeNaN();
    expect(normalCdf(Number.NaN)).toBeNaN();
  });
});
