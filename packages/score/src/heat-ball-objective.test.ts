import { beforeAll, describe, expect, it } from "vitest";
import { ParabolicError, key } from "@parabolic/core";
import { forwardMarginal, gaussianMixture, heatTransition, sparseDenseMixture } from "@parabolic/datasets";
import { ouProcess } from "@parabolic/heat";
import { setupBackend, tf } from "../test/backend.js";
import { posteriorMeanTarget } from "./internal/posterior-mean.js";
import { gaussianCenters, heatBallObjective, pooledCenters } from "./heat-ball-objective.js";
import { simulateCenterPool } from "./center-pool.js";
import { createPotentialNetwork } from "./potential-network.js";
import { train } from "./trainer.js";
import { rampWeight } from "./schedules.js";
import { heatBallLogResidual } from "./heat-ball-residual.js";
import { groupTensors, heatBallGroupTensors, sampleHeatBallGroups } from "./heat-ball-groups.js";

beforeAll(async () => {
  await setupBackend();
});

describe("centre samplers", () => {
  it("the exact DSM target equals the score of the empirical heat flow (mixture of heat kernels at the references)", () => {
    const refs = Float64Array.of(0, 0, 2, 1, -1, 3);
    const s = 0.7;
    const empirical = forwardMarginal(gaussianMixture({ weights: [1, 1, 1], means: [[0, 0], [2, 1], [-1, 3]], scales: 1e-9 }), heatTransition(s));
    const y = Float64Array.of(0.5, 0.2, -0.3, 2.2);
    const out = new Float32Array(4);
    posteriorMeanTarget(y, 0, s, refs, 3, 2, out);
    posteriorMeanTarget(y, 1, s, refs, 3, 2, out);
    const exact = empirical.score(y);
    for (let i = 0; i < 4; i++) expect(out[i]!).toBeCloseTo(exact[i]!, 5);
  });

  it("gaussianCenters draws y₀ = x₀ + √(2s)ε in the range; pooledCenters only draws pool rows in the range", () => {
    const data = Float64Array.of(1, 1, 1, 1);
    const c = gaussianCenters({ data, dim: 2 }).sample(key(1), 500, { min: 0.1, max: 10 });
    for (let i = 0; i < 500; i++) {
      expect(c.times[i]!).toBeGreaterThanOrEqual(0.1);
      expect(c.times[i]!).toBeLessThanOrEqual(10);
      const sd = Math.sqrt(2 * c.times[i]!);
      expect(c.points[2 * i]!).toBeCloseTo(1 + sd * c.noise![2 * i]!, 12);
    }
    const pool = pooledCenters({ dim: 1, points: Float64Array.of(1, 2, 3, 4), times: Float64Array.of(0.5, 0.1, 0.5, 2) });
    expect(pool.levels).toEqual([0.1, 0.5, 2]);
    const p = pool.sample(key(2), 50, { min: 0.5, max: 0.5 });
    for (const v of p.points) expect([1, 3]).toContain(v);
    expect(() => pool.sample(key(2), 5, { min: 3, max: 4 })).toThrow(/'range'/);
  });

  it("simulateCenterPool gives heat-coordinate states with the exact OU marginal (y = eᵗx ~ x₀ + √(2s)ε)", () => {
    const data = new Float64Array(4000).fill(1.5);
    const pool = simulateCenterPool(key(3), ouProcess(), { data, dim: 1, times: [0.5, 1], paths: 4000, steps: 100 });
    expect(pool.times.length).toBe(8000);
    for (const [i, t] of [0.5, 1].entries()) {
      const rows = pool.points.subarray(i * 4000, (i + 1) * 4000);
      const s = pool.times[i * 4000]!;
      expect(s).toBeCloseTo(0.5 * Math.expm1(2 * t), 12);
      const mean = rows.reduce((a, v) => a + v, 0) / 4000;
      const variance = rows.reduce((a, v) => a + (v - mean) ** 2, 0) / 3999;
      // mean 1.5 ± 4 SE; variance 2s within 10 % (Heun's weak error at 100 steps is far smaller)
      expect(Math.abs(mean - 1.5)).toBeLessThan(4 * Math.sqrt((2 * s) / 4000));
      expect(Math.abs(variance / (2 * s) - 1)).toBeLessThan(0.1);
    }
  });
});

describe("heat-ball objective", () => {
  it("trains every term without leaks and lowers the heat-ball residual on a fixed probe", async () => {
    const p0 = sparseDenseMixture();
    const data = p0.sample(key(4), 2000);
    const sMax = 100;
    const net = createPotentialNetwork(key(5), { dim: 2, width: 16, depth: 2, dataVariance: 3.4, time: { min: 0.01, max: sMax, scale: "log", frequencies: 4 } });
    const objective = heatBallObjective(net, {
      centers: gaussianCenters({ data, dim: 2 }),
      batchSize: 32,
      time: { min: 0.05, max: sMax },
      dsm: { weight: 0.1, exactTarget: { references: data.subarray(0, 512), minTime: 0.3 } },
      heatBall: { weight: 2, samples: 8, normalise: true },
      consistency: { weight: rampWeight({ weight: 0.3, delay: 5 }) },
      anchor: { weight: 1, levels: 3, perLevel: 16, proposals: 32 },
      boundary: { weight: 0.01, samples: 8 },
    });
    // probe: fixed centres from the data flow, many κ-points, normalised residual (exact log-density → ≈ 0)
    const centers = gaussianCenters({ data, dim: 2 }).sample(key(6), 16, { min: 0.2, max: 5 });
    const probeGroups = heatBallGroupTensors(sampleHeatBallGroups(key(7), { dim: 2, centers: centers.points, centerTimes: centers.times, radiusFraction: 0.125, samples: 512, normalise: true }));
    const probe = async (): Promise<number> => {
      const r = heatBallLogResidual(net.potential, probeGroups);
      const v = await r.data();
      r.dispose();
      return Array.from(v).reduce((a, x) => a + Math.abs(x), 0) / v.length;
    };
    const before = tf.memory().numTensors;
    const initial = await probe();
    const result = await train(net, objective, { key: key(8), steps: 40, optimizer: { learningRate: 3e-3 } });
    const terms = await objective.lastTerms();
    expect(Object.keys(terms).sort()).toEqual(["anchor", "boundary", "consistency", "dsm", "heatBall"]);
    for (const v of Object.values(terms)) expect(Number.isFinite(v)).toBe(true);
    for (const l of result.losses) expect(Number.isFinite(l)).toBe(true);
    const after = await probe();
    expect(after).toBeLessThan(0.7 * initial); // measured 0.194 → 0.101 after 40 steps
    objective.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(groupTensors(probeGroups));
    net.dispose();
  });

  it("validates inconsistent options", () => {
    const net = createPotentialNetwork(key(5), { dim: 2, width: 4, depth: 1, time: { min: 0.01, max: 10, scale: "log" } });
    const centers = gaussianCenters({ data: new Float64Array(4), dim: 2 });
    expect(() => heatBallObjective(net, { centers, batchSize: 4, time: { min: 0.1, max: 10 }, consistency: { weight: 1 } })).toThrow(/'consistency'/);
    expect(() => heatBallObjective(net, { centers, batchSize: 4, time: { min: 0.1, max: 10 }, boundary: { weight: 1 } })).toThrow(/'boundary'/);
    // non-positive sizes are rejected up front with the offending value (not a NaN loss or an empty anchor later)
    const base = { centers, batchSize: 4, time: { min: 0.1, max: 10 } };
    expect(() => heatBallObjective(net, { ...base, heatBall: { weight: 1, samples: 0 } })).toThrow(/'heatBall.samples' must .*got 0/);
    expect(() => heatBallObjective(net, { ...base, heatBall: { weight: 1, batchSize: -2 } })).toThrow(/'heatBall.batchSize'.*got -2/);
    expect(() => heatBallObjective(net, { ...base, anchor: { weight: 1, levels: 0 } })).toThrow(/'anchor.levels'/);
    expect(() => heatBallObjective(net, { ...base, anchor: { weight: 1, perLevel: 0 } })).toThrow(/'anchor.perLevel'/);
    expect(() => heatBallObjective(net, { ...base, anchor: { weight: 1, proposals: 1.5 } })).toThrow(/'anchor.proposals'/);
    expect(() => heatBallObjective(net, { ...base, dsm: { weight: 1, weightCap: Number.NaN } })).toThrow(/'dsm.weightCap'/);
    expect(() => heatBallObjective(net, { ...base, heatBall: { weight: 1, minTime: Number.NaN } })).toThrow(/'heatBall.minTime' must .*got NaN/);
    expect(() => heatBallObjective(net, { ...base, heatBall: { weight: 1, minTime: -0.1 } })).toThrow(/'heatBall.minTime'.*got -0.1/);
    expect(() => heatBallObjective(net, { ...base, heatBall: { weight: 1, minTime: 10 } })).toThrow(/'heatBall.minTime' must be < time.max/);
    expect(() => heatBallObjective(net, { ...base, anchor: { weight: 1, minTime: Number.NaN } })).toThrow(/'anchor.minTime' must .*got NaN/);
    expect(() => heatBallObjective(net, { ...base, anchor: { weight: 1, minTime: -1 } })).toThrow(/'anchor.minTime'.*got -1/);
    expect(() => heatBallObjective(net, { ...base, anchor: { weight: 1, minTime: 20 } })).toThrow(/'anchor.minTime' must be < time.max/);
    // a coded INVALID_ARGUMENT, not a NaN loss later
    let error: unknown;
    try {
      heatBallObjective(net, { ...base, heatBall: { weight: 1, minTime: Number.NaN } });
    } catch (e) {
      error = e;
    }
    expect(ParabolicError.is(error, "INVALID_ARGUMENT")).toBe(true);
    net.dispose();
  });
});
