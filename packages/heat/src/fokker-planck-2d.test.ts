import { erfc, ParabolicError } from "@parabolic/core";
import { forwardMarginal, gaussianMixture, ouTransition, sparseDenseMixture, vpTransition, type GaussianMixture } from "@parabolic/datasets";
import { describe, expect, it } from "vitest";
import { doubleWellDrift, rotationDrift, type DriftField } from "./drift-field.js";
import {
  fokkerPlanckField,
  grid2d,
  gridPoints,
  gridScore,
  interpolateGrid,
  gridLogDensity,
  solveFokkerPlanck2d,
  type Grid2d,
} from "./fokker-planck-2d.js";
import { ouProcess, vpProcess } from "./forward-process.js";

/** Relative L1 distance Σ|p − q| / Σ q between a grid density and exact point values. */
function relativeL1(density: Float64Array, exactLog: Float64Array): number {
  let diff = 0;
  let norm = 0;
  for (let c = 0; c < density.length; c++) {
    const q = Math.exp(exactLog[c]!);
    diff += Math.abs(density[c]! - q);
    norm += q;
  }
  return diff / norm;
}

/** Density-weighted relative RMS error of a grid score against the exact score. */
function weightedScoreError(grid: Grid2d, density: Float64Array, exact: GaussianMixture): number {
  const pts = gridPoints(grid);
  const s = gridScore(grid, density);
  const { logDensity, score } = exact.logDensityAndScore(pts);
  let err = 0;
  let norm = 0;
  for (let c = 0; c < density.length; c++) {
    const w = Math.exp(logDensity[c]!);
    err += w * ((s[2 * c]! - score[2 * c]!) ** 2 + (s[2 * c + 1]! - score[2 * c + 1]!) ** 2);
    norm += w * (score[2 * c]! ** 2 + score[2 * c + 1]! ** 2);
  }
  return Math.sqrt(err / norm);
}

const box = { xMin: -6, xMax: 6, yMin: -3.5, yMax: 6, nx: 200, ny: 158 }; // h ≈ 0.06

describe("solveFokkerPlanck2d", () => {
  it("reproduces the OU marginal of the sparse/dense mixture to ≤ 1e−3 relative L1, conserving mass to 1e−12", () => {
    const p0 = sparseDenseMixture();
    const start = forwardMarginal(p0, ouTransition(0.1));
    const result = solveFokkerPlanck2d(ouProcess(), { grid: box, t0: 0.1, t1: 0.5, saveAt: [0.3], initial: (x) => start.logDensity(x) });
    expect(result.status).toBe("success");
    expect(Array.from(result.ts)).toEqual([0.1, 0.3, 0.5]);
    const pts = gridPoints(result.grid);
    for (const [k, t] of [[1, 0.3], [2, 0.5]] as const) {
      const exact = forwardMarginal(p0, ouTransition(t));
      const l1 = relativeL1(result.densities[k]!, exact.logDensity(pts));
      expect(l1).toBeLessThanOrEqual(1e-3);
      expect(weightedScoreError(result.grid, result.densities[k]!, exact)).toBeLessThan(4e-3);
    }
    expect(result.stats.massError).toBeLessThanOrEqual(1e-12);
    expect(result.stats.minDensity).toBeGreaterThanOrEqual(0);
  });

  it("follows time-dependent coefficients (VP schedule, Magnus-midpoint steps) to the exact VP marginal", () => {
    const p0 = sparseDenseMixture();
    const schedule = { betaMin: 1, betaMax: 6 };
    const start = forwardMarginal(p0, vpTransition(0.1, schedule));
    const result = solveFokkerPlanck2d(vpProcess(schedule), { grid: box, t0: 0.1, t1: 0.5, initial: (x) => start.logDensity(x) });
    expect(result.status).toBe("success");
    expect(result.stats.steps).toBeGreaterThanOrEqual(50); // never mistaken for autonomous
    const exact = forwardMarginal(p0, vpTransition(0.5, schedule));
    expect(relativeL1(result.densities[1]!, exact.logDensity(gridPoints(result.grid)))).toBeLessThanOrEqual(1e-3);
    expect(result.stats.massError).toBeLessThanOrEqual(1e-12);
  });

  it("reproduces a rotating (non-gradient) drift: OU + ωJx transports the mixture to the rotated Gaussian mixture", () => {
    const omega = 2;
    const q0 = forwardMarginal(sparseDenseMixture(), ouTransition(0.1));
    const t1 = 0.4;
    const a = Math.exp(-t1);
    const v = -Math.expm1(-2 * t1);
    const c = Math.cos(omega * t1);
    const s = Math.sin(omega * t1);
    const means: number[][] = [];
    const scales: number[] = [];
    for (let k = 0; k < q0.componentCount; k++) {
      const mx = q0.means[2 * k]!;
      const my = q0.means[2 * k + 1]!;
      means.push([a * (c * mx - s * my), a * (s * mx + c * my)]);
      scales.push(Math.sqrt(a * a * q0.isotropicVariances[k]! + v));
    }
    const exact = gaussianMixture({ weights: q0.weights, means, scales });
    const errors = [80, 160].map((cells) => {
      const result = solveFokkerPlanck2d(ouProcess({ drift: rotationDrift({ dim: 2, rate: omega }) }), {
        grid: { xMin: -6, xMax: 6, yMin: -6, yMax: 6, nx: cells, ny: cells },
        t1,
        initial: (x) => q0.logDensity(x),
      });
      expect(result.status).toBe("success");
      expect(result.stats.massError).toBeLessThanOrEqual(1e-12);
      return relativeL1(result.densities[1]!, exact.logDensity(gridPoints(result.grid)));
    });
    // second-order convergence to the exact transported mixture: ×4 per halving of h
    expect(errors[0]! / errors[1]!).toBeGreaterThan(3.5);
    expect(errors[0]! / errors[1]!).toBeLessThan(4.5);
    expect(errors[1]!).toBeLessThanOrEqual(4e-3);
  });

  it("relaxes to the stationary double-well density e^{−U}/Z to ≤ 1e−3 relative L1 (U = (|x|² − 1)²/2)", () => {
    const drift = doubleWellDrift({ dim: 2 });
    // Z = ∫ e^{−U} dx = π ∫_{−1}^{∞} e^{−u²/2} du = π √(π/2) erfc(−1/√2)
    const logZ = Math.log(Math.PI * Math.sqrt(Math.PI / 2) * erfc(-Math.SQRT1_2));
    const result = solveFokkerPlanck2d(ouProcess({ rate: 0, drift }), {
      grid: { xMin: -2.6, xMax: 2.6, yMin: -2.6, yMax: 2.6, nx: 40, ny: 40 },
      t1: 8,
      // start far from equilibrium: a narrow Gaussian at (1, 0)
      initial: (x) => new Float64Array(x.length / 2).map((_, n) => -((x[2 * n]! - 1) ** 2 + x[2 * n + 1]! ** 2) / 0.5),
    });
    expect(result.status).toBe("success");
    const pts = gridPoints(result.grid);
    const u = drift.potential!(pts, new Float64Array(pts.length / 2));
    const exactLog = u.map((value) => -value - logZ);
    expect(relativeL1(result.densities[0]!, exactLog)).toBeGreaterThan(0.5); // it did move
    expect(relativeL1(result.densities[1]!, exactLog)).toBeLessThanOrEqual(1e-3);
    expect(result.stats.massError).toBeLessThanOrEqual(1e-12);
    expect(result.stats.minDensity).toBeGreaterThanOrEqual(0);
  });

  it("interpolates log p and the score in space and time (fokkerPlanckField)", () => {
    const p0 = sparseDenseMixture();
    const start = forwardMarginal(p0, ouTransition(0.2));
    const result = solveFokkerPlanck2d(ouProcess(), {
      grid: box,
      t0: 0.2,
      t1: 0.4,
      saveAt: [0.25, 0.3, 0.35],
      initial: (x) => start.logDensity(x),
    });
    const field = fokkerPlanckField(result);
    const t = 0.32;
    const exact = forwardMarginal(p0, ouTransition(t));
    const pts = exact.sample([3, 4], 200);
    const times = new Float64Array(200).fill(t);
    const lp = field.logDensity(pts, times);
    const sc = field.score!(pts, times);
    const truth = exact.logDensityAndScore(pts);
    let maxLog = 0;
    let err = 0;
    let norm = 0;
    for (let n = 0; n < 200; n++) {
      maxLog = Math.max(maxLog, Math.abs(lp[n]! - truth.logDensity[n]!));
      err += (sc[2 * n]! - truth.score[2 * n]!) ** 2 + (sc[2 * n + 1]! - truth.score[2 * n + 1]!) ** 2;
      norm += truth.score[2 * n]! ** 2 + truth.score[2 * n + 1]! ** 2;
    }
    // log p errors grow into the tails (relative density error), the score stays accurate where mass is
    expect(maxLog).toBeLessThan(5e-2);
    expect(Math.sqrt(err / norm)).toBeLessThan(1e-2);
    expect(() => field.logDensity(new Float64Array([0, 0]), new Float64Array([0.5]))).toThrow(ParabolicError);
    // bilinear interpolation is exact for bilinear data
    const g = grid2d({ xMin: 0, xMax: 1, yMin: 0, yMax: 1, nx: 4, ny: 5 });
    const vals = gridPoints(g).filter((_, i) => i % 2 === 0).map((x, c) => 2 * x - 3 * g.y[c % 5]! + x * g.y[c % 5]!);
    const q = interpolateGrid(g, vals, 1, new Float64Array([0.4, 0.55]));
    expect(q[0]).toBeCloseTo(0.8 - 1.65 + 0.22, 12);
    expect(gridLogDensity(new Float64Array([1, 0]))[1]).toBe(-Infinity);
  });

  it("reports non-finite drifts, aborts and step limits through status instead of throwing", () => {
    const bad: DriftField = {
      dim: 2,
      evaluate: (points, times) => points.map((_, i) => (times[Math.floor(i / 2)]! > 0.05 ? Number.NaN : 0)),
    };
    const initial = (x: Float64Array) => new Float64Array(x.length / 2).map((_, n) => -(x[2 * n]! ** 2 + x[2 * n + 1]! ** 2));
    const grid = { xMin: -3, xMax: 3, yMin: -3, yMax: 3, nx: 12, ny: 12 };
    const r1 = solveFokkerPlanck2d(ouProcess({ drift: bad }), { grid, t1: 0.2, maxStepSize: 0.01, initial });
    expect(r1.status).toBe("non_finite");
    expect(r1.ts.at(-1)).toBeLessThan(0.2);
    const controller = new AbortController();
    controller.abort();
    expect(solveFokkerPlanck2d(ouProcess(), { grid, t1: 0.2, initial, signal: controller.signal }).status).toBe("aborted");
    expect(solveFokkerPlanck2d(ouProcess(), { grid, t1: 0.2, initial, maxSteps: 1 }).status).toBe("max_steps_reached");
    // validation happens up front
    expect(() => solveFokkerPlanck2d(ouProcess(), { grid: { ...grid, nx: 2 }, t1: 1, initial })).toThrow(/nx/);
    expect(() => solveFokkerPlanck2d(ouProcess(), { grid, t1: 1, initial: new Float64Array(144).fill(-1) })).toThrow(/non-negative/);
    expect(() => solveFokkerPlanck2d(ouProcess(), { grid, t1: 1, initial, saveAt: [2] })).toThrow(/inside/);
    expect(() => solveFokkerPlanck2d(ouProcess({ drift: doubleWellDrift({ dim: 3 }) }), { grid, t1: 1, initial })).toThrow(/dim/);
  });
});
