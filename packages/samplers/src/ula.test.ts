import { foldIn, key, normals } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { annealedUla } from "./ula.js";
import { gaussianFlow } from "./gaussian-oracles.js";
import { sampleChains } from "./sample-chains.js";
import { linearAnnealing } from "./schedules.js";
import { gaussianTarget } from "./target.js";
import { ula } from "./ula.js";
import { meanVar } from "../test/moments.js";


describe("ULA", () => {
  it("B1 (CI size): stationary variance within ±0.3 % of 1/(1 − h/2) (N = 200,000; burn-in 10/h)", () => {
    // Full size (2,000 averaged steps, 3 seeds): packages/samplers/scripts/acceptance.ts b1
    for (const [h, averaged] of [
      [0.05, 500],
      [0.1, 300],
      [0.5, 100],
    ] as const) {
      const kernel = ula({ ...gaussianTarget({ dim: 1 }), stepSize: h });
      const burn = Math.round(10 / h);
      let sum = 0;
      sampleChains(key(77), {
        kernel,
        initialState: kernel.init(normals(key(78), { count: 200_000 })),
        steps: burn + averaged,
        onStep: ({ state }) => {
          if (state.step > burn) sum += meanVar(state.position).v;
        },
      });
      const expected = 1 / (1 - h / 2);
      expect(Math.abs(sum / averaged - expected) / expected, `h = ${h}`).toBeLessThan(0.003);
      // and it is really biased: the exact N(0, 1) is outside the band for every h here
      expect(Math.abs(sum / averaged - 1)).toBeGreaterThan(0.01);
    }
  });

  it("B3: same marginals as the flow — v̂(1)/v̂(0) within ±0.03 of v(1)/10 = 0.2218 (N = 1000, h = 0.01, 3 seeds)", () => {
    const exact = gaussianFlow({ variance0: 10 }).variance(1) / 10;
    for (const seed of [1, 2, 3]) {
      const x0 = normals(key(100 * seed + 1000), { count: 1000 }).map((z) => Math.sqrt(10) * z);
      const kernel = ula({ ...gaussianTarget({ dim: 1 }), stepSize: 0.01 });
      const result = sampleChains(key(seed + 999), { kernel, initialState: kernel.init(x0), steps: 100 });
      expect(Math.abs(meanVar(result.state.position).v / meanVar(x0).v - exact)).toBeLessThan(0.03);
      expect(result.state.time).toBe(1); // the clock is t₀ + kΔt exactly
    }
  });

  it("annealed ULA follows the exact moment recursion of its time-dependent Gaussian target (4 standard errors)", () => {
    const T = 5;
    const h = 0.01;
    const N = 20000;
    const kernel = annealedUla({
      prior: gaussianTarget({ dim: 1 }),
      target: gaussianTarget({ dim: 1, mean: 3, variance: 0.25 }),
      path: "geometric",
      schedule: linearAnnealing({ duration: T }),
      stepSize: h,
    });
    // ULA on N(μ_t, s_t²): m′ = m + h(μ_t − m)/s_t², v′ = (1 − h/s_t²)² v + 2h
    let m = 0;
    let v = 1;
    for (let k = 0; k < Math.round(T / h); k++) {
      const l = Math.min(1, (k * h) / T);
      const precision = 1 - l + l / 0.25;
      const mu = (l * 3) / 0.25 / precision;
      m = m + h * (mu - m) * precision;
      v = (1 - h * precision) ** 2 * v + 2 * h;
    }
    const result = sampleChains(key(8), { kernel, initialState: kernel.init(normals(key(9), { count: N })), steps: Math.round(T / h) });
    const got = meanVar(result.state.position);
    expect(Math.abs(got.m - m)).toBeLessThan(4 * Math.sqrt(v / N));
    expect(Math.abs(got.v - v)).toBeLessThan(4 * v * Math.sqrt(2 / N));
  });

  it("A6: seeded runs are bit-reproducible, states are immutable and outputs fresh", () => {
    const kernel = ula({ ...gaussianTarget({ dim: 2, variance: [1, 4] }), stepSize: 0.05 });
    const x0 = normals(key(1), { count: 2 * 300 });
    const s0 = kernel.init(x0);
    const copy = s0.position.slice();
    const a = sampleChains(key(2), { kernel, initialState: s0, steps: 50 });
    const b = sampleChains(key(2), { kernel, initialState: kernel.init(x0), steps: 50 });
    expect(a.state.position).toEqual(b.state.position);
    expect(s0.position).toEqual(copy);
    const one = kernel.step(foldIn(key(2), 0), s0);
    expect(one.state.position).not.toBe(s0.position);
    expect(kernel.step(foldIn(key(2), 0), s0).state.position).toEqual(one.state.position);
  });
});
