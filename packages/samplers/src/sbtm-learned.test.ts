import { key, normals } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { mixtureDraws, runGaussianSbtm, runGaussianUla, runMixture } from "../test/sbtm-experiments.js";

// CI sizes of the spec's statistical acceptance tests for the learned sampler (one SBTM seed each; the full
// 3-seed versions and B5/B6 run with `node --conditions=@parabolic/source --import tsx packages/samplers/scripts/acceptance.ts`).

describe("B4: learned SBTM, N(0,10) → N(0,1), N = 1000, h = 0.01, MLP 1-32-32-1 tanh, exact ISM, AdamW", () => {
  const reference = normals(key(42), { count: 10000 });
  it("Gaussian-fit KL, score error, Fisher diagnostic and KDE-KL meet the spec's bands (3 seeds)", () => {
    const runs = [1, 2, 3].map((seed) => runGaussianSbtm({ N: 1000, seed, reference }));
    let ula5 = 0;
    for (const seed of [1, 2, 3]) ula5 += runGaussianUla({ N: 1000, seed, reference }).find((r) => r.t === 5)!.gaussKl / 3;
    let fisherMean = 0;
    for (const run of runs) {
      const at = (t: number) => run.records.find((r) => Math.abs(r.t - t) < 1e-9)!;
      expect(at(1).gaussKl).toBeGreaterThanOrEqual(0.15);
      expect(at(1).gaussKl).toBeLessThanOrEqual(0.26);
      expect(at(2).gaussKl).toBeLessThanOrEqual(0.012);
      expect(at(5).gaussKl).toBeLessThanOrEqual(1e-3);
      expect(at(5).gaussKl).toBeLessThan(ula5); // below ULA's 3-seed mean at the same N, h
      for (const r of run.records) expect(r.relMse!, `t = ${r.t}`).toBeLessThanOrEqual(0.03);
      expect(at(5).kdeKl).toBeLessThanOrEqual(0.015);
      // the diagnostic tracks the Fisher information of the particles' own law within ±20 % …
      expect(Math.abs(at(1).fisher! / at(1).particleFisher! - 1)).toBeLessThanOrEqual(0.2);
      fisherMean += at(1).fisher! / 3;
    }
    // … and, averaged over the seeds, that of the exact flow (0.668871 at t = 1) within ±20 %. A single seed can
    // sit just outside (seed 1: 0.80, because its initial cloud's variance is above 10).
    expect(Math.abs(fisherMean / 0.668871 - 1)).toBeLessThanOrEqual(0.2);
  });
});

describe("B7/B8: 1-D mixtures 0.25N(∓a,1) + 0.75N(±a,1), prior N(0,1), N = 1000, h = 0.01, T = 10, non-annealed", () => {
  it("near (a = 2): KDE-KL at T ≤ 0.015 (SBTM) / 0.02 (ULA); mass(x<0) ∈ [0.27, 0.33]", () => {
    const reference = mixtureDraws(key(4242), 2, 10000);
    const s = runMixture({ a: 2, N: 1000, seed: 1, method: "sbtm", reference, times: [10] });
    const u = runMixture({ a: 2, N: 1000, seed: 1, method: "ula", reference, times: [10] });
    expect(s.kl[10]).toBeLessThanOrEqual(0.015);
    expect(u.kl[10]).toBeLessThanOrEqual(0.02);
    for (const r of [s, u]) {
      expect(r.massLeft[10]).toBeGreaterThanOrEqual(0.27);
      expect(r.massLeft[10]).toBeLessThanOrEqual(0.33);
    }
  });

  it("far (a = 4): metastability — KDE-KL at T ∈ [0.07, 0.2] and mass(x<0) ∈ [0.40, 0.50] for both", () => {
    const reference = mixtureDraws(key(4242), 4, 10000);
    for (const method of ["sbtm", "ula"] as const) {
      const r = runMixture({ a: 4, N: 1000, seed: 1, method, reference, times: [10] });
      expect(r.kl[10], method).toBeGreaterThanOrEqual(0.07);
      expect(r.kl[10], method).toBeLessThanOrEqual(0.2);
      expect(r.massLeft[10], method).toBeGreaterThanOrEqual(0.4);
      expect(r.massLeft[10], method).toBeLessThanOrEqual(0.5);
    }
  });
});
