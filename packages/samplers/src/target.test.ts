import { ParabolicError, normalCdf } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { gaussianMixtureTarget, gaussianTarget } from "./target.js";

describe("targets", () => {
  it("mixture log-density is normalised (1-D quadrature) and its score is its gradient (2-D central differences)", () => {
    const far = gaussianMixtureTarget({ dim: 1, means: [-4, 4], weights: [0.25, 0.75] });
    const grid = new Float64Array(40001).map((_, i) => -20 + i * 0.001);
    const lp = far.logDensity!(grid, 0);
    let mass = 0;
    let left = 0;
    for (let i = 0; i < grid.length; i++) {
      const w = (i === 0 || i === grid.length - 1 ? 0.5 : 1) * 0.001 * Math.exp(lp[i]!);
      mass += w;
      if (grid[i]! < 0) left += w;
    }
    expect(mass).toBeCloseTo(1, 10);
    // π(x < 0) = 0.25 Φ(4) + 0.75 Φ(−4) = 0.25002 (spec O5); the point x = 0 is left out of the sum (≈ 1.3e-7)
    expect(Math.abs(left - (0.25 * normalCdf(4) + 0.75 * normalCdf(-4)))).toBeLessThan(1e-6);

    const mix = gaussianMixtureTarget({ dim: 2, means: [0, 0, 3, 1, -2, 2], sds: [1, 0.5, 2], weights: [1, 2, 3] });
    const x = new Float64Array([0.4, -0.3, 2.5, 1.5, -1, 3]);
    const s = mix.score(x, 0);
    const e = 1e-6;
    for (let i = 0; i < x.length; i++) {
      const up = x.slice();
      up[i] = up[i]! + e;
      const down = x.slice();
      down[i] = down[i]! - e;
      const r = Math.floor(i / 2);
      const fd = (mix.logDensity!(up, 0)[r]! - mix.logDensity!(down, 0)[r]!) / (2 * e);
      expect(Math.abs(s[i]! - fd)).toBeLessThan(1e-7);
    }
  });

  it("Gaussian target: exact score and normalised log-density in d dimensions", () => {
    const g = gaussianTarget({ dim: 2, mean: [1, -1], variance: [2, 0.5] });
    const x = new Float64Array([0, 0]);
    expect(Array.from(g.score(x, 0))).toEqual([0.5, -2]);
    expect(g.logDensity!(x, 0)[0]).toBeCloseTo(-Math.log(2 * Math.PI) - 0.5 * Math.log(1) - 0.5 * (1 / 2 + 1 / 0.5), 14);
    expect(() => gaussianTarget({ dim: 2, variance: [1, -1] })).toThrow(ParabolicError);
    expect(() => gaussianMixtureTarget({ dim: 2, means: [1, 2, 3] })).toThrow(ParabolicError);
  });
});
