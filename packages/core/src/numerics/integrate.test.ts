import { describe, expect, it } from "vitest";
import { ParabolicError } from "../errors.js";
import { gaussKronrod15, integrate } from "./integrate.js";

describe("integrate (adaptive Gauss–Kronrod 7–15)", () => {
  it("integrates polynomials up to degree 22 exactly in one panel (Kronrod degree 3·7+1)", () => {
    for (let deg = 0; deg <= 22; deg++) {
      const r = integrate((x) => (deg + 1) * x ** deg, 0, 1, { maxIntervals: 1 });
      expect(Math.abs(r.value - 1)).toBeLessThan(2e-15);
      expect(r.evaluations).toBe(15);
    }
  });

  it("exposes the rule itself: K15 is exact to degree 22 (not 24), G7 to degree 12 (not 14), 7 Gauss nodes", () => {
    const nodes = gaussKronrod15();
    expect(nodes).toHaveLength(15);
    expect(nodes.filter((n) => n.gaussWeight > 0)).toHaveLength(7);
    expect(gaussKronrod15()).toBe(nodes); // built once, shared
    expect(Object.isFrozen(nodes) && Object.isFrozen(nodes[0])).toBe(true);
    const moment = (p: number, w: (n: (typeof nodes)[number]) => number): number =>
      nodes.reduce((s, n) => s + w(n) * n.x ** p, 0);
    // ∫₋₁¹ x^p dx = 2/(p + 1) for even p
    expect(Math.abs(moment(22, (n) => n.kronrodWeight) - 2 / 23)).toBeLessThan(1e-15);
    expect(Math.abs(moment(12, (n) => n.gaussWeight) - 2 / 13)).toBeLessThan(1e-15);
    // negative controls: one degree (pair) beyond each rule's exactness the error is visible
    expect(Math.abs(moment(24, (n) => n.kronrodWeight) - 2 / 25)).toBeGreaterThan(1e-9); // ≈ 5.7e-9
    expect(Math.abs(moment(14, (n) => n.gaussWeight) - 2 / 15)).toBeGreaterThan(1e-6); // ≈ 1.9e-4
  });

  it("matches closed forms", () => {
    const cases: [(x: number) => number, number, number, number][] = [
      [Math.sin, 0, Math.PI, 2],
      [(x) => Math.exp(-x * x), -Infinity, Infinity, Math.sqrt(Math.PI)],
      [(x) => x ** 3 * Math.exp(-x), 0, Infinity, 6],
      [(x) => 1 / (1 + x * x), -Infinity, 0, Math.PI / 2],
      [Math.log, 0, 1, -1],
      [(x) => Math.cos(40 * x), 0, 1, Math.sin(40) / 40],
      [(x) => Math.exp(x), -3, 2, Math.exp(2) - Math.exp(-3)],
    ];
    for (const [f, a, b, exact] of cases) {
      const r = integrate(f, a, b, { tolerance: 1e-12, relativeTolerance: 1e-12 });
      expect(r.converged).toBe(true);
      expect(Math.abs(r.value - exact)).toBeLessThan(1e-11);
      expect(Math.abs(r.value - exact)).toBeLessThanOrEqual(r.error + 1e-15);
    }
  });

  it("reverses sign for a > b and reports non-convergence honestly", () => {
    expect(integrate(Math.sin, Math.PI, 0).value).toBeCloseTo(-2, 13);
    const r = integrate((x) => 1 / Math.sqrt(x), 0, 1, { tolerance: 1e-14, relativeTolerance: 0, maxIntervals: 50 });
    expect(r.converged).toBe(false);
    expect(Math.abs(r.value - 2)).toBeLessThan(Math.max(r.error, 1e-3));
  });

  it("throws NON_FINITE naming x when f blows up, and INVALID_ARGUMENT for bad options", () => {
    try {
      integrate((x) => (x > 0.5 ? Number.NaN : 1), 0, 1);
      expect.unreachable();
    } catch (e) {
      expect(ParabolicError.is(e, "NON_FINITE")).toBe(true);
      expect((e as ParabolicError).details.x).toBeGreaterThan(0.5);
    }
    expect(() => integrate(Math.sin, Number.NaN, 1)).toThrowError(/'a' must be a number/);
    expect(() => integrate(Math.sin, 0, 1, { tolerance: -1 })).toThrowError(/'tolerance'/);
  });
});
