import { foldIn, key, ksTest, ParabolicError, pearsonCorrelation, randomStream, runningMoments } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { kappaLaws, kappaLawStatistics } from "./concentration-laws.js";
import { kappaConstants } from "./kappa-constants.js";
import { allocateKappaSamples, type KappaSamples } from "./kappa-samples.js";
import { fillKappa, sampleKappa } from "./sample-kappa.js";
import { sigmaMarginal } from "./testing/quadrature.js";

// Statistical tests: seeded (fixed keys), so deterministic; each KS test is at the 1 % level (p > 0.01), each
// moment within 4 standard errors. N is sized so the whole file runs in a few seconds on one core.
const LEVEL = 0.01;
const DIMS = [1, 2, 16, 256, 4096] as const;
const sizeFor = (d: number): number => (d <= 16 ? 20_000 : d <= 256 ? 8_000 : 3_000);
const root = key(20_240_611);

function rowNormsSquared(s: KappaSamples): Float64Array {
  const out = new Float64Array(s.count);
  for (let i = 0; i < s.count; i++) {
    let q = 0;
    for (let j = 0; j < s.dim; j++) q += s.zeta[i * s.dim + j]! ** 2;
    out[i] = q;
  }
  return out;
}

describe.each(DIMS)("sampleKappa, d = %i", (d) => {
  const n = sizeFor(d);
  const samples = sampleKappa(foldIn(root, d), { dim: d, count: n });
  const stats = kappaLawStatistics(samples);

  it.each(kappaLaws(d).filter((l) => l.exact).map((l) => [l.id, l] as const))(
    "%s follows its exact law (KS, 1 % level)",
    (_id, law) => {
      const { pValue } = ksTest(stats[law.id], law.cdf);
      expect(pValue).toBeGreaterThan(LEVEL);
    },
  );

  it("ς-marginal matches the quadrature CDF built from κ's definition (KS, 1 % level)", () => {
    const marginal = sigmaMarginal("kappa", d);
    expect(marginal.mass).toBeCloseTo(1, 9);
    expect(ksTest(samples.sigma, marginal.cdfSigma).pValue).toBeGreaterThan(LEVEL);
  });

  it("moments E_κ[ς] and m₂ = E_κ[ζ₁²] are within 4 SE of the closed forms", () => {
    const { meanSigma, m2 } = kappaConstants(d);
    const ms = runningMoments();
    ms.pushAll(samples.sigma);
    expect(Math.abs(ms.mean - meanSigma)).toBeLessThan(4 * ms.standardError);
    const mz = runningMoments();
    const q = rowNormsSquared(samples);
    for (let i = 0; i < n; i++) mz.push(q[i]! / d);
    expect(Math.abs(mz.mean - m2)).toBeLessThan(4 * mz.standardError);
  });

  it("2A and 2W (recomputed from ζ, ς) are uncorrelated: |corr| < 4/√N", () => {
    expect(Math.abs(pearsonCorrelation(stats.twoA, stats.twoW))).toBeLessThan(4 / Math.sqrt(n));
  });

  it("the direction ζ/|ζ| is uniform: E[u₁] = 0 and d·E[u₁²] = 1 within 4 SE", () => {
    const u1 = runningMoments();
    const u1sq = runningMoments();
    for (let i = 0; i < n; i++) {
      let q = 0;
      for (let j = 0; j < d; j++) q += samples.zeta[i * d + j]! ** 2;
      const u = samples.zeta[i * d]! / Math.sqrt(q);
      u1.push(u);
      u1sq.push(d * u * u);
    }
    expect(Math.abs(u1.mean)).toBeLessThan(4 * u1.standardError);
    if (d > 1) expect(Math.abs(u1sq.mean - 1)).toBeLessThan(4 * u1sq.standardError);
    else expect(u1sq.mean).toBe(1);
  });

  it("stored A and W agree with the geometry, and every point lies in E₁", () => {
    const q = rowNormsSquared(samples);
    let maxRadiusError = 0;
    let maxLogPhiError = 0;
    let minSigma = Number.POSITIVE_INFINITY;
    let maxSigma = 0;
    let minW = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const s = samples.sigma[i]!;
      minSigma = Math.min(minSigma, s);
      maxSigma = Math.max(maxSigma, s);
      minW = Math.min(minW, samples.w[i]!);
      maxRadiusError = Math.max(maxRadiusError, Math.abs(q[i]! / (4 * s * samples.a[i]!) - 1));
      // relative to the size of the terms that cancel, −d log(4πς) ≈ d + O(√d)
      maxLogPhiError = Math.max(maxLogPhiError, Math.abs(stats.twoW[i]! - 2 * samples.w[i]!) / (d + stats.timeLog[i]!));
    }
    expect(minSigma).toBeGreaterThan(0);
    expect(maxSigma).toBeLessThanOrEqual(1 / (4 * Math.PI));
    expect(minW).toBeGreaterThanOrEqual(0); // Φ ≥ 1: inside the unit heat ball
    // |ζ|² = 4ςA up to the rounding of a d-term sum; 2 log Φ recomputed from (ζ, ς) = the drawn 2W up to the
    // float64 cancellation of two terms of size ≈ d
    expect(maxRadiusError).toBeLessThan(1e-13 * Math.sqrt(d) + 1e-14);
    expect(maxLogPhiError).toBeLessThan(64 * Number.EPSILON);
  });
});

describe("sampleKappa: power of the tests (negative control)", () => {
  // An off-by-one in the Gamma shape (μ = A + W shifted by 1, i.e. ς multiplied by e^{−2/d}) is a plausible bug;
  // the same tests at the same N must reject it.
  it.each([16, 256])("rejects ς·e^{−2/d} at d = %i", (d) => {
    const s = sampleKappa(foldIn(root, d), { dim: d, count: sizeFor(d) });
    const shifted = s.sigma.map((x) => x * Math.exp(-2 / d));
    expect(ksTest(shifted, sigmaMarginal("kappa", d).cdfSigma).pValue).toBeLessThan(1e-4);
  });
});

describe("sampleKappa: determinism and the fill form", () => {
  it("reruns with the same key are bit-identical; other keys differ", () => {
    const a = sampleKappa(key(7), { dim: 5, count: 300 });
    const b = sampleKappa(key(7), { dim: 5, count: 300 });
    for (const f of ["zeta", "sigma", "a", "w"] as const) expect(Buffer.from(b[f].buffer).equals(Buffer.from(a[f].buffer))).toBe(true);
    const c = sampleKappa(key(8), { dim: 5, count: 300 });
    expect(c.sigma[0]).not.toBe(a.sigma[0]);
  });

  it("fillKappa reproduces sampleKappa from the same stream position and refills without allocating new buffers", () => {
    const ref = sampleKappa(key(9), { dim: 3, count: 100 });
    const out = allocateKappaSamples({ dim: 3, count: 100 });
    const stream = randomStream(key(9));
    const copy = stream.clone();
    expect(fillKappa(stream, out)).toBe(out);
    expect(Array.from(out.zeta)).toEqual(Array.from(ref.zeta));
    expect(Array.from(out.w)).toEqual(Array.from(ref.w));
    fillKappa(stream, out); // next batch differs
    expect(out.sigma[0]).not.toBe(ref.sigma[0]);
    const again = allocateKappaSamples({ dim: 3, count: 100 });
    fillKappa(copy, again);
    expect(Array.from(again.sigma)).toEqual(Array.from(ref.sigma));
  });

  it("works at the largest dimension, d = 65536", () => {
    const s = sampleKappa(key(10), { dim: 65536, count: 3 });
    const stats = kappaLawStatistics(s);
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(stats.twoW[i]! - 2 * s.w[i]!)).toBeLessThan(1e-8);
      expect(Math.abs(4 * Math.PI * s.sigma[i]! - Math.exp(-1))).toBeLessThan(0.02);
    }
  });
});

describe("sampleKappa: validation", () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ["dim 0", { dim: 0, count: 1 }, /sampleKappa: 'dim' must be an integer in \[1, 65536\]; got 0\./],
    ["dim 1.5", { dim: 1.5, count: 1 }, /'dim' must be an integer in \[1, 65536\]; got 1\.5/],
    ["dim 65537", { dim: 65537, count: 1 }, /'dim' must be an integer in \[1, 65536\]; got 65537/],
    ["count 0", { dim: 2, count: 0 }, /sampleKappa: 'count' must be a positive integer; got 0\./],
    ["count NaN", { dim: 2, count: Number.NaN }, /'count' must be a positive integer; got NaN/],
    ["no options", undefined, /sampleKappa: 'options' must be an object/],
  ];
  it.each(cases)("%s → INVALID_ARGUMENT", (_name, options, message) => {
    expect(() => sampleKappa(key(1), options as never)).toThrowError(message);
    try {
      sampleKappa(key(1), options as never);
    } catch (e) {
      expect(ParabolicError.is(e, "INVALID_ARGUMENT")).toBe(true);
    }
  });

  it("rejects a bad key and inconsistent fill buffers", () => {
    expect(() => sampleKappa([1, 2, 3] as never, { dim: 2, count: 1 })).toThrowError(/'key' must be a key/);
    const out = allocateKappaSamples({ dim: 2, count: 4 });
    expect(() => fillKappa(randomStream(key(1)), { ...out, sigma: new Float64Array(3) })).toThrowError(
      expect.objectContaining({ code: "SHAPE_MISMATCH" }),
    );
    expect(() => fillKappa({} as never, out)).toThrowError(/fillKappa: 'stream' must be a RandomStream/);
  });
});
