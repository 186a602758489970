import { key, ParabolicError } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { gaussianMixture } from "./gaussian-mixture.js";
import { sparseDenseMixture } from "./mixture-presets.js";
import { assignModes, lowDensityQueries, lowDensitySubset, modeProportionKl, modeProportions } from "./mode-statistics.js";
import { twoMoons } from "./two-moons.js";
import { pinwheel } from "./pinwheel.js";

describe("mode statistics", () => {
  it("assignModes recovers the generating component of well-separated samples", () => {
    const p = sparseDenseMixture();
    const { points, components } = p.sampleWithComponents(key(1), 5000);
    const modes = assignModes(p, points);
    let agree = 0;
    for (let i = 0; i < 5000; i++) if (modes[i] === components[i]) agree++;
    expect(agree).toBe(5000); // the modes are > 14σ apart
    expect(Array.from(assignModes(p, [0.1, 0, 4, 3.2, Number.NaN, 0]))).toEqual([0, 1, -1]);
  });

  it("assignModes uses the posterior (weights), not Euclidean distance", () => {
    // N((−1,0), 0.1 I) with weight 0.9 vs N((1,0), 0.1 I) with weight 0.1; x = (0.05, 0) is nearer the second mean,
    // but log-posterior odds = log 9 − (1.05² − 0.95²)/0.2 = 2.197 − 1 > 0 favour the first.
    const p = gaussianMixture({ weights: [0.9, 0.1], means: [[-1, 0], [1, 0]], scales: Math.sqrt(0.1) });
    expect(Array.from(assignModes(p, [0.05, 0, 0.3, 0]))).toEqual([0, 1]);
  });

  it("modeProportions of exact samples match the weights within 4 standard errors; KL ≈ (K−1)/2n", () => {
    const p = sparseDenseMixture();
    const n = 20_000;
    const x = p.sample(key(2), n);
    const props = modeProportions(p, x);
    for (let k = 0; k < 3; k++) {
      const w = p.weights[k]!;
      expect(Math.abs(props[k]! - w)).toBeLessThan(4 * Math.sqrt((w * (1 - w)) / n));
    }
    const kl = modeProportionKl(p, x);
    expect(kl).toBeGreaterThanOrEqual(0);
    expect(kl).toBeLessThan(10 * (2 / (2 * n))); // E[KL] ≈ (K−1)/(2n) = 5e-5
  });

  it("modeProportionKl equals Σ w log(w/q) on a constructed set, and is ∞ for a missing mode", () => {
    const p = sparseDenseMixture();
    const pts: number[] = [];
    for (let i = 0; i < 50; i++) pts.push(0, 0);
    for (let i = 0; i < 30; i++) pts.push(4, 3);
    for (let i = 0; i < 20; i++) pts.push(-4, 3);
    const expected = 0.7 * Math.log(0.7 / 0.5) + 0.2 * Math.log(0.2 / 0.3) + 0.1 * Math.log(0.1 / 0.2);
    expect(modeProportionKl(p, pts)).toBeCloseTo(expected, 14);
    const missing = pts.slice(0, 160); // only modes 0 and 1
    expect(modeProportionKl(p, missing)).toBe(Infinity);
    const smoothed = modeProportionKl(p, missing, { pseudoCount: 0.5 });
    const q = [50.5 / 81.5, 30.5 / 81.5, 0.5 / 81.5];
    expect(smoothed).toBeCloseTo(0.7 * Math.log(0.7 / q[0]!) + 0.2 * Math.log(0.2 / q[1]!) + 0.1 * Math.log(0.1 / q[2]!), 12);
    expect(() => modeProportionKl(p, pts, { pseudoCount: -1 })).toThrow(/pseudoCount/);
  });

  it("lowDensitySubset returns exactly the lowest ⌈qn⌉ log-densities, sorted", () => {
    const p = sparseDenseMixture();
    const x = p.sample(key(3), 1000);
    const lp = p.logDensity(x);
    const low = lowDensitySubset(x, lp, { dim: 2, quantile: 0.1 });
    expect(low.points.length).toBe(200);
    const sorted = Array.from(lp).sort((a, b) => a - b);
    expect(Array.from(low.logDensities)).toEqual(sorted.slice(0, 100));
    expect(low.threshold).toBe(sorted[99]);
    // the returned points really have those log-densities
    expect(Array.from(p.logDensity(low.points))).toEqual(Array.from(low.logDensities));
    expect(() => lowDensitySubset(x, lp.subarray(1), { dim: 2, quantile: 0.1 })).toThrow(/logDensities/);
    expect(() => lowDensitySubset(x, lp, { dim: 2, quantile: 0 })).toThrow(/quantile/);
  });

  it("lowDensityQueries draws count/q samples and keeps the count lowest, deterministically", () => {
    const p = sparseDenseMixture();
    const a = lowDensityQueries(key(4), p, { count: 250, quantile: 0.05 });
    const b = lowDensityQueries(key(4), p, { count: 250, quantile: 0.05 });
    expect(a.points.length).toBe(500);
    expect(Array.from(a.points)).toEqual(Array.from(b.points));
    // The threshold is the 250th smallest log p of 5000 draws, i.e. F(threshold) is a Beta(250, 4751) order
    // statistic with mean 0.05 and sd √(0.05·0.95/5000) = 0.0031. Compare with an independent large sample:
    // F(threshold) must lie within 4 sd (plus the large sample's own 1e-3 noise) of 0.05.
    const m = 100_000;
    const big = p.logDensity(p.sample(key(5), m)).sort();
    const sd = Math.sqrt((0.05 * 0.95) / 5000);
    const lower = big[Math.floor((0.05 - 4 * sd - 1e-3) * m)]!;
    const upper = big[Math.ceil((0.05 + 4 * sd + 1e-3) * m)]!;
    expect(a.threshold).toBeGreaterThan(lower);
    expect(a.threshold).toBeLessThan(upper);
    // negative control: the 10 % quantile of log p lies outside that band
    expect(big[Math.floor(0.1 * m)]!).toBeGreaterThan(upper);
    expect(lowDensityQueries(key(6), twoMoons(), { count: 10, quantile: 0.5 }).points.length).toBe(20);
    let err: unknown;
    try {
      lowDensityQueries(key(7), pinwheel(), { count: 10, quantile: 0.1 });
    } catch (e) {
      err = e;
    }
    expect(ParabolicError.is(err, "INVALID_ARGUMENT")).toBe(true);
  });
});
