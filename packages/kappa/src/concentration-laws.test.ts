import { foldIn, integrate, key, ksTest, runningMoments } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { kappaConcentration, kappaLaws, kappaLawStatistics } from "./concentration-laws.js";
import { kappaConstants } from "./kappa-constants.js";
import { sampleKappa } from "./sample-kappa.js";
import { sigmaMarginal } from "./testing/quadrature.js";

// The KS tests of the exact laws against samples are in sample-kappa.test.ts (d = 1, 2, 16, 256, 4096).
describe("kappaLaws", () => {
  it.each([1, 16, 4096])("each reference density integrates to its CDF (d = %i)", (d) => {
    for (const law of kappaLaws(d)) {
      const lo = Number.isFinite(law.support[0]) ? law.support[0] : -8;
      const probes = law.id === "twoA" || law.id === "timeLog" ? [0.7 * d, d, 1.2 * d + 10] : [0.2, 0.9, 2.5];
      for (const x of probes) {
        const { value } = integrate(law.density, lo, x, { relativeTolerance: 1e-11 });
        expect(value).toBeCloseTo(law.cdf(x) - law.cdf(lo), 9);
      }
    }
  });

  it("marks the five exact laws and the two limits", () => {
    expect(kappaLaws(3).filter((l) => l.exact).map((l) => l.id)).toEqual(["twoW", "twoA", "timeLog", "heatRadius", "radial"]);
    expect(kappaLaws(3).filter((l) => !l.exact).map((l) => l.id)).toEqual(["timeNormal", "radialDeficit"]);
  });

  it("the d → ∞ limits hold approximately at d = 4096 and fail at d = 2 (KS distance)", () => {
    for (const [d, bound] of [[2, 0.3], [4096, 0.05]] as const) {
      const s = sampleKappa(foldIn(key(11), d), { dim: d, count: 3000 });
      const stats = kappaLawStatistics(s);
      const law = kappaLaws(d).find((l) => l.id === "radialDeficit")!;
      const { statistic } = ksTest(stats.radialDeficit, law.cdf);
      if (d === 2) expect(statistic).toBeGreaterThan(bound);
      else expect(statistic).toBeLessThan(bound);
    }
  });

  it("validates its inputs", () => {
    expect(() => kappaLaws(0)).toThrowError(/kappaLaws: 'dim' must be a positive integer/);
    expect(() => kappaLawStatistics({ dim: 2 } as never)).toThrowError(/kappaLawStatistics: 'samples' must be KappaSamples/);
  });
});

describe("kappaConcentration", () => {
  it.each([1, 2, 16, 256, 4096, 65536])("4πς: mean = 4π·E_κ[ς]; mean and sd match quadrature of κ's ς-marginal (d = %i)", (d) => {
    const c = kappaConcentration(d).fourPiSigma;
    expect(c.mean / (4 * Math.PI * kappaConstants(d).meanSigma)).toBeCloseTo(1, 13);
    const m = sigmaMarginal("kappa", d);
    const [lo, hi] = m.support;
    const moment = (k: number): number =>
      integrate((mu) => Math.exp((-2 * k * mu) / d) * m.densityMu(mu), lo, hi, { relativeTolerance: 1e-12 }).value;
    const m1 = moment(1);
    const m2 = moment(2);
    expect(Math.abs(m1 / c.mean - 1)).toBeLessThan(1e-9);
    expect(Math.abs(Math.sqrt(m2 - m1 * m1) / c.sd - 1)).toBeLessThan(1e-7);
  });

  it.each([2, 16, 256, 4096])("|ζ|²/d: mean = m₂, and mean and sd agree with Monte Carlo within 4 SE (d = %i)", (d) => {
    const c = kappaConcentration(d).zetaSquaredOverDim;
    expect(c.mean / kappaConstants(d).m2).toBeCloseTo(1, 12);
    const n = d <= 256 ? 20_000 : 4000;
    const s = sampleKappa(foldIn(key(12), d), { dim: d, count: n });
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let q = 0;
      for (let j = 0; j < d; j++) q += s.zeta[i * d + j]! ** 2;
      x[i] = q / d;
    }
    const mx = runningMoments();
    mx.pushAll(x);
    expect(Math.abs(mx.mean - c.mean)).toBeLessThan(4 * mx.standardError);
    // SE of the sample variance: √((μ₄ − σ⁴)/n), μ₄ estimated from the sample
    const dev = runningMoments();
    for (let i = 0; i < n; i++) dev.push((x[i]! - mx.mean) ** 2);
    expect(Math.abs(mx.variance - c.sd * c.sd)).toBeLessThan(4 * dev.standardError);
  });

  it("the spreads approach their predicted rates e^{−1}√(2/d) and √6/(2πe·d)", () => {
    const c = kappaConcentration(65536);
    expect(Math.abs(c.fourPiSigma.sd / c.fourPiSigma.asymptoticSd - 1)).toBeLessThan(1e-3);
    expect(Math.abs(c.zetaSquaredOverDim.sd / c.zetaSquaredOverDim.asymptoticSd - 1)).toBeLessThan(1e-2);
    expect(Math.abs(c.fourPiSigma.mean / c.fourPiSigma.limit - 1)).toBeLessThan(1e-4);
  });
});
