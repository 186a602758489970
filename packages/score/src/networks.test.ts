import { beforeAll, describe, expect, it } from "vitest";
import { key, normals, ParabolicError } from "@parabolic/core";
import { setupBackend, tf } from "../test/backend.js";
import { createScoreNetwork } from "./score-network.js";
import { createPotentialNetwork, gaussianBasePotential } from "./potential-network.js";
import { parameterCount, readParameters, writeParameters, copyParameters } from "./parameters.js";
import { timeFeatures, resolveTimeFeatures } from "./time-features.js";

beforeAll(async () => {
  await setupBackend();
});

const time = { min: 0.01, max: 100, scale: "log" as const, frequencies: 4 };

describe("score network", () => {
  it("is deterministic in its key, has the documented shapes, and frees everything on dispose", async () => {
    const before = tf.memory().numTensors;
    const a = createScoreNetwork(key(1), { dim: 3, width: 16, depth: 2, time: { min: 0, max: 1 } });
    const b = createScoreNetwork(key(1), { dim: 3, width: 16, depth: 2, time: { min: 0, max: 1 } });
    const c = createScoreNetwork(key(2), { dim: 3, width: 16, depth: 2, time: { min: 0, max: 1 } });
    // (3 + 17) * 16 + 16 + 16*16 + 16 + 16*3 + 3
    expect(parameterCount(a)).toBe(20 * 16 + 16 + 256 + 16 + 48 + 3);
    const pa = await readParameters(a);
    const pb = await readParameters(b);
    const pc = await readParameters(c);
    expect(pa.map((p) => Array.from(p.values))).toEqual(pb.map((p) => Array.from(p.values)));
    expect(Array.from(pa[0]!.values)).not.toEqual(Array.from(pc[0]!.values));
    // kernels are LeCun-normal: sample variance of the first kernel ≈ 1/fanIn
    const k0 = pa[0]!.values;
    let ss = 0;
    for (const v of k0) ss += v * v;
    expect(ss / k0.length).toBeGreaterThan(0.5 / 20);
    expect(ss / k0.length).toBeLessThan(2 / 20);
    const x = tf.tensor2d(Float32Array.from(normals(key(9), { count: 15 })), [5, 3]); // seeded: no tf global RNG
    const t = tf.fill([5], 0.3) as tf.Tensor1D;
    const s = a.score(x, t);
    expect(s.shape).toEqual([5, 3]);
    const t4 = tf.fill([4], 0.3) as tf.Tensor1D;
    expect(() => a.score(x, t4)).toThrow(/times must have shape \[5\]/);
    tf.dispose([x, t, s, t4]);
    a.dispose();
    b.dispose();
    c.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => a.score(tf.zeros([1, 3]), tf.zeros([1]))).toThrow(/disposed/);
  });

  it("round-trips parameters through host copies and copies between models", async () => {
    const a = createScoreNetwork(key(3), { dim: 2, width: 8, depth: 2, residual: true, time: { min: 0, max: 1 } });
    const b = createScoreNetwork(key(4), { dim: 2, width: 8, depth: 2, residual: true, time: { min: 0, max: 1 } });
    writeParameters(b, await readParameters(a));
    const x = tf.tensor2d([[0.1, -0.2], [1, 2]]);
    const t = tf.tensor1d([0.2, 0.9]);
    const sa = a.score(x, t);
    const sb = b.score(x, t);
    expect(Array.from(await sb.data())).toEqual(Array.from(await sa.data()));
    const c = createScoreNetwork(key(5), { dim: 2, width: 8, depth: 2, residual: true, time: { min: 0, max: 1 } });
    copyParameters(a, c);
    const sc = c.score(x, t);
    expect(Array.from(await sc.data())).toEqual(Array.from(await sa.data()));
    const wrong = createScoreNetwork(key(5), { dim: 2, width: 9, depth: 2, time: { min: 0, max: 1 } });
    await expect(async () => writeParameters(wrong, await readParameters(a))).rejects.toSatisfy((e) => ParabolicError.is(e, "SHAPE_MISMATCH"));
    tf.dispose([x, t, sa, sb, sc]);
    for (const m of [a, b, c, wrong]) m.dispose();
  });

  it("validates options with coded errors", () => {
    expect(() => createScoreNetwork(key(0), { dim: 0, time: { min: 0, max: 1 } })).toThrow(/'dim' must be an integer in \[1, /);
    expect(() => createScoreNetwork(key(0), { dim: 2, time: { min: 1, max: 1 } })).toThrow(/'time.max' must/);
    expect(() => createScoreNetwork(key(0), { dim: 2, time: { min: 0, max: 1, scale: "log" } })).toThrow(/'time.min'/);
    expect(() => createScoreNetwork(key(0), { dim: 2, activation: "relu" as never, time: { min: 0, max: 1 } })).toThrow(/'activation'/);
    expect(() => createPotentialNetwork(key(0), { dim: 2, gaussianBase: true, time })).toThrow(/'gaussianBase'/);
  });
});

describe("time features", () => {
  it("maps [min, max] to u ∈ [0, 1] and expands sin/cos harmonics", async () => {
    const f = timeFeatures(tf.tensor1d([0.01, 1, 100]), resolveTimeFeatures("t", time));
    expect(f.shape).toEqual([3, 9]);
    const v = await f.array();
    expect(v[0]![0]).toBeCloseTo(0, 6);
    expect(v[1]![0]).toBeCloseTo(0.5, 6);
    expect(v[2]![0]).toBeCloseTo(1, 5);
    expect(v[1]![1]).toBeCloseTo(Math.sin(Math.PI * 0.5), 5); // sin(π u)
    expect(v[1]![6]).toBeCloseTo(Math.cos(2 * Math.PI * 0.5), 5); // cos(2π u)
    f.dispose();
  });
});

describe("potential network", () => {
  it("score equals the central finite difference of the potential", async () => {
    const net = createPotentialNetwork(key(7), { dim: 2, width: 16, depth: 2, dataVariance: 2, time });
    const y = tf.tensor2d([[0.3, -0.7], [1.5, 0.2], [-2, 1]]);
    const s = tf.tensor1d([0.05, 0.7, 12]);
    const { potential, score } = net.potentialAndScore(y, s);
    const g = await score.array();
    const psi = await potential.data();
    const psi2 = await net.potential(y, s).data();
    expect(Array.from(psi)).toEqual(Array.from(psi2));
    const h = 1e-2;
    for (let j = 0; j < 2; j++) {
      const e = tf.oneHot(tf.tensor1d([j], "int32"), 2).mul(h) as tf.Tensor2D;
      const plus = await net.potential(tf.add(y, e) as tf.Tensor2D, s).data();
      const minus = await net.potential(tf.sub(y, e) as tf.Tensor2D, s).data();
      for (let i = 0; i < 3; i++) {
        const fd = (plus[i]! - minus[i]!) / (2 * h);
        // float32: rounding error ≈ 6e-8·|ψ|/h plus O(h²) truncation
        expect(Math.abs(fd - g[i]![j]!)).toBeLessThan(2e-3 * (1 + Math.abs(g[i]![j]!)));
      }
    }
    net.dispose();
  });

  it("with a zero correction is exactly the Gaussian base log N(y; 0, (v+2s)I) and its score", async () => {
    const v = 1.7;
    const net = createPotentialNetwork(key(8), { dim: 3, width: 8, depth: 1, dataVariance: v, outputGain: 0, time });
    const yv = [[0.3, -0.7, 2], [1.5, 0.2, -1]];
    const sv = [0.2, 3];
    const { potential, score } = net.potentialAndScore(tf.tensor2d(yv), tf.tensor1d(sv));
    const psi = await potential.data();
    const g = await score.array();
    for (let i = 0; i < 2; i++) {
      const q = v + 2 * sv[i]!;
      const r2 = yv[i]!.reduce((a, b) => a + b * b, 0);
      const exact = -r2 / (2 * q) - 1.5 * Math.log(2 * Math.PI * q);
      expect(Math.abs(psi[i]! - exact)).toBeLessThan(1e-5 * Math.abs(exact) + 1e-6);
      for (let j = 0; j < 3; j++) expect(g[i]![j]!).toBeCloseTo(-yv[i]![j]! / q, 5);
    }
    const base = await gaussianBasePotential(tf.zeros([1, 2]), tf.tensor1d([0.5]), 1).data();
    expect(base[0]!).toBeCloseTo(-Math.log(4 * Math.PI), 5);
    net.dispose();
  });
});
