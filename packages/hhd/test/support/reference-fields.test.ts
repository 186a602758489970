import { describe, expect, it } from "vitest";
import { gradPhi0, phi0, uGradient, uValue } from "./reference-fields.js";

// The hand-written gradients of the §7 test potentials are oracles for the G/D suites; check them against
// central differences of the values (step 1e-5: truncation ≈ 1e-10, rounding ≈ 1e-11 for O(1) values).
describe("hhd.md §7 reference potentials", () => {
  it("gradPhi0 = ∇φ₀ and uGradient = ∇u by central differences at 50 points of [−5, 5]²", () => {
    const n = 50;
    const p = new Float64Array(2 * n).map((_, i) => -5 + ((i * 0.6180339887498949) % 1) * 10);
    const h = 1e-5;
    for (const [value, gradient] of [
      [phi0, gradPhi0],
      [uValue, uGradient],
    ] as const) {
      const g = gradient(p, 0);
      for (let axis = 0; axis < 2; axis++) {
        const plus = p.map((v, i) => (i % 2 === axis ? v + h : v));
        const minus = p.map((v, i) => (i % 2 === axis ? v - h : v));
        const fp = value(plus, 0);
        const fm = value(minus, 0);
        for (let i = 0; i < n; i++) expect(Math.abs((fp[i]! - fm[i]!) / (2 * h) - g[2 * i + axis]!)).toBeLessThan(1e-7);
      }
    }
  });
});
