import { ParabolicError } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { modeCoverage, modeProportionKl, modeProportions } from "./modes.js";

describe("mode statistics", () => {
  const modes = new Float64Array([-4, 4]);
  const x = new Float64Array([-5, -3.9, -0.1, 0.2, 3, 4.5, 8, 4]); // 3 left, 5 right

  it("assigns particles to the nearest mode and counts them", () => {
    const m = modeProportions(x, { dim: 1, modes });
    expect(Array.from(m.counts)).toEqual([3, 5]);
    expect(Array.from(m.proportions)).toEqual([3 / 8, 5 / 8]);
    expect(m.unassigned).toBe(0);
    const r = modeProportions(x, { dim: 1, modes, radius: 1 });
    expect(Array.from(r.counts)).toEqual([2, 3]);
    expect(r.unassigned).toBe(3);
  });

  it("KL of the proportions to the weights is Σ p log(p/w) with 0 log 0 = 0", () => {
    const kl = modeProportionKl(x, { dim: 1, modes, weights: [0.25, 0.75] });
    expect(kl).toBeCloseTo((3 / 8) * Math.log(3 / 8 / 0.25) + (5 / 8) * Math.log(5 / 8 / 0.75), 15);
    const onlyRight = new Float64Array([3, 5]);
    expect(modeProportionKl(onlyRight, { dim: 1, modes, weights: [1, 3] })).toBeCloseTo(Math.log(4 / 3), 15);
    expect(() => modeProportionKl(x, { dim: 1, modes, weights: [1] })).toThrow(ParabolicError);
  });

  it("coverage counts modes with at least minCount particles (2-D)", () => {
    const grid = new Float64Array([-2, -2, -2, 2, 2, -2, 2, 2]);
    const pts = new Float64Array([-2.1, -1.9, 2, 2.2, 1.8, 2.1, -2, 2.5]);
    expect(modeCoverage(pts, { dim: 2, modes: grid })).toBe(3 / 4);
    expect(modeCoverage(pts, { dim: 2, modes: grid, minCount: 2 })).toBe(1 / 4);
    expect(modeCoverage(pts, { dim: 2, modes: grid, radius: 0.3 })).toBe(2 / 4);
  });
});
