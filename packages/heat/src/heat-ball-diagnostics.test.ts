import { foldIn, key } from "@parabolic/core";
import { gaussianMixture } from "@parabolic/datasets";
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
          const k = foldIn(foldIn(foldIn(key(4), d), Math.round(s0 * 10)), Math.round(rFrac * 1000));
          const y0s = gaussianMixture({ weights: [1], means: [new Float64Array(d)], scales: Math.sqrt(v) }).sample(foldIn(k, 0), centres);
          for (let c = 0; c < centres; c++) {
            const lw = heatBallLogWeights(field, y0s.subarray(c * d, (c + 1) * d), s0, { radius, samples: 256, key: foldIn(k, c + 1) });
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
    // spec §13's predictions (from the closed-form m2): d = 256, s0 = 10, r_frac 0.02 → 0.141; d = 1024,
    // s0 = 1, r_frac 0.125 → 2.49
    expect(predictedLogWeightVariance({ dim: 256, radius: Math.sqrt(0.02 * 10), variance: 21 })).toBeCloseTo(0.141, 3);
    expect(predictedLogWeightVariance({ dim: 1024, radius: Math.sqrt(0.125), variance: 3 })).toBeCloseTo(2.49, 2);
    // the radius rule is the inverse map, and for large d it approaches r_frac ≈ V*·v·2πe/(d·s) (m2 → 1/(2πe))
    const r4096 = radiusForTargetLogWeightVariance({ dim: 4096, variance: v, targetVariance: 0.141 });
    expect(predictedLogWeightVariance({ dim: 4096, radius: r4096, variance: v })).toBeCloseTo(0.141, 12);
    expect(Math.abs((r4096 ** 2 / s0) / ((0.141 * v * 2 * Math.PI * Math.E) / (4096 * s0)) - 1)).toBeLessThan(1e-3);
    const y0s = gaussianMixture({ weights: [1], means: [new Float64Array(d)], scales: Math.sqrt(v) }).sample(key(9), 20);
    let ess = 0;
    for (let c = 0; c < 20; c++) ess += heatBallLogWeights(field, y0s.subarray(c * d, (c + 1) * d), s0, { radius, samples: 256, key: key(100 + c) }).ess / 256;
    expect(ess / 20).toBeGreaterThan(0.87 - 0.05);
    expect(ess / 20).toBeLessThan(0.87 + 0.05);
  });

  it("drift budget r·C1(d)·‖c‖: C1(256) = 3.849, so r‖c‖ < 0.26 is admissible at d = 256", () => {
    expect(driftBudget({ dim: 256, radius: 0.1, driftNorm: 2.5 }).ok).toBe(true);
    expect(driftBudget({ dim: 256, radius: 0.1, driftNorm: 2.7 }).ok).toBe(false);
    // C1(2) = (4π)^{−1/2}·Γ(3/2)/Γ(2)·(2/3)^{3/2}·4/3 = (1/3)(2/3)^{3/2} (spec §5), times r·‖c‖·ratio
    expect(driftBudget({ dim: 2, radius: 1, driftNorm: 1 }).value).toBeCloseTo((1 / 3) * (2 / 3) ** 1.5, 14);
    expect(driftBudget({ dim: 2, radius: 0.5, driftNorm: 3, weightRatio: 1.5 }).value).toBeCloseTo(2.25 * (1 / 3) * (2 / 3) ** 1.5, 14);
    expect(() => radiusForTargetEss({ dim: 2, variance: 1, targetEssFraction: 1 })).toThrow(/targetEssFraction/);
  });
});
