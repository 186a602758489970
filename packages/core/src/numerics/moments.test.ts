import { describe, expect, it } from "vitest";
import { ParabolicError } from "../errors.js";
import { mean, pearsonCorrelation, runningMoments, variance } from "./moments.js";

describe("runningMoments / mean / variance", () => {
  it("is exact on data with a huge offset (mean c, variance 2/3·n/(n−1))", () => {
    const c = 1e9;
    const xs: number[] = [];
    for (let i = 0; i < 3000; i++) xs.push(c - 1, c, c + 1);
    const m = runningMoments();
    m.pushAll(xs);
    const n = xs.length;
    const exactVar = ((2 / 3) * n) / (n - 1);
    expect(m.count).toBe(n);
    expect(m.mean).toBe(c);
    expect(Math.abs(m.variance - exactVar)).toBeLessThan(1e-9);
    expect(Math.abs(m.standardError - Math.sqrt(exactVar / n))).toBeLessThan(1e-12);
    expect(mean(xs)).toBe(c);
    expect(Math.abs(variance(xs) - exactVar)).toBeLessThan(1e-12);
  });

  it("agrees with the textbook formulas on small data", () => {
    const xs = [1, 2, 3, 4];
    const m = runningMoments();
    for (const x of xs) m.push(x);
    expect(m.mean).toBe(2.5);
    expect(m.variance).toBeCloseTo(5 / 3, 15);
    expect(variance(xs)).toBeCloseTo(5 / 3, 15);
  });

  it("reports NaN before enough data and throws for empty inputs", () => {
    const m = runningMoments();
    expect(m.mean).toBeNaN();
    m.push(1);
    expect(m.variance).toBeNaN();
    expect(m.standardError).toBeNaN();
    expect(() => mean([])).toThrowError(ParabolicError);
    expect(() => variance([1])).toThrowError(/at least two/);
  });
});

describe("pearsonCorrelation", () => {
  it("is ±1 for exact linear relations and 1/2 for a hand-computed case", () => {
    const a = [1, 2, 3, 4, 5];
    expect(pearsonCorrelation(a, a.map((x) => 3 * x - 7))).toBeCloseTo(1, 15);
    expect(pearsonCorrelation(a, a.map((x) => -2 * x + 1e6))).toBeCloseTo(-1, 15);
    // a = (1,2,3), b = (1,3,2): centred (−1,0,1)·(−1,1,0) = 1, norms √2·√2 = 2
    expect(pearsonCorrelation([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 15);
    expect(pearsonCorrelation([1, 1, 1], [1, 2, 3])).toBeNaN();
  });

  it("rejects mismatched lengths with SHAPE_MISMATCH", () => {
    try {
      pearsonCorrelation([1, 2], [1, 2, 3]);
      expect.unreachable();
    } catch (e) {
      expect(ParabolicError.is(e, "SHAPE_MISMATCH")).toBe(true);
    }
  });
});
