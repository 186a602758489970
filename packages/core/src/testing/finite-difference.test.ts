import { describe, expect, it } from "vitest";
import { ParabolicError } from "../errors.js";
import { centralDifference, centralGradient, centralLaplacian, relativeError } from "./finite-difference.js";
import { float64Activations } from "./float64-activations.js";

describe("centralDifference", () => {
  it("matches closed-form derivatives of sin and exp to orders 1–3", () => {
    for (const x of [-2, -0.3, 0, 0.7, 3]) {
      expect(centralDifference(Math.sin, x)).toBeCloseTo(Math.cos(x), 10);
      expect(centralDifference(Math.sin, x, { order: 2 })).toBeCloseTo(-Math.sin(x), 8);
      expect(centralDifference(Math.sin, x, { order: 3 })).toBeCloseTo(-Math.cos(x), 6);
      const scale = Math.exp(x);
      for (const order of [1, 2, 3] as const) {
        expect(Math.abs(centralDifference(Math.exp, x, { order }) - scale)).toBeLessThan(1e-6 * scale);
      }
    }
  });

  it("rejects bad steps and orders with coded errors", () => {
    expect(() => centralDifference(Math.sin, 0, { step: 0 })).toThrow(/'step' must be a positive finite number; got 0/);
    expect(() => centralDifference(Math.sin, 0, { order: 4 as 1 })).toSatisfy((f: () => unknown) => {
      try {
        f();
        return false;
      } catch (e) {
        return ParabolicError.is(e, "INVALID_ARGUMENT");
      }
    });
  });
});

describe("centralGradient and centralLaplacian", () => {
  it("match a quadratic-plus-trigonometric field exactly to 1e-8", () => {
    const f = (v: Float64Array): number => v[0]! * v[0]! * v[1]! + Math.sin(v[2]!) + 3 * v[1]!;
    const x = Float64Array.of(0.4, -1.3, 0.9);
    const grad = centralGradient(f, x);
    const expected = [2 * 0.4 * -1.3, 0.4 * 0.4 + 3, Math.cos(0.9)];
    expect(relativeError(grad, expected)).toBeLessThan(1e-9);
    expect(centralLaplacian(f, x)).toBeCloseTo(2 * -1.3 - Math.sin(0.9), 8);
    expect(Array.from(x)).toEqual([0.4, -1.3, 0.9]); // input untouched
  });
});

describe("relativeError", () => {
  it("is norm-wise, absolute for a zero reference, and checks lengths", () => {
    expect(relativeError([3, 4], [3, 4])).toBe(0);
    expect(relativeError([3.3, 4.4], [3, 4])).toBeCloseTo(0.1, 12);
    expect(relativeError([0.5], [0])).toBe(0.5);
    expect(() => relativeError([1, 2], [1])).toThrow(/'actual' must have length 1/);
  });
});

describe("float64Activations", () => {
  it("erf-based GELU matches tabulated erf values (Abramowitz & Stegun 7.1) to 1e-15", () => {
    // Φ(x√2) = ½(1 + erf(x)), so gelu(x√2)/(x√2) − ½ = ½ erf(x).
    const table: Array<[number, number]> = [
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
    ];
    for (const [x, erf] of table) {
      const z = x * Math.SQRT2;
      expect(Math.abs(float64Activations.gelu(z) / z - 0.5 - erf / 2)).toBeLessThan(1e-15);
    }
  });

  it("satisfies the defining identities", () => {
    for (const x of [-30, -2, 0, 1.5, 30]) {
      const s = float64Activations.sigmoid(x);
      expect(s).toBeCloseTo(1 / (1 + Math.exp(-x)), 15);
      expect(float64Activations.softplus(x)).toBeCloseTo(Math.log(1 + Math.exp(x)), 12);
      expect(float64Activations.silu(x)).toBeCloseTo(x * s, 15);
    }
    expect(float64Activations.geluTanh(1)).toBeCloseTo(0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * 1.044715)), 15);
  });
});
