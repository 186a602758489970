import { chiSquareCdf, foldIn, key, ksTest } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { sampleDrift } from "../sample-drift.js";
import { sampleKappa } from "../sample-kappa.js";
import { heatBallCoordinates, radialConditionalCdf, sigmaMarginal } from "./quadrature.js";

// The oracles themselves: for κ, Theorem K (derived independently) gives closed forms that the quadrature of the
// definition must reproduce: −d log(4πς) = 2μ ~ χ²_{d+4}, and t^{(d+2)/2} ~ U(0, 1) given ς.
describe("quadrature oracles", () => {
  it.each([1, 2, 16, 256, 4096])("κ's ς-marginal by quadrature equals the χ²_{d+4} law of 2μ (d = %i)", (d) => {
    const m = sigmaMarginal("kappa", d);
    const [lo, hi] = m.support;
    let maxError = 0;
    for (let i = 1; i < 400; i++) {
      const mu = lo + ((hi - lo) * i) / 400;
      maxError = Math.max(maxError, Math.abs(m.cdfMu(mu) - chiSquareCdf(2 * mu, d + 4)));
    }
    // interpolation error of the tabulated CDF; largest at d ≤ 2 where the density ~ μ^{d/2+1} near 0
    expect(maxError).toBeLessThan(1e-7);
  });

  it.each([1, 3, 64, 4096])("κ's radial conditional CDF by quadrature equals t^{(d+2)/2} (d = %i)", (d) => {
    const F = radialConditionalCdf("kappa", d);
    for (const mu of [0.3, d / 2, 2 * d + 5]) {
      for (const t of [0.01, 0.5, 0.9, 0.999]) expect(F(t, mu)).toBeCloseTo(t ** ((d + 2) / 2), 8);
    }
  });

  it("distinguishes the measures: D samples are rejected by κ's marginal, κ samples by D's radial law", () => {
    const d = 16;
    const drift = sampleDrift(foldIn(key(5), d), { dim: d, count: 2000 });
    expect(ksTest(drift.sigma, sigmaMarginal("kappa", d).cdfSigma).pValue).toBeLessThan(1e-6);
    const kappa = sampleKappa(foldIn(key(6), d), { dim: d, count: 1000 });
    const { mu, t } = heatBallCoordinates(kappa);
    const F = radialConditionalCdf("drift", d);
    const u = Float64Array.from(t, (ti, i) => F(ti, mu[i]!));
    expect(ksTest(u, (x) => x).pValue).toBeLessThan(1e-6);
  });

  it("rejects an unknown measure", () => {
    expect(() => sigmaMarginal("gauss" as never, 2)).toThrowError(/'measure' must be "kappa", "nu" or "drift"/);
  });
});
