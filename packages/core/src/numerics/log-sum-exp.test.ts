import { describe, expect, it } from "vitest";
import { ParabolicError } from "../errors.js";
import { effectiveSampleSize, logMeanExp, logSumExp, softmaxWeights } from "./log-sum-exp.js";

describe("logSumExp / logMeanExp", () => {
  it("matches the naive formula where that is safe", () => {
    const v = [-3.2, 0.1, 2.5, 1.25, -0.7];
    const naive = Math.log(v.reduce((s, x) => s + Math.exp(x), 0));
    expect(Math.abs(logSumExp(v) - naive)).toBeLessThan(1e-15);
    expect(Math.abs(logMeanExp(v) - (naive - Math.log(5)))).toBeLessThan(1e-15);
  });

  it("does not overflow or underflow at ±1e4 (exact answers c + log n)", () => {
    for (const c of [1e4, -1e4, 7e300, -7e300]) {
      const v = new Float64Array(1000).fill(c);
      expect(logSumExp(v)).toBe(c + Math.log(1000));
      expect(logMeanExp(v)).toBe(c + Math.log(1000) - Math.log(1000));
    }
    expect(logSumExp([1e4, 1e4 - Math.log(3)])).toBeCloseTo(1e4 + Math.log(4 / 3), 10);
  });

  it("is shift-equivariant: logSumExp(v + c) = logSumExp(v) + c", () => {
    const v = Float64Array.from({ length: 257 }, (_, i) => Math.sin(i) * 30);
    for (const c of [-5e3, 1e3, 2e4]) {
      expect(Math.abs(logSumExp(v.map((x) => x + c)) - (logSumExp(v) + c))).toBeLessThan(1e-11 * Math.abs(c));
    }
  });

  it("handles −∞, +∞, NaN and empty input", () => {
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(logSumExp([-Infinity, 0])).toBe(0);
    expect(logSumExp([1, Infinity])).toBe(Infinity);
    expect(logSumExp([1, Number.NaN])).toBeNaN();
    expect(() => logMeanExp([])).toThrowError(/'values' must have at least one element/);
  });
});

describe("softmaxWeights / effectiveSampleSize", () => {
  it("softmax sums to one and equals exp/Σexp", () => {
    const l = [0, Math.log(3)];
    const w = softmaxWeights(l);
    expect(w[0]).toBeCloseTo(0.25, 15);
    expect(w[1]).toBeCloseTo(0.75, 15);
    const big = Float64Array.from({ length: 100 }, (_, i) => 1e5 + i / 10);
    const wb = softmaxWeights(big);
    let s = 0;
    for (const x of wb) s += x;
    expect(Math.abs(s - 1)).toBeLessThan(1e-14);
    expect(Math.abs(wb[99]! / wb[0]! / Math.exp(big[99]! - big[0]!) - 1)).toBeLessThan(1e-14);
  });

  it("Kish ESS equals (Σw)²/Σw² and is shift-invariant", () => {
    expect(effectiveSampleSize([0, 0, 0, 0])).toBeCloseTo(4, 14);
    expect(effectiveSampleSize([0, -Infinity, -1e300])).toBe(1);
    const l = [0.3, -1.2, 2.2, 0.9, -0.4];
    const w = l.map(Math.exp);
    const direct = w.reduce((a, b) => a + b) ** 2 / w.reduce((a, b) => a + b * b, 0);
    expect(effectiveSampleSize(l)).toBeCloseTo(direct, 13);
    expect(effectiveSampleSize(l.map((x) => x - 5e4))).toBeCloseTo(direct, 9);
    expect(effectiveSampleSize(l.map((x) => x + 5e4))).toBeCloseTo(direct, 9);
  });

  it("rejects NaN, +∞, empty and all −∞ log-weights with codes", () => {
    const codeOf = (run: () => unknown): string | undefined => {
      try {
        run();
      } catch (e) {
        return ParabolicError.is(e) ? e.code : "other";
      }
      return undefined;
    };
    expect(codeOf(() => softmaxWeights([0, Number.NaN]))).toBe("NON_FINITE");
    expect(codeOf(() => effectiveSampleSize([Infinity]))).toBe("NON_FINITE");
    expect(codeOf(() => effectiveSampleSize([]))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => softmaxWeights([-Infinity]))).toBe("INVALID_ARGUMENT");
  });
});
