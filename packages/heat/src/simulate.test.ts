import { key, ksTest, normalCdf, normals, ParabolicError } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { gradientDrift, rotationDrift, tanhDrift } from "./drift-field.js";
import { ouProcess, vpProcess } from "./forward-process.js";
import { forwardDrift, simulateForward } from "./simulate.js";

/** Least-squares slope of log(err) against log(h). */
function slope(hs: readonly number[], errs: readonly number[]): number {
  const x = hs.map(Math.log);
  const y = errs.map((e) => Math.log(Math.abs(e)));
  const mx = x.reduce((a, b) => a + b) / x.length;
  const my = y.reduce((a, b) => a + b) / y.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    num += (x[i]! - mx) * (y[i]! - my);
    den += (x[i]! - mx) ** 2;
  }
  return num / den;
}

describe("simulateForward", () => {
  it("OU and VP marginals from a point mass match the exact Gaussian law (KS at the 1 % level, moments within 4 SE)", () => {
    const M = 20000;
    const cases = [
      { name: "ou", process: ouProcess(), steps: 50, alpha: Math.exp(-1), v: -Math.expm1(-2) },
      (() => {
        const i = 0.1 + 0.5 * 19.9; // ∫_0^1 β_VP
        return { name: "vp", process: vpProcess({ betaMin: 0.1, betaMax: 20 }), steps: 200, alpha: Math.exp(-0.5 * i), v: -Math.expm1(-i) };
      })(),
    ];
    for (const c of cases) {
      const x0 = new Float64Array(M).fill(2);
      const run = simulateForward(key(11), c.process, { initial: x0, dim: 1, t1: 1, steps: c.steps, method: "heun" });
      expect(run.status).toBe("success");
      const xs = run.ys[0]!;
      const m = 2 * c.alpha;
      const sd = Math.sqrt(c.v);
      const ks = ksTest(xs, (x) => normalCdf((x - m) / sd));
      expect(ks.pValue).toBeGreaterThan(0.01);
      let mean = 0;
      for (const x of xs) mean += x;
      mean /= M;
      expect(Math.abs(mean - m)).toBeLessThan((4 * sd) / Math.sqrt(M));
    }
  });

  it("strong order 1 for both schemes and weak order ≈ 2 for Heun vs 1 for Euler–Maruyama (coupled noise, nonlinear drift)", () => {
    const process = ouProcess({ rate: 0.5, diffusion: 1, drift: tanhDrift({ dim: 1, amplitude: 1.5, width: 0.5 }) });
    const M = 40000;
    const fine = 256;
    const x0 = new Float64Array(M).fill(1.5);
    const noise = new Map<number, Float64Array>([[fine, normals(key(5), { count: fine * M })]]);
    for (let s = fine; s > 8; s /= 2) {
      const z = noise.get(s)!;
      const coarse = new Float64Array((s / 2) * M);
      for (let k = 0; k < s / 2; k++) {
        for (let i = 0; i < M; i++) coarse[k * M + i] = (z[2 * k * M + i]! + z[(2 * k + 1) * M + i]!) / Math.SQRT2;
      }
      noise.set(s / 2, coarse);
    }
    const reference = simulateForward(key(0), process, { initial: x0, dim: 1, t1: 1, steps: fine, method: "heun", noise: noise.get(fine)! }).ys[0]!;
    const stepsList = [8, 16, 32, 64];
    const errors = { "euler-maruyama": { strong: [] as number[], weak: [] as number[] }, heun: { strong: [] as number[], weak: [] as number[] } };
    for (const method of ["euler-maruyama", "heun"] as const) {
      for (const steps of stepsList) {
        const xs = simulateForward(key(0), process, { initial: x0, dim: 1, t1: 1, steps, method, noise: noise.get(steps)! }).ys[0]!;
        let strong = 0;
        let weak = 0;
        for (let i = 0; i < M; i++) {
          strong += (xs[i]! - reference[i]!) ** 2;
          weak += xs[i]! ** 2 - reference[i]! ** 2;
        }
        errors[method].strong.push(Math.sqrt(strong / M));
        errors[method].weak.push(weak / M);
      }
    }
    const hs = stepsList.map((s) => 1 / s);
    for (const method of ["euler-maruyama", "heun"] as const) {
      const p = slope(hs, errors[method].strong);
      expect(p).toBeGreaterThan(0.85);
      expect(p).toBeLessThan(1.2);
    }
    const pEm = slope(hs, errors["euler-maruyama"].weak);
    expect(pEm).toBeGreaterThan(0.8);
    expect(pEm).toBeLessThan(1.4);
    // Heun's weak error at 64 steps is at the MC floor of the coupled difference (≈ 2e−5), so fit on 8…32
    const pHeun = slope(hs.slice(0, 3), errors.heun.weak.slice(0, 3));
    expect(pHeun).toBeGreaterThan(1.5);
    for (let i = 0; i < stepsList.length; i++) expect(Math.abs(errors.heun.weak[i]!)).toBeLessThan(Math.abs(errors["euler-maruyama"].weak[i]!) / 5);
  });

  it("saves on the grid, reports non-finite states and aborts without throwing", () => {
    const process = ouProcess();
    const run = simulateForward(key(1), process, {
      initial: new Float64Array([1, 2]),
      dim: 2,
      t1: 1,
      steps: 10,
      saveAt: { t0: true, every: 5, times: [0.3] },
    });
    expect(Array.from(run.ts)).toEqual([0, 0.3, 0.5, 1]);
    expect(Array.from(run.ys[0]!)).toEqual([1, 2]);
    // bit-identical rerun with the same key
    const again = simulateForward(key(1), process, { initial: new Float64Array([1, 2]), dim: 2, t1: 1, steps: 10 });
    expect(Array.from(again.ys[0]!)).toEqual(Array.from(run.ys[3]!));
    expect(() => simulateForward(key(1), process, { initial: new Float64Array([1]), dim: 1, t1: 1, steps: 10, saveAt: { times: [0.33] } })).toThrow(
      /step grid/,
    );
    expect(() => simulateForward(key(1), process, { initial: new Float64Array([1, 2, 3]), dim: 2, t1: 1, steps: 10 })).toThrow(ParabolicError);
    // an explosive drift b = x³ overflows: status non_finite, the last finite state kept
    const explosive = ouProcess({
      rate: 0,
      drift: gradientDrift({ dim: 1, potential: (x) => x.map((v) => -(v ** 4) / 4), gradient: (x) => x.map((v) => -(v ** 3)) }),
    });
    const blown = simulateForward(key(2), explosive, { initial: new Float64Array([10]), dim: 1, t1: 1, steps: 10 });
    expect(blown.status).toBe("non_finite");
    expect(blown.stats.steps).toBeLessThan(10);
    expect(Number.isFinite(blown.ys.at(-1)![0]!)).toBe(true);
    const controller = new AbortController();
    controller.abort();
    const aborted = simulateForward(key(3), process, { initial: new Float64Array([1]), dim: 1, t1: 1, steps: 10, signal: controller.signal });
    expect(aborted.status).toBe("aborted");
    expect(aborted.stats.steps).toBe(0);
  });

  it("forwardDrift adds −βx, the absorbed rotation J(t)x and the nonlinear b", () => {
    const p = ouProcess({ rate: 2, rotation: { dim: 2, rate: 3 }, drift: rotationDrift({ dim: 2, rate: 0.5 }) });
    const f = forwardDrift(p, new Float64Array([1, 0]), 0, 2);
    expect(Array.from(f)).toEqual([-2, 3.5]);
    expect(() => forwardDrift(p, new Float64Array([1, 0, 2]), 0, 2)).toThrow(ParabolicError);
    expect(() => forwardDrift(p, new Float64Array([1, 0, 2]), 0, 3)).toThrow(/process dimension/);
    const short = ouProcess({ drift: { dim: 2, evaluate: () => new Float64Array(1) } });
    expect(() => forwardDrift(short, new Float64Array([1, 0]), 0, 2)).toThrow(/drift\.evaluate/);
  });
});
