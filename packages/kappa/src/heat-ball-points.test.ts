import { key, ParabolicError } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { heatBallPoints } from "./heat-ball-points.js";
import { sampleDrift } from "./sample-drift.js";
import { sampleKappa } from "./sample-kappa.js";

/** log Φ(z, σ) for z = y − y0 (row `row` of `points`), σ = s0 − s. */
function logPhi(points: Float64Array, row: number, center: Float64Array, sigma: number): number {
  const d = center.length;
  let q = 0;
  for (let j = 0; j < d; j++) q += (points[row * d + j]! - center[j]!) ** 2;
  return -(d / 2) * Math.log(4 * Math.PI * sigma) - q / (4 * sigma);
}

describe("heatBallPoints", () => {
  it.each([1, 3, 256])("puts every point inside the heat ball E(y0, s0; r) (d = %i)", (d) => {
    const samples = sampleKappa(key(d), { dim: d, count: 500 });
    const center = Float64Array.from({ length: d }, (_, j) => Math.sin(j + 1));
    const s0 = 2;
    const r = 0.7;
    const { points, times } = heatBallPoints(center, s0, r, samples, { antithetic: true });
    expect(points.length).toBe(2 * 500 * d);
    for (let i = 0; i < 1000; i++) {
      const lag = s0 - times[i]!;
      expect(lag).toBeGreaterThan(0);
      expect(lag).toBeLessThanOrEqual((r * r) / (4 * Math.PI) * (1 + 1e-15));
      // (y, s) ∈ E(y0, s0; r) ⇔ Φ(y − y0, s0 − s) ≥ r^{−d}
      expect(logPhi(points, i, center, lag)).toBeGreaterThanOrEqual(-d * Math.log(r) - 1e-9 * d);
    }
  });

  it("maps y = y0 + rζ, s = s0 − r²ς, and antithetic rows mirror through the centre with equal times", () => {
    const d = 2;
    const samples = sampleKappa(key(1), { dim: d, count: 4 });
    const center = new Float64Array([1, -2]);
    const { points, times } = heatBallPoints(center, 1, 0.5, samples, { antithetic: true });
    for (let i = 0; i < 4; i++) {
      expect(times[i]).toBe(1 - 0.25 * samples.sigma[i]!);
      expect(times[4 + i]).toBe(times[i]);
      for (let j = 0; j < d; j++) {
        expect(points[i * d + j]).toBeCloseTo(center[j]! + 0.5 * samples.zeta[i * d + j]!, 15);
        expect(points[i * d + j]! + points[(4 + i) * d + j]!).toBeCloseTo(2 * center[j]!, 14);
      }
    }
  });

  it("sign −1 gives the y0 − rζ convention of the drift form", () => {
    const samples = sampleDrift(key(2), { dim: 3, count: 10 });
    const center = new Float64Array([0.1, 0.2, 0.3]);
    const plus = heatBallPoints(center, 1, 0.3, samples);
    const minus = heatBallPoints(center, 1, 0.3, samples, { sign: -1 });
    for (let k = 0; k < 30; k++) expect(minus.points[k]! - center[k % 3]!).toBeCloseTo(-(plus.points[k]! - center[k % 3]!), 15);
    expect(Array.from(minus.times)).toEqual(Array.from(plus.times));
  });

  it("validates its arguments with coded errors", () => {
    const s = sampleKappa(key(3), { dim: 2, count: 3 });
    const c = new Float64Array(2);
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return ParabolicError.is(e) ? e.code : "not a ParabolicError";
      }
      return undefined;
    };
    expect(code(() => heatBallPoints(c, 0, 0.1, s))).toBe("INVALID_ARGUMENT");
    expect(code(() => heatBallPoints(c, 1, 0, s))).toBe("INVALID_ARGUMENT");
    expect(code(() => heatBallPoints(c, 1, -1, s))).toBe("INVALID_ARGUMENT");
    expect(() => heatBallPoints(c, 1, Math.sqrt(4 * Math.PI) * 1.000001, s)).toThrowError(/'radius' must satisfy radius² < 4π·s0/);
    expect(code(() => heatBallPoints(new Float64Array(3), 1, 0.1, s))).toBe("SHAPE_MISMATCH");
    expect(code(() => heatBallPoints(new Float64Array([0, Number.NaN]), 1, 0.1, s))).toBe("NON_FINITE");
    expect(code(() => heatBallPoints(c, 1, 0.1, s, { sign: 2 as never }))).toBe("INVALID_ARGUMENT");
    expect(code(() => heatBallPoints(c, 1, 0.1, s, null as never))).toBe("INVALID_ARGUMENT");
    expect(code(() => heatBallPoints(c, 1, 0.1, { ...s, zeta: new Float64Array(5) }))).toBe("SHAPE_MISMATCH");
    expect(code(() => heatBallPoints(c, 4, 2 * Math.sqrt(4 * Math.PI) * 1.0000001, s))).toBe("INVALID_ARGUMENT");
    expect(heatBallPoints(c, 1, Math.sqrt(4 * Math.PI) * 0.999, s).times.every((t) => t > 0)).toBe(true);
    // the error names the offending argument and value
    const details = (f: () => unknown): Readonly<Record<string, unknown>> => {
      try {
        f();
      } catch (e) {
        if (ParabolicError.is(e)) return e.details;
      }
      return {};
    };
    expect(details(() => heatBallPoints(c, Number.NaN, 0.1, s))).toMatchObject({ argument: "s0", value: Number.NaN });
    expect(details(() => heatBallPoints(c, 1, Number.POSITIVE_INFINITY, s))).toMatchObject({ argument: "radius", value: Number.POSITIVE_INFINITY });
    expect(details(() => heatBallPoints(c, 0.01, 1, s))).toMatchObject({ argument: "radius", value: 1, s0: 0.01 });
  });
});
