import { foldIn, key, ksTest, nextGamma, nextGeometric, randomStream } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { describeMeasureSampler, sizeFor } from "../test/measure-suite.js";
import { kappaConstants } from "./kappa-constants.js";
import { fillNu, sampleNu } from "./sample-nu.js";
import { sigmaMarginal } from "./testing/quadrature.js";

// ν = k/E_κ[ς], k = Φ − 1 − log Φ, verified against its density (see test/measure-suite.ts).
const root = key(31_415);
describeMeasureSampler({
  measure: "nu",
  name: "sampleNu",
  sample: sampleNu,
  fill: fillNu,
  root,
  density: "k = Φ − 1 − log Φ",
  mass: { label: "∬k = E_κ[ς]", closedForm: (d) => kappaConstants(d).meanSigma },
});

describe("sampleNu: power of the tests (negative control)", () => {
  // A plausible bug: the mixture index off by one (j − 1 ~ Geometric instead of j − 2). The ς-marginal test at the
  // same N must reject it where the shift of μ (≈ 1/c) is not tiny against its spread √(d/2) (d ≤ 16).
  it.each([2, 16])("rejects j = 1 + Geometric(2/(d+2)) at d = %i", (d) => {
    const s = randomStream(foldIn(root, 1000 + d));
    const c = 1 + 2 / d;
    const sigma = Float64Array.from({ length: sizeFor(d) }, () => {
      const a = nextGamma(s, d / 2) / c;
      const w = nextGamma(s, 2 + nextGeometric(s, 2 / (d + 2))) / c;
      return Math.exp((-2 * (a + w)) / d) / (4 * Math.PI);
    });
    expect(ksTest(sigma, sigmaMarginal("nu", d).cdfSigma).pValue).toBeLessThan(1e-4);
  });
});
