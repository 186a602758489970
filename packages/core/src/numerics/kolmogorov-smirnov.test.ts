import { describe, expect, it } from "vitest";
import { ParabolicError } from "../errors.js";
import { key } from "../key.js";
import { randomStream } from "../random-stream.js";
import {
  durbinCdf,
  kolmogorovSmirnovSf,
  ksTest,
  ksTwoSample,
  pelzGoodCdf,
  smirnovSf,
} from "./kolmogorov-smirnov.js";
import { logGamma } from "./log-gamma.js";

/** Kolmogorov's limiting law P(√n·D ≤ z) = 1 − 2Σ(−1)^{k−1} e^{−2k²z²}. */
const kolmogorovLimitCdf = (z: number): number => {
  let s = 0;
  for (let k = 1; k < 100; k++) s += (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * z * z);
  return 1 - 2 * s;
};

describe("Kolmogorov distribution (one-sample p-values)", () => {
  it("reproduces Marsaglia–Tsang–Wang's published value K(10, 0.274) = 0.6284796154565043", () => {
    expect(Math.abs(durbinCdf(10, 0.274) - 0.6284796154565043)).toBeLessThan(1e-15);
    expect(Math.abs(1 - kolmogorovSmirnovSf(10, 0.274) - 0.6284796154565043)).toBeLessThan(1e-15);
  });

  it("Durbin matrix matches the Ruben–Gambino closed forms at both ends", () => {
    for (const n of [3, 10, 57, 140]) {
      for (const t of [0.55, 0.7, 0.95]) {
        // 1/(2n) < d ≤ 1/n:  P(Dₙ < d) = n!/nⁿ (2nd − 1)ⁿ
        const exact = Math.exp(logGamma(n + 1) - n * Math.log(n) + n * Math.log(2 * t - 1));
        expect(Math.abs(durbinCdf(n, t / n) - exact)).toBeLessThan(1e-14);
      }
    }
    for (const n of [2, 5, 12]) {
      for (const d of [1 - 0.9 / n, 1 - 0.3 / n]) {
        // d ≥ 1 − 1/n:  P(Dₙ ≥ d) = 2(1 − d)ⁿ
        expect(Math.abs(1 - durbinCdf(n, d) - 2 * (1 - d) ** n)).toBeLessThan(1e-13);
      }
    }
  });

  it("exact one-sided Birnbaum–Tingey doubled equals the two-sided law for d ≥ ½ (Durbin oracle)", () => {
    for (const n of [4, 9, 30]) {
      for (const d of [0.5, 0.6, 0.77]) {
        expect(Math.abs(2 * smirnovSf(n, d) - (1 - durbinCdf(n, d)))).toBeLessThan(1e-13);
      }
    }
    // n = 1: P(D₁⁺ ≥ d) = 1 − d
    expect(smirnovSf(1, 0.3)).toBeCloseTo(0.7, 15);
  });

  it("Pelz–Good agrees with the exact Durbin value where both apply (n = 200 … 4000)", () => {
    for (const n of [200, 1000, 4000]) {
      for (const z of [0.5, 0.8, 1.0, 1.2, 1.36]) {
        const d = z / Math.sqrt(n);
        expect(Math.abs(pelzGoodCdf(n, d) - durbinCdf(n, d))).toBeLessThan(2e-5);
      }
    }
  });

  it("approaches Kolmogorov's limit with the expected O(1/√n) gap and reproduces the 5 % and 1 % critical values", () => {
    const n = 1e6;
    for (const z of [0.6, 1.0, 1.3581, 1.6276]) {
      expect(Math.abs(1 - kolmogorovSmirnovSf(n, z / Math.sqrt(n)) - kolmogorovLimitCdf(z))).toBeLessThan(1e-3);
    }
    expect(kolmogorovLimitCdf(1.3580986393225505)).toBeCloseTo(0.95, 12);
    expect(kolmogorovSmirnovSf(1e6, 1.3581 / 1000)).toBeCloseTo(0.05, 3);
    expect(kolmogorovSmirnovSf(1e6, 1.6276 / 1000)).toBeCloseTo(0.01, 3);
  });

  it("is continuous across the method switch-overs", () => {
    for (const n of [140, 141, 5000, 100_000, 100_001]) {
      let prev = 1;
      for (let z = 0.2; z < 3.2; z += 0.02) {
        const p = kolmogorovSmirnovSf(n, z / Math.sqrt(n));
        expect(p).toBeLessThanOrEqual(prev + 1e-5);
        expect(prev - p).toBeLessThan(0.05);
        prev = p;
      }
    }
  });

  it("gives uniform p-values under the null (400 tests of n = 50 uniforms; KS of the p-values, 1 % level)", () => {
    const s = randomStream(key(11));
    const ps = new Float64Array(400);
    for (let r = 0; r < ps.length; r++) {
      const xs = new Float64Array(50);
      for (let i = 0; i < xs.length; i++) xs[i] = s.nextDouble();
      ps[r] = ksTest(xs, (x) => Math.min(1, Math.max(0, x))).pValue;
    }
    expect(ksTest(ps, (p) => Math.min(1, Math.max(0, p))).pValue).toBeGreaterThan(0.01);
  });

  it("detects a wrong distribution and validates its inputs", () => {
    const s = randomStream(key(12));
    const xs = Float64Array.from({ length: 2000 }, () => s.nextDouble() ** 1.1);
    expect(ksTest(xs, (x) => x).pValue).toBeLessThan(1e-3);
    expect(() => ksTest([], (x) => x)).toThrowError(/at least one element/);
    try {
      ksTest([0.1, Number.NaN], (x) => x);
      expect.unreachable();
    } catch (e) {
      expect(ParabolicError.is(e, "NON_FINITE")).toBe(true);
      expect((e as ParabolicError).details.index).toBe(1);
    }
    expect(() => ksTest([0.5], () => 2)).toThrowError(/'cdf' must return a probability/);
    expect(() => kolmogorovSmirnovSf(0, 0.1)).toThrowError(/'n' must be a positive integer/);
    expect(() => kolmogorovSmirnovSf(10, Number.NaN)).toThrowError(/'d' must be a number/);
  });
});

describe("ksTwoSample", () => {
  it("matches brute-force enumeration of all C(n+m, n) orderings (n = 4, m = 6)", () => {
    const n = 4;
    const m = 6;
    // all subsets of size n of {0..n+m−1}: positions of sample a in the merged order
    const stats: number[] = [];
    for (let mask = 0; mask < 1 << (n + m); mask++) {
      let bits = 0;
      for (let t = mask; t; t >>= 1) bits += t & 1;
      if (bits !== n) continue;
      let i = 0;
      let j = 0;
      let d = 0;
      for (let k = 0; k < n + m; k++) {
        if (mask & (1 << k)) i++;
        else j++;
        d = Math.max(d, Math.abs(i * m - j * n));
      }
      stats.push(d);
    }
    for (const dObs of new Set(stats)) {
      const exact = stats.filter((d) => d >= dObs).length / stats.length;
      // build samples whose merged order realises a path with statistic dObs
      const mask = [...Array(1 << (n + m)).keys()].find((msk) => {
        let bits = 0;
        for (let t = msk; t; t >>= 1) bits += t & 1;
        if (bits !== n) return false;
        let i = 0;
        let j = 0;
        let d = 0;
        for (let k = 0; k < n + m; k++) {
          if (msk & (1 << k)) i++;
          else j++;
          d = Math.max(d, Math.abs(i * m - j * n));
        }
        return d === dObs;
      })!;
      const a: number[] = [];
      const b: number[] = [];
      for (let k = 0; k < n + m; k++) (mask & (1 << k) ? a : b).push(k);
      const r = ksTwoSample(a, b, { method: "exact" });
      expect(r.statistic).toBeCloseTo(dObs / (n * m), 15);
      expect(Math.abs(r.pValue - exact)).toBeLessThan(1e-14);
    }
  });

  it("gives uniform p-values under the null and agrees with the asymptotic form for large samples", () => {
    const s = randomStream(key(13));
    const ps = new Float64Array(300);
    for (let r = 0; r < ps.length; r++) {
      const a = Float64Array.from({ length: 40 }, () => s.nextDouble());
      const b = Float64Array.from({ length: 60 }, () => s.nextDouble());
      ps[r] = ksTwoSample(a, b).pValue;
    }
    // the exact two-sample law is discrete, so check P(p ≤ α) ≤ α (+ binomial noise) instead of uniformity
    for (const alpha of [0.05, 0.2, 0.5]) {
      const frac = ps.filter((p) => p <= alpha).length / ps.length;
      expect(frac).toBeLessThan(alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / ps.length));
      expect(frac).toBeGreaterThan(alpha - 3 * Math.sqrt((alpha * (1 - alpha)) / ps.length) - 0.03);
    }
    const a = Float64Array.from({ length: 3000 }, () => s.nextDouble());
    const b = Float64Array.from({ length: 3000 }, () => s.nextDouble() * 1.03);
    const exact = ksTwoSample(a, b, { method: "exact" });
    const asym = ksTwoSample(a, b, { method: "asymptotic" });
    expect(exact.statistic).toBe(asym.statistic);
    expect(Math.abs(exact.pValue - asym.pValue)).toBeLessThan(0.01 + 0.05 * exact.pValue);
  });

  it("handles ties and rejects bad input", () => {
    const r = ksTwoSample([1, 1, 2, 2], [1, 1, 2, 2]);
    expect(r.statistic).toBe(0);
    expect(r.pValue).toBe(1);
    expect(() => ksTwoSample([1], [], {})).toThrowError(/'b' must have at least one element/);
    expect(() => ksTwoSample([1], [2], { method: "fast" as never })).toThrowError(ParabolicError);
  });
});
