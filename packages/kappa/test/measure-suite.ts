/**
 * The shared test suite of the two weighted measures on E₁ (ν and D): each is verified against its *density*
 * through quadrature oracles built from the definition (src/testing/quadrature.ts), not from the factorisation the
 * sampler uses. (1) the ς-marginal against a CDF from quadrature of the density over the ball, (2) the joint law
 * through the Rosenblatt transform F(t | ς) of the radial coordinate t = |ζ|²/R(ς)², (3) geometry and
 * independence, (4) determinism and the fill form, (5) validation. Seeded; each KS test at the 1 % level.
 */
import { foldIn, ksTest, pearsonCorrelation, randomStream, runningMoments, type Key, type RandomStream } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { allocateKappaSamples, type KappaMeasure, type KappaSampleOptions, type KappaSamples } from "../src/kappa-samples.js";
import { heatBallCoordinates, radialConditionalCdf, sigmaMarginal } from "../src/testing/quadrature.js";

export const LEVEL = 0.01;
export const DIMS = [1, 2, 16, 256, 4096] as const;
/** N per dimension, sized so each file runs in a few seconds on one core. */
export const sizeFor = (d: number): number => (d <= 16 ? 20_000 : d <= 256 ? 8_000 : 3_000);

export type MeasureSuite = Readonly<{
  measure: Exclude<KappaMeasure, "kappa">;
  /** Name of the key-first sampler, as it appears in error messages. */
  name: string;
  sample: (k: Key, options: KappaSampleOptions) => KappaSamples;
  fill: (stream: RandomStream, out: KappaSamples) => KappaSamples;
  root: Key;
  /** The measure's density in words (test titles). */
  density: string;
  /** Its closed-form total mass ∬ density over E₁ (the normaliser), and how the test title states it. */
  mass: Readonly<{ label: string; closedForm: (dim: number) => number }>;
}>;

/** Registers the statistical, determinism and validation tests of one measure's sampler. */
export function describeMeasureSampler(suite: MeasureSuite): void {
  const { measure, name, sample, fill, root, density, mass } = suite;

  describe.each(DIMS)(`${name}, d = %i`, (d) => {
    const n = sizeFor(d);
    const samples = sample(foldIn(root, d), { dim: d, count: n });
    const { mu, t } = heatBallCoordinates(samples);

    it(`ς-marginal matches quadrature of ${density} (KS, 1 % level); ${mass.label}`, () => {
      const marginal = sigmaMarginal(measure, d);
      expect(Math.abs(marginal.mass / mass.closedForm(d) - 1)).toBeLessThan(1e-8);
      expect(ksTest(samples.sigma, marginal.cdfSigma).pValue).toBeGreaterThan(LEVEL);
    });

    it(`radial coordinate given ς matches quadrature of ${density} (Rosenblatt transform, KS, 1 % level)`, () => {
      const m = Math.min(n, 2000);
      const cdf = radialConditionalCdf(measure, d);
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

  describe(`${name}: determinism, fill form, validation`, () => {
    it(`is bit-identical across reruns and the fill form reproduces it`, () => {
      const a = sample(foldIn(root, 3), { dim: 4, count: 200 });
      const b = sample(foldIn(root, 3), { dim: 4, count: 200 });
      for (const f of ["zeta", "sigma", "a", "w"] as const) expect(Array.from(b[f])).toEqual(Array.from(a[f]));
      const out = allocateKappaSamples({ dim: 4, count: 200 });
      fill(randomStream(foldIn(root, 3)), out);
      expect(Array.from(out.sigma)).toEqual(Array.from(a.sigma));
      expect(sample(foldIn(root, 4), { dim: 4, count: 200 }).sigma[0]).not.toBe(a.sigma[0]);
    });

    it("rejects bad options with coded errors naming the value", () => {
      expect(() => sample(root, { dim: 0, count: 5 })).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
      expect(() => sample(root, { dim: 2, count: -1 })).toThrowError(new RegExp(`${name}: 'count' must be a positive integer; got -1`));
      expect(() => sample(root, { dim: 2.5, count: 1 })).toThrowError(new RegExp(`${name}: 'dim' must be an integer in \\[1, 65536\\]; got 2\\.5`));
      expect(() => fill(randomStream(root), { ...allocateKappaSamples({ dim: 2, count: 4 }), w: new Float64Array(3) })).toThrowError(
        expect.objectContaining({ code: "SHAPE_MISMATCH" }),
      );
    });
  });
}
