import { beforeAll, describe, expect, it } from "vitest";
import { key, normals, split } from "@parabolic/core";
import { setupBackend, tf } from "../test/backend.js";
import { createPotentialNetwork, gaussianBasePotential } from "./potential-network.js";
import { fokkerPlanckResidual } from "./fokker-planck-residual.js";
import { anchorLoss, heatBallLogResidual, heatBallResidualLoss, scoreConsistencyLoss } from "./heat-ball-residual.js";
import { groupTensors, heatBallGroupTensors, sampleHeatBallGroups, type HeatDrift } from "./heat-ball-groups.js";
import type { TensorPotentialFn } from "./types.js";

beforeAll(async () => {
  await setupBackend();
});

const centers = Float64Array.of(0.3, -0.5, 1.2, 0.8, -0.9, 1.5);
const centerTimes = Float64Array.of(1, 1.5, 2);

/** log w(y, s) of the heat flow of an isotropic 2-D mixture: Σ_k w_k N(μ_k, (σ_k² + 2s) I). */
function mixtureLogDensity(weights: number[], means: number[][], variances: number[]): TensorPotentialFn {
  return (y, s) =>
    tf.tidy(() => {
      const terms = weights.map((w, k) => {
        const q = tf.add(tf.mul(s, 2), variances[k]!);
        const d2 = tf.sum(tf.square(tf.sub(y, tf.tensor2d([means[k]!], [1, 2]))), 1);
        return tf.sub(tf.sub(Math.log(w), tf.div(d2, tf.mul(q, 2))), tf.log(tf.mul(q, 2 * Math.PI)));
      });
      return tf.logSumExp(tf.stack(terms, 1), 1) as tf.Tensor1D;
    });
}
const exactPsi = mixtureLogDensity([0.6, 0.4], [[0, 0], [2, 1]], [0.3, 0.5]);

async function residuals(psi: TensorPotentialFn, options: Parameters<typeof sampleHeatBallGroups>[1], seed = 1): Promise<Float32Array> {
  const groups = heatBallGroupTensors(sampleHeatBallGroups(key(seed), options));
  const r = heatBallLogResidual(psi, groups);
  const out = (await r.data()) as Float32Array;
  tf.dispose([r, ...groupTensors(groups)]);
  return out;
}

async function fpResidual(psi: TensorPotentialFn, drift?: { values: number[][]; divergence: number[] }): Promise<Float32Array> {
  const y = tf.tensor2d(Float32Array.from(centers), [3, 2]);
  const s = tf.tensor1d(Float32Array.from(centerTimes));
  const dv = drift === undefined ? undefined : { values: tf.tensor2d(drift.values), divergence: tf.tensor1d(drift.divergence) };
  const r = fokkerPlanckResidual(psi, { points: y, times: s, ...(dv === undefined ? {} : { drift: dv }) });
  const out = (await r.data()) as Float32Array;
  tf.dispose([y, s, r, ...(dv === undefined ? [] : [dv.values, dv.divergence])]);
  return out;
}

describe("heat-ball log residual", () => {
  it("vanishes on the exact heat-flow log-density at every radius, and sees a mis-normalised ψ + c(s)", async () => {
    for (const radiusFraction of [0.125, 2]) {
      const r = await residuals(exactPsi, { dim: 2, centers, centerTimes, radiusFraction, samples: 4096, normalise: true });
      // normalised residual ≈ 0; Monte Carlo noise with antithetic pairs is O(1/√N)·O(1)
      for (const v of r) expect(Math.abs(v)).toBeLessThan(0.05);
    }
    // ψ + 0.3·log(1 + s): residual ≈ c′(s₀) = 0.3/(1 + s₀) in the normalised scale (heat-ball.md §10)
    const shifted: TensorPotentialFn = (y, s) => tf.tidy(() => tf.add(exactPsi(y, s), tf.mul(tf.log1p(s), 0.3)) as tf.Tensor1D);
    const r = await residuals(shifted, { dim: 2, centers, centerTimes, radiusFraction: 0.5, samples: 4096, normalise: true });
    centerTimes.forEach((s0, i) => expect(r[i]!).toBeCloseTo(0.3 / (1 + s0), 1));
  });

  it("r → 0 recovers the pointwise Fokker–Planck residual of a potential network (O(r²) bias)", async () => {
    const net = createPotentialNetwork(key(3), { dim: 2, width: 16, depth: 2, outputGain: 3, time: { min: 0.1, max: 10, scale: "log", frequencies: 2 } });
    const exact = await fpResidual(net.potential);
    const errors: number[] = [];
    // average 4 independent κ draws (4 × 16384 antithetic points) so the Monte Carlo floor sits below the bias
    for (const radiusFraction of [8, 2, 0.5, 0.1]) {
      const mean = new Float64Array(3);
      for (const seed of [1, 2, 3, 4]) {
        const r = await residuals(net.potential, { dim: 2, centers, centerTimes, radiusFraction, samples: 16384, normalise: true }, seed);
        r.forEach((v, i) => (mean[i] = mean[i]! + v / 4));
      }
      errors.push(Math.max(...Array.from(mean, (v, i) => Math.abs(v - exact[i]!))));
    }
    const scale = Math.max(...Array.from(exact, Math.abs));
    expect(scale).toBeGreaterThan(0.05); // a non-trivial residual
    // an O(r²) bias at large r (≈ 0.025 at r² = 8s for scale 0.55) down to the float32/Monte Carlo floor (≈ 0.005)
    expect(errors[3]!).toBeLessThan(0.02 * scale);
    expect(errors[0]!).toBeGreaterThan(2.5 * errors[2]!);
    net.dispose();
  });

  it("with the drift correction, r → 0 recovers ψ_s − Δψ − |∇ψ|² + ∇·c + c·∇ψ (linear drift c = A·y)", async () => {
    const net = createPotentialNetwork(key(4), { dim: 2, width: 16, depth: 2, dataVariance: 1, time: { min: 0.1, max: 10, scale: "log", frequencies: 2 } });
    const a = [[-0.6, 0.3], [0.2, -0.4]];
    const field: HeatDrift = {
      dim: 2,
      evaluate: (points) => {
        const out = new Float64Array(points.length);
        for (let i = 0; i < points.length; i += 2) {
          out[i] = a[0]![0]! * points[i]! + a[0]![1]! * points[i + 1]!;
          out[i + 1] = a[1]![0]! * points[i]! + a[1]![1]! * points[i + 1]!;
        }
        return out;
      },
    };
    const cAt = [0, 1, 2].map((b) => Array.from(field.evaluate(centers.subarray(2 * b, 2 * b + 2), Float64Array.of(0))));
    const exact = await fpResidual(net.potential, { values: cAt, divergence: [-1, -1, -1] });
    const plain = await fpResidual(net.potential);
    const r = await residuals(net.potential, { dim: 2, centers, centerTimes, radiusFraction: 0.025, samples: 16384, normalise: true, drift: { field, samples: 16384 } });
    const scale = Math.max(...Array.from(exact, Math.abs));
    const err = Math.max(...Array.from(r, (v, i) => Math.abs(v - exact[i]!)));
    const gap = Math.max(...Array.from(plain, (v, i) => Math.abs(v - exact[i]!)));
    expect(gap).toBeGreaterThan(0.3); // the drift changes the residual a lot ...
    expect(err).toBeLessThan(0.1 * Math.max(scale, gap)); // ... and the corrected heat-ball residual follows it
    net.dispose();
  });
});

describe("heat-ball losses", () => {
  it("the halves loss with the caloric control variate is ≈ 0 on the exact log-density and clearly positive off it", async () => {
    const variance = 0.4;
    const base: TensorPotentialFn = (y, s) => gaussianBasePotential(y, s, variance);
    const host = sampleHeatBallGroups(key(5), { dim: 2, centers, centerTimes, radiusFraction: 0.125, samples: 256 });
    const groups = heatBallGroupTensors(host);
    const exact = (await heatBallResidualLoss(exactPsi, groups, { controlVariate: base }).data())[0]!;
    const wrong: TensorPotentialFn = (y, s) => tf.tidy(() => tf.add(exactPsi(y, s), tf.mul(tf.log1p(s), 3)) as tf.Tensor1D);
    const off = (await heatBallResidualLoss(wrong, groups, { controlVariate: base }).data())[0]!;
    expect(Math.abs(exact)).toBeLessThan(0.05 * off);
    // the control variate shrinks the per-centre noise when ψ is close to the base
    const nearBase: TensorPotentialFn = (y, s) => tf.tidy(() => tf.add(base(y, s), tf.mul(tf.sin(tf.sum(y, 1)), 0.01)) as tf.Tensor1D);
    const spread = async (cv: boolean): Promise<number> => {
      const values: number[] = [];
      for (const k of split(key(6), 8)) {
        const g = heatBallGroupTensors(sampleHeatBallGroups(k, { dim: 2, centers, centerTimes, radiusFraction: 0.5, samples: 16 }));
        values.push((await heatBallResidualLoss(nearBase, g, cv ? { controlVariate: base } : {}).data())[0]!);
        tf.dispose(groupTensors(g));
      }
      const m = values.reduce((a, b) => a + b, 0) / values.length;
      return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
    };
    expect(await spread(true)).toBeLessThan(0.1 * (await spread(false)));
    tf.dispose(groupTensors(groups));
  });

  it("score consistency is ≈ 0 for the exact log-density and large for a wrong one", async () => {
    const host = sampleHeatBallGroups(key(7), { dim: 2, centers, centerTimes, radiusFraction: 0.125, samples: 2048 });
    const g = heatBallGroupTensors(host);
    const loss = async (psi: TensorPotentialFn): Promise<number> => {
      const y = tf.concat([g.centers, g.ballPoints]);
      const s = tf.concat([g.centerTimes, g.ballTimes]);
      const ones = tf.onesLike(s);
      const { value, grad } = tf.valueAndGrad((yy: tf.Tensor) => psi(yy as tf.Tensor2D, s))(y, ones);
      const l = scoreConsistencyLoss(tf.slice(grad, [0, 0], [3, 2]) as tf.Tensor2D, tf.reshape(tf.slice(value, [3], [3 * 2048]), [3, 2048]) as tf.Tensor2D, tf.slice(grad, [3, 0], [3 * 2048, 2]) as tf.Tensor2D);
      const out = (await l.data())[0]!;
      tf.dispose([y, s, ones, value, grad, l]);
      return out;
    };
    const exact = await loss(exactPsi);
    const wrong = await loss((y, s) => tf.tidy(() => tf.add(exactPsi(y, s), tf.mul(tf.sin(tf.mul(tf.sum(y, 1), 2)), 0.3)) as tf.Tensor1D));
    expect(exact).toBeLessThan(1e-3);
    expect(wrong).toBeGreaterThan(100 * exact);
    tf.dispose(groupTensors(g));
  });

  it("anchor loss is the per-level cross-entropy and invariant to ψ + const", async () => {
    // data N(0, v I) at heat time s is N(0, (v + 2s) I); exact ψ and the proposal coincide, so log Ẑ = 0
    const v = 0.7;
    const levels = [0.1, 1, 4];
    const a = 4000;
    const m = 64;
    const z = normals(key(8), { count: levels.length * (a + m) * 2 });
    const data = new Float32Array(levels.length * a * 2);
    const prop = new Float32Array(levels.length * m * 2);
    const logq = new Float32Array(levels.length * m);
    levels.forEach((s, k) => {
      const sd = Math.sqrt(v + 2 * s);
      for (let i = 0; i < a * 2; i++) data[k * a * 2 + i] = sd * z[k * a * 2 + i]!;
      for (let i = 0; i < m; i++) {
        const z1 = sd * z[levels.length * a * 2 + (k * m + i) * 2]!;
        const z2 = sd * z[levels.length * a * 2 + (k * m + i) * 2 + 1]!;
        prop[(k * m + i) * 2] = z1;
        prop[(k * m + i) * 2 + 1] = z2;
        logq[k * m + i] = -(z1 * z1 + z2 * z2) / (2 * sd * sd) - Math.log(2 * Math.PI * sd * sd);
      }
    });
    const inputs = { levels: tf.tensor1d(levels), dataPoints: tf.tensor2d(data, [levels.length * a, 2]), proposalPoints: tf.tensor2d(prop, [levels.length * m, 2]), proposalLogDensity: tf.tensor1d(logq) };
    const psi: TensorPotentialFn = (y, s) => gaussianBasePotential(y, s, v);
    const loss = (await anchorLoss(psi, inputs).data())[0]!;
    const entropy = levels.reduce((acc, s) => acc + Math.log(2 * Math.PI * Math.E * (v + 2 * s)), 0) / levels.length;
    expect(Math.abs(loss - entropy)).toBeLessThan(0.05); // MC error of the mean −ψ over 4000 points per level ≈ 0.016
    const shifted = (await anchorLoss((y, s) => tf.tidy(() => tf.add(psi(y, s), 5) as tf.Tensor1D), inputs).data())[0]!;
    expect(shifted).toBeCloseTo(loss, 4);
    tf.dispose(Object.values(inputs));
  });
});
