import { foldIn, key, ksTest, pearsonCorrelation, randomStream, runningMoments } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { allocateKappaSamples } from "./kappa-samples.js";
import { fillNu, sampleNu } from "./sample-nu.js";
import { heatBallCoordinates, radialConditionalCdf, sigmaMarginal } from "./testing/quadrature.js";
import { kappaConstants } from "./kappa-constants.js";

// ν = k/E_κ[ς], k = Φ − 1 − log Φ, verified against its density: (1) the ς-marginal against a CDF from quadrature
// of k over the ball, (2) the joint law through the Rosenblatt transform F(t | ς) of the radial coordinate
// t = |ζ|²/R(ς)², also from quadrature of k. Seeded; each KS test at the 1 % level.
const LEVEL = 0.01;
const root = key(31_415);
const sizeFor = (d: number): number => (d <= 16 ? 20_000 : d <= 256 ? 8_000 : 3_000);

describe.each([1, 2, 16, 256, 4096])("sampleNu, d = %i", (d) => {
  const n = sizeFor(d);
  const samples = sampleNu(foldIn(root, d), { dim: d, count: n });
  const { mu, t } = heatBallCoordinates(samples);

  it("ς-marginal matches quadrature of k = Φ − 1 − log Φ (KS, 1 % level); ∬k = E_κ[ς]", () => {
    const marginal = sigmaMarginal("nu", d);
    expect(Math.abs(marginal.mass / kappaConstants(d).meanSigma - 1)).toBeLessThan(1e-8);
    expect(ksTest(samples.sigma, marginal.cdfSigma).pValue).toBeGreaterThan(LEVEL);
  });

  it("radial coordinate given ς matches quadrature of k (Rosenblatt transform, KS, 1 % level)", () => {
    const m = Math.min(n, 2000);
    const cdf = radialConditionalCdf("nu", d);
    const u = new Float64Array(m);
    for (let i = 0; i < m; i++) u[i] = cdf(t[i]!, mu[i]!);
    expect(ksTest(u, (x) => Math.min(1, Math.max(0, x))).pValue).toBeGreaterThan(LEVEL);
  });

  it("a = |ζ|²/(4ς) and W = log Φ (from the geometry) are uncorrelated; the direction is uniform; stored a, W agree", () => {
    const a = new Float64Array(n);
    const w = new Float64Array(n);
    const u1 = runningMoments();
    let maxError = 0;
    for (let i = 0; i < n; i++) {
      a[i] = t[i]! * mu[i]!;
      w[i] = mu[i]! - a[i]!;
      maxError = Math.max(maxError, Math.abs(a[i]! - samples.a[i]!), Math.abs(w[i]! - samples.w[i]!) / (1 + mu[i]!));
      let q = 0;
      for (let j = 0; j < d; j++) q += samples.zeta[i * d + j]! ** 2;
      u1.push(samples.zeta[i * d]! / Math.sqrt(q));
    }
    expect(maxError).toBeLessThan(1e-12 * d);
    expect(Math.abs(pearsonCorrelation(a, w))).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(u1.mean)).toBeLessThan(4 * u1.standardError);
  });
});

describe("sampleNu: determinism, fill form, validation", () => {
  it("is bit-identical across reruns and fillNu reproduces it", () => {
    const a = sampleNu(key(3), { dim: 4, count: 200 });
    const b = sampleNu(key(3), { dim: 4, count: 200 });
    expect(Array.from(b.zeta)).toEqual(Array.from(a.zeta));
    const out = allocateKappaSamples({ dim: 4, count: 200 });
    fillNu(randomStream(key(3)), out);
    expect(Array.from(out.sigma)).toEqual(Array.from(a.sigma));
  });

  it("rejects bad options with coded errors", () => {
    expect(() => sampleNu(key(1), { dim: 0, count: 5 })).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => sampleNu(key(1), { dim: 2, count: -1 })).toThrowError(/sampleNu: 'count' must be a positive integer; got -1/);
  });
});
