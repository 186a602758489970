import { key, normals } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { slicedWasserstein, wasserstein1d } from "./wasserstein.js";

describe("wasserstein1d", () => {
  it("computes the quantile coupling exactly for unequal sizes (hand-computed)", () => {
    const a = new Float64Array([2, 0, 1]);
    const b = new Float64Array([3, 0]);
    expect(wasserstein1d(a, b, { p: 1 })).toBeCloseTo(5 / 6, 15);
    expect(wasserstein1d(a, b, { p: 2 })).toBeCloseTo(Math.sqrt(7 / 6), 15);
    // a sample and its duplicate have distance 0
    const x = normals(key(1), { count: 100 });
    const twice = new Float64Array(200);
    twice.set(x);
    twice.set(x, 100);
    expect(wasserstein1d(x, twice, { p: 2 })).toBeLessThan(1e-15);
  });

  it("is exactly |c| for a shifted copy and exact for affine maps", () => {
    const x = normals(key(2), { count: 1000 });
    expect(wasserstein1d(x, x.map((z) => z + 0.37), { p: 1 })).toBeCloseTo(0.37, 13);
    expect(wasserstein1d(x, x.map((z) => z - 2), { p: 2 })).toBeCloseTo(2, 13);
    // y = 2x + 1 is monotone: W2² = mean((x + 1)²)
    let s = 0;
    for (const z of x) s += (z + 1) ** 2;
    expect(wasserstein1d(x, x.map((z) => 2 * z + 1), { p: 2 })).toBeCloseTo(Math.sqrt(s / 1000), 13);
  });

  it("converges to the closed forms between Gaussian laws (W2² = Δm² + (s₁ − s₂)², W1 = |shift|)", () => {
    const n = 20000;
    const x = normals(key(3), { count: n });
    const y = normals(key(4), { count: n }).map((z) => 1 + 2 * z);
    expect(Math.abs(wasserstein1d(x, y, { p: 2 }) - Math.SQRT2)).toBeLessThan(0.03);
    const z = normals(key(5), { count: n }).map((u) => u + 0.5);
    expect(Math.abs(wasserstein1d(x, z, { p: 1 }) - 0.5)).toBeLessThan(0.03);
  });
});

describe("slicedWasserstein", () => {
  it("equals W_p in 1-D and the mean over given axis directions", () => {
    const x = normals(key(6), { count: 2 * 300 });
    const y = normals(key(7), { count: 2 * 200 }).map((v) => 1.5 * v);
    const col = (p: Float64Array, c: number): Float64Array => p.filter((_, i) => i % 2 === c);
    const w0 = wasserstein1d(col(x, 0), col(y, 0), { p: 2 });
    const w1 = wasserstein1d(col(x, 1), col(y, 1), { p: 2 });
    const sw = slicedWasserstein(key(0), x, y, { dim: 2, p: 2, directions: new Float64Array([1, 0, 0, 1]) });
    expect(sw).toBeCloseTo(Math.sqrt((w0 * w0 + w1 * w1) / 2), 13);
    expect(slicedWasserstein(key(0), col(x, 0), col(y, 0), { dim: 1, p: 2 })).toBeCloseTo(w0, 14);
  });

  it("SW2² = ‖c‖²/d for a shift (4000 seeded projections, 4 standard errors) and is seed-reproducible", () => {
    const dim = 3;
    const x = normals(key(8), { count: dim * 200 });
    const c = [1, -2, 0.5];
    const y = x.map((v, i) => v + c[i % dim]!);
    const c2 = 1 + 4 + 0.25;
    const sw = slicedWasserstein(key(9), x, y, { dim, p: 2, projections: 4000 });
    const se = c2 * Math.sqrt(1 / 5 - 1 / 9) / Math.sqrt(4000); // sd of (θ·c)² on S², c²·√(4/45)
    expect(Math.abs(sw * sw - c2 / dim)).toBeLessThan(4 * se);
    expect(slicedWasserstein(key(9), x, y, { dim, p: 2, projections: 50 })).toBe(slicedWasserstein(key(9), x, y, { dim, p: 2, projections: 50 }));
  });
});
