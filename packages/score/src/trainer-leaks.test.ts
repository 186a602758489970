import { beforeAll, describe, expect, it } from "vitest";
import { key, normals } from "@parabolic/core";
import { expectNoLeaks } from "@parabolic/core/testing";
import { setupBackend, tf } from "../test/backend.js";
import { createScoreNetwork } from "./score-network.js";
import { dsmObjective } from "./denoising-score-matching.js";
import { train } from "./trainer.js";
import { cosineSchedule } from "./schedules.js";

beforeAll(async () => {
  await setupBackend();
});

describe("trainer memory", () => {
  it("leaks no tensors over 10,000 steps (EMA, clipping, evaluation, schedule)", async () => {
    const data = normals(key(1), { count: 64 });
    const net = createScoreNetwork(key(2), { dim: 2, width: 4, depth: 1, time: { min: 0, max: 1, frequencies: 1 } });
    const objective = dsmObjective(net.score, { data, dim: 2, batchSize: 4, transition: (t) => ({ alpha: 1, variance: 0.01 + t }), time: { min: 0, max: 1 } });
    const started = performance.now();
    let steps = 0;
    await expectNoLeaks(async () => {
      const result = await train(net, objective, {
        key: key(3),
        steps: 10_000,
        optimizer: { learningRate: cosineSchedule({ initial: 1e-3, steps: 10_000 }), weightDecay: 1e-4 },
        gradientClipNorm: 1,
        emaDecay: 0.99,
        evaluate: { every: 2500, callback: () => ({ tensors: tf.memory().numTensors }) },
      });
      steps = result.step;
      // the tensor count seen by evaluation callbacks does not grow during training
      const counts = result.evaluations.map((e) => e.metrics["tensors"]!);
      expect(new Set(counts).size).toBe(1);
    });
    expect(steps).toBe(10_000);
    console.log(`10k steps: ${((performance.now() - started) / 1000).toFixed(1)} s on ${tf.getBackend()}`);
    net.dispose();
  });
});
