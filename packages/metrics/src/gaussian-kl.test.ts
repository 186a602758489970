import { ParabolicError, key, normals } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { gaussianFitKl, gaussianKl } from "./gaussian-kl.js";
import { sampleMoments } from "./moments.js";

const klGauss1d = (m: number, v: number, mu: number, s2: number): number =>
  0.5 * (v / s2 + (m - mu) ** 2 / s2 - 1 - Math.log(v / s2));

describe("gaussianKl", () => {
  it("matches the 1-D closed form", () => {
    for (const [m, v, mu, s2] of [
      [0, 10, 0, 1],
      [0.3, 2.218018, -1, 0.25],
      [5, 1e-3, 5, 1],
    ] as const) {
      const kl = gaussianKl({ mean: [m], covariance: [v] }, { mean: [mu], covariance: [s2] });
      expect(Math.abs(kl - klGauss1d(m, v, mu, s2))).toBeLessThanOrEqual(1e-13 * klGauss1d(m, v, mu, s2));
    }
    // spec O1 table: KL(N(0, 10) ‖ N(0, 1)) = 3.348707
    expect(gaussianKl({ mean: [0], covariance: [10] }, { mean: [0], covariance: [1] })).toBeCloseTo(3.348707, 6);
  });

  it("matches an explicit 2×2 computation with correlated covariances", () => {
    const p = { mean: [1, -2], covariance: [2, 0.6, 0.6, 1] };
    const q = { mean: [0.5, 0], covariance: [1.5, -0.4, -0.4, 3] };
    const [a, b, , d] = q.covariance as [number, number, number, number];
    const detQ = a * d - b * b;
    const inv = [d / detQ, -b / detQ, -b / detQ, a / detQ];
    const S = p.covariance;
    const trace = inv[0]! * S[0]! + inv[1]! * S[2]! + inv[2]! * S[1]! + inv[3]! * S[3]!;
    const dm = [q.mean[0]! - p.mean[0]!, q.mean[1]! - p.mean[1]!];
    const maha = dm[0]! * (inv[0]! * dm[0]! + inv[1]! * dm[1]!) + dm[1]! * (inv[2]! * dm[0]! + inv[3]! * dm[1]!);
    const detP = S[0]! * S[3]! - S[1]! * S[2]!;
    const expected = 0.5 * (trace + maha - 2 + Math.log(detQ / detP));
    expect(Math.abs(gaussianKl(p, q) - expected)).toBeLessThanOrEqual(1e-14 * expected);
    expect(Math.abs(gaussianKl(p, p))).toBeLessThanOrEqual(1e-15);
  });

  it("rejects non-positive-definite covariances and dimension mismatches", () => {
    expect(() => gaussianKl({ mean: [0, 0], covariance: [1, 2, 2, 1] }, { mean: [0, 0], covariance: [1, 0, 0, 1] })).toThrowError(
      /positive definite/,
    );
    try {
      gaussianKl({ mean: [0], covariance: [1] }, { mean: [0, 0], covariance: [1, 0, 0, 1] });
      expect.unreachable();
    } catch (e) {
      expect(ParabolicError.is(e, "SHAPE_MISMATCH")).toBe(true);
    }
  });
});

describe("gaussianFitKl", () => {
  it("is the closed-form KL of the moment-matched Gaussian (population covariance)", () => {
    const x = normals(key(5), { count: 999 }).map((z) => 0.2 + 1.7 * z);
    const { mean, covariance } = sampleMoments(x, { dim: 1 });
    const expected = klGauss1d(mean[0]!, covariance[0]!, 0, 1);
    expect(Math.abs(gaussianFitKl(x, { dim: 1 }) - expected)).toBeLessThanOrEqual(1e-14 * expected);
    const target = { mean: [1], covariance: [4] };
    expect(gaussianFitKl(x, { dim: 1, target })).toBeCloseTo(klGauss1d(mean[0]!, covariance[0]!, 1, 4), 13);
  });

  it("has the stated d(d+3)/(4N) floor on exact draws (20 seeds, 2-D, N = 1000; ±25 %)", () => {
    const N = 1000;
    let sum = 0;
    for (let s = 0; s < 20; s++) sum += gaussianFitKl(normals(key(100 + s), { count: 2 * N }), { dim: 2 });
    const floor = (2 * 5) / (4 * N);
    expect(Math.abs(sum / 20 - floor)).toBeLessThan(0.25 * floor);
  });

  it("sampleMoments computes the unbiased covariance with ddof 1", () => {
    const x = new Float64Array([0, 0, 2, 2, 4, 1]);
    const m = sampleMoments(x, { dim: 2, ddof: 1 });
    expect(Array.from(m.mean)).toEqual([2, 1]);
    expect(Array.from(m.covariance)).toEqual([4, 1, 1, 1]);
  });
});
