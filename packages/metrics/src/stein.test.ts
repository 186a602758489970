import { key, normals } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { imqSteinKernel, kernelSteinDiscrepancy } from "./stein.js";

const stdScore = (p: Float64Array): Float64Array => p.map((z) => -z);

describe("IMQ Stein kernel", () => {
  it("matches k sᵀs + sᵀ∇k + sᵀ∇k + tr∇∇k with derivatives by central differences (2-D)", () => {
    const c2 = 1.3;
    const beta = -0.5;
    const invL2 = 1 / 0.7;
    const k = (x: number[], y: number[]): number => Math.pow(c2 + ((x[0]! - y[0]!) ** 2 + (x[1]! - y[1]!) ** 2) * invL2, beta);
    const x = [0.3, -1.1];
    const y = [1.2, 0.4];
    const sx = [0.5, -2];
    const sy = [-1, 0.25];
    const h = 1e-4;
    const e = (i: number, eps: number): number[] => (i === 0 ? [eps, 0] : [0, eps]);
    const add = (a: number[], b: number[]): number[] => [a[0]! + b[0]!, a[1]! + b[1]!];
    let expected = k(x, y) * (sx[0]! * sy[0]! + sx[1]! * sy[1]!);
    for (let i = 0; i < 2; i++) {
      const dkx = (k(add(x, e(i, h)), y) - k(add(x, e(i, -h)), y)) / (2 * h);
      const dky = (k(x, add(y, e(i, h))) - k(x, add(y, e(i, -h)))) / (2 * h);
      const dxy =
        (k(add(x, e(i, h)), add(y, e(i, h))) - k(add(x, e(i, h)), add(y, e(i, -h))) - k(add(x, e(i, -h)), add(y, e(i, h))) +
          k(add(x, e(i, -h)), add(y, e(i, -h)))) /
        (4 * h * h);
      expected += sx[i]! * dky + sy[i]! * dkx + dxy;
    }
    const r = new Float64Array([x[0]! - y[0]!, x[1]! - y[1]!]);
    const got = imqSteinKernel(r, new Float64Array(sx), new Float64Array(sy), 2, c2, beta, invL2);
    expect(Math.abs(got - expected)).toBeLessThan(1e-6 * Math.abs(expected) + 1e-8);
  });
});

describe("kernelSteinDiscrepancy", () => {
  // Quadrature "particles": a fine grid on [−12, 12] with weights proportional to a density.
  const grid = new Float64Array(961).map((_, i) => -12 + i * 0.025);
  const densityWeights = (mu: number): Float64Array => grid.map((z) => Math.exp(-0.5 * (z - mu) ** 2));

  it("has the Stein zero-mean property: E_π u_π(X, y) = 0, so KSD²(π, π) = 0 by quadrature", () => {
    const ksd = kernelSteinDiscrepancy(grid, { dim: 1, score: stdScore, weights: densityWeights(0) }).ksdSquared;
    expect(Math.abs(ksd)).toBeLessThan(1e-12);
    const shifted = kernelSteinDiscrepancy(grid, { dim: 1, score: stdScore, weights: densityWeights(0.5) }).ksdSquared;
    expect(shifted).toBeGreaterThan(0.01);
  });

  it("the U-statistic is unbiased: mean over seeds of draws of π is 0, of N(0.5, 1) is the quadrature value", () => {
    const exactShifted = kernelSteinDiscrepancy(grid, { dim: 1, score: stdScore, weights: densityWeights(0.5) }).ksdSquared;
    for (const [mu, exact] of [
      [0, 0],
      [0.5, exactShifted],
    ] as const) {
      const values: number[] = [];
      for (let s = 0; s < 12; s++) {
        const x = normals(key(30 + s), { count: 400 }).map((z) => z + mu);
        values.push(kernelSteinDiscrepancy(x, { dim: 1, score: stdScore }).ksdSquared);
      }
      const mean = values.reduce((p, v) => p + v, 0) / values.length;
      const sd = Math.sqrt(values.reduce((p, v) => p + (v - mean) ** 2, 0) / (values.length - 1));
      expect(Math.abs(mean - exact)).toBeLessThan((4 * sd) / Math.sqrt(values.length));
    }
  });

  it("V-statistic = ((n−1)/n)·U + mean of the diagonal u(x, x) = c^{2β}‖s‖² − 2βd c^{2β−2}/ℓ²", () => {
    const x = normals(key(4), { count: 2 * 60 });
    const s = x.map((z) => -2 * z + 0.1);
    const u = kernelSteinDiscrepancy(x, { dim: 2, score: s, lengthscale: 0.9 }).ksdSquared;
    const v = kernelSteinDiscrepancy(x, { dim: 2, score: s, lengthscale: 0.9, unbiased: false }).ksdSquared;
    let diag = 0;
    for (let i = 0; i < 60; i++) diag += s[2 * i]! ** 2 + s[2 * i + 1]! ** 2 + (2 * 0.5 * 2) / 0.81; // c = 1, β = −½
    expect(v).toBeCloseTo((59 / 60) * u + diag / 3600, 12);
  });

  it("the median length scale and subsampling are deterministic", () => {
    const x = normals(key(5), { count: 3000 });
    const a = kernelSteinDiscrepancy(x, { dim: 1, score: stdScore, lengthscale: "median", subsample: { key: key(1), size: 300 } });
    const b = kernelSteinDiscrepancy(x, { dim: 1, score: stdScore, lengthscale: "median", subsample: { key: key(1), size: 300 } });
    expect(a).toEqual(b);
    expect(a.lengthscale).toBeGreaterThan(0.5);
  });
});
