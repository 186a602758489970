import { key, ksTest, normalCdf, split } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { project, projectedMixtureCdf } from "../test/helpers.js";
import type { GaussianMixture } from "./gaussian-mixture.js";
import { anisotropicMixture, eightGaussians, gridMixture, hhdReferenceMixture, ringMixture, sbtmBimodal, sparseDenseMixture } from "./mixture-presets.js";

describe("mixture presets", () => {
  it("have the documented parameters", () => {
    const sd = sparseDenseMixture();
    expect(Array.from(sd.weights)).toEqual([0.7, 0.2, 0.1].map((w) => w / (0.7 + 0.2 + 0.1)));
    expect(Array.from(sd.means)).toEqual([0, 0, 4, 3, -4, 3]);
    expect(Array.from(sd.isotropicVariances)).toEqual([0.35 ** 2, 0.35 ** 2, 0.35 ** 2]);
    const an = anisotropicMixture();
    // component 0: R(45°) diag(1, 0.04) R(45°)ᵀ = [[0.52, 0.48], [0.48, 0.52]]
    expect(an.covariances[0]).toBeCloseTo(0.52, 14);
    expect(an.covariances[1]).toBeCloseTo(0.48, 14);
    expect(an.isotropicVariances.every((v) => Number.isNaN(v))).toBe(true);
    const ref = hhdReferenceMixture();
    expect(Array.from(ref.weights)).toEqual([0.4, 0.35, 0.25].map((w) => w / (0.4 + 0.35 + 0.25)));
    expect(Array.from(ref.means)).toEqual([-1.5, 0, 1.5, 0.6, 0.2, -1.8]);
    expect(Array.from(ref.covariances)).toEqual([0.3, 0.12, 0.12, 0.2, 0.2, -0.08, -0.08, 0.35, 0.25, 0, 0, 0.15]);
    const e8 = eightGaussians();
    for (let k = 0; k < 8; k++) expect(Math.hypot(e8.means[2 * k]!, e8.means[2 * k + 1]!)).toBeCloseTo(2 * Math.SQRT2, 14);
    const grid = gridMixture();
    expect(grid.componentCount).toBe(16);
    expect(new Set(Array.from(grid.means)).size).toBe(4);
    expect(ringMixture().componentCount).toBe(128);
    expect(() => ringMixture({ components: 2 })).toThrow(/at least 3/);
    expect(() => sbtmBimodal({ leftWeight: 1 })).toThrow(/leftWeight/);
  });

  it("every preset samples its own law (KS on both axes and a diagonal; family-wise 1%, Bonferroni)", () => {
    const presets: [string, GaussianMixture][] = [
      ["sparse-dense", sparseDenseMixture()],
      ["anisotropic", anisotropicMixture()],
      ["eight-gaussians", eightGaussians()],
      ["grid", gridMixture()],
      ["grid far", gridMixture({ levels: [-15, -5, 5, 15] })],
      ["ring", ringMixture()],
    ];
    const results: { label: string; pValue: number }[] = [];
    presets.forEach(([name, p], i) => {
      const x = p.sample(key(300 + i), 10_000);
      for (const u of [[1, 0], [0, 1], [Math.SQRT1_2, -Math.SQRT1_2]]) {
        results.push({ label: `${name} ${u.join(",")}`, pValue: ksTest(project(x, 2, u), projectedMixtureCdf(p, u)).pValue });
      }
    });
    for (const { label, pValue } of results) expect(pValue, label).toBeGreaterThan(0.01 / results.length);
  });

  it("ring: the 128-component mixture equals the continuous ring to ≤ 2e-7 relative within 3σ of the circle", () => {
    const R = 2.5;
    const s = 0.12;
    const ring = ringMixture();
    // continuous ring density (1/2π)∫N(x; R u(θ), s²I)dθ by the periodic trapezoid rule (spectrally accurate)
    const continuous = (x: number, y: number): number => {
      const m = 20_000;
      let acc = 0;
      for (let j = 0; j < m; j++) {
        const t = (2 * Math.PI * j) / m;
        const dx = x - R * Math.cos(t);
        const dy = y - R * Math.sin(t);
        acc += Math.exp(-(dx * dx + dy * dy) / (2 * s * s));
      }
      return acc / m / (2 * Math.PI * s * s);
    };
    let worst = 0;
    for (let i = 0; i < 40; i++) {
      const angle = 0.1234 + (2 * Math.PI * i) / 40 + 0.013 * i;
      const r = R + s * (-3 + (6 * i) / 39);
      const x = r * Math.cos(angle);
      const y = r * Math.sin(angle);
      const a = Math.exp(ring.logDensity([x, y])[0]!);
      worst = Math.max(worst, Math.abs(a / continuous(x, y) - 1));
    }
    expect(worst).toBeLessThan(2e-7);
    // and the coarse 64-component ring is visibly rippled (the component count matters)
    const coarse = ringMixture({ components: 64 });
    const between = Math.PI / 64; // halfway between two means
    const onMean = Math.exp(coarse.logDensity([R, 0])[0]!);
    const offMean = Math.exp(coarse.logDensity([R * Math.cos(between), R * Math.sin(between)])[0]!);
    expect(Math.abs(onMean / offMean - 1)).toBeGreaterThan(1e-2);
  });

  it("ring: sample angles are uniform (KS 1%)", () => {
    const x = ringMixture().sample(key(9), 20_000);
    const angles = new Float64Array(20_000);
    for (let i = 0; i < 20_000; i++) angles[i] = Math.atan2(x[2 * i + 1]!, x[2 * i]!);
    expect(ksTest(angles, (a) => (a + Math.PI) / (2 * Math.PI)).pValue).toBeGreaterThan(0.01);
  });

  it("SBTM bimodal mixtures: exact left mass and samples (spec O5: 0.26137 and 0.25002)", () => {
    const [k1, k2] = split(key(12), 2) as [never, never];
    for (const [a, expected, k] of [[2, 0.26137, k1], [4, 0.25002, k2]] as const) {
      const p = sbtmBimodal({ offset: a });
      const cdf = projectedMixtureCdf(p, [1]);
      expect(Math.abs(cdf(0) - expected)).toBeLessThan(1e-5);
      expect(cdf(0)).toBeCloseTo(0.25 * normalCdf(a) + 0.75 * normalCdf(-a), 15);
      const x = p.sample(k, 20_000);
      const left = x.filter((v) => v < 0).length / 20_000;
      expect(Math.abs(left - cdf(0))).toBeLessThan(4 * Math.sqrt((cdf(0) * (1 - cdf(0))) / 20_000));
      expect(ksTest(x, cdf).pValue).toBeGreaterThan(0.005);
      // the mirrored mixture
      expect(Math.abs(projectedMixtureCdf(sbtmBimodal({ offset: a, leftWeight: 0.75 }), [1])(0) - (1 - expected))).toBeLessThan(1e-5);
    }
  });
});
