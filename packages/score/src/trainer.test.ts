import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { key, normals, ParabolicError, type Key } from "@parabolic/core";
import { setupBackend, tf } from "../test/backend.js";
import { createScoreNetwork, type ScoreNetwork } from "./score-network.js";
import { dsmObjective } from "./denoising-score-matching.js";
import { train, type TrainOptions } from "./trainer.js";
import { cosineSchedule, rampWeight, warmupSchedule } from "./schedules.js";
import { createAdam } from "./optimizer.js";
import { readParameters } from "./parameters.js";
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from "./checkpoint.js";
import { checkpointFileWriter, readCheckpointFile } from "./node/index.js";
import type { Objective } from "./types.js";

let dir: string;
beforeAll(async () => {
  await setupBackend();
  dir = await mkdtemp(join(tmpdir(), "score-trainer-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// 1-D data: ½N(−2, 0.3²) + ½N(1.5, 0.5²)
const n = 2000;
const z = normals(key(29), { count: n });
const data = new Float64Array(n);
for (let i = 0; i < n; i++) data[i] = i % 2 === 0 ? -2 + 0.3 * z[i]! : 1.5 + 0.5 * z[i]!;

function tinyNet(seed: number, width = 8): ScoreNetwork {
  return createScoreNetwork(key(seed), { dim: 1, width, depth: 2, time: { min: 0, max: 1, frequencies: 2 } });
}

function tinyObjective(net: ScoreNetwork, batchSize = 16): Objective {
  return dsmObjective(net.score, {
    data,
    dim: 1,
    batchSize,
    transition: (t) => ({ alpha: Math.exp(-t), variance: 1 - Math.exp(-2 * t) }),
    time: { min: 0.05, max: 1 },
  });
}

async function flat(net: ScoreNetwork): Promise<number[]> {
  return (await readParameters(net)).flatMap((p) => Array.from(p.values));
}

describe("schedules", () => {
  it("cosine with warm-up hits its end points and midpoint", () => {
    const lr = cosineSchedule({ initial: 1e-3, final: 1e-4, steps: 1100, warmup: 100 });
    expect(lr(0)).toBeCloseTo(1e-5, 12);
    expect(lr(99)).toBeCloseTo(1e-3, 12);
    expect(lr(100)).toBeCloseTo(1e-3, 12);
    expect(lr(600)).toBeCloseTo(0.5 * (1e-3 + 1e-4), 12);
    expect(lr(1100)).toBe(1e-4);
    expect(warmupSchedule({ initial: 2, warmup: 4 })(1)).toBe(1);
    expect(rampWeight({ weight: 2, delay: 10, ramp: 4 })(9)).toBe(0);
    expect(rampWeight({ weight: 2, delay: 10, ramp: 4 })(11)).toBe(1);
    expect(() => cosineSchedule({ initial: 1, steps: 10, warmup: 10 })).toThrow(/'warmup'/);
  });

  it("reject non-positive or non-finite rates up front, naming the value", () => {
    expect(() => cosineSchedule({ initial: -1e-3, steps: 10 })).toThrow(/'initial' must be a finite number > 0; got -0.001/);
    expect(() => cosineSchedule({ initial: 0, steps: 10 })).toThrow(/'initial'.*got 0/);
    expect(() => cosineSchedule({ initial: 1e-3, final: -1e-4, steps: 10 })).toThrow(/'final'.*got -0.0001/);
    expect(() => cosineSchedule({ initial: Number.NaN, steps: 10 })).toThrow(/'initial'.*got NaN/);
    expect(cosineSchedule({ initial: 1e-3, steps: 10 })(10)).toBe(0); // decay to 0 stays allowed
    expect(() => warmupSchedule({ initial: -2, warmup: 4 })).toThrow(/'initial'.*got -2/);
  });
});

describe("Adam", () => {
  it("matches a float64 reference implementation of AdamW on a quadratic", async () => {
    const model = { parameters: [{ name: "w", variable: tf.variable(tf.tensor1d([1.5, -0.7]), true) }] };
    const adam = createAdam(model, { learningRate: (s) => 0.1 / (1 + s), beta1: 0.8, beta2: 0.95, epsilon: 1e-6, weightDecay: 0.01 });
    const ref = [1.5, -0.7];
    const m = [0, 0];
    const v = [0, 0];
    for (let t = 1; t <= 5; t++) {
      const g = tf.tidy(() => tf.mul(model.parameters[0]!.variable, tf.tensor1d([2, 6]))); // ∇(x² + 3y²)
      adam.apply([g], 0.5);
      g.dispose();
      const lr = 0.1 / t;
      for (let i = 0; i < 2; i++) {
        const gi = 0.5 * [2, 6][i]! * ref[i]!;
        m[i] = 0.8 * m[i]! + 0.2 * gi;
        v[i] = 0.95 * v[i]! + 0.05 * gi * gi;
        const upd = m[i]! / (1 - 0.8 ** t) / (Math.sqrt(v[i]! / (1 - 0.95 ** t)) + 1e-6);
        ref[i] = ref[i]! - lr * upd - lr * 0.01 * ref[i]!;
      }
    }
    const got = await model.parameters[0]!.variable.data();
    for (let i = 0; i < 2; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThan(1e-5);
    expect(adam.updates).toBe(5);
    adam.dispose();
    model.parameters[0]!.variable.dispose();
  });

  it("rejects a constant rate <= 0 or non-finite (createAdam and train), and a negative scheduled rate when applied", async () => {
    const model = { parameters: [{ name: "w", variable: tf.variable(tf.tensor1d([1.5, -0.7]), true) }] };
    expect(() => createAdam(model, { learningRate: -1e-3 })).toThrow(/createAdam: 'learningRate' must be a finite number > 0; got -0.001/);
    expect(() => createAdam(model, { learningRate: 0 })).toThrow(/'learningRate'.*got 0/);
    expect(() => createAdam(model, { learningRate: Number.POSITIVE_INFINITY })).toThrow(/'learningRate'.*got Infinity/);
    const net = tinyNet(1);
    const before = await flat(net);
    const run = train(net, tinyObjective(net), { key: key(1), steps: 2, optimizer: { learningRate: -0.01 } });
    await expect(run).rejects.toThrow(/'learningRate'.*got -0.01/);
    await run.catch((e: unknown) => expect(ParabolicError.is(e, "INVALID_ARGUMENT")).toBe(true));
    expect(await flat(net)).toEqual(before); // nothing was applied
    net.dispose();
    const adam = createAdam(model, { learningRate: (step) => 0.1 - 0.1 * step }); // 0.1, 0, −0.1
    const g = tf.tensor1d([1, 1]);
    adam.apply([g]);
    adam.apply([g]); // a rate of exactly 0 is allowed (schedules that decay to 0)
    expect(() => adam.apply([g])).toThrow(/Adam.apply: 'learningRate\(2\)' must be a finite number >= 0 at every step; got -0.1/);
    expect(adam.updates).toBe(2);
    g.dispose();
    adam.dispose();
    model.parameters[0]!.variable.dispose();
  });
});

describe("checkpoint format", () => {
  it("round-trips bit-exactly and rejects corrupted bytes with DATA_CORRUPT", async () => {
    const values = Float32Array.of(1.5, -0, Number.NaN, 3.4028234663852886e38, 1e-45);
    const checkpoint: Checkpoint = {
      step: 12,
      key: key(5),
      parameters: [{ name: "a", shape: [5], values }],
      optimizer: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, updates: 12, firstMoments: [{ name: "a", shape: [5], values }], secondMoments: [{ name: "a", shape: [5], values }] },
      ema: { decay: 0.99, values: [{ name: "a", shape: [5], values }] },
      modelConfig: { kind: "score", dim: 2 },
      metadata: { note: "x" },
    };
    const bytes = encodeCheckpoint(checkpoint);
    const back = decodeCheckpoint(bytes);
    expect(back.step).toBe(12);
    expect(back.key).toEqual(key(5));
    expect(new Uint8Array(back.parameters[0]!.values.buffer)).toEqual(new Uint8Array(values.buffer));
    expect(back.ema?.decay).toBe(0.99);
    expect(back.metadata).toEqual({ note: "x" });
    for (const mutate of [
      (b: Uint8Array) => b.subarray(0, b.length - 7),
      (b: Uint8Array) => {
        const c = b.slice();
        c[40] = c[40]! ^ 1;
        return c;
      },
      (b: Uint8Array) => {
        const c = b.slice();
        c[0] = 0x41;
        return c;
      },
      () => new Uint8Array(3),
    ]) {
      let error: unknown;
      try {
        decodeCheckpoint(mutate(bytes));
      } catch (e) {
        error = e;
      }
      expect(ParabolicError.is(error, "DATA_CORRUPT")).toBe(true);
    }
  });
});

describe("trainer", () => {
  it("resuming from a checkpoint is bit-identical to never stopping (AdamW, clipping, cosine, EMA)", async () => {
    const options = (ckptPath?: string): TrainOptions => ({
      key: key(100),
      steps: 30,
      optimizer: { learningRate: cosineSchedule({ initial: 1e-2, final: 1e-3, steps: 30, warmup: 3 }), weightDecay: 1e-3 },
      gradientClipNorm: 0.5,
      emaDecay: 0.9,
      ...(ckptPath === undefined ? {} : { checkpoint: { every: 10, write: checkpointFileWriter(ckptPath) } }),
    });
    const straight = tinyNet(1);
    const full = await train(straight, tinyObjective(straight), options());

    const path = join(dir, "resume.bin");
    const first = tinyNet(1);
    const controller = new AbortController();
    const partial = await train(first, tinyObjective(first), {
      ...options(path),
      signal: controller.signal,
      evaluate: {
        every: 13,
        callback: () => {
          controller.abort();
          return {};
        },
      },
    });
    expect(partial.status).toBe("aborted");
    expect(partial.step).toBe(13);
    expect(partial.lastCheckpointStep).toBe(13); // written on abort
    first.dispose();

    const checkpoint = await readCheckpointFile(path);
    const second = tinyNet(999); // a different initialisation: everything must come from the checkpoint
    const resumed = await train(second, tinyObjective(second), { ...options(path), resumeFrom: checkpoint });
    expect(resumed.status).toBe("completed");
    expect(resumed.step).toBe(30);
    expect(await flat(second)).toEqual(await flat(straight));
    expect(resumed.ema!.flatMap((p) => Array.from(p.values))).toEqual(full.ema!.flatMap((p) => Array.from(p.values)));
    expect(Array.from(resumed.losses)).toEqual(Array.from(full.losses.subarray(checkpoint.step)));
    expect((await readdir(dir)).filter((f) => f.includes(".tmp-"))).toEqual([]);
    straight.dispose();
    second.dispose();
  });

  it("a non-finite loss stops with NON_FINITE naming the step; the last good checkpoint is kept", async () => {
    const net = tinyNet(2);
    const base = tinyObjective(net);
    const poisoned: Objective = {
      name: "poisoned",
      loss: (k: Key, step: number) => (step === 7 ? tf.tidy(() => tf.mul(base.loss(k, step), Number.NaN) as tf.Scalar) : base.loss(k, step)),
    };
    const path = join(dir, "nan.bin");
    let error: unknown;
    try {
      await train(net, poisoned, { key: key(3), steps: 20, optimizer: { learningRate: 1e-2 }, checkpoint: { every: 5, write: checkpointFileWriter(path) } });
    } catch (e) {
      error = e;
    }
    expect(ParabolicError.is(error, "NON_FINITE")).toBe(true);
    expect((error as ParabolicError).details).toMatchObject({ step: 7, lastCheckpointStep: 5 });
    expect((error as Error).message).toMatch(/step 7/);
    const checkpoint = await readCheckpointFile(path);
    expect(checkpoint.step).toBe(5);
    for (const p of checkpoint.parameters) for (const v of p.values) expect(Number.isFinite(v)).toBe(true);
    // the model holds the parameters after 7 good steps: re-running 7 steps from scratch reproduces them
    const again = tinyNet(2);
    await train(again, tinyObjective(again), { key: key(3), steps: 7, optimizer: { learningRate: 1e-2 } });
    expect(await flat(net)).toEqual(await flat(again));
    net.dispose();
    again.dispose();
  });

  it("rejects a mismatched checkpoint", async () => {
    const net = tinyNet(4);
    const result = await train(net, tinyObjective(net), { key: key(1), steps: 2, optimizer: { learningRate: 1e-3 }, checkpoint: { every: 2, write: checkpointFileWriter(join(dir, "m.bin")) } });
    expect(result.lastCheckpointStep).toBe(2);
    const checkpoint = await readCheckpointFile(join(dir, "m.bin"));
    const wide = tinyNet(4, 9);
    await expect(train(wide, tinyObjective(wide), { key: key(1), steps: 4, optimizer: { learningRate: 1e-3 }, resumeFrom: checkpoint })).rejects.toThrow(/different architecture/);
    await expect(train(net, tinyObjective(net), { key: key(2), steps: 4, optimizer: { learningRate: 1e-3 }, resumeFrom: checkpoint })).rejects.toThrow(/'resumeFrom.key'/);
    await writeFile(join(dir, "bad.bin"), (await readFile(join(dir, "m.bin"))).subarray(0, 50));
    await expect(readCheckpointFile(join(dir, "bad.bin"))).rejects.toSatisfy((e: unknown) => ParabolicError.is(e, "DATA_CORRUPT"));
    await expect(readCheckpointFile(join(dir, "missing.bin"))).rejects.toSatisfy((e: unknown) => ParabolicError.is(e, "NOT_FOUND"));
    net.dispose();
    wide.dispose();
  });

  it("runs evaluation callbacks and reports progress", async () => {
    const net = tinyNet(5);
    const events: number[] = [];
    const result = await train(net, tinyObjective(net), {
      key: key(1),
      steps: 10,
      optimizer: { learningRate: 1e-3 },
      evaluate: { every: 4, callback: ({ step }) => ({ twice: 2 * step }) },
      onProgress: (e) => events.push(e.completed),
    });
    expect(result.evaluations.map((e) => e.step)).toEqual([4, 8, 10]);
    expect(result.evaluations[1]!.metrics).toEqual({ twice: 16 });
    expect(events.at(-1)).toBe(10);
    expect(result.losses.length).toBe(10);
    net.dispose();
  });

  it("DSM training converges to the exact mixture score (tiny 1-D problem at a fixed time)", async () => {
    const alpha = 0.8;
    const variance = 0.36;
    const comps = [
      { w: 0.5, m: -2, v: 0.09 },
      { w: 0.5, m: 1.5, v: 0.25 },
    ];
    const density = (x: number): { p: number; score: number } => {
      let p = 0;
      let num = 0;
      for (const c of comps) {
        const vt = alpha * alpha * c.v + variance;
        const q = (c.w / Math.sqrt(2 * Math.PI * vt)) * Math.exp(-((x - alpha * c.m) ** 2) / (2 * vt));
        p += q;
        num += (q * -(x - alpha * c.m)) / vt;
      }
      return { p, score: num / p };
    };
    const net = createScoreNetwork(key(6), { dim: 1, width: 32, depth: 2, time: { min: 0, max: 1, frequencies: 0 } });
    const objective = dsmObjective(net.score, { data, dim: 1, batchSize: 128, transition: () => ({ alpha, variance }), time: { min: 0.5, max: 0.5 }, weighting: "none" });
    const steps = 300;
    await train(net, objective, { key: key(7), steps, optimizer: { learningRate: cosineSchedule({ initial: 1e-2, final: 1e-4, steps }) } });
    // p_t-weighted relative MSE on a quadrature grid (the data term is the exact mixture; the net never sees it)
    const xs = Array.from({ length: 400 }, (_, i) => -5 + (10 * (i + 0.5)) / 400);
    const pred = await net.score(tf.tensor2d(xs, [xs.length, 1]), tf.fill([xs.length], 0.5) as tf.Tensor1D).data();
    let err = 0;
    let norm = 0;
    xs.forEach((x, i) => {
      const { p, score } = density(x);
      err += p * (pred[i]! - score) ** 2;
      norm += p * score * score;
    });
    // finite data (2000 points) and batch noise leave a small error; an untrained net is at ≈ 1
    expect(err / norm).toBeLessThan(0.05);
    net.dispose();
  });
});
