import { chiSquareSf, integrate, key, ksTest, normalCdf, split } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { centralGradient } from "@parabolic/core/testing";
import { norm, project } from "../test/helpers.js";
import { checkerboard } from "./checkerboard.js";
import { circleDensity } from "./circle-density.js";
import { pinwheel } from "./pinwheel.js";
import { swissRoll } from "./swiss-roll.js";
import { twoMoons } from "./two-moons.js";

type Curve = { from: number; to: number; weight: number; point: (t: number) => [number, number] };

const moonCurves: Curve[] = [
  { from: 0, to: Math.PI, weight: 0.5, point: (t) => [Math.cos(t), Math.sin(t)] },
  { from: 0, to: Math.PI, weight: 0.5, point: (t) => [1 - Math.cos(t), 0.5 - Math.sin(t)] },
];
const rollCurves: Curve[] = [
  { from: 1.5 * Math.PI, to: 4.5 * Math.PI, weight: 1, point: (t) => [(t * Math.cos(t)) / 5, (t * Math.sin(t)) / 5] },
];

/**
 * log-density by core's adaptive quadrature in linear space (independent of the log-space code under test). The
 * integrand is divided by its maximum on a fine grid (so far points do not underflow) and each parameter interval
 * is split at that maximiser (so a narrow peak cannot be missed by the first Gauss–Kronrod panel).
 */
function referenceLogDensity(curves: Curve[], sigma: number, x: number, y: number): number {
  const g = (c: Curve, t: number): number => {
    const [gx, gy] = c.point(t);
    return -((x - gx) ** 2 + (y - gy) ** 2) / (2 * sigma * sigma);
  };
  const grid = 20_000;
  let shift = -Infinity;
  const argmax: number[] = [];
  for (const c of curves) {
    let best = -Infinity;
    let bestT = c.from;
    for (let j = 0; j <= grid; j++) {
      const t = c.from + ((c.to - c.from) * j) / grid;
      const v = g(c, t);
      if (v > best) {
        best = v;
        bestT = t;
      }
    }
    argmax.push(bestT);
    shift = Math.max(shift, best);
  }
  let p = 0;
  curves.forEach((c, i) => {
    const f = (t: number) => Math.exp(g(c, t) - shift);
    const opts = { tolerance: 1e-17, relativeTolerance: 1e-13, maxIntervals: 20_000 };
    const m = argmax[i]!;
    const part = (a: number, b: number): number => {
      if (!(b > a)) return 0;
      const r = integrate(f, a, b, opts);
      if (!r.converged) throw new Error(`reference quadrature did not converge on [${a}, ${b}]`);
      return r.value;
    };
    const value = part(c.from, m) + part(m, c.to);
    p += (c.weight * value) / (c.to - c.from);
  });
  return Math.log(p) + shift - Math.log(2 * Math.PI * sigma * sigma);
}

/** CDF of uᵀX: Σ_m w_m/(b−a) ∫ Φ((z − uᵀγ_m(t))/σ) dt, by adaptive quadrature from core. */
function projectedCurveCdf(curves: Curve[], sigma: number, u: [number, number]): (z: number) => number {
  return (z) => {
    let f = 0;
    for (const c of curves) {
      const { value } = integrate(
        (t) => {
          const [gx, gy] = c.point(t);
          return normalCdf((z - u[0] * gx - u[1] * gy) / sigma);
        },
        c.from,
        c.to,
        { tolerance: 1e-10, relativeTolerance: 1e-10 },
      );
      f += (c.weight * value) / (c.to - c.from);
    }
    return Math.min(1, Math.max(0, f));
  };
}

describe.each([
  { name: "two moons", dist: twoMoons(), curves: moonCurves, sigma: 0.1, box: [-2, 3, -1.5, 2] as const, h: 0.025 },
  { name: "swiss roll", dist: swissRoll(), curves: rollCurves, sigma: 0.2, box: [-4.5, 4.5, -4.5, 4.5] as const, h: 0.05 },
])("$name", ({ dist, curves, sigma, box, h }) => {
  it("log-density equals linear-space adaptive quadrature (≤ 1e-12 relative), also far in the tails", () => {
    const pts = [0.1, 0.2, 0.9, -0.3, 1.7, 0.4, 3, 3, -1, 2.5, 0.5, 0.25, 20, -30];
    const lp = dist.logDensity(pts);
    for (let i = 0; i < pts.length / 2; i++) {
      const ref = referenceLogDensity(curves, sigma, pts[2 * i]!, pts[2 * i + 1]!);
      expect(Math.abs(lp[i]! - ref)).toBeLessThan(1e-12 * Math.max(1, Math.abs(ref)));
    }
  });

  it("integrates to 1 over the plane (midpoint grid with spacing ≤ σ/4: spectrally accurate; ≤ 1e-8)", () => {
    const [x0, x1, y0, y1] = box;
    const pts: number[] = [];
    for (let x = x0 + h / 2; x < x1; x += h) for (let y = y0 + h / 2; y < y1; y += h) pts.push(x, y);
    const lp = dist.logDensity(pts);
    let total = 0;
    for (const v of lp) total += Math.exp(v);
    expect(Math.abs(total * h * h - 1)).toBeLessThan(1e-8);
  });

  it("score matches finite differences of the log-density (≤ 1e-6 relative; quadrature-limited)", () => {
    const x = new Float64Array([...dist.sample(key(21), 30), 2, 2, -1, 0.3, 0.5, 0.25]);
    const s = dist.score(x);
    let worst = 0;
    for (let i = 0; i < x.length / 2; i++) {
      const fd = centralGradient((y) => dist.logDensity(y)[0]!, x.slice(2 * i, 2 * i + 2), { step: 5e-4 });
      const si = s.subarray(2 * i, 2 * i + 2);
      worst = Math.max(worst, norm([si[0]! - fd[0]!, si[1]! - fd[1]!]) / Math.max(1, norm(si)));
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it("samples follow the density: KS on x, y and a diagonal against the exact projected CDFs (family-wise 1%)", () => {
    const x = dist.sample(key(22), 2000);
    const dirs: [number, number][] = [[1, 0], [0, 1], [Math.SQRT1_2, Math.SQRT1_2]];
    for (const u of dirs) {
      expect(ksTest(project(x, 2, u), projectedCurveCdf(curves, sigma, u)).pValue).toBeGreaterThan(0.01 / 3);
    }
  });
});

describe("checkerboard", () => {
  const board = checkerboard();
  it("samples only black cells, uniformly (x-marginal KS and cell counts χ²)", () => {
    const n = 16_000;
    const x = board.sample(key(31), n);
    const lp = board.logDensity(x);
    expect(lp.every((v) => v === Math.log(1 / 32))).toBe(true);
    expect(ksTest(project(x, 2, [1, 0]), (v) => Math.min(1, Math.max(0, (v + 4) / 8))).pValue).toBeGreaterThan(0.01);
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const c = `${Math.floor(x[2 * i]! / 2)},${Math.floor(x[2 * i + 1]! / 2)}`;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(counts.size).toBe(8);
    let chi2 = 0;
    for (const c of counts.values()) chi2 += (c - n / 8) ** 2 / (n / 8);
    expect(chiSquareSf(chi2, 7)).toBeGreaterThan(0.01); // 8 cells: χ²₇ at the 1 % level
  });

  it("has the exact piecewise-constant density (integrates to 1; score 0 inside, NaN outside)", () => {
    const h = 0.05;
    let total = 0;
    const pts: number[] = [];
    for (let x = -5 + h / 2; x < 5; x += h) for (let y = -5 + h / 2; y < 5; y += h) pts.push(x, y);
    for (const v of board.logDensity(pts)) total += Math.exp(v);
    expect(total * h * h).toBeCloseTo(1, 10);
    expect(Array.from(board.score([-3, -3, -3, -1]))).toEqual([0, 0, Number.NaN, Number.NaN]);
    expect(board.logDensity([-3, -1])[0]).toBe(-Infinity);
  });
});

describe("pinwheel", () => {
  it("radius ‖x‖/scale has the law of ‖f‖, f ~ N((1,0), diag(0.3², 0.1²)) (KS 1%); mean 0 by symmetry", () => {
    const n = 5000;
    const x = pinwheel().sample(key(41), n);
    const radii = new Float64Array(n);
    let mx = 0;
    let my = 0;
    for (let i = 0; i < n; i++) {
      radii[i] = Math.hypot(x[2 * i]!, x[2 * i + 1]!) / 2;
      mx += x[2 * i]! / n;
      my += x[2 * i + 1]! / n;
    }
    const cdf = (rho: number): number => {
      if (rho <= 0) return 0;
      const { value } = integrate(
        (f2) => {
          const w = Math.sqrt(Math.max(0, rho * rho - f2 * f2));
          return (Math.exp(-(f2 * f2) / (2 * 0.01)) / Math.sqrt(2 * Math.PI * 0.01)) * (normalCdf((w - 1) / 0.3) - normalCdf((-w - 1) / 0.3));
        },
        -rho,
        rho,
        { tolerance: 1e-10, relativeTolerance: 1e-10 },
      );
      return Math.min(1, Math.max(0, value));
    };
    expect(ksTest(radii, cdf).pValue).toBeGreaterThan(0.01);
    const sd = 2 * Math.sqrt(1.1 / n); // crude bound on the per-axis standard error
    expect(Math.abs(mx)).toBeLessThan(4 * sd);
    expect(Math.abs(my)).toBeLessThan(4 * sd);
    expect(pinwheel().logDensity).toBeUndefined();
  });
});

describe("circleDensity", () => {
  const circle = circleDensity();
  it("closed-form normaliser equals quadrature, and logDensity integrates to 1", () => {
    const { value } = integrate((r) => 2 * Math.PI * r * Math.exp(-((r - 1) ** 2) / 0.4), 0, 30, { tolerance: 1e-14, relativeTolerance: 1e-14 });
    expect(circle.logNormalizer).toBeCloseTo(Math.log(value) - 0.5 * Math.log(2 * Math.PI * 0.2), 13);
    const u = circle.unnormalizedLogDensity([4.5, 0.3]);
    const l = circle.logDensity([4.5, 0.3]);
    expect(u[0]! - l[0]!).toBeCloseTo(circle.logNormalizer, 13);
    // radial CDF vs quadrature
    for (const r of [0.2, 0.8, 1, 1.5, 2.5]) {
      const { value: part } = integrate((s) => 2 * Math.PI * s * Math.exp(-((s - 1) ** 2) / 0.4), 0, r, { tolerance: 1e-14, relativeTolerance: 1e-14 });
      expect(circle.radialCdf(r)).toBeCloseTo(part / value, 12);
    }
  });

  it("samples: radius KS vs the exact radial CDF, angle uniform (1% each)", () => {
    const n = 20_000;
    const x = circle.sample(key(51), n);
    const r = new Float64Array(n);
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      r[i] = Math.hypot(x[2 * i]! - 4, x[2 * i + 1]!);
      a[i] = Math.atan2(x[2 * i + 1]!, x[2 * i]! - 4);
    }
    expect(ksTest(r, circle.radialCdf).pValue).toBeGreaterThan(0.005);
    expect(ksTest(a, (t) => (t + Math.PI) / (2 * Math.PI)).pValue).toBeGreaterThan(0.005);
  });

  it("score matches finite differences (≤ 1e-8 relative) and is (0, 0) at the centre", () => {
    const [k1] = split(key(52), 1) as [never];
    const x = circle.sample(k1, 50);
    const s = circle.score(x);
    for (let i = 0; i < 50; i++) {
      const fd = centralGradient((y) => circle.logDensity(y)[0]!, x.slice(2 * i, 2 * i + 2), { step: 5e-4 });
      const si = s.subarray(2 * i, 2 * i + 2);
      expect(norm([si[0]! - fd[0]!, si[1]! - fd[1]!]) / Math.max(1, norm(si))).toBeLessThan(1e-8);
    }
    expect(Array.from(circle.score([4, 0]))).toEqual([0, 0]);
  });
});
