import { describe, expect, it } from "vitest";
import { key, split, ParabolicError, randomStream, type Key } from "@parabolic/core";
import { forwardMarginal, heatTransition, sparseDenseMixture, vpTransition } from "@parabolic/datasets";
import { doubleWellDrift, ouProcess, timeChange, vpProcess } from "@parabolic/heat";
import { slicedWasserstein, wasserstein1d } from "@parabolic/metrics";
import { heatTimeSde, xTimeSde, type ScoreFn } from "./diffusion-sde.js";
import { sampleProbabilityFlow, sampleReverseSde, timeGrid } from "./reverse-samplers.js";

const p0 = sparseDenseMixture();
const n = 2000;
const vpScore: ScoreFn = (x, t) => forwardMarginal(p0, vpTransition(t)).score(x);
const heatScore: ScoreFn = (y, s) => forwardMarginal(p0, heatTransition(s)).score(y);
const directions = split(key(77), 4);

/** SW₁ averaged over 4 direction sets (200 projections each). */
function sw(a: Float64Array, b: Float64Array): number {
  return directions.reduce((acc, k) => acc + slicedWasserstein(k, a, b, { dim: 2, p: 1, projections: 200 }), 0) / directions.length;
}

/** The sample-noise floor: mean SW₁ between independent exact data sets of the same size. */
const floor = (() => {
  const sets = split(key(500), 6).map((k) => p0.sample(k, n));
  return (sw(sets[0]!, sets[1]!) + sw(sets[2]!, sets[3]!) + sw(sets[4]!, sets[5]!)) / 3;
})();
const reference = p0.sample(key(501), n);

describe("reverse-time samplers on the exact sparse/dense mixture score (VP, β ∈ [0.1, 20])", () => {
  const initial = forwardMarginal(p0, vpTransition(1)).sample(key(10), n);
  const grid = { start: 1, end: 1e-3, steps: 400, spacing: "quadratic" as const };

  it("probability-flow ODE (Heun) reproduces the data: SW₁ within 2× the sample-noise floor", () => {
    const result = sampleProbabilityFlow({ sde: xTimeSde(vpProcess(), 2), score: vpScore, initial, grid });
    expect(result.status).toBe("success");
    expect(result.time).toBe(1e-3);
    expect(sw(result.points, reference)).toBeLessThan(2 * floor);
  });

  it("reverse SDE (stochastic Heun) reproduces the data", () => {
    const result = sampleReverseSde(key(11), { sde: xTimeSde(vpProcess(), 2), score: vpScore, initial, grid, method: "heun" });
    expect(result.status).toBe("success");
    expect(sw(result.points, reference)).toBeLessThan(2 * floor);
  });

  it("reverse SDE (Euler–Maruyama) and predictor–corrector reproduce the data", () => {
    const em = sampleReverseSde(key(12), { sde: xTimeSde(vpProcess(), 2), score: vpScore, initial, grid: { ...grid, steps: 800 } });
    expect(sw(em.points, reference)).toBeLessThan(2 * floor);
    const pc = sampleReverseSde(key(13), { sde: xTimeSde(vpProcess(), 2), score: vpScore, initial, grid, corrector: { steps: 1, snr: 0.1 } });
    expect(pc.stats.scoreEvaluations).toBe(800);
    expect(sw(pc.points, reference)).toBeLessThan(2 * floor);
  });

  it("adaptive probability flow meets its tolerance: matches a fine Heun solution", () => {
    const sub = initial.subarray(0, 400);
    const adaptive = sampleProbabilityFlow({ sde: xTimeSde(vpProcess(), 2), score: vpScore, initial: sub, grid: { start: 1, end: 1e-3, steps: 1 }, method: "adaptive", rtol: 1e-6, atol: 1e-6 });
    const fine = sampleProbabilityFlow({ sde: xTimeSde(vpProcess(), 2), score: vpScore, initial: sub, grid: { start: 1, end: 1e-3, steps: 4000, spacing: "quadratic" } });
    expect(adaptive.status).toBe("success");
    let maxDiff = 0;
    for (let i = 0; i < sub.length; i++) maxDiff = Math.max(maxDiff, Math.abs(adaptive.points[i]! - fine.points[i]!));
    expect(maxDiff).toBeLessThan(2e-3);
    // looser tolerance → fewer steps
    const loose = sampleProbabilityFlow({ sde: xTimeSde(vpProcess(), 2), score: vpScore, initial: sub, grid: { start: 1, end: 1e-3, steps: 1 }, method: "adaptive", rtol: 1e-3, atol: 1e-3 });
    expect(loose.stats.steps).toBeLessThan(adaptive.stats.steps);
  });

  it("samples in heat time (y ← y + 2SΔs + √(2Δs)ε and the heat PF-ODE); at s → 0, y = x", () => {
    const start = 200;
    const init = forwardMarginal(p0, heatTransition(start)).sample(key(14), n);
    const g = { start, end: 1e-4, steps: 400, spacing: "log" as const };
    const sde = sampleReverseSde(key(15), { sde: heatTimeSde(2), score: heatScore, initial: init, grid: g, method: "heun" });
    expect(sw(sde.points, reference)).toBeLessThan(2 * floor);
    const ode = sampleProbabilityFlow({ sde: heatTimeSde(2), score: heatScore, initial: init, grid: { start, end: 1e-4, steps: 1 }, method: "adaptive", rtol: 1e-4, atol: 1e-4 });
    expect(ode.status).toBe("success");
    expect(sw(ode.points, reference)).toBeLessThan(2 * floor);
  });
});

describe("reverse-time samplers with a nonlinear forward drift", () => {
  // dX = −U′(X)dt + √2 dW, U = (x² − 1)²/2, started at e^{−U}: p_t ≡ e^{−U}/Z and ∇log p_t = −U′ for all t.
  const process = ouProcess({ rate: 0, diffusion: Math.SQRT2, drift: doubleWellDrift({ dim: 1 }) });
  const score: ScoreFn = (x) => x.map((v) => -2 * (v * v - 1) * v);
  const sampleStationary = (k: Key, count: number): Float64Array => {
    // inverse CDF on a fine grid (trapezoid), exact to ≈ 1e-6
    const lo = -3;
    const m = 20000;
    const hStep = 6 / m;
    const cdf = new Float64Array(m + 1);
    const pdf = (x: number): number => Math.exp(-0.5 * (x * x - 1) ** 2);
    for (let i = 1; i <= m; i++) cdf[i] = cdf[i - 1]! + 0.5 * hStep * (pdf(lo + (i - 1) * hStep) + pdf(lo + i * hStep));
    const s = randomStream(k);
    return Float64Array.from({ length: count }, () => {
      const u = s.nextDouble() * cdf[m]!;
      let a = 0;
      let b = m;
      while (b - a > 1) {
        const mid = (a + b) >> 1;
        if (cdf[mid]! < u) a = mid;
        else b = mid;
      }
      return lo + (a + (u - cdf[a]!) / (cdf[b]! - cdf[a]!)) * hStep;
    });
  };
  const initial = sampleStationary(key(20), 4000);
  const ref = sampleStationary(key(21), 4000);
  const floor1 = (wasserstein1d(sampleStationary(key(22), 4000), sampleStationary(key(23), 4000)) + wasserstein1d(sampleStationary(key(24), 4000), sampleStationary(key(25), 4000))) / 2;

  it("x-time reverse SDE (Heun) keeps the stationary law; ignoring the drift would not", () => {
    const grid = { start: 3, end: 0, steps: 300 };
    const result = sampleReverseSde(key(26), { sde: xTimeSde(process, 1), score, initial, grid, method: "heun" });
    expect(wasserstein1d(result.points, ref)).toBeLessThan(2 * floor1);
    const wrong = sampleReverseSde(key(26), { sde: { dim: 1, drift: () => undefined, diffusion: () => Math.SQRT2 }, score, initial, grid, method: "heun" });
    expect(wasserstein1d(wrong.points, ref)).toBeGreaterThan(2 * floor1);
    // sharper: E[(x² − 1)²] (= E[2U]) vs quadrature of e^{−U}, at 4 standard errors
    let num = 0;
    let den = 0;
    for (let i = 0; i <= 20000; i++) {
      const x = -4 + (8 * i) / 20000;
      const w = Math.exp(-0.5 * (x * x - 1) ** 2);
      num += (x * x - 1) ** 2 * w;
      den += w;
    }
    const exact = num / den;
    const moment = (p: Float64Array): { mean: number; se: number } => {
      const m = p.reduce((a, v) => a + (v * v - 1) ** 2, 0) / p.length;
      const v = p.reduce((a, x) => a + ((x * x - 1) ** 2 - m) ** 2, 0) / (p.length - 1);
      return { mean: m, se: Math.sqrt(v / p.length) };
    };
    const good = moment(result.points);
    const bad = moment(wrong.points);
    expect(Math.abs(good.mean - exact)).toBeLessThan(4 * good.se);
    expect(Math.abs(bad.mean - exact)).toBeGreaterThan(10 * bad.se);
  });

  it("heat-time reverse SDE with the heat-coordinate drift c keeps the stationary law", () => {
    const change = timeChange(process, { dim: 1 });
    const result = sampleReverseSde(key(27), { sde: heatTimeSde(1, change.heatDrift), score, initial, grid: { start: 1, end: 0, steps: 200 }, method: "euler-maruyama" });
    expect(wasserstein1d(result.points, ref)).toBeLessThan(2 * floor1);
  });
});

describe("sampler validation and status", () => {
  it("validates options and reports non-finite states without throwing mid-run", () => {
    const sde = xTimeSde(vpProcess(), 2);
    expect(() => timeGrid("t", { start: 0, end: 1, steps: 4 })).toThrow(/'grid.start' must be > grid.end/);
    expect(() => timeGrid("t", { times: [1, 1] })).toThrow(/strictly decreasing/);
    let error: unknown;
    try {
      sampleReverseSde(key(1), { sde, score: vpScore, initial: new Float64Array(3), grid: { start: 1, end: 0.1, steps: 2 } });
    } catch (e) {
      error = e;
    }
    expect(ParabolicError.is(error, "SHAPE_MISMATCH")).toBe(true);
    const exploding: ScoreFn = (x, t) => x.map(() => (t < 0.5 ? Number.NaN : 1));
    const r = sampleReverseSde(key(2), { sde, score: exploding, initial: new Float64Array(4), grid: { start: 1, end: 0, steps: 4 } });
    expect(r.status).toBe("non_finite");
    expect(r.time).toBe(0.25); // the last finite state: the step from 0.25 used the NaN score
    const controller = new AbortController();
    controller.abort();
    expect(sampleProbabilityFlow({ sde, score: vpScore, initial: new Float64Array(4), grid: { start: 1, end: 0, steps: 4 }, signal: controller.signal }).status).toBe("aborted");
  });
});
