import { ParabolicError } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { kappaConstants } from "./kappa-constants.js";
import { kappaConstantsByQuadrature } from "./testing/quadrature.js";

describe("kappaConstants", () => {
  // Oracle: 1-D quadrature of the definitions (κ = ¼|ζ|²/ς², k = Φ − 1 − log Φ, |∇_ζ k|) with the ζ-integral over the
  // ball done in closed form; see testing/quadrature.ts. Tolerance 1e-6 relative (the issue's), observed ≲ 1e-10.
  it.each([1, 2, 3, 7, 16, 64, 256, 1024, 4096, 65536])("matches quadrature of the definitions at d = %i", (d) => {
    const c = kappaConstants(d);
    const q = kappaConstantsByQuadrature(d);
    expect(q.kappaMass).toBeCloseTo(1, 9);
    expect(Math.abs(q.meanSigma / c.meanSigma - 1)).toBeLessThan(1e-6);
    expect(Math.abs(q.m2 / c.m2 - 1)).toBeLessThan(1e-6);
    expect(Math.abs(q.nuMass / c.meanSigma - 1)).toBeLessThan(1e-6); // ∬k = E_κ[ς]
    expect(Math.abs(q.c1 / c.c1 - 1)).toBeLessThan(1e-6);
  });

  it("has the d = 2 values of the reference scripts and the d → ∞ limits", () => {
    const c2 = kappaConstants(2);
    expect(c2.meanSigma).toBeCloseTo(1 / (32 * Math.PI), 15);
    expect(c2.m2).toBeCloseTo(1 / (16 * Math.PI), 15);
    const big = kappaConstants(2 ** 24);
    expect(Math.abs(big.meanSigma * 4 * Math.PI * Math.E - 1)).toBeLessThan(1e-6);
    expect(Math.abs(big.m2 * 2 * Math.PI * Math.E - 1)).toBeLessThan(1e-6);
    expect(Math.abs(big.c1 / Math.sqrt(2 ** 24 / (2 * Math.PI * Math.E)) - 1)).toBeLessThan(1e-6);
  });

  it("rejects a dimension that is not a positive integer", () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "2"]) {
      expect(() => kappaConstants(bad as number)).toThrowError(/kappaConstants: 'dim' must be a positive integer/);
      try {
        kappaConstants(bad as number);
      } catch (e) {
        expect(ParabolicError.is(e, "INVALID_ARGUMENT")).toBe(true);
      }
    }
  });
});
