import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillNormals, key, normals, randomStream, ParabolicError, type Key } from "@parabolic/core";
import { centralDifference, expectNoLeaks } from "@parabolic/core/testing";
import { setupBackend, tf } from "../test/backend.js";
import { conv2dFilterGrad, conv2dMatMul, conv2dSame, conv2dShift, patchify, unpatchify } from "./internal/image-layers.js";
import { silu } from "@parabolic/core/activations";
import { createImagePotentialNetwork, createImageScoreNetwork, type ImageArchitecture } from "./image-network.js";
import { parameterCount, type Trainable } from "./parameters.js";
import { dsmLoss } from "./denoising-score-matching.js";
import { dsmObjective } from "./denoising-score-matching.js";
import { train } from "./trainer.js";

let backend = "cpu";
beforeAll(async () => {
  backend = await setupBackend();
});

function seeded(k: Key, shape: number[], scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from(normals(k, { count: n }), (v) => v * scale), shape);
}

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<{ diff: number; scale: number }> {
  const [x, y] = [await a.data(), await b.data()];
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
    scale = Math.max(scale, Math.abs(y[i]!));
  }
  return { diff, scale };
}

/**
 * Directional derivative of `loss` w.r.t. all parameters along a random unit direction: autodiff vs the float64
 * fourth-order central difference (core's centralDifference) of the float32 loss.
 */
async function parameterDirectionalCheck(model: Trainable, loss: () => tf.Scalar, k: Key, step: number): Promise<{ analytic: number; numeric: number }> {
  const vars = model.parameters.map((p) => p.variable);
  const stream = randomStream(k);
  const dirs = vars.map((v) => fillNormals(stream, new Float64Array(v.size)));
  const norm = Math.sqrt(dirs.reduce((a, d) => a + d.reduce((s, x) => s + x * x, 0), 0));
  const dirTensors = dirs.map((d, i) => tf.tensor(Float32Array.from(d, (x) => x / norm), vars[i]!.shape));
  const { value, grads } = tf.variableGrads(loss, vars);
  let analytic = 0;
  for (let i = 0; i < vars.length; i++) {
    const g = grads[vars[i]!.name];
    if (g !== undefined && g !== null) analytic += (await tf.sum(tf.mul(g, dirTensors[i]!)).data())[0]!;
  }
  tf.dispose([value, ...Object.values(grads)]);
  const originals = vars.map((v) => tf.clone(v));
  const at = (h: number): number => {
    vars.forEach((v, i) => v.assign(tf.tidy(() => tf.add(originals[i]!, tf.mul(dirTensors[i]!, h)))));
    const l = loss();
    const x = l.dataSync()[0]!;
    l.dispose();
    return x;
  };
  const numeric = centralDifference(at, 0, { step });
  vars.forEach((v, i) => v.assign(originals[i]!));
  tf.dispose([...originals, ...dirTensors]);
  return { analytic, numeric };
}

function expectAgreement(r: { analytic: number; numeric: number }, tol: number): void {
  expect(Math.abs(r.analytic)).toBeGreaterThan(1e-2); // non-trivial: cannot pass vacuously
  expect(Math.abs(r.analytic - r.numeric) / Math.max(Math.abs(r.analytic), Math.abs(r.numeric))).toBeLessThan(tol);
}

describe("matmul convolution vs tf.conv2d on the cpu backend", () => {
  let previous = "wasm";
  beforeAll(async () => {
    previous = tf.getBackend();
    await tf.setBackend("cpu");
  });
  afterAll(async () => {
    await tf.setBackend(previous);
  });

  const xnnpack = (x: tf.Tensor4D, w: tf.Tensor, _size: number): tf.Tensor4D => conv2dSame(x, w as tf.Tensor4D);
  for (const [name, conv] of [["im2col", conv2dMatMul], ["shifted slices", conv2dShift], ["conv2dSame (custom gradients)", xnnpack]] as const) {
    for (const size of [3, 5]) {
      it(`${name}, ${size}×${size}: forward ≤ 1e-5, input and filter gradients equal conv2d's`, async () => {
        const x = seeded(key(size), [2, 6, 5, 3]) as tf.Tensor4D;
        const filter = seeded(key(10 + size), [size, size, 3, 4], 0.3) as tf.Tensor4D;
        const upstream = seeded(key(20 + size), [2, 6, 5, 4]);
        const ours = conv(x, filter, size);
        const ref = tf.conv2d(x, filter, 1, "same");
        const f = await maxAbsDiff(ours, ref);
        expect(f.scale).toBeGreaterThan(0.5);
        expect(f.diff).toBeLessThan(1e-5 * Math.max(1, f.scale));
        const loss = (op: (a: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor) => (a: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(op(a as tf.Tensor4D, w as tf.Tensor4D), upstream));
        const [gx, gw] = tf.grads(loss((a, w) => conv(a, w, size)))([x, filter]);
        const [rx, rw] = tf.grads(loss((a, w) => tf.conv2d(a, w, 1, "same")))([x, filter]);
        for (const [a, b] of [[gx!, rx!], [gw!, rw!]] as const) {
          const d = await maxAbsDiff(a, b);
          expect(d.scale).toBeGreaterThan(0.5);
          expect(d.diff).toBeLessThan(1e-5 * Math.max(1, d.scale));
        }
        tf.dispose([x, filter, upstream, ours, ref, gx!, gw!, rx!, rw!]);
      });
    }
  }

  for (const size of [3, 5]) {
    it(`conv2dSame, ${size}×${size}: conv2dFilterGrad equals conv2d's filter gradient; ∂/∂(x, w) of |∂L/∂x|² equals tf's`, async () => {
      const x = seeded(key(30 + size), [2, 5, 6, 3]) as tf.Tensor4D;
      const w = seeded(key(40 + size), [size, size, 3, 4], 0.3) as tf.Tensor4D;
      const u = seeded(key(50 + size), [2, 5, 6, 4]);
      const dy = seeded(key(60 + size), [2, 5, 6, 4]) as tf.Tensor4D;
      const fg = conv2dFilterGrad(x, dy, size);
      const ref = tf.grad((ww: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, ww as tf.Tensor4D, 1, "same"), dy)))(w);
      // 2nd order through the input gradient (tf's Conv2DBackpropInput has a registered gradient on cpu)
      const penalty = (op: (a: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor) => (a: tf.Tensor, f: tf.Tensor) =>
        tf.sum(tf.square(tf.grad((aa: tf.Tensor) => tf.sum(tf.mul(silu(op(aa as tf.Tensor4D, f as tf.Tensor4D)), u)))(a)));
      const ours = tf.grads(penalty((a, f) => conv2dSame(a, f)))([x, w]);
      const theirs = tf.grads(penalty((a, f) => tf.conv2d(a, f, 1, "same")))([x, w]);
      for (const [a, b] of [[fg, ref], [ours[0]!, theirs[0]!], [ours[1]!, theirs[1]!]] as const) {
        const d = await maxAbsDiff(a, b);
        expect(d.scale).toBeGreaterThan(0.5);
        expect(d.diff).toBeLessThan(1e-5 * Math.max(1, d.scale));
      }
      tf.dispose([x, w, u, dy, fg, ref, ...ours, ...theirs]);
    });
  }

  it("patchify/unpatchify: exact token layout and round trip", async () => {
    const x = tf.reshape(tf.range(0, 2 * 4 * 4 * 2), [2, 4, 4, 2]) as tf.Tensor4D;
    const tokens = patchify(x, 2);
    expect(tokens.shape).toEqual([2, 4, 8]);
    const v = (await tokens.array())[0]!;
    // token 1 = rows 0–1, columns 2–3: pixels (0,2),(0,3),(1,2),(1,3), two channels each
    expect(v[1]).toEqual([4, 5, 6, 7, 12, 13, 14, 15]);
    const back = unpatchify(tokens, 2, 4, 4, 2);
    expect(Array.from(await back.data())).toEqual(Array.from(await x.data()));
    tf.dispose([x, tokens, back]);
  });
});

const time = { min: 0.01, max: 1, frequencies: 2 };
const small = (architecture: ImageArchitecture) =>
  architecture === "conv"
    ? ({ height: 6, width: 6, channels: 2, architecture, features: 4, depth: 1, time } as const)
    : ({ height: 6, width: 6, channels: 2, architecture, features: 6, depth: 1, patchSize: 3, time } as const);

describe("image networks on the test backend (wasm)", () => {
  it("runs on wasm", () => {
    expect(["wasm", "cpu"]).toContain(backend);
  });

  for (const architecture of ["conv", "mixer"] as const) {
    it(`${architecture}: shapes, determinism in the key, no leaks${architecture === "conv" ? "; the shifted-slice conv equals tf.conv2d on this backend" : ""}`, async () => {
      if (architecture === "conv") {
        const x = seeded(key(1), [2, 5, 7, 3]) as tf.Tensor4D;
        const w = seeded(key(2), [3, 3, 3, 2]) as tf.Tensor4D;
        const a = conv2dShift(x, w, 3);
        const b = tf.conv2d(x, w, 1, "same");
        const d = await maxAbsDiff(a, b);
        expect(d.diff).toBeLessThan(1e-5 * Math.max(1, d.scale));
        tf.dispose([x, w, a, b]);
      }
      await expectNoLeaks(async () => {
        const net = createImageScoreNetwork(key(3), small(architecture));
        const twin = createImageScoreNetwork(key(3), small(architecture));
        expect(net.dim).toBe(72);
        const x = seeded(key(4), [3, 72]) as tf.Tensor2D;
        const t = tf.tensor1d([0.05, 0.3, 0.9]);
        const s = net.score(x, t);
        const s2 = twin.score(x, t);
        expect(s.shape).toEqual([3, 72]);
        expect(Array.from(await s.data())).toEqual(Array.from(await s2.data()));
        const wrong = tf.zeros([3, 71]) as tf.Tensor2D;
        expect(() => net.score(wrong, t)).toThrow(/points must have shape \[batch, 72\]/);
        tf.dispose([x, t, s, s2, wrong]);
        net.dispose();
        twin.dispose();
        expect(() => net.score(x, t)).toThrow(/disposed/);
      });
    });

    it(`${architecture}: DSM parameter gradient matches float64 finite differences`, async () => {
      const net = createImageScoreNetwork(key(5), small(architecture));
      const points = seeded(key(6), [4, 72]) as tf.Tensor2D;
      const targets = seeded(key(7), [4, 72]) as tf.Tensor2D;
      const times = tf.tensor1d([0.02, 0.2, 0.5, 0.95]);
      const r = await parameterDirectionalCheck(net, () => dsmLoss(net.score, { points, times, targets }), key(8), 1e-2);
      expectAgreement(r, 2e-3);
      tf.dispose([points, targets, times]);
      net.dispose();
    });

    it(`${architecture} potential: ∂/∂θ of mean |∇_yψ|² and of a Hutchinson Laplacian term match finite differences`, async () => {
      const net = createImagePotentialNetwork(key(9), { ...small(architecture), dataVariance: 1.5, time: { ...time, scale: "log" } });
      const y = seeded(key(10), [3, 72]) as tf.Tensor2D;
      const s = tf.tensor1d([0.05, 0.3, 0.8]);
      const probe = tf.sign(seeded(key(11), [3, 72])) as tf.Tensor2D; // Rademacher
      const squaredScore = () => tf.tidy(() => tf.mean(tf.sum(tf.square(net.score(y, s)), 1)) as tf.Scalar);
      // vᵀ(∇²ψ)v = v·∇_y(v·∇_yψ): unbiased for Δψ; its θ-gradient is 3rd order.
      const laplacian = () =>
        tf.tidy(() => {
          const hv = tf.grad((yy: tf.Tensor) => tf.sum(tf.mul(net.score(yy as tf.Tensor2D, s), probe)))(y);
          return tf.mean(tf.sum(tf.mul(hv, probe), 1)) as tf.Scalar;
        });
      expectAgreement(await parameterDirectionalCheck(net, squaredScore, key(12), 1e-2), 5e-3);
      expectAgreement(await parameterDirectionalCheck(net, laplacian, key(13), 1e-2), 1e-2);
      tf.dispose([y, s, probe]);
      net.dispose();
    });
  }

  it("conv2dSame / conv2dFilterGrad: 2nd- and 3rd-order gradients through the filter gradient equal the slice-based conv's and match finite differences; no leaks", async () => {
    // Q(x, w) = |∂L/∂w|² with L = Σ u ⊙ silu(conv(x, w)): ∂Q/∂x differentiates conv2dFilterGrad (2nd order);
    // R = ⟨v, ∂Q/∂x⟩ differentiated w.r.t. w is 3rd order. Oracles: the same derivatives through conv2dShift (plain
    // slices + matMuls, autodiff of every order) and directional float64 central differences.
    const x0 = seeded(key(70), [2, 5, 6, 3]) as tf.Tensor4D;
    const w0 = seeded(key(71), [3, 3, 3, 4], 0.3) as tf.Tensor4D;
    const u = seeded(key(72), [2, 5, 6, 4]);
    const v = seeded(key(73), [2, 5, 6, 3]);
    const dx = seeded(key(74), [2, 5, 6, 3], 1 / Math.sqrt(180));
    const dw = seeded(key(75), [3, 3, 3, 4], 1 / 6);
    const scalar = (f: () => tf.Tensor): number => {
      const t = tf.tidy(f);
      const r = t.dataSync()[0]!;
      t.dispose();
      return r;
    };
    const checks: Array<[number, number]> = [];
    await expectNoLeaks(async () => {
      const results = [];
      for (const conv of [(a: tf.Tensor4D, f: tf.Tensor4D) => conv2dSame(a, f), (a: tf.Tensor4D, f: tf.Tensor4D) => conv2dShift(a, f, 3)]) {
        const L = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(silu(conv(x as tf.Tensor4D, w as tf.Tensor4D)), u));
        const Q = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.grad((ww: tf.Tensor) => L(x, ww))(w)));
        const R = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(tf.grad((xx: tf.Tensor) => Q(xx, w))(x), v));
        const gq = tf.grad((xx: tf.Tensor) => Q(xx, w0))(x0);
        const gr = tf.grad((ww: tf.Tensor) => R(x0, ww))(w0);
        results.push([gq, gr]);
        if (checks.length > 0) continue;
        checks.push(
          [scalar(() => tf.sum(tf.mul(gq, dx))), centralDifference((h) => scalar(() => Q(tf.add(x0, tf.mul(dx, h)), w0)), 0, { step: 1e-2 })],
          [scalar(() => tf.sum(tf.mul(gr, dw))), centralDifference((h) => scalar(() => R(x0, tf.add(w0, tf.mul(dw, h)))), 0, { step: 1e-2 })],
        );
      }
      for (let i = 0; i < 2; i++) {
        const d = await maxAbsDiff(results[0]![i]!, results[1]![i]!);
        expect(d.scale).toBeGreaterThan(1);
        expect(d.diff).toBeLessThan(1e-5 * d.scale);
      }
      tf.dispose(results.flat());
    });
    for (const [analytic, numeric] of checks) expectAgreement({ analytic, numeric }, 2e-3);
    tf.dispose([x0, w0, u, v, dx, dw]);
  });

  it("potential: zero readout gives exactly the Gaussian base; score = autodiff of potential; no leaks", async () => {
    await expectNoLeaks(async () => {
      const v = 2;
      const net = createImagePotentialNetwork(key(14), { ...small("conv"), dataVariance: v, outputGain: 0, time: { ...time, scale: "log" } });
      const y = seeded(key(15), [2, 72]) as tf.Tensor2D;
      const s = tf.tensor1d([0.1, 0.7]);
      const { potential, score } = net.potentialAndScore(y, s);
      const [psi, g, yv] = [await potential.data(), await score.data(), await y.data()];
      for (let i = 0; i < 2; i++) {
        const q = v + 2 * [0.1, 0.7][i]!;
        let r2 = 0;
        for (let j = 0; j < 72; j++) {
          r2 += yv[i * 72 + j]! ** 2;
          expect(g[i * 72 + j]!).toBeCloseTo(-yv[i * 72 + j]! / q, 5);
        }
        expect(psi[i]!).toBeCloseTo(-r2 / (2 * q) - 36 * Math.log(2 * Math.PI * q), 3);
      }
      tf.dispose([y, s, potential, score]);
      net.dispose();
    });
  });

  it("trains with dsmObjective + train unchanged (loss decreases) without leaking", async () => {
    const data = new Float64Array(normals(key(16), { count: 32 * 72 }));
    await expectNoLeaks(async () => {
      const net = createImageScoreNetwork(key(17), small("mixer"));
      const objective = dsmObjective(net.score, { data, dim: 72, batchSize: 16, transition: (t) => ({ alpha: 1, variance: t }), time: { min: 0.01, max: 1 } });
      const result = await train(net, objective, { key: key(18), steps: 30, optimizer: { learningRate: 3e-3 } });
      expect(result.status).toBe("completed");
      const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / a.length;
      expect(mean(result.losses.subarray(20))).toBeLessThan(mean(result.losses.subarray(0, 10)));
      net.dispose();
    });
  });

  it("parameter counts of the documented defaults", () => {
    const conv = createImageScoreNetwork(key(0), { height: 16, width: 16, architecture: "conv", time });
    const mixer = createImageScoreNetwork(key(0), { height: 16, width: 16, architecture: "mixer", time });
    // conv: time 5·32+32; stem 9·32+32; 3 blocks × (2·(9·32·32+32) + 32·64+64); head 9·32+1
    expect(parameterCount(conv)).toBe(5 * 32 + 32 + 9 * 32 + 32 + 3 * (2 * (9 * 32 * 32 + 32) + 32 * 64 + 64) + 9 * 32 + 1);
    // mixer (patch 4 → 16 tokens, features 48, depth 4): time 5·48+48 (2 frequencies here; 8 in the bench); embed 16·48+48; 4 blocks × (token 16→32→16,
    // FiLM 48→96, channel 48→96→48); head 48·16+16 — 63 008, matched to conv's 63 009 for the benchmark
    expect(parameterCount(mixer)).toBe(5 * 48 + 48 + 16 * 48 + 48 + 4 * (16 * 32 + 32 + 32 * 16 + 16 + 48 * 96 + 96 + 48 * 96 + 96 + 96 * 48 + 48) + 48 * 16 + 16);
    expect(parameterCount(mixer) - parameterCount(conv)).toBe(-1 - 12 * (48 - 32));
    const byDefault = createImageScoreNetwork(key(0), { height: 16, width: 16, time });
    expect(byDefault.config["architecture"]).toBe("mixer");
    byDefault.dispose();
    conv.dispose();
    mixer.dispose();
  });
});

describe("validation", () => {
  const base = { height: 16, width: 16, time: { min: 0, max: 1 } };
  const code = (f: () => unknown, pattern: RegExp) => {
    try {
      f();
    } catch (e) {
      expect(ParabolicError.is(e, "INVALID_ARGUMENT")).toBe(true);
      expect((e as Error).message).toMatch(pattern);
      return;
    }
    throw new Error("expected a throw");
  };
  it("names the offending option and value", () => {
    code(() => createImageScoreNetwork(key(0), { ...base, height: 0 }), /'height'.*got 0/);
    code(() => createImageScoreNetwork(key(0), { ...base, width: 2.5 }), /'width'.*2\.5/);
    code(() => createImageScoreNetwork(key(0), { ...base, architecture: "unet" as never }), /'architecture'.*unet/);
    code(() => createImageScoreNetwork(key(0), { ...base, kernelSize: 4 }), /'kernelSize' must be odd.*got 4/);
    code(() => createImageScoreNetwork(key(0), { ...base, architecture: "mixer", patchSize: 5 }), /'patchSize' must divide height \(16\).*got 5/);
    code(() => createImageScoreNetwork(key(0), { ...base, features: -1 }), /'features'/);
    code(() => createImageScoreNetwork(key(0), { ...base, activation: "relu" as never }), /'activation'/);
    code(() => createImageScoreNetwork(key(0), { ...base, time: { min: 1, max: 1 } }), /'time.max'/);
    code(() => createImagePotentialNetwork(key(0), { ...base, gaussianBase: true }), /'gaussianBase'/);
    code(() => createImagePotentialNetwork(key(0), { ...base, dataVariance: -1 }), /'dataVariance'/);
  });
});
