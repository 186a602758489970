import { key, normals } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { energyDistance } from "./energy-distance.js";

function bruteForce(a: Float64Array, b: Float64Array, dim: number): number {
  const n = a.length / dim;
  const m = b.length / dim;
  const dist = (p: Float64Array, i: number, q: Float64Array, j: number): number => {
    let s = 0;
    for (let k = 0; k < dim; k++) s += (p[i * dim + k]! - q[j * dim + k]!) ** 2;
    return Math.sqrt(s);
  };
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) xy += dist(a, i, b, j);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) xx += dist(a, i, a, j);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) yy += dist(b, i, b, j);
  return (2 * xy) / (n * m) - xx / (n * (n - 1)) - yy / (m * (m - 1));
}

describe("energyDistance", () => {
  it("the sorted 1-D path equals the O(N²) definition (unequal sizes, ties)", () => {
    const a = normals(key(1), { count: 301 }).map((z) => Math.round(4 * z) / 4);
    const b = normals(key(2), { count: 157 }).map((z) => Math.round(4 * (z + 0.3)) / 4);
    const exact = bruteForce(a, b, 1);
    expect(Math.abs(energyDistance(a, b, { dim: 1 }) - exact)).toBeLessThan(1e-12);
  });

  it("the d-dimensional path equals the definition", () => {
    const a = normals(key(3), { count: 3 * 50 });
    const b = normals(key(4), { count: 3 * 40 }).map((z) => 1.5 * z);
    expect(energyDistance(a, b, { dim: 3 })).toBeCloseTo(bruteForce(a, b, 3), 12);
  });

  it("is unbiased for the closed form between centred isotropic Gaussians (1-D and 2-D; seeds, 4 standard errors)", () => {
    // E‖Z‖ for Z ~ N(0, s² I_d): s·√(2/π) (d = 1), s·√(π/2) (d = 2).
    const c = { 1: Math.sqrt(2 / Math.PI), 2: Math.sqrt(Math.PI / 2) } as const;
    for (const [dim, n, seeds] of [
      [1, 5000, 10],
      [2, 500, 8],
    ] as const) {
      const b = 2;
      const exact = c[dim] * (2 * Math.sqrt(1 + b * b) - Math.SQRT2 - Math.SQRT2 * b);
      const values: number[] = [];
      for (let s = 0; s < seeds; s++) {
        const x = normals(key(100 * dim + s), { count: n * dim });
        const y = normals(key(200 * dim + s), { count: n * dim }).map((z) => b * z);
        values.push(energyDistance(x, y, { dim }));
      }
      const mean = values.reduce((p, v) => p + v, 0) / seeds;
      const sd = Math.sqrt(values.reduce((p, v) => p + (v - mean) ** 2, 0) / (seeds - 1));
      expect(Math.abs(mean - exact)).toBeLessThan((4 * sd) / Math.sqrt(seeds));
      expect(sd).toBeLessThan(0.25 * exact);
    }
  });
});
