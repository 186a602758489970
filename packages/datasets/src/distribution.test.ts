import { key, ParabolicError, type Key } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { checkerboard } from "./checkerboard.js";
import { circleDensity } from "./circle-density.js";
import type { Distribution } from "./distribution.js";
import { downloadVerified } from "./download.js";
import { gaussianMixture } from "./gaussian-mixture.js";
import { pixelStatistics, standardize, unstandardize } from "./image-transforms.js";
import { eightGaussians, sbtmBimodal } from "./mixture-presets.js";
import { lowDensityQueries, lowDensitySubset } from "./mode-statistics.js";
import { pinwheel } from "./pinwheel.js";
import { swissRoll } from "./swiss-roll.js";
import { twoMoons } from "./two-moons.js";

function codeOf(run: () => unknown): { code: string; details: Readonly<Record<string, unknown>> } | undefined {
  try {
    run();
  } catch (e) {
    if (ParabolicError.is(e)) return { code: e.code, details: e.details };
    throw e;
  }
  return undefined;
}

// The Distribution contract on every family: row-major count × dim output, deterministic per key, empty for
// count 0, and coded errors (with the offending value) for bad counts, keys and point arrays.
describe.each<[string, Distribution]>([
  ["gaussianMixture (full covariance, d = 3)", gaussianMixture({ weights: [1, 2], means: [[0, 0, 0], [1, 2, 3]], covariances: [[[2, 0.5, 0], [0.5, 1, 0], [0, 0, 1]], [1, 0, 0, 0, 1, 0, 0, 0, 1]] })],
  ["eightGaussians", eightGaussians()],
  ["sbtmBimodal (d = 1)", sbtmBimodal({ offset: 2 })],
  ["twoMoons", twoMoons()],
  ["swissRoll", swissRoll()],
  ["checkerboard", checkerboard()],
  ["pinwheel", pinwheel()],
  ["circleDensity", circleDensity()],
])("%s", (_name, p) => {
  it("samples count × dim deterministically per key; count 0 gives an empty array", () => {
    const x = p.sample(key(1), 7);
    expect(x).toBeInstanceOf(Float64Array);
    expect(x.length).toBe(7 * p.dim);
    expect(x.every(Number.isFinite)).toBe(true);
    expect(Array.from(p.sample(key(1), 7))).toEqual(Array.from(x));
    expect(Array.from(p.sample(key(2), 7))).not.toEqual(Array.from(x));
    expect(p.sample(key(1), 0)).toEqual(new Float64Array(0));
    if (p.logDensity !== undefined) expect(p.logDensity(x).length).toBe(7);
    if (p.score !== undefined) expect(p.score(x).length).toBe(7 * p.dim);
  });

  it("rejects bad counts and keys with INVALID_ARGUMENT naming the value, and ragged points with SHAPE_MISMATCH", () => {
    for (const count of [-1, 1.5, Number.NaN, Infinity]) {
      const e = codeOf(() => p.sample(key(1), count));
      expect(e?.code).toBe("INVALID_ARGUMENT");
      expect(e?.details.argument).toBe("count");
      expect(Object.is(e?.details.value, count)).toBe(true);
    }
    expect(codeOf(() => p.sample([1, 2, 3] as unknown as Key, 1))?.code).toBe("INVALID_ARGUMENT");
    if (p.dim > 1) {
      const ragged = new Float64Array(p.dim + 1);
      if (p.logDensity !== undefined) expect(codeOf(() => p.logDensity!(ragged))?.code).toBe("SHAPE_MISMATCH");
      if (p.score !== undefined) expect(codeOf(() => p.score!(ragged))?.code).toBe("SHAPE_MISMATCH");
    }
  });

  it.runIf(p.logDensity !== undefined)("NaN points give NaN log-density and score (hot path: no throw, and never the −∞ of a valid far point)", () => {
    const x = new Float64Array(2 * p.dim).fill(Number.NaN);
    x[p.dim] = 0.5; // second point: only its first coordinate is finite (d > 1)
    if (p.dim === 1) x[1] = Number.NaN;
    if (p.logDensity !== undefined) expect(Array.from(p.logDensity(x))).toEqual([Number.NaN, Number.NaN]);
    if (p.score !== undefined) expect(p.score(x).every(Number.isNaN)).toBe(true);
  });
});

describe("required options objects", () => {
  it("a missing options object is INVALID_ARGUMENT naming 'options', not a TypeError", async () => {
    const cases: Array<[string, () => unknown]> = [
      ["pixelStatistics", () => pixelStatistics([1, 2], undefined as never)],
      ["standardize", () => standardize([1, 2], undefined as never)],
      ["unstandardize", () => unstandardize([1, 2], null as never)],
      ["lowDensityQueries", () => lowDensityQueries(key(1), eightGaussians(), undefined as never)],
      ["lowDensitySubset", () => lowDensitySubset([1, 2], [0], undefined as never)],
    ];
    for (const [fn, run] of cases) expect(codeOf(run)).toMatchObject({ code: "INVALID_ARGUMENT", details: { function: fn, argument: "options" } });
    await expect(downloadVerified("http://127.0.0.1:9/x.gz", undefined as never)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      details: { function: "downloadVerified", argument: "options" },
    });
  });
});
