import { key, normals } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { maximumMeanDiscrepancy } from "./mmd.js";

/** E exp(−‖Z‖²/(2σ²)) for Z ~ N(μ, diag(s)): Π_k (1 + s_k/σ²)^{-1/2} exp(−μ_k²/(2(σ² + s_k))). */
function expectedRbf(mu: number[], s: number[], sigma: number): number {
  let r = 1;
  for (let k = 0; k < mu.length; k++) r *= Math.exp(-(mu[k]! ** 2) / (2 * (sigma ** 2 + s[k]!))) / Math.sqrt(1 + s[k]! / sigma ** 2);
  return r;
}

/** Closed-form MMD² between N(a, diag(A)) and N(b, diag(B)) for the RBF kernel with bandwidth σ. */
function mmdGaussians(a: number[], A: number[], b: number[], B: number[], sigma: number): number {
  const zero = a.map(() => 0);
  const diff = a.map((x, k) => x - b[k]!);
  return (
    expectedRbf(zero, A.map((v) => 2 * v), sigma) +
    expectedRbf(zero, B.map((v) => 2 * v), sigma) -
    2 * expectedRbf(diff, A.map((v, k) => v + B[k]!), sigma)
  );
}

function gaussianDraws(seed: number, n: number, mean: number[], variance: number[]): Float64Array {
  const d = mean.length;
  const z = normals(key(seed), { count: n * d });
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) z[i * d + k] = mean[k]! + Math.sqrt(variance[k]!) * z[i * d + k]!;
  return z;
}

describe("maximumMeanDiscrepancy", () => {
  it("the unbiased estimate matches the closed form between Gaussians (1-D and 2-D; 12 seeds, 4 standard errors)", () => {
    for (const [a, A, b, B, sigma] of [
      [[0], [1], [0.7], [1.5], 1],
      [[0, 0], [1, 1], [0.5, -0.5], [2, 0.5], 1.3],
    ] as const) {
      const exact = mmdGaussians([...a], [...A], [...b], [...B], sigma);
      const values: number[] = [];
      for (let s = 0; s < 12; s++) {
        const x = gaussianDraws(1000 + s, 300, [...a], [...A]);
        const y = gaussianDraws(2000 + s, 300, [...b], [...B]);
        values.push(maximumMeanDiscrepancy(x, y, { dim: a.length, bandwidth: sigma }).mmdSquared);
      }
      const mean = values.reduce((p, v) => p + v, 0) / values.length;
      const sd = Math.sqrt(values.reduce((p, v) => p + (v - mean) ** 2, 0) / (values.length - 1));
      expect(Math.abs(mean - exact)).toBeLessThan(4 * (sd / Math.sqrt(values.length)));
      expect(sd).toBeLessThan(0.3 * exact); // the estimate resolves the difference
    }
  });

  it("both estimators equal their defining double sums; symmetric in x and y", () => {
    const x = gaussianDraws(1, 40, [0, 0], [1, 1]);
    const y = gaussianDraws(2, 30, [1, 0], [1, 1]);
    const u = maximumMeanDiscrepancy(x, y, { dim: 2, bandwidth: 0.8 }).mmdSquared;
    const v = maximumMeanDiscrepancy(x, y, { dim: 2, bandwidth: 0.8, unbiased: false }).mmdSquared;
    // Recompute the three terms by brute force to check both estimators.
    const k = (p: Float64Array, i: number, q: Float64Array, j: number): number =>
      Math.exp(-((p[2 * i]! - q[2 * j]!) ** 2 + (p[2 * i + 1]! - q[2 * j + 1]!) ** 2) / (2 * 0.64));
    let xx = 0;
    let yy = 0;
    let xy = 0;
    for (let i = 0; i < 40; i++) for (let j = 0; j < 40; j++) if (i !== j) xx += k(x, i, x, j);
    for (let i = 0; i < 30; i++) for (let j = 0; j < 30; j++) if (i !== j) yy += k(y, i, y, j);
    for (let i = 0; i < 40; i++) for (let j = 0; j < 30; j++) xy += k(x, i, y, j);
    expect(u).toBeCloseTo(xx / (40 * 39) + yy / (30 * 29) - (2 * xy) / 1200, 13);
    expect(v).toBeCloseTo((xx + 40) / 1600 + (yy + 30) / 900 - (2 * xy) / 1200, 13);
    expect(maximumMeanDiscrepancy(y, x, { dim: 2, bandwidth: 0.8 }).mmdSquared).toBeCloseTo(u, 14);
  });

  it("the median heuristic returns the median pairwise distance of the pooled sample", () => {
    const x = new Float64Array([0, 1, 3]);
    const y = new Float64Array([6, 10]);
    // pooled distances: 1 3 6 10 2 5 9 3 7 4 → sorted 1 2 3 3 4 5 6 7 9 10 → median 4.5
    expect(maximumMeanDiscrepancy(x, y, { dim: 1, bandwidth: "median" }).bandwidth).toBeCloseTo(Math.sqrt((16 + 25) / 2), 14);
  });

  it("subsampling is seeded and uses at most `size` rows", () => {
    const x = gaussianDraws(3, 2000, [0], [1]);
    const y = gaussianDraws(4, 2000, [0.5], [1]);
    const a = maximumMeanDiscrepancy(x, y, { dim: 1, bandwidth: 1, subsample: { key: key(9), size: 400 } });
    const b = maximumMeanDiscrepancy(x, y, { dim: 1, bandwidth: 1, subsample: { key: key(9), size: 400 } });
    expect(a.mmdSquared).toBe(b.mmdSquared);
    const exact = mmdGaussians([0], [1], [0.5], [1], 1);
    expect(Math.abs(a.mmdSquared - exact)).toBeLessThan(0.5 * exact);
  });
});
