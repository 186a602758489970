import { key } from "@parabolic/core";
import { gaussianMixture } from "@parabolic/datasets";
import { kappaConstants } from "@parabolic/kappa";
import { describe, expect, it } from "vitest";
import { driftBudget, heatBallLogWeights, predictedLogWeightVariance, radiusForTargetEss, radiusForTargetLogWeightVariance } from "./heat-ball-diagnostics.js";
import { mixtureHeatField } from "./testing/mixture-heat-field.js";

describe("ESS law and radius rule (heat-ball.md §13, E-S4)", () => {
  it("Var(log w_i) is within 15 % of r²·d·m2/v for d ∈ {16, 256, 1024} × s0 ∈ {0.1, 1, 10} × r_frac ∈ {0.02, 0.125}", () => {
    const failures: string[] = [];
    for (const d of [16, 256, 1024]) {
      // target w(·, s) = N(0, (1 + 2s) I): a unit Gaussian under the heat flow
      const field = mixtureHeatField(gaussianMixture({ weights: [1], means: [new Float64Array(d)], scales: 1 }));
      for (const s0 of [0.1, 1, 10]) {
        for (const rFrac of [0.02, 0.125]) {
          const v = 1 + 2 * s0;
          const radius = Math.sqrt(rFrac * s0);
          const predicted = predictedLogWeightVariance({ dim: d, radius, variance: v });
          let sum = 0;
          const centres = 40;
          const k = key(d + Math.round(s0 * 10) + Math.round(rFrac * 1000));
          const y0s = gaussianMixture({ weights: [1], means: [new Float64Array(d)], scales: Math.sqrt(v) }).sample(k, centres);
          for (let c = 0; c < centres; c++) {
            const lw = heatBallLogWeights(field, y0s.subarray(c * d, (c + 1) * d), s0, { radius, samples: 256, key: [k[0], (k[1] + c + 1) >>> 0] });
            sum += lw.logWeightVariance;
          }
          const measured = sum / centres;
          if (!(Math.abs(measured / predicted - 1) <= 0.15)) failures.push(`d=${d} s0=${s0} r_frac=${rFrac}: ${measured.toFixed(4)} vs ${predicted.toFixed(4)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("ESS/N ≈ exp(−Var) where Var ≲ 0.6, and the radius rule inverts the prediction", () => {
    const d = 256;
    const s0 = 10;
    const v = 1 + 2 * s0;
    const field = mixtureHeatField(gaussianMixture({ weights: [1], means: [new Float64Array(d)], scales: 1 }));
    const radius = radiusForTargetEss({ dim: d, variance: v, targetEssFraction: 0.87 });
    expect(predictedLogWeightVariance({ dim: d, radius, variance: v })).toBeCloseTo(-Math.log(0.87), 12);
    expect(radiusForTargetLogWeightVariance({ dim: d, variance: v, targetVariance: 0.141 }) ** 2 / s0).toBeCloseTo((0.141 * v) / (d * kappaConstants(d).m2 * s0), 12);
    const y0s = gaussianMixture({ weights: [1], means: [new Float64Array(d)], scales: Math.sqrt(v) }).sample(key(9), 20);
    let ess = 0;
    for (let c = 0; c < 20; c++) ess += heatBallLogWeights(field, y0s.subarray(c * d, (c + 1) * d), s0, { radius, samples: 256, key: key(100 + c) }).ess / 256;
    expect(ess / 20).toBeGreaterThan(0.87 - 0.05);
    expect(ess / 20).toBeLessThan(0.87 + 0.05);
  });

  it("drift budget r·C1(d)·‖c‖: C1(256) = 3.849, so r‖c‖ < 0.26 is admissible at d = 256", () => {
    expect(driftBudget({ dim: 256, radius: 0.1, driftNorm: 2.5 }).ok).toBe(true);
    expect(driftBudget({ dim: 256, radius: 0.1, driftNorm: 2.7 }).ok).toBe(false);
    expect(driftBudget({ dim: 2, radius: 1, driftNorm: 1 }).value).toBeCloseTo(0.181444, 5);
    expect(() => radiusForTargetEss({ dim: 2, variance: 1, targetEssFraction: 1 })).toThrow(/targetEssFraction/);
  });
});
