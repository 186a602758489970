import { ParabolicError } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { exactGaussianKL, klBounds, quadratureWeights } from "./kl-bounds.js";
import { vpSchedule } from "./vp-schedule.js";

const vp = vpSchedule();

describe("vpSchedule", () => {
  it("matches the closed forms of hhd.md §1", () => {
    for (const t of [0, 1e-6, 0.1, 0.5, 1]) {
      const ib = 0.1 * t + 0.5 * 19.9 * t * t;
      expect(vp.beta(t)).toBeCloseTo(0.1 + 19.9 * t, 14);
      expect(vp.alpha(t)).toBeCloseTo(Math.exp(-0.5 * ib), 15);
      expect(vp.alpha(t) ** 2 + vp.sigma(t) ** 2).toBeCloseTo(1, 14);
    }
    // small-t accuracy of σ_t (expm1): σ² = 1 − e^{−∫β} = ∫β − (∫β)²/2 + …
    const ib = 0.1 * 1e-8 + 0.5 * 19.9 * 1e-16;
    expect(vp.sigma(1e-8) ** 2 / (ib - (ib * ib) / 2)).toBeCloseTo(1, 12);
  });
});

describe("klBounds quadrature", () => {
  it("integrates ½β exactly (trapezoid, linear integrand) and ½β·t (Simpson, quadratic)", () => {
    const times = Array.from({ length: 11 }, (_, i) => i / 10);
    const ones = times.map(() => 1);
    const b = klBounds({ times, errorNorms: ones, gradientNorms: ones, diffusionSquared: vp.beta, terminalKL: 0.25 });
    expect(b.errorIntegral).toBeCloseTo(0.5 * (0.1 + 19.9 / 2), 12);
    expect(b.girsanov).toBeCloseTo(0.25 + 5.025, 12);
    expect(b.gap).toBe(0);
    const lin = times.slice();
    const s = klBounds({ times, errorNorms: lin, gradientNorms: lin.map((v) => 0.5 * v), diffusionSquared: vp.beta, rule: "simpson" });
    // ∫₀¹ ½(0.1 + 19.9t)t dt = ½(0.05 + 19.9/3)
    expect(s.errorIntegral).toBeCloseTo(0.5 * (0.05 + 19.9 / 3), 12);
    expect(s.gradientOnly).toBeCloseTo(0.25 * (0.05 + 19.9 / 3), 12);
    expect(s.gap).toBeCloseTo(s.solenoidalIntegral, 15);
  });

  it("validates its inputs", () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return ParabolicError.is(e) ? e.code : "other";
      }
      return undefined;
    };
    expect(code(() => quadratureWeights("f", [0, 0.5, 0.4], "trapezoid"))).toBe("INVALID_ARGUMENT");
    expect(code(() => quadratureWeights("f", [0, 0.5, 0.7], "simpson"))).toBe("INVALID_ARGUMENT");
    expect(code(() => quadratureWeights("f", [0, 0.5], "simpson"))).toBe("INVALID_ARGUMENT");
    expect(code(() => klBounds({ times: [0, 1], errorNorms: [1], gradientNorms: [1, 1], diffusionSquared: vp.beta }))).toBe("SHAPE_MISMATCH");
    expect(code(() => klBounds({ times: [0, 1], errorNorms: [1, Number.NaN], gradientNorms: [1, 1], diffusionSquared: vp.beta }))).toBe("NON_FINITE");
    expect(code(() => klBounds({ times: [0, 1], errorNorms: [1, 1], gradientNorms: [1, 1], diffusionSquared: vp.beta, terminalKL: -1 }))).toBe(
      "INVALID_ARGUMENT",
    );
  });
});

// Exact oracle: Gaussian data, affine model score → Gaussian q_t, closed-form KL (RK4 on the moment ODEs).
const mean2 = [1.2, -0.5];
const cov2 = [0.5, 0.15, 0.15, 0.3];
// a 4-D case with a generic (non-commuting) antisymmetric generator
const mean4 = [0.5, -1, 0.3, 0.8];
const cov4 = [0.6, 0.1, 0, 0.05, 0.1, 0.4, 0.08, 0, 0, 0.08, 0.9, -0.1, 0.05, 0, -0.1, 0.3];
const a4 = new Float64Array([0, 1, -0.5, 0.3, -1, 0, 0.7, -0.2, 0.5, -0.7, 0, 1.1, -0.3, 0.2, -1.1, 0]);

describe("exact Gaussian KL: invisibility (I1) and Theorem 3.2 (B1)", () => {
  it("RK4 has converged: 500 and 2000 steps agree to 1e-9", () => {
    const a = exactGaussianKL({ mean: mean2, covariance: cov2, gradientScale: 0.4, rotationScale: 3, steps: 500 });
    const b = exactGaussianKL({ mean: mean2, covariance: cov2, gradientScale: 0.4, rotationScale: 3, steps: 2000 });
    expect(Math.abs(a.kl - b.kl)).toBeLessThan(1e-9);
  });

  it("started at the exact p_T, a purely solenoidal error leaves q_0 = p_0 for the SDE and the PF-ODE (any λ)", () => {
    for (const [mean, covariance, generator] of [
      [mean2, cov2, undefined],
      [mean4, cov4, a4],
    ] as const) {
      for (const sampler of ["sde", "ode"] as const) {
        for (const lambda of [1, 4.28, 10]) {
          const r = exactGaussianKL({ mean, covariance, rotationScale: lambda, ...(generator ? { generator } : {}), sampler, start: "marginal", steps: 1000 });
          expect(Math.abs(r.kl)).toBeLessThan(1e-10);
          r.finalMean.forEach((v, i) => expect(v).toBeCloseTo(mean[i]!, 8));
          r.finalCovariance.forEach((v, i) => expect(v).toBeCloseTo(covariance[i]!, 8));
          // ... while the Girsanov bound grows like λ²
          expect(r.bounds.girsanov).toBeGreaterThan(lambda * lambda);
        }
      }
    }
  });

  it("B1 + Theorem 3.2: KL(p_0‖q_0) ≤ B_grad ≤ B_Gir on a grid of (κ, λ), with equality of the bounds iff λ = 0", () => {
    for (const [mean, covariance, generator] of [
      [mean2, cov2, undefined],
      [mean4, cov4, a4],
    ] as const) {
      for (const kappa of [-0.3, 0, 0.2, 0.5, 1]) {
        for (const lambda of [0, 1, 4.28]) {
          const r = exactGaussianKL({ mean, covariance, gradientScale: kappa, rotationScale: lambda, ...(generator ? { generator } : {}), steps: 1000 });
          expect(r.kl).toBeGreaterThanOrEqual(-1e-12);
          expect(r.kl).toBeLessThanOrEqual(r.bounds.gradientOnly * (1 + 1e-9) + 1e-12);
          expect(r.bounds.gradientOnly).toBeLessThanOrEqual(r.bounds.girsanov * (1 + 1e-12));
          if (lambda === 0) expect(Math.abs(r.bounds.girsanov - r.bounds.gradientOnly)).toBeLessThanOrEqual(1e-9 * r.bounds.girsanov);
          else expect(r.bounds.gap).toBeGreaterThan(0.1 * lambda * lambda);
          // data processing from the prior mismatch alone when the score is exact
          if (kappa === 0 && lambda === 0) expect(r.kl).toBeLessThanOrEqual(r.terminalKL);
        }
      }
    }
  });

  it("validates its inputs", () => {
    expect(() => exactGaussianKL({ mean: [0, 0], covariance: [1, 0, 0, -1] })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => exactGaussianKL({ mean: [0, 0], covariance: [1, 0, 0] })).toThrow(expect.objectContaining({ code: "SHAPE_MISMATCH" }));
    expect(() => exactGaussianKL({ mean: [0, 0], covariance: [1, 0, 0, 1], steps: 3 })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => exactGaussianKL({ mean: [0, 0], covariance: [1, 0, 0, 1], rotationScale: 1, generator: new Float64Array([0, 1, 1, 0]) })).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
  });
});
