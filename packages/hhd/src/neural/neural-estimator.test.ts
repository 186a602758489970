/**
 * Neural dual-Sobolev estimators (hhd.md §6.3) against exact d = 10 oracles (§7 fields, any d): a Gaussian mixture
 * with exact VP marginals, s_θ = (1+κ)∇log p_t + λA∇log p_t (A orthogonal antisymmetric), so that
 * Err_grad = κ²∫wF(p_t)dt and Err_sol = λ²∫wF(p_t)dt with F the Fisher information (Gauss–Kronrod in t, Monte Carlo
 * in x with the exact score). All keys fixed: deterministic. Statistical assertions at ≈ 3 combined standard errors.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ParabolicError, key, normals, type Key } from "@parabolic/core";
import { expectNoLeaks } from "@parabolic/core/testing";
import { setupBackend, tf } from "../../test/support/tf-backend.js";
import { dataVariance, fisherIntegral, mixtureND, perturbedScoreFunction } from "../../test/support/neural-fixtures.js";
import { vpSchedule } from "../vp-schedule.js";
import {
  asTrainablePotential,
  createMlpPotential,
  estimateGradientComponent,
  estimateSolenoidalComponent,
  hutchinsonLaplacian,
  trainGradientPotential,
  trainSolenoidalPotential,
  type TrainablePotential,
} from "../neural.js";

beforeAll(async () => {
  await setupBackend();
});

// ψ(x) = Σ_k c_k sin(ω_k·x + b_k): ∇ψ = Σ c_k cos(·)ω_k, Δψ = −Σ c_k|ω_k|² sin(·), ∇²ψ = −Σ c_k sin(·) ω_kω_kᵀ
const D = 6;
const K = 4;
const omega = Float64Array.from(normals(key(11), { count: K * D }), (v) => 0.8 * v);
const phase = [0.3, -1.1, 2.0, 0.7];
const coef = [1.0, -0.6, 0.8, 0.5];
function sineSum(c: tf.Tensor1D): TrainablePotential {
  const w = tf.tensor2d(Float32Array.from(omega), [K, D]);
  const b = tf.tensor1d(phase);
  return {
    variables: [],
    potential: (x) => tf.tidy(() => tf.sum(tf.mul(tf.sin(tf.add(tf.matMul(x, w, false, true), b)), c), 1) as tf.Tensor1D),
  };
}
function exactHessian(x: Float64Array): { lap: number; frob2: number; diag2: number } {
  const h = new Float64Array(D * D);
  for (let k = 0; k < K; k++) {
    let a = phase[k]!;
    for (let j = 0; j < D; j++) a += omega[k * D + j]! * x[j]!;
    const s = -coef[k]! * Math.sin(a);
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) h[i * D + j]! += s * omega[k * D + i]! * omega[k * D + j]!;
  }
  let lap = 0;
  let frob2 = 0;
  let diag2 = 0;
  for (let i = 0; i < D; i++) {
    lap += h[i * D + i]!;
    diag2 += h[i * D + i]! ** 2;
    for (let j = 0; j < D; j++) frob2 += h[i * D + j]! ** 2;
  }
  return { lap, frob2, diag2 };
}

describe("hutchinsonLaplacian (finite-difference Hutchinson, hhd.md §6.3)", () => {
  const n = 8;
  const xs = Float64Array.from(normals(key(12), { count: n * D }));
  const exact = Array.from({ length: n }, (_, i) => exactHessian(xs.subarray(i * D, (i + 1) * D)));

  it("with the unit vectors as probes, dim × the estimate is the exact Laplacian up to O(δ²) + float32 rounding", () => {
    const c = tf.tensor1d(coef);
    const psi = sineSum(c);
    const x = tf.tensor2d(Float32Array.from(xs), [n, D]);
    const t = tf.zeros([n]) as tf.Tensor1D;
    const e = new Float32Array(D * n * D);
    for (let m = 0; m < D; m++) for (let i = 0; i < n; i++) e[(m * n + i) * D + m] = 1;
    const probes = tf.tensor3d(e, [D, n, D]);
    const lap = hutchinsonLaplacian(psi, x, t, { probes, delta: 1e-2 });
    const got = lap.dataSync();
    const scale = Math.max(...exact.map((h) => Math.abs(h.lap)));
    for (let i = 0; i < n; i++) expect(Math.abs(D * got[i]! - exact[i]!.lap)).toBeLessThan(2e-3 * scale);
    tf.dispose([c, x, t, probes, lap]);
  });

  it("with Rademacher probes is unbiased: the mean of 4000 probes is within 4 exact standard errors", () => {
    const c = tf.tensor1d(coef);
    const psi = sineSum(c);
    const x = tf.tensor2d(Float32Array.from(xs), [n, D]);
    const t = tf.zeros([n]) as tf.Tensor1D;
    const M = 4000;
    const u = normals(key(13), { count: M * n * D });
    const probes = tf.tensor3d(Float32Array.from(u, (v) => (v < 0 ? -1 : 1)), [M, n, D]);
    const lap = hutchinsonLaplacian(psi, x, t, { probes, delta: tf.fill([n], 1e-2) as tf.Tensor1D });
    const got = lap.dataSync();
    for (let i = 0; i < n; i++) {
      // Rademacher variance of vᵀHv: 2(‖H‖_F² − Σ H_ii²)
      const se = Math.sqrt((2 * (exact[i]!.frob2 - exact[i]!.diag2)) / M);
      expect(Math.abs(got[i]! - exact[i]!.lap)).toBeLessThan(4 * se + 1e-3);
    }
    tf.dispose([c, x, t, probes, lap]);
  });

  it("is differentiable w.r.t. the potential's variables (the trainers' L2 path): ∂Δ̂ψ/∂c_k = −|ω_k|² sin(ω_k·x + b_k)", () => {
    const c = tf.variable(tf.tensor1d(coef));
    const psi: TrainablePotential = { ...sineSum(c), variables: [c] };
    const x = tf.tensor2d(Float32Array.from(xs.subarray(0, D)), [1, D]);
    const t = tf.zeros([1]) as tf.Tensor1D;
    const e = new Float32Array(D * D);
    for (let m = 0; m < D; m++) e[m * D + m] = 1;
    const probes = tf.tensor3d(e, [D, 1, D]);
    const { value, grads } = tf.variableGrads(() => tf.mul(tf.sum(hutchinsonLaplacian(psi, x, t, { probes, delta: 1e-2 })), D) as tf.Scalar, [c]);
    const g = grads[c.name]!.dataSync();
    for (let k = 0; k < K; k++) {
      let a = phase[k]!;
      let w2 = 0;
      for (let j = 0; j < D; j++) {
        a += omega[k * D + j]! * xs[j]!;
        w2 += omega[k * D + j]! ** 2;
      }
      expect(Math.abs(g[k]! - -w2 * Math.sin(a))).toBeLessThan(2e-3 * Math.max(1, w2));
    }
    tf.dispose([value, ...Object.values(grads), c, x, t, probes]);
  });
});

describe("neural dual-Sobolev estimators vs the exact d = 10 oracle", () => {
  const dim = 10;
  const p0 = mixtureND(dim);
  const schedule = vpSchedule();
  const data = (k: Key, count: number): Float64Array => p0.sample(k, count);
  const v = dataVariance(p0);
  const kappa = 0.5;
  const lambda = 1.5;
  // ∫_{1e-3}^1 ½β(t) F(p_t) dt (measured ≈ 56.1) with its Monte-Carlo standard error
  let fisher: { value: number; standardError: number };
  beforeAll(() => {
    fisher = fisherIntegral(key(1), p0, { t0: 1e-3, t1: 1, samples: 4000 });
  });
  const train = { maxSteps: 600, heldOutSize: 256, evaluateEvery: 100, window: 200 } as const;
  const evaluate = { samplesPerBin: 512, batchSize: 128 } as const;

  it("pure gradient error κ∇log p_t: Est_grad is a tight lower bound of κ²∫wF (≥ 85 %, ≤ truth + 3 se)", () => {
    const psi = createMlpPotential(key(20), { dim, width: 64, schedule, dataVariance: v });
    const score = perturbedScoreFunction(p0, kappa, 0);
    const run = trainGradientPotential(key(21), { potential: psi, score, data, dim, ...train });
    expect(["converged", "max-steps"]).toContain(run.status);
    expect(run.history[run.history.length - 1]!.heldOut).toBeGreaterThan(run.history[0]!.heldOut);
    const est = estimateGradientComponent(key(22), { potential: psi, score, data, dim, ...evaluate });
    const truth = kappa ** 2 * fisher.value;
    const se = Math.hypot(est.standardError, kappa ** 2 * fisher.standardError);
    expect(est.value).toBeLessThan(truth + 3 * se);
    expect(est.value).toBeGreaterThan(0.85 * truth);
    expect(est.perBin).toHaveLength(10);
    psi.dispose();
  });

  it("pure solenoidal error λA∇log p_t (Π_G e = 0, ‖e‖² integral ≈ 126): Est_grad ≈ 0 with the mixed form", () => {
    const psi = createMlpPotential(key(30), { dim, width: 64, schedule, dataVariance: v });
    const score = perturbedScoreFunction(p0, 0, lambda);
    const run = trainGradientPotential(key(31), { potential: psi, score, data, dim, form: "mixed", ...train, maxSteps: 300 });
    expect(["converged", "max-steps"]).toContain(run.status);
    const est = estimateGradientComponent(key(32), { potential: psi, score, data, dim, form: "mixed", ...evaluate });
    const norm = lambda ** 2 * fisher.value;
    expect(est.value).toBeLessThan(3 * est.standardError); // a lower bound of 0
    expect(Math.abs(est.value)).toBeLessThan(0.02 * norm);
    psi.dispose();
  });

  it("mixed error κ∇log p + λA∇log p: Est_grad ≈ κ²∫wF from below and Est_sol ≥ λ²∫wF (an upper bound)", () => {
    const score = perturbedScoreFunction(p0, kappa, lambda);
    const psi = createMlpPotential(key(40), { dim, width: 64, schedule, dataVariance: v });
    const run = trainGradientPotential(key(41), { potential: psi, score, data, dim, ...train });
    expect(["converged", "max-steps"]).toContain(run.status);
    const est = estimateGradientComponent(key(42), { potential: psi, score, data, dim, ...evaluate });
    const truthG = kappa ** 2 * fisher.value;
    const seG = Math.hypot(est.standardError, kappa ** 2 * fisher.standardError);
    expect(est.value).toBeLessThan(truthG + 3 * seG);
    expect(est.value).toBeGreaterThan(0.8 * truthG);
    psi.dispose();

    const psiS = createMlpPotential(key(43), { dim, width: 64, schedule, dataVariance: v });
    const runS = trainSolenoidalPotential(key(44), { potential: psiS, score, data, dim, ...train });
    expect(["converged", "max-steps"]).toContain(runS.status);
    expect(runS.history[runS.history.length - 1]!.heldOut).toBeLessThan(runS.history[0]!.heldOut);
    const sol = estimateSolenoidalComponent(key(45), { potential: psiS, score, data, dim, ...evaluate });
    const truthS = lambda ** 2 * fisher.value;
    const seS = Math.hypot(sol.standardError, lambda ** 2 * fisher.standardError);
    expect(sol.value).toBeGreaterThan(truthS - 3 * seS);
    expect(sol.value).toBeLessThan(1.3 * truthS); // the fit of Π_G s_θ = (1+κ)∇log p_t is good
    psiS.dispose();
  });
});

describe("neural estimator API", () => {
  const dim = 4;
  const p0 = mixtureND(dim);
  const data = (k: Key, count: number): Float64Array => p0.sample(k, count);
  const score = perturbedScoreFunction(p0, 0.3, 0.5);
  const small = { maxSteps: 4, heldOutSize: 32, batchSize: 16, evaluateEvery: 2, window: 2 } as const;

  it("validates options up front with coded errors naming the argument", () => {
    const psi = createMlpPotential(key(50), { dim, width: 8 });
    const base = { potential: psi, score, data, dim };
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return ParabolicError.is(e) ? `${e.code}:${e.message}` : String(e);
      }
      return undefined;
    };
    expect(code(() => trainGradientPotential(key(1), { ...base, form: "dsm" as never }))).toMatch(/INVALID_ARGUMENT:.*'form'/);
    expect(code(() => trainGradientPotential(key(1), { ...base, timeMin: 1, timeMax: 0.5 }))).toMatch(/INVALID_ARGUMENT:.*'timeMin'/);
    expect(code(() => trainGradientPotential(key(1), { ...base, batchSize: 0 }))).toMatch(/INVALID_ARGUMENT:.*'batchSize'/);
    expect(code(() => estimateGradientComponent(key(1), { ...base, samplesPerBin: 100 }))).toMatch(/INVALID_ARGUMENT:.*'samplesPerBin'/);
    expect(code(() => trainGradientPotential(key(1), { ...base, potential: { potential: psi.potential } as never }))).toMatch(/INVALID_ARGUMENT:.*'potential'/);
    const wrongScore = (x: tf.Tensor2D) => tf.zeros([x.shape[0], dim + 1]) as tf.Tensor2D;
    expect(code(() => trainGradientPotential(key(1), { ...base, score: wrongScore, ...small }))).toMatch(/SHAPE_MISMATCH:.*'score' must return a \[\d+, 4\]/);
    const wrongData = (_k: Key, count: number) => new Float64Array(count * (dim - 1));
    expect(code(() => estimateSolenoidalComponent(key(1), { ...base, data: wrongData, samplesPerBin: 256 }))).toMatch(/SHAPE_MISMATCH:.*'data'/);
    expect(code(() => createMlpPotential(key(1), { dim, width: 0 }))).toMatch(/INVALID_ARGUMENT:.*'width'/);
    psi.dispose();
  });

  it("reports abort and mid-loop callback failures as a status instead of throwing", () => {
    const psi = createMlpPotential(key(51), { dim, width: 8 });
    const controller = new AbortController();
    controller.abort();
    const aborted = trainGradientPotential(key(2), { potential: psi, score, data, dim, ...small, signal: controller.signal });
    expect(aborted.status).toBe("aborted");
    expect(aborted.steps).toBe(0);
    let calls = 0;
    const flaky = (x: tf.Tensor2D, t: tf.Tensor1D): tf.Tensor2D => {
      if (++calls > 4) throw new Error("model crashed");
      return score(x, t);
    };
    const failed = trainSolenoidalPotential(key(3), { potential: psi, score: flaky, data, dim, ...small });
    expect(failed.status).toBe("failed");
    expect(String(failed.error)).toMatch(/model crashed/);
    psi.dispose();
  });

  it("accepts named-parameter potentials ({ parameters: { name, variable }[] }, e.g. @parabolic/score's PotentialNetwork)", () => {
    const psi = createMlpPotential(key(52), { dim, width: 8 });
    const named = { parameters: psi.variables.map((variable, i) => ({ name: `p${i}`, variable })), potential: psi.potential };
    const adapted = asTrainablePotential(named);
    expect(adapted.variables).toEqual(psi.variables);
    const before = psi.variables[0]!.dataSync().slice();
    const run = trainGradientPotential(key(4), { potential: named, score, data, dim, ...small, minSteps: 100 });
    expect(run.status).toBe("max-steps");
    expect(run.steps).toBe(4);
    expect(Array.from(psi.variables[0]!.dataSync())).not.toEqual(Array.from(before));
    psi.dispose();
  });

  it("createMlpPotential frees everything on dispose (idempotent)", () => {
    expectNoLeaks(() => {
      const psi = createMlpPotential(key(54), { dim, width: 8, schedule: vpSchedule() });
      const x = tf.zeros([3, dim]) as tf.Tensor2D;
      const t = tf.fill([3], 0.5) as tf.Tensor1D;
      const value = psi.potential(x, t);
      expect(value.shape).toEqual([3]);
      expect(Array.from(value.dataSync())).toEqual([0, 0, 0]); // zero-initialised output layer and quadratic
      tf.dispose([x, t, value]);
      psi.dispose();
      psi.dispose();
    }, "createMlpPotential");
  });

  it("leaks no tensors: training (all forms, both objectives) and estimation free everything they create", async () => {
    const psi = createMlpPotential(key(53), { dim, width: 8, schedule: vpSchedule() });
    expectNoLeaks(() => {
      for (const form of ["auto", "stein", "denoising", "mixed"] as const) {
        trainGradientPotential(key(5), { potential: psi, score, data, dim, form, sigmaSwitch: 0.5, ...small });
        estimateGradientComponent(key(6), { potential: psi, score, data, dim, form, sigmaSwitch: 0.5, bins: 2, samplesPerBin: 32, batchSize: 16 });
      }
      trainSolenoidalPotential(key(7), { potential: psi, score, data, dim, ...small });
      estimateSolenoidalComponent(key(8), { potential: psi, score, data, dim, bins: 2, samplesPerBin: 32, batchSize: 16 });
      const failing = (): tf.Tensor2D => {
        throw new Error("boom");
      };
      expect(() => trainGradientPotential(key(9), { potential: psi, score: failing, data, dim, ...small })).toThrow(/boom/);
    }, "neural estimators");
    psi.dispose();
  });
});
