import { key, normals } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { sampleChains } from "./sample-chains.js";
import { svgd } from "./svgd.js";
import { gaussianTarget } from "./target.js";
import { variance } from "../test/moments.js";


describe("SVGD", () => {
  it("one step equals the defining double sum (2-D, fixed width) and the median heuristic width", () => {
    const target = gaussianTarget({ dim: 2, mean: [1, -1], variance: [1, 2] });
    const x = normals(key(1), { count: 2 * 7 });
    const h = 0.3;
    const w = 1.7;
    const g = target.score(x, 0);
    const expected = x.slice();
    for (let i = 0; i < 7; i++) {
      for (let c = 0; c < 2; c++) {
        let phi = 0;
        for (let j = 0; j < 7; j++) {
          const d2 = (x[2 * j]! - x[2 * i]!) ** 2 + (x[2 * j + 1]! - x[2 * i + 1]!) ** 2;
          const k = Math.exp(-d2 / w);
          phi += k * g[2 * j + c]! - ((2 * (x[2 * j + c]! - x[2 * i + c]!)) / w) * k;
        }
        expected[2 * i + c] = expected[2 * i + c]! + (h * phi) / 7;
      }
    }
    const fixed = svgd({ ...target, stepSize: h, bandwidth: w });
    const got = fixed.step(key(0), fixed.init(x)).state.position;
    for (let i = 0; i < x.length; i++) expect(got[i]).toBeCloseTo(expected[i]!, 13);
    // median heuristic: w = median of the 21 pairwise squared distances / log 7
    const d2: number[] = [];
    for (let i = 0; i < 7; i++) for (let j = i + 1; j < 7; j++) d2.push((x[2 * i]! - x[2 * j]!) ** 2 + (x[2 * i + 1]! - x[2 * j + 1]!) ** 2);
    d2.sort((a, b) => a - b);
    const median = svgd({ ...target, stepSize: h });
    expect(median.step(key(0), median.init(x)).info.bandwidth).toBeCloseTo(d2[10]! / Math.log(7), 13);
  });

  it("B9: N(0,10) → N(0,1), N = 100, h = 0.05: variance ≈ 8 at T = 2.5 (slow clock) and ∈ [1.0, 1.4] at T = 100 (3 seeds)", () => {
    for (const seed of [1, 2, 3]) {
      const kernel = svgd({ ...gaussianTarget({ dim: 1 }), stepSize: 0.05 });
      const x0 = normals(key(seed), { count: 100 }).map((z) => Math.sqrt(10) * z);
      let early = Number.NaN;
      const result = sampleChains(key(0), {
        kernel,
        initialState: kernel.init(x0),
        steps: 2000,
        onStep: ({ state }) => {
          if (state.step === 50) early = variance(state.position);
        },
      });
      expect(early).toBeGreaterThan(5);
      expect(early).toBeLessThan(11.5);
      const late = variance(result.state.position);
      expect(late).toBeGreaterThanOrEqual(1.0);
      expect(late).toBeLessThanOrEqual(1.4);
    }
  });
});
