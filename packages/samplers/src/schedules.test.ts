import { ParabolicError } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import {
  adaptiveStepSize,
  clipAnnealing,
  constantStepSize,
  decayStepSize,
  linearAnnealing,
  powerAnnealing,
  stepSizeList,
  warmupStepSize,
  type StepSizeContext,
} from "./schedules.js";
import { sampleChains } from "./sample-chains.js";
import { gaussianTarget } from "./target.js";
import { ula } from "./ula.js";

const ctx = (step: number, score = new Float64Array([1, -2, 2])): StepSizeContext => ({
  step,
  time: 0,
  count: score.length,
  dim: 1,
  positions: new Float64Array(score.length),
  score,
});

describe("step-size schedules", () => {
  it("constant, list, geometric and power decay, warm-up", () => {
    expect(constantStepSize({ value: 0.1 })(ctx(7))).toBe(0.1);
    const list = stepSizeList({ values: [0.01, 0.1, 1] });
    expect([0, 1, 2, 5].map((k) => list(ctx(k)))).toEqual([0.01, 0.1, 1, 1]);
    expect(() => stepSizeList({ values: [0.1], repeatLast: false })(ctx(1))).toThrow(ParabolicError);
    expect(decayStepSize({ initial: 1, kind: "geometric", rate: 0.5 })(ctx(3))).toBe(0.125);
    expect(decayStepSize({ initial: 1, kind: "power", power: 0.5, scale: 4 })(ctx(12))).toBeCloseTo(0.5, 15);
    expect(decayStepSize({ initial: 1, kind: "geometric", rate: 0.5, minimum: 0.2 })(ctx(10))).toBe(0.2);
    const warm = warmupStepSize({ base: 0.1, steps: 10, initialFactor: 0.1 });
    expect(warm(ctx(0))).toBeCloseTo(0.01, 15);
    expect(warm(ctx(5))).toBeCloseTo(0.055, 15);
    expect(warm(ctx(10))).toBe(0.1);
  });

  it("the authors' adaptive rule Δt = 0.1·N/Σ‖∇log π‖²", () => {
    expect(adaptiveStepSize()(ctx(0))).toBeCloseTo((0.1 * 3) / 9, 15);
    expect(adaptiveStepSize({ maximum: 0.01 })(ctx(0))).toBe(0.01);
  });

  it("a scheduled run sums its step sizes into the clock", () => {
    const kernel = ula({ ...gaussianTarget({ dim: 1 }), stepSize: stepSizeList({ values: [0.1, 0.2, 0.3] }) });
    const result = sampleChains([1, 2], { kernel, initialState: kernel.init(new Float64Array([0, 1])), steps: 3, keepInfo: true });
    expect(result.state.time).toBeCloseTo(0.6, 15);
    expect(result.infos.map((i) => i.stepSize)).toEqual([0.1, 0.2, 0.3]);
  });
});

describe("annealing schedules", () => {
  it("linear, power with reachAt, clipping", () => {
    const lin = linearAnnealing({ duration: 10 });
    expect([-1, 0, 2.5, 10, 12].map(lin)).toEqual([0, 0, 0.25, 1, 1]);
    const pow = powerAnnealing({ duration: 10, power: 2, reachAt: 0.9 });
    expect(pow(4.5)).toBeCloseTo(0.25, 15);
    expect(pow(9)).toBe(1);
    const clipped = clipAnnealing({ schedule: lin, minimum: 0.2 });
    expect(clipped(0)).toBe(0.2);
    expect(clipped(5)).toBe(0.5);
    expect(() => clipAnnealing({ schedule: lin, minimum: 2 })).toThrow(ParabolicError);
  });
});
