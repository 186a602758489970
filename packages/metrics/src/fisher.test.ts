import { key, normals } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { annealedEntropyDissipation, relativeFisherInformation } from "./fisher.js";

describe("relativeFisherInformation", () => {
  it("is (1 − 1/v)² · mean(x²) for the exact score of N(0, v) against N(0, 1) (algebraic identity)", () => {
    const v = 2.218018;
    const x = normals(key(1), { count: 5000 }).map((z) => Math.sqrt(v) * z);
    let m2 = 0;
    for (const z of x) m2 += z * z;
    m2 /= x.length;
    const got = relativeFisherInformation(x, { dim: 1, learnedScore: (p) => p.map((z) => -z / v), targetScore: (p) => p.map((z) => -z) });
    const expected = (1 - 1 / v) ** 2 * m2;
    expect(Math.abs(got - expected)).toBeLessThanOrEqual(1e-13 * expected);
    // and close to the population value I(N(0,v)‖N(0,1)) = v(1 − 1/v)² = 0.668871 (spec O1, t = 1)
    expect(Math.abs(got - 0.668871) / 0.668871).toBeLessThan(0.06);
  });

  it("accepts precomputed score values and reduces to the Fisher information when π_t = π", () => {
    const x = normals(key(2), { count: 200 });
    const s = x.map((z) => -z / 3);
    const g = x.map((z) => -z);
    const a = relativeFisherInformation(x, { dim: 2, learnedScore: s, targetScore: g });
    const b = annealedEntropyDissipation(x, { dim: 2, learnedScore: s, targetScore: g, currentTargetScore: g });
    expect(b).toBeCloseTo(a, 14);
  });

  it("rejects score arrays of the wrong length", () => {
    const x = new Float64Array(10);
    expect(() => relativeFisherInformation(x, { dim: 1, learnedScore: new Float64Array(9), targetScore: x })).toThrowError(/learnedScore/);
  });
});
