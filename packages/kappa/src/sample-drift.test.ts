import { foldIn, key, ksTest, nextExponential, nextGamma, randomStream } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { describeMeasureSampler, sizeFor } from "../test/measure-suite.js";
import { kappaConstants } from "./kappa-constants.js";
import { fillDrift, sampleDrift } from "./sample-drift.js";
import { sigmaMarginal } from "./testing/quadrature.js";

// D = |∇_ζ k|/C₁(d), k = Φ − 1 − log Φ, ∇_ζ k = −(Φ − 1)ζ/(2ς), verified against its density (see
// test/measure-suite.ts).
const root = key(27_182);
describeMeasureSampler({
  measure: "drift",
  name: "sampleDrift",
  sample: sampleDrift,
  fill: fillDrift,
  root,
  density: "|∇_ζ k|",
  mass: { label: "∬|∇_ζ k| = C₁(d)", closedForm: (d) => kappaConstants(d).c1 },
});

describe("sampleDrift: power of the tests (negative control)", () => {
  // A plausible bug: the rate 1 + 1/d of the hypo-exponential's second stage used as a scale,
  // W = d·E₁ + (1 + 1/d)·E₂. The ς-marginal test at the same N must reject it where the second stage matters
  // (small d; for large d, W ≈ d·E₁ and the change is below what N samples resolve).
  it.each([1, 2])("rejects W = d·E₁ + (1 + 1/d)·E₂ at d = %i", (d) => {
    const s = randomStream(foldIn(root, 1000 + d));
    const rate = 1 + 1 / d;
    const sigma = Float64Array.from({ length: sizeFor(d) }, () => {
      const a = nextGamma(s, (d + 1) / 2) / rate;
      const w = d * nextExponential(s) + rate * nextExponential(s);
      return Math.exp((-2 * (a + w)) / d) / (4 * Math.PI);
    });
    expect(ksTest(sigma, sigmaMarginal("drift", d).cdfSigma).pValue).toBeLessThan(1e-4);
  });
});
