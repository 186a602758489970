import { describe, expect, it } from "vitest";
import { ParabolicError } from "../errors.js";
import { key } from "../key.js";
import { randomStream } from "../random-stream.js";
import { pearsonCorrelation } from "./moments.js";
import { averageRanks, spearmanCorrelation } from "./spearman.js";

describe("spearmanCorrelation", () => {
  it("matches hand-computed cases without ties (1 − 6Σd²/(n(n²−1)))", () => {
    // ranks a = (1,2,3,4), b = (1,3,2,4): Σd² = 2, ρ = 1 − 12/60 = 0.8
    expect(spearmanCorrelation([1, 2, 3, 4], [10, 20, 15, 40])).toBeCloseTo(0.8, 14);
    // ranks (1,2,3,4,5) vs (5,3,4,1,2): d = (−4,−1,−1,3,3), Σd² = 36, ρ = 1 − 216/120 = −0.8
    expect(spearmanCorrelation([0.1, 0.2, 0.3, 0.4, 0.5], [9, 3, 4, -1, 0])).toBeCloseTo(-0.8, 14);
    // any strictly monotone transform gives ±1
    const a = [0.3, -2, 5, 1e3, 7];
    expect(spearmanCorrelation(a, a.map((x) => Math.exp(x / 100)))).toBe(1);
    expect(spearmanCorrelation(a, a.map((x) => -(x ** 3)))).toBe(-1);
  });

  it("gives ties their average rank (hand-computed mid-rank case)", () => {
    expect(Array.from(averageRanks([3, 1, 3, 2, 3]))).toEqual([4, 1, 4, 2, 4]);
    expect(Array.from(averageRanks([5, 5]))).toEqual([1.5, 1.5]);
    // a = (1,2,2,3) → ranks (1, 2.5, 2.5, 4); b = (1,2,3,4) → (1,2,3,4)
    // centred: (−1.5, 0, 0, 1.5)·(−1.5, −0.5, 0.5, 1.5) = 4.5; |a|² = 4.5, |b|² = 5 ⇒ ρ = 4.5/√22.5 = 3/√10
    expect(spearmanCorrelation([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(3 / Math.sqrt(10), 14);
    expect(spearmanCorrelation([1, 1, 1], [1, 2, 3])).toBeNaN();
  });

  it("equals the Pearson correlation of independently computed ranks on random data with ties", () => {
    const s = randomStream(key(11));
    const n = 200;
    const a = Array.from({ length: n }, () => Math.floor(20 * s.nextDouble())); // many ties
    const b = a.map((x) => x + Math.floor(15 * s.nextDouble()));
    // brute-force mid-ranks: rank(x) = #{y < x} + (#{y = x} + 1)/2
    const rank = (xs: number[]): number[] => xs.map((x) => xs.filter((y) => y < x).length + (xs.filter((y) => y === x).length + 1) / 2);
    expect(spearmanCorrelation(a, b)).toBeCloseTo(pearsonCorrelation(rank(a), rank(b)), 13);
    expect(spearmanCorrelation(a, b)).toBeGreaterThan(0.5);
  });

  it("rejects mismatched lengths, short and non-finite input", () => {
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
        return undefined;
      } catch (e) {
        return ParabolicError.is(e) ? e.code : "other";
      }
    };
    expect(codeOf(() => spearmanCorrelation([1, 2], [1, 2, 3]))).toBe("SHAPE_MISMATCH");
    expect(codeOf(() => spearmanCorrelation([1], [1]))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => spearmanCorrelation([1, Number.NaN], [1, 2]))).toBe("INVALID_ARGUMENT");
  });
});
