import { key, normals } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { gaussianScoreLearner } from "./gaussian-score-learner.js";
import { mlpScoreLearner, type MlpLoss, type MlpScoreLearner } from "./mlp-score-learner.js";
import { implicitScoreMatchingLoss, pretrainScoreLearner } from "./score-learner.js";
import { gaussianTarget } from "./target.js";
import { meanVar } from "../test/moments.js";


/** Max relative error of the analytic gradient against central differences over all parameters. */
function gradientCheck(learner: MlpScoreLearner, points: Float64Array, loss: MlpLoss, k?: ReturnType<typeof key>): number {
  const p0 = learner.parameters();
  const { gradient } = learner.lossAndGradient(points, loss, k);
  const e = 1e-6;
  let worst = 0;
  let scale = 0;
  for (const g of gradient) scale = Math.max(scale, Math.abs(g));
  for (let i = 0; i < p0.length; i++) {
    const p = p0.slice();
    p[i] = p0[i]! + e;
    learner.setParameters(p);
    const up = learner.lossAndGradient(points, loss, k).loss;
    p[i] = p0[i]! - e;
    learner.setParameters(p);
    const down = learner.lossAndGradient(points, loss, k).loss;
    const fd = (up - down) / (2 * e);
    // relative to the gradient's own scale, so that tiny components do not dominate
    worst = Math.max(worst, Math.abs(fd - gradient[i]!) / Math.max(Math.abs(gradient[i]!), 1e-3 * scale));
  }
  learner.setParameters(p0);
  return worst;
}

describe("A4: score-matching identities", () => {
  it("the ISM loss of s = −(x − m̂)/v̂ on a sample equals −1/v̂ (1e-12)", () => {
    const x = normals(key(1), { count: 777 }).map((z) => 0.7 * z ** 3 + 2);
    const { m, v } = meanVar(x);
    const scores = x.map((z) => -(z - m) / v);
    const loss = implicitScoreMatchingLoss({ scores, divergences: new Float64Array(x.length).fill(-1 / v) });
    expect(Math.abs(loss + 1 / v) * v).toBeLessThan(1e-12);
    const fitted = gaussianScoreLearner({ dim: 1 }).fit(key(0), x, { steps: 0 });
    expect(Math.abs(fitted.loss + 1 / v) * v).toBeLessThan(1e-12);
  });

  it("the affine ISM minimiser is (a, b) = (−1/v̂, m̂/v̂): the ISM gradient vanishes there (1e-10)", () => {
    const x = normals(key(2), { count: 500 }).map((z) => Math.exp(0.5 * z));
    const learner = gaussianScoreLearner({ dim: 1 });
    learner.fit(key(0), x, { steps: 0 });
    const [s0, s1] = learner.predict(new Float64Array([0, 1]));
    const b = s0!;
    const a = s1! - s0!;
    const { m, v } = meanVar(x);
    expect(Math.abs(a + 1 / v) * v).toBeLessThan(1e-12);
    expect(Math.abs(b - m / v) * v).toBeLessThan(1e-12);
    // ISM(a, b) = mean((a x + b)²) + 2a; ∂a = 2 mean(x(ax + b)) + 2, ∂b = 2 mean(ax + b)
    let ga = 0;
    let gb = 0;
    for (const z of x) {
      ga += 2 * z * (a * z + b);
      gb += 2 * (a * z + b);
    }
    expect(Math.abs(ga / x.length + 2)).toBeLessThan(1e-10);
    expect(Math.abs(gb / x.length)).toBeLessThan(1e-10);
  });

  it("the d-dimensional affine minimiser is A = −Σ̂⁻¹, b = Σ̂⁻¹m̂ (ISM = −tr Σ̂⁻¹)", () => {
    const z = normals(key(3), { count: 2 * 400 });
    for (let i = 0; i < 400; i++) z[2 * i + 1] = 0.5 * z[2 * i]! + z[2 * i + 1]! + 1; // correlated, shifted
    const learner = gaussianScoreLearner({ dim: 2 });
    const { loss } = learner.fit(key(0), z, { steps: 0 });
    const { covariance } = learner.moments()!;
    const [c00, c01, , c11] = covariance as unknown as [number, number, number, number];
    const det = c00 * c11 - c01 * c01;
    expect(loss).toBeCloseTo(-(c00 + c11) / det, 12);
  });
});

describe("A4: network ISM/ESM gradients vs central finite differences (relative 1e-5)", () => {
  const cases = [
    { dim: 1, activation: "tanh" as const, divergence: "exact" as const },
    { dim: 1, activation: "softsign" as const, divergence: "exact" as const },
    { dim: 2, activation: "tanh" as const, divergence: "exact" as const },
    { dim: 3, activation: "softsign" as const, divergence: "hutchinson" as const },
  ];
  for (const c of cases) {
    it(`d = ${c.dim}, ${c.activation}, ${c.divergence} divergence`, () => {
      const learner = mlpScoreLearner(key(10 + c.dim), { dim: c.dim, width: 6, activation: c.activation, divergence: c.divergence, probes: 2 });
      const points = normals(key(20 + c.dim), { count: 9 * c.dim }).map((z) => 1.5 * z + 0.3);
      const probeKey = key(30);
      expect(gradientCheck(learner, points, { kind: "ism" }, probeKey)).toBeLessThan(1e-5);
      const targetScores = points.map((z) => -z / 2);
      expect(gradientCheck(learner, points, { kind: "esm", targetScores })).toBeLessThan(1e-5);
    });
  }

  it("the exact divergence equals the trace of the finite-difference Jacobian", () => {
    const learner = mlpScoreLearner(key(4), { dim: 3, width: 8 });
    const x = new Float64Array([0.3, -1, 2]);
    const { divergences } = learner.predictWithDivergence(x);
    const e = 1e-6;
    let trace = 0;
    for (let k = 0; k < 3; k++) {
      const up = x.slice();
      up[k] = up[k]! + e;
      const down = x.slice();
      down[k] = down[k]! - e;
      trace += (learner.predict(up)[k]! - learner.predict(down)[k]!) / (2 * e);
    }
    expect(Math.abs(divergences[0]! - trace)).toBeLessThan(1e-7 * Math.max(1, Math.abs(trace)));
  });
});

describe("mlpScoreLearner training", () => {
  it("pretraining reaches the relative tolerance and the ISM fit learns a Gaussian score", () => {
    const x = normals(key(5), { count: 400 }).map((z) => 2 * z);
    const learner = mlpScoreLearner(key(6), { dim: 1 });
    const pre = pretrainScoreLearner(key(7), { learner, points: x, score: gaussianTarget({ dim: 1, variance: 4 }).score });
    expect(pre.relativeError).toBeLessThan(1e-3);
    // now fit by ISM on samples of N(0, 1) starting from the N(0, 4) score
    const y = normals(key(8), { count: 1000 });
    let last = 0;
    for (let i = 0; i < 60; i++) last = learner.fit(key(100 + i), y, { steps: 10 }).loss;
    const s = learner.predict(y);
    let err = 0;
    let norm = 0;
    for (let i = 0; i < y.length; i++) {
      err += (s[i]! + y[i]!) ** 2;
      norm += y[i]! ** 2;
    }
    expect(err / norm).toBeLessThan(0.05);
    expect(Math.abs(last + 1)).toBeLessThan(0.3); // ISM optimum −J = −1 (minibatch noise)
  });

  it("fit is AdamW (optax semantics) on the full-batch ISM gradient when N < batch, its state carried across calls", () => {
    const x = normals(key(40), { count: 20 }).map((z) => 1.3 * z); // N = 20 < batch 100: every step uses all rows
    const learner = mlpScoreLearner(key(41), { dim: 1, width: 5 });
    const oracle = learner.clone();
    const [lr, b1, b2, eps, wd] = [5e-4, 0.9, 0.999, 1e-8, 1e-4];
    /** Independent AdamW: parameters after `steps` steps, restarting the moments at the given step indices. */
    const adamw = (steps: number, restartAt: readonly number[]): Float64Array => {
      const p = learner.parameters();
      oracle.setParameters(p);
      const m = new Float64Array(p.length);
      const v = new Float64Array(p.length);
      let t = 0;
      for (let k = 0; k < steps; k++) {
        if (restartAt.includes(k)) {
          m.fill(0);
          v.fill(0);
          t = 0;
        }
        t++;
        const { gradient } = oracle.lossAndGradient(x, { kind: "ism" });
        for (let i = 0; i < p.length; i++) {
          const g = gradient[i]!;
          m[i] = b1 * m[i]! + (1 - b1) * g;
          v[i] = b2 * v[i]! + (1 - b2) * g * g;
          p[i] = p[i]! - lr * (m[i]! / (1 - b1 ** t) / (Math.sqrt(v[i]! / (1 - b2 ** t)) + eps) + wd * p[i]!);
        }
        oracle.setParameters(p);
      }
      return p;
    };
    const carried = adamw(3, []);
    const restarted = adamw(3, [1]);
    learner.fit(key(1), x, { steps: 1 });
    learner.fit(key(2), x, { steps: 2 }); // a second call continues the same optimiser
    const got = learner.parameters();
    const maxDiff = (a: Float64Array, b: Float64Array): number => a.reduce((w, z, i) => Math.max(w, Math.abs(z - b[i]!)), 0);
    // only the summation order of the minibatch differs (a permutation of the rows): rounding-level agreement
    expect(maxDiff(got, carried)).toBeLessThan(1e-13);
    // and the test can see a reset optimiser (first steps move every parameter by ≈ lr)
    expect(maxDiff(got, restarted)).toBeGreaterThan(1e-6);
  });

  it("clone() is independent and fit is deterministic given the key", () => {
    const a = mlpScoreLearner(key(9), { dim: 1, width: 8 });
    const b = a.clone();
    const x = normals(key(10), { count: 50 });
    a.fit(key(11), x, { steps: 5 });
    b.fit(key(11), x, { steps: 5 });
    expect(a.parameters()).toEqual(b.parameters());
    const c = a.clone();
    a.fit(key(12), x, { steps: 1 });
    expect(c.parameters()).not.toEqual(a.parameters());
  });
});
