import { forwardMarginal, gaussianMixture, heatTransition, sparseDenseMixture } from "@parabolic/datasets";
import { describe, expect, it } from "vitest";
import { mixtureHeatField } from "./mixture-heat-field.js";

describe("mixtureHeatField", () => {
  it("equals the datasets oracle forwardMarginal(mixture, heatTransition(s)) at per-point times", () => {
    const cases = [
      sparseDenseMixture(),
      gaussianMixture({ weights: [0.3, 0.7], means: [Array(16).fill(0.5), Array(16).fill(-0.2)], scales: [0.8, 1.3] }),
    ];
    for (const p0 of cases) {
      const field = mixtureHeatField(p0);
      const d = p0.dim;
      const y = p0.sample([1, 2], 50).map((v) => 2 * v);
      const times = Float64Array.from({ length: 50 }, (_, n) => 0.01 + 0.37 * n);
      const joint = field.logDensityAndGradient(y, times);
      const lp = field.logDensity(y, times);
      const g = field.gradLogDensity!(y, times);
      for (let n = 0; n < 50; n++) {
        const exact = forwardMarginal(p0, heatTransition(times[n]!)).logDensityAndScore(y.subarray(n * d, (n + 1) * d));
        expect(Math.abs(lp[n]! - exact.logDensity[0]!)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(exact.logDensity[0]!)));
        expect(joint.logDensity[n]).toBe(lp[n]);
        for (let i = 0; i < d; i++) {
          expect(Math.abs(g[n * d + i]! - exact.score[i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(exact.score[i]!)));
          expect(joint.gradient[n * d + i]).toBe(g[n * d + i]);
        }
      }
    }
  });

  it("rejects non-isotropic mixtures", () => {
    const full = gaussianMixture({ weights: [1], means: [[0, 0]], covariances: [[[1, 0.5], [0.5, 1]]] });
    expect(() => mixtureHeatField(full)).toThrow(/isotropic/);
  });
});
