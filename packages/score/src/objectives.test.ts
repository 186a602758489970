import { beforeAll, describe, expect, it } from "vitest";
import { key, normals, split, ParabolicError } from "@parabolic/core";
import { setupBackend, tf } from "../test/backend.js";
import { directionalDerivativeCheck } from "../test/finite-differences.js";
import { createScoreNetwork } from "./score-network.js";
import { createPotentialNetwork } from "./potential-network.js";
import { ismLoss } from "./implicit-score-matching.js";
import { fokkerPlanckResidual, fokkerPlanckResidualLoss } from "./fokker-planck-residual.js";
import { dsmLoss, dsmTensors, sampleDsmBatch } from "./denoising-score-matching.js";

beforeAll(async () => {
  await setupBackend();
});

/** |a − n| ≤ tol·max(|a|, |n|, floor): float32 central differences with step 1e-2 agree to ~1e-4 relative. */
function expectAgreement(r: { analytic: number; numeric: number }, tol: number, floor = 1e-3): void {
  const scale = Math.max(Math.abs(r.analytic), Math.abs(r.numeric), floor);
  expect(Math.abs(r.analytic - r.numeric) / scale).toBeLessThan(tol);
}

describe("higher-order parameter gradients vs finite differences", () => {
  const points = tf.tensor2d([[0.3, -0.8], [1.2, 0.5], [-0.7, 1.9], [0.1, 0.1], [2.0, -1.5], [-1.1, -0.4]]);
  const times = tf.tensor1d([0.1, 0.35, 0.6, 0.8, 0.2, 0.5]);

  it("ISM loss (exact divergence, 2nd order) — score network", async () => {
    const net = createScoreNetwork(key(11), { dim: 2, width: 16, depth: 2, activation: "silu", time: { min: 0, max: 1, frequencies: 2 } });
    for (const dir of split(key(12), 2)) {
      const r = await directionalDerivativeCheck(net, () => ismLoss(net.score, { points, times }), dir, 1e-2);
      expect(Math.abs(r.analytic)).toBeGreaterThan(1e-3); // a non-trivial derivative
      expectAgreement(r, 2e-3);
    }
    net.dispose();
  });

  it("sliced ISM loss (2nd order) — tanh score network", async () => {
    const net = createScoreNetwork(key(13), { dim: 2, width: 16, depth: 2, activation: "tanh", time: { min: 0, max: 1, frequencies: 2 } });
    const probes = tf.tensor2d([[1, -1], [-1, -1], [1, 1], [-1, 1], [1, -1], [1, 1]]);
    const r = await directionalDerivativeCheck(net, () => ismLoss(net.score, { points, times, probes }, { estimator: "sliced" }), key(14), 1e-2);
    expect(Math.abs(r.analytic)).toBeGreaterThan(1e-3); // a non-trivial derivative: agreement of two ≈ 0 values proves nothing
    expectAgreement(r, 2e-3);
    probes.dispose();
    net.dispose();
  });

  it("ISM loss on a potential network's score (3rd order)", async () => {
    const net = createPotentialNetwork(key(15), { dim: 2, width: 16, depth: 2, activation: "softplus", time: { min: 0.05, max: 1, scale: "log", frequencies: 2 } });
    const r = await directionalDerivativeCheck(net, () => ismLoss(net.score, { points, times }), key(16), 1e-2);
    expect(Math.abs(r.analytic)).toBeGreaterThan(1e-3);
    expectAgreement(r, 3e-3);
    net.dispose();
  });

  it("Fokker–Planck residual loss (3rd order) — potential network with Gaussian base", async () => {
    const net = createPotentialNetwork(key(17), { dim: 2, width: 16, depth: 2, dataVariance: 1.5, time: { min: 0.05, max: 1, scale: "log", frequencies: 2 } });
    for (const dir of split(key(18), 2)) {
      const r = await directionalDerivativeCheck(net, () => fokkerPlanckResidualLoss(net.potential, { points, times }), dir, 1e-2);
      expect(Math.abs(r.analytic)).toBeGreaterThan(1e-3);
      expectAgreement(r, 3e-3);
    }
    net.dispose();
  });

  it("Fokker–Planck residual loss with drift and Hutchinson Laplacian (3rd order) — gelu", async () => {
    const net = createPotentialNetwork(key(19), { dim: 2, width: 16, depth: 2, activation: "gelu", time: { min: 0.05, max: 1, scale: "log", frequencies: 2 } });
    const drift = { values: tf.tensor2d([[0.5, -0.2], [0.1, 0.3], [-0.4, 0.2], [0.0, 0.7], [0.3, 0.3], [-0.2, -0.6]]), divergence: tf.tensor1d([0.1, -0.3, 0.2, 0.0, 0.5, -0.1]) };
    const probes = tf.tensor2d([[1, -1], [-1, -1], [1, 1], [-1, 1], [1, -1], [1, 1]]);
    const r = await directionalDerivativeCheck(net, () => fokkerPlanckResidualLoss(net.potential, { points, times, drift, probes }, { laplacian: "hutchinson" }), key(20), 1e-2);
    expect(Math.abs(r.analytic)).toBeGreaterThan(1e-3);
    expectAgreement(r, 3e-3);
    tf.dispose([drift.values, drift.divergence, probes]);
    net.dispose();
  });
});

describe("Fokker–Planck residual values", () => {
  it("matches the analytic residual of ψ = 0.2 sin y1 − 0.1 s + 0.05 y2²", async () => {
    // R = ψ_s − Δψ − |∇ψ|² = −0.1 − (−0.2 sin y1 + 0.1) − (0.04 cos² y1 + 0.01 y2²)
    const psi = (y: tf.Tensor2D, s: tf.Tensor1D): tf.Tensor1D =>
      tf.tidy(() => {
        const [y1, y2] = tf.split(y, 2, 1) as [tf.Tensor, tf.Tensor];
        return tf.reshape(tf.add(tf.sub(tf.mul(tf.sin(y1), 0.2), tf.reshape(tf.mul(s, 0.1), [-1, 1])), tf.mul(tf.square(y2), 0.05)), [-1]) as tf.Tensor1D;
      });
    const yv = [[0.4, -1.0], [2.0, 0.5], [-1.3, 3.0]];
    const r = await fokkerPlanckResidual(psi, { points: tf.tensor2d(yv), times: tf.tensor1d([0.5, 1, 2]) }).data();
    yv.forEach(([y1, y2], i) => {
      const exact = -0.1 - (-0.2 * Math.sin(y1!) + 0.1) - (0.04 * Math.cos(y1!) ** 2 + 0.01 * y2! * y2!);
      expect(r[i]!).toBeCloseTo(exact, 5);
    });
  });

  it("vanishes for a drifted heat kernel w = Φ(y − cs, s + ½) under w_s = Δw − ∇·(cw) (constant c)", async () => {
    const c = [0.7, -0.4];
    const psi = (y: tf.Tensor2D, s: tf.Tensor1D): tf.Tensor1D =>
      tf.tidy(() => {
        const q = tf.reshape(tf.add(s, 0.5), [-1, 1]);
        const z = tf.sub(y, tf.mul(q, tf.tensor2d([c], [1, 2]))).add(tf.mul(tf.tensor2d([c], [1, 2]), 0.5));
        return tf.reshape(tf.sub(tf.neg(tf.div(tf.sum(tf.square(z), 1, true), tf.mul(q, 4))), tf.log(tf.mul(q, 4 * Math.PI))), [-1]) as tf.Tensor1D;
      });
    const y = tf.tensor2d([[0.4, -1.0], [2.0, 0.5], [-1.3, 3.0]]);
    const s = tf.tensor1d([0.2, 1, 3]);
    const drift = { values: tf.tensor2d([c, c, c]), divergence: tf.zeros([3]) as tf.Tensor1D };
    const r = await fokkerPlanckResidual(psi, { points: y, times: s, drift }).data();
    for (const v of r) expect(Math.abs(v)).toBeLessThan(2e-5);
    // without the drift term the residual is clearly non-zero (the check is sharp)
    const r0 = await fokkerPlanckResidual(psi, { points: y, times: s }).data();
    expect(Math.max(...Array.from(r0, Math.abs))).toBeGreaterThan(0.1);
  });

  it("vanishes for the caloric Gaussian base of a potential network (zero correction)", async () => {
    const net = createPotentialNetwork(key(21), { dim: 3, width: 8, depth: 1, dataVariance: 2, outputGain: 0, time: { min: 0.01, max: 100, scale: "log" } });
    const r = await fokkerPlanckResidual(net.potential, { points: tf.tensor2d([[0.4, -1.0, 2], [3, 0.5, 0.1]]), times: tf.tensor1d([0.05, 20]) }).data();
    for (const v of r) expect(Math.abs(v)).toBeLessThan(1e-5);
    const withCorrection = createPotentialNetwork(key(21), { dim: 3, width: 8, depth: 1, dataVariance: 2, time: { min: 0.01, max: 100, scale: "log" } });
    const r1 = await fokkerPlanckResidual(withCorrection.potential, { points: tf.tensor2d([[0.4, -1.0, 2], [3, 0.5, 0.1]]), times: tf.tensor1d([0.05, 20]) }).data();
    expect(Math.max(...Array.from(r1, Math.abs))).toBeGreaterThan(1e-2);
    net.dispose();
    withCorrection.dispose();
  });

  it("validates its options", () => {
    const y = tf.zeros([2, 2]) as tf.Tensor2D;
    const s = tf.ones([2]) as tf.Tensor1D;
    expect(() => fokkerPlanckResidual((a) => tf.sum(a, 1) as tf.Tensor1D, { points: y, times: s }, { laplacian: "hutchinson" })).toThrow(/'probes'/);
    let error: unknown;
    try {
      fokkerPlanckResidual((a) => tf.sum(a, 1) as tf.Tensor1D, { points: y, times: s, drift: { values: tf.zeros([3, 2]) as tf.Tensor2D, divergence: s } });
    } catch (e) {
      error = e;
    }
    expect(ParabolicError.is(error, "SHAPE_MISMATCH")).toBe(true);
  });
});

describe("denoising score matching", () => {
  it("L(s) − L(∇log p_t) = E‖s − ∇log p_t‖² at a fixed time (exact 1-D mixture score as the oracle)", async () => {
    // data: ½N(−2, 0.3²) + ½N(1.5, 0.5²); VP-like transition at t: alpha 0.8, variance 0.36
    const alpha = 0.8;
    const variance = 0.36;
    const comps = [
      { w: 0.5, m: -2, v: 0.09 },
      { w: 0.5, m: 1.5, v: 0.25 },
    ];
    const n = 4000;
    const data = new Float64Array(n);
    const z = normals(key(29), { count: n });
    for (let i = 0; i < n; i++) data[i] = i < n / 2 ? -2 + 0.3 * z[i]! : 1.5 + 0.5 * z[i]!;
    const exactScore = (x: number): number => {
      let num = 0;
      let den = 0;
      for (const c of comps) {
        const vt = alpha * alpha * c.v + variance;
        const p = (c.w / Math.sqrt(2 * Math.PI * vt)) * Math.exp(-((x - alpha * c.m) ** 2) / (2 * vt));
        num += (p * -(x - alpha * c.m)) / vt;
        den += p;
      }
      return num / den;
    };
    const batch = sampleDsmBatch(key(30), { data, dim: 1, batchSize: 20000, transition: () => ({ alpha, variance }), time: { min: 0.5, max: 0.5 }, weighting: "none" });
    const exactValues = Float32Array.from(batch.points, exactScore);
    const oracle = (): tf.Tensor2D => tf.tensor2d(exactValues, [batch.count, 1]);
    // a deliberately wrong score: 0.7·exact + 0.3·x
    const wrong = (x: tf.Tensor2D): tf.Tensor2D => tf.tidy(() => tf.add(tf.mul(oracle(), 0.7), tf.mul(x, 0.3)) as tf.Tensor2D);
    const t = dsmTensors(batch);
    const l0 = (await dsmLoss(() => oracle(), t).data())[0]!;
    const l1 = (await dsmLoss(wrong, t).data())[0]!;
    let mse = 0;
    for (let i = 0; i < batch.count; i++) mse += (0.3 * (batch.points[i]! - exactValues[i]!)) ** 2 / batch.count;
    // the cross term 2E[(s − s*)(s* − target)] has mean 0; its MC standard error here is ≈ 2% of mse
    expect(Math.abs(l1 - l0 - mse) / mse).toBeLessThan(0.08);
    // and the oracle's loss equals E Var(target | x_t): strictly lower than any other function's
    expect(l0).toBeLessThan(l1);
    tf.dispose(Object.values(t));
  });
});
