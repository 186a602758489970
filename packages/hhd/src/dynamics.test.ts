import { key, split } from "@parabolic/core";
import { forwardMarginal, gaussianMixture } from "@parabolic/datasets";
import { maximumMeanDiscrepancy, slicedWasserstein } from "@parabolic/metrics";
import { describe, expect, it } from "vitest";
import { referenceMixture, referenceScore } from "../test/support/mixture.js";
import { simulateLangevin, simulateProbabilityFlow, simulateReverseSde } from "./dynamics.js";
import { exactGaussianKL } from "./kl-bounds.js";
import { perturbedScore } from "./test-fields.js";
import type { VectorField } from "./types.js";
import { vpSchedule } from "./vp-schedule.js";

// Distances of hhd.md §10.2: squared sliced W2 (200 random projections) and unbiased MMD² (Gaussian kernel,
// bandwidth 0.5, 3000 random rows). Noise floor = the same distance between two independent exact sample sets.
const sw2 = (x: Float64Array, y: Float64Array, seed: number): number => slicedWasserstein(key(seed), x, y, { dim: 2, projections: 200 }) ** 2;
const mmd2 = (x: Float64Array, y: Float64Array, seed: number): number =>
  maximumMeanDiscrepancy(x, y, { dim: 2, bandwidth: 0.5, subsample: { key: key(seed), size: 3000 } }).mmdSquared;

/**
 * Noise floors: the mean SW2 and the root-mean-square MMD² between `pairs` pairs of independent exact sample sets
 * of size n. (A single pair is a poor floor: SW2 between finite samples is heavy-tailed — at n = 4000 it ranged
 * 5.6e-4 … 9e-3 over a handful of pairs — and unbiased MMD² fluctuates around 0.)
 */
function noiseFloor(n: number, seed: number, pairs = 4): { sw: number; mmd: number } {
  let sw = 0;
  let mmd = 0;
  for (let r = 0; r < pairs; r++) {
    const [a, b] = split(key(seed + 1000 * r), 2);
    const x = p0.sample(a!, n);
    const y = p0.sample(b!, n);
    sw += sw2(x, y, seed + r) / pairs;
    mmd += mmd2(x, y, seed + r) ** 2 / pairs;
  }
  return { sw, mmd: Math.sqrt(mmd) };
}

const vp = vpSchedule();
const p0 = referenceMixture();
/** exact ∇log p_t of REF (t = 0 included; fast 2-D path over the datasets oracle's parameters) */
const marginalScore: VectorField = (x, t) => referenceScore(t)(x);
/** λ* = √(51 / ∫₀¹F(p_t)dt) = 4.2828 (hhd.md §7): ∫₀¹E|e_t|² dt = 51 for both models of the equal-norm pair */
const LAMBDA_STAR = 4.2828;

describe("S1: Langevin at fixed p — a solenoidal error of E|e|² = 51 is invisible, a gradient one is not", () => {
  it("init = p, h = 1e-3, T = 0.5, N = 10 000 (CI size; T = 2, N = 20 000 in scripts/invisibility-full.ts)", () => {
    const N = 10_000;
    const fast = referenceScore(0);
    const score: VectorField = (x) => fast(x);
    const lambda = 2.2875; // √(51 / F(REF)): E_p|λR∇log p|² ≈ 51
    const [kInit, kRun, kA] = split(key(606), 3);
    const initial = p0.sample(kInit!, N);
    const exactA = p0.sample(kA!, N);
    const { sw: floorSw, mmd: floorMmd } = noiseFloor(N, 7);
    const run = (model: VectorField) => simulateLangevin(kRun!, { score: model, dim: 2, initial, stepSize: 1e-3, steps: 500 });
    const sol = run(perturbedScore({ dim: 2, score, rotationScale: lambda }));
    const grad = run(perturbedScore({ dim: 2, score, gradientScale: lambda }));
    expect(sol.status).toBe("success");
    expect(grad.status).toBe("success");
    const solSw = sw2(sol.positions, exactA, 9);
    const gradSw = sw2(grad.positions, exactA, 9);
    const solMmd = mmd2(sol.positions, exactA, 9);
    expect(solSw).toBeLessThanOrEqual(3 * floorSw);
    expect(solMmd).toBeLessThanOrEqual(3 * floorMmd);
    expect(gradSw).toBeGreaterThanOrEqual(20 * floorSw);
  });
});

describe("S2/S3: reverse VP-SDE and PF-ODE with the equal-norm pair (I+λ*R)∇log p_t vs (1+λ*)∇log p_t", () => {
  const N = 4000;
  const [kA, kRun] = split(key(202), 2);
  const exactA = p0.sample(kA!, N);
  const floor = noiseFloor(N, 3).sw;
  const solModel = perturbedScore({ dim: 2, score: marginalScore, rotationScale: LAMBDA_STAR });
  const gradModel = perturbedScore({ dim: 2, score: marginalScore, gradientScale: LAMBDA_STAR });
  const sde = (model: VectorField, steps: number, method: "heun" | "euler-maruyama") =>
    simulateReverseSde(kRun!, { score: model, schedule: vp, dim: 2, count: N, steps, method }).positions;

  it("S2: stochastic Heun, 1000 steps — solenoidal SW2 ≤ 3× floor, gradient SW2 ≥ 100× floor (N = 4000)", () => {
    expect(floor).toBeGreaterThan(0);
    const sol = sde(solModel, 1000, "heun");
    const grad = sde(gradModel, 1000, "heun");
    expect(sw2(sol, exactA, 3)).toBeLessThanOrEqual(3 * floor);
    expect(sw2(grad, exactA, 3)).toBeGreaterThanOrEqual(100 * floor);
  });

  it("S2: PF-ODE Heun, 250 steps — solenoidal SW2 ≤ 5× floor, gradient SW2 ≥ 100× floor", () => {
    const ode = (model: VectorField) => simulateProbabilityFlow(kRun!, { score: model, schedule: vp, dim: 2, count: N, steps: 250 }).positions;
    expect(sw2(ode(solModel), exactA, 3)).toBeLessThanOrEqual(5 * floor);
    expect(sw2(ode(gradModel), exactA, 3)).toBeGreaterThanOrEqual(100 * floor);
  });

  it("S3 (documented regression): Euler–Maruyama with 250 steps LEAKS the solenoidal error (SW2 ≥ 10× floor); Heun does not", () => {
    // Invisibility is a continuous-time statement (hhd.md §3 I4): explicit EM on the large rotational field spirals
    // outward at O(h). The library therefore defaults to Heun; this test pins the leak so a silent change is caught.
    const em = sde(solModel, 250, "euler-maruyama");
    const heun = sde(solModel, 250, "heun");
    expect(sw2(em, exactA, 3)).toBeGreaterThanOrEqual(10 * floor);
    expect(sw2(heun, exactA, 3)).toBeLessThanOrEqual(3 * floor);
  });
});

describe("samplers against exact Gaussian moments", () => {
  it("reverse-SDE Heun output matches the covariance of exactGaussianKL's moment ODE (κ = 0.3, λ = 2)", () => {
    const mean = [1, -0.5];
    const cov = [0.5, 0.15, 0.15, 0.3];
    const exact = exactGaussianKL({ mean, covariance: cov, gradientScale: 0.3, rotationScale: 2, steps: 1000 });
    const marginal = (t: number) => forwardMarginal(
      // a one-component "mixture" from @parabolic/datasets gives the exact Gaussian marginal score
      referenceGaussian(mean, cov),
      { alpha: vp.alpha(t), variance: vp.sigma(t) ** 2 },
    );
    const model = perturbedScore({ dim: 2, score: (x, t) => marginal(t).score(x), gradientScale: 0.3, rotationScale: 2 });
    const n = 20_000;
    const out = simulateReverseSde(key(9), { score: model, schedule: vp, dim: 2, count: n, steps: 500 }).positions;
    let m0 = 0;
    let m1 = 0;
    for (let i = 0; i < n; i++) {
      m0 += out[2 * i]! / n;
      m1 += out[2 * i + 1]! / n;
    }
    let c00 = 0;
    let c01 = 0;
    let c11 = 0;
    for (let i = 0; i < n; i++) {
      const a = out[2 * i]! - m0;
      const b = out[2 * i + 1]! - m1;
      c00 += (a * a) / (n - 1);
      c01 += (a * b) / (n - 1);
      c11 += (b * b) / (n - 1);
    }
    const C = exact.finalCovariance;
    // standard errors of sample (co)variances of a Gaussian: √((C_ii C_jj + C_ij²)/n); 4 SE plus O(h) slack
    const se = (i: number, j: number): number => Math.sqrt((C[i * 2 + i]! * C[j * 2 + j]! + C[i * 2 + j]! ** 2) / n);
    expect(Math.abs(c00 - C[0]!)).toBeLessThan(4 * se(0, 0) + 0.01 * C[0]!);
    expect(Math.abs(c01 - C[1]!)).toBeLessThan(4 * se(0, 1) + 0.01 * C[0]!);
    expect(Math.abs(c11 - C[3]!)).toBeLessThan(4 * se(1, 1) + 0.01 * C[3]!);
    expect(Math.abs(m0 - exact.finalMean[0]!)).toBeLessThan(4 * Math.sqrt(C[0]! / n) + 0.01);
    expect(Math.abs(m1 - exact.finalMean[1]!)).toBeLessThan(4 * Math.sqrt(C[3]! / n) + 0.01);
  });

  it("reports non_finite instead of throwing when particles blow up, and aborted on a fired signal", () => {
    const explode: VectorField = (x) => x.map((v) => 1e300 * v * v + 1e300);
    const r = simulateLangevin(key(1), { score: explode, dim: 2, initial: new Float64Array([1, 1]), stepSize: 1, steps: 100, method: "euler-maruyama" });
    expect(r.status).toBe("non_finite");
    expect(r.steps).toBeLessThan(100);
    const c = new AbortController();
    c.abort();
    const a = simulateReverseSde(key(1), { score: (x) => x.map((v) => -v), schedule: vp, dim: 2, count: 10, steps: 10, signal: c.signal });
    expect(a.status).toBe("aborted");
    expect(a.steps).toBe(0);
    expect(() => simulateLangevin(key(1), { score: (x) => x, dim: 2, initial: new Float64Array(3), stepSize: 1, steps: 1 })).toThrow(
      expect.objectContaining({ code: "SHAPE_MISMATCH" }),
    );
  });

  it("saveAt stores copies at the requested steps with their times", () => {
    const r = simulateProbabilityFlow(key(2), { score: (x) => x.map((v) => -v), schedule: vp, dim: 2, count: 5, steps: 10, saveAt: [5, 10] });
    expect(r.snapshots.map((s) => s.time)).toEqual([0.5, 0]);
    expect(Array.from(r.snapshots[1]!.positions)).toEqual(Array.from(r.positions));
  });
});

function referenceGaussian(mean: number[], cov: number[]) {
  return gaussianMixture({ weights: [1], means: [mean], covariances: [cov] });
}
