import { describe, expect, it } from "vitest";
import { gaussianDiscreteLaw, gaussianFlow, gaussianKl1d } from "./gaussian-oracles.js";

describe("A1: closed-form Gaussian flow (spec §9 O1), v₀ = 10 → N(0, 1)", () => {
  const flow = gaussianFlow({ variance0: 10 });
  // the spec's table (6 significant digits)
  const table: [number, number, number, number][] = [
    [0, 10, 3.348707, 8.1],
    [0.5, 4.310915, 0.924882, 2.542884],
    [1, 2.218018, 0.210702, 0.668871],
    [2, 1.164841, 0.006128, 0.023327],
    [3, 1.022309, 1.23e-4, 4.87e-4],
    [5, 1.000409, 4.17e-8, 1.67e-7],
  ];
  it("reproduces the table of v(t), KL and I", () => {
    for (const [t, v, kl, fisher] of table) {
      expect(Math.abs(flow.variance(t) - v) / v).toBeLessThan(5e-7);
      expect(Math.abs(flow.kl(t) - kl) / kl).toBeLessThan(5e-3); // the table prints 3–7 digits
      expect(Math.abs(flow.fisher(t) - fisher) / fisher).toBeLessThan(5e-3);
    }
    expect(flow.kl(1)).toBeCloseTo(0.210702, 6);
    expect(flow.fisher(1)).toBeCloseTo(0.668871, 6);
  });

  it("equals the closed forms v = 1 + 9e^{−2t}, KL = ½(v − 1 − ln v), I = (v − 1)²/v to 1e-12 relative", () => {
    for (const [t] of table) {
      const v = 1 + 9 * Math.exp(-2 * t);
      expect(Math.abs(flow.variance(t) / v - 1)).toBeLessThan(1e-12);
      expect(Math.abs(flow.kl(t) / (0.5 * (v - 1 - Math.log(v))) - 1)).toBeLessThan(1e-9); // cancellation in v − 1 − ln v at t = 5
      expect(Math.abs(flow.fisher(t) / ((v - 1) ** 2 / v) - 1)).toBeLessThan(1e-12);
      expect(flow.mean(t)).toBe(0);
    }
  });

  it("satisfies v′ = 2 − 2v and dKL/dt = −I to 1e-9 relative (4th-order differences)", () => {
    const d = (f: (t: number) => number, t: number, e = 1e-3): number =>
      (-f(t + 2 * e) + 8 * f(t + e) - 8 * f(t - e) + f(t - 2 * e)) / (12 * e);
    for (const [t] of table.slice(1)) {
      const v = flow.variance(t);
      expect(Math.abs(d(flow.variance, t) - (2 - 2 * v)) / Math.abs(2 - 2 * v)).toBeLessThan(1e-9);
      if (t <= 3) expect(Math.abs(d(flow.kl, t) + flow.fisher(t)) / flow.fisher(t)).toBeLessThan(1e-9);
    }
    // general target N(μ, s²) with a mean: m′ = (μ − m)/s², v′ = 2 − 2v/s²
    const g = gaussianFlow({ mean0: 1, variance0: 0.3, targetMean: -2, targetVariance: 2.5 });
    for (const t of [0.2, 1, 3]) {
      expect(Math.abs(d(g.mean, t) - (-2 - g.mean(t)) / 2.5)).toBeLessThan(1e-10);
      expect(Math.abs(d(g.variance, t) - (2 - (2 * g.variance(t)) / 2.5))).toBeLessThan(1e-10);
      expect(Math.abs(d(g.kl, t) + g.fisher(t)) / g.fisher(t)).toBeLessThan(1e-8);
    }
  });
});

describe("discrete-law recursions (spec §9 O2)", () => {
  it("reproduce the spec's KL table at t = 1, 2, 5", () => {
    const rows: [Parameters<typeof gaussianDiscreteLaw>[0]["scheme"], number, number, number, number][] = [
      ["euler-exact-score", 0.1, 0.156055, 6.04e-8, 0.006665],
      ["euler-current-law", 0.1, 0.169159, 0.00325, 5.44e-9],
      ["heun-current-law", 0.1, 0.194975, 0.004169, 7.18e-9],
      ["ula", 0.1, 0.18971, 0.007619, 6.75e-4],
      ["euler-exact-score", 0.01, 0.205065, 0.004986, 6.11e-5],
      ["euler-current-law", 0.01, 0.206532, 0.005792, 3.49e-8],
      ["heun-current-law", 0.01, 0.209057, 0.005914, 3.57e-8],
      ["ula", 0.01, 0.20855, 0.006245, 7.3e-6],
    ];
    for (const [scheme, h, k1, k2, k5] of rows) {
      const law = gaussianDiscreteLaw({ scheme, variance0: 10, stepSize: h, steps: Math.round(5 / h) });
      const kl = (t: number): number => gaussianKl1d({ mean: law.means[Math.round(t / h)]!, variance: law.variances[Math.round(t / h)]! });
      for (const [t, expected] of [
        [1, k1],
        [2, k2],
        [5, k5],
      ] as const) {
        expect(Math.abs(kl(t) - expected) / expected, `${scheme} h=${h} t=${t}`).toBeLessThan(6e-3);
      }
    }
  });

  it("ULA's stationary variance is 1/(1 − h/2) and the current-law Euler fixed point is exactly 1", () => {
    for (const h of [0.05, 0.1, 0.5]) {
      const law = gaussianDiscreteLaw({ scheme: "ula", variance0: 1, stepSize: h, steps: Math.round(60 / h) });
      expect(law.variances[law.variances.length - 1]).toBeCloseTo(1 / (1 - h / 2), 12);
    }
    const fixed = gaussianDiscreteLaw({ scheme: "euler-current-law", variance0: 1, stepSize: 0.3, steps: 10 });
    expect(Array.from(fixed.variances)).toEqual(new Array(11).fill(1));
  });
});
