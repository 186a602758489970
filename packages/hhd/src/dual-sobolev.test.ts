import { ParabolicError, key, mean, split, variance } from "@parabolic/core";
import { beforeAll, describe, expect, it } from "vitest";
import { referenceMarginal, referenceMixture } from "../test/support/mixture.js";
import { gradPhi0, uGradient, uValue } from "../test/support/reference-fields.js";
import { estimateGradientNorm, estimateGradientNorms, estimateSolenoidalNorm, linearFormEstimate, noisedSamples, type GradientNormTarget } from "./dual-sobolev.js";
import { createGrid2D } from "./grid-2d.js";
import { decomposeOnGrid } from "./grid-decomposition.js";
import { rffPotentialBasis } from "./potential-basis.js";
import { gradientField, solenoidalField, sumFields } from "./test-fields.js";
import type { VectorField } from "./types.js";
import { vpSchedule } from "./vp-schedule.js";

const vp = vpSchedule();
// §7 scales (κ, λ from the G-suite normalisation, λ_r = √(51/F(REF)))
const KAPPA = 10.8788;
const LAMBDA = 3.12;
const LAMBDA_R = 2.2875;

describe("random-Fourier-feature potential basis", () => {
  for (const dim of [2, 3]) {
    it(`d = ${dim}: gradients and Laplacians match central differences of the values`, () => {
      const basis = rffPotentialBasis(key(1), { dim });
      const K = basis.size;
      expect(K).toBe(160 + (dim === 2 ? 9 : 19));
      const x = new Float64Array(dim).map((_, j) => 0.3 - 0.4 * j);
      const g = new Float64Array(dim * K);
      const lap = new Float64Array(K);
      basis.evaluate(x, 0, g, lap);
      const h = 1e-4;
      const vp_ = new Float64Array(K);
      const vm = new Float64Array(K);
      const v0 = new Float64Array(K);
      const scratchG = new Float64Array(dim * K);
      const scratchL = new Float64Array(K);
      basis.evaluate(x, 0, scratchG, scratchL, v0);
      const fdLap = new Float64Array(K);
      for (let j = 0; j < dim; j++) {
        const xp = Float64Array.from(x);
        const xm = Float64Array.from(x);
        xp[j]! += h;
        xm[j]! -= h;
        basis.evaluate(xp, 0, scratchG, scratchL, vp_);
        basis.evaluate(xm, 0, scratchG, scratchL, vm);
        for (let k = 0; k < K; k++) {
          const fd = (vp_[k]! - vm[k]!) / (2 * h);
          expect(Math.abs(fd - g[j * K + k]!)).toBeLessThan(1e-6 * (1 + Math.abs(g[j * K + k]!)));
          fdLap[k]! += (vp_[k]! - 2 * v0[k]! + vm[k]!) / (h * h);
        }
      }
      for (let k = 0; k < K; k++) expect(Math.abs(fdLap[k]! - lap[k]!)).toBeLessThan(2e-3 * (1 + Math.abs(lap[k]!)));
    });
  }
});

// The §7 fields re-centred on p_t: e_G = κ∇φ₀, e_S = λ(∇^⊥u + u∇^⊥log p_t), e_rot = λ_r∇^⊥log p_t.
function fieldsAt(t: number): Record<"mixed" | "solenoidal" | "gradient" | "rotational", VectorField> {
  const pt = referenceMarginal(t);
  const score: VectorField = (p) => pt.score(p);
  const eG = gradientField({ dim: 2, gradient: gradPhi0, scale: KAPPA });
  const eS = solenoidalField({ dim: 2, score, potential: { value: uValue, gradient: uGradient }, scale: LAMBDA });
  const eR = solenoidalField({ dim: 2, score, scale: LAMBDA_R });
  return { mixed: sumFields(eG, eS), solenoidal: eS, gradient: eG, rotational: eR };
}

describe("D4: for a fixed ψ the oracle, Stein and denoising linear forms agree (4 Monte-Carlo SEs)", () => {
  // ψ = sin(0.9x + 0.3)cos(0.7y) + 0.1x² − 0.05xy
  const gradPsi: VectorField = (p) => {
    const out = new Float64Array(p.length);
    for (let i = 0; i < p.length / 2; i++) {
      const x = p[2 * i]!;
      const y = p[2 * i + 1]!;
      out[2 * i] = 0.9 * Math.cos(0.9 * x + 0.3) * Math.cos(0.7 * y) + 0.2 * x - 0.05 * y;
      out[2 * i + 1] = -0.7 * Math.sin(0.9 * x + 0.3) * Math.sin(0.7 * y) - 0.05 * x;
    }
    return out;
  };
  const lapPsi = (p: Float64Array): Float64Array => {
    const out = new Float64Array(p.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = -(0.81 + 0.49) * Math.sin(0.9 * p[2 * i]! + 0.3) * Math.cos(0.7 * p[2 * i + 1]!) + 0.2;
    return out;
  };
  for (const t of [0.02, 0.1, 0.5]) {
    it(`t = ${t}, N = 100 000`, () => {
      const pt = referenceMarginal(t);
      const score: VectorField = (p) => pt.score(p);
      const e = fieldsAt(t).mixed;
      const model = sumFields(score, e);
      const [kData, kNoise] = split(key(77 + Math.round(100 * t)), 2);
      const x0 = referenceMixture().sample(kData!, 100_000);
      const { points, noise } = noisedSamples(kNoise!, { data: x0, dim: 2, alpha: vp.alpha(t), sigma: vp.sigma(t) });
      const common = { dim: 2, points, gradient: gradPsi, laplacian: lapPsi, time: t };
      const oracle = linearFormEstimate({ ...common, target: { form: "oracle", error: e } });
      const stein = linearFormEstimate({ ...common, target: { form: "stein", score: model } });
      const dsm = linearFormEstimate({ ...common, target: { form: "denoising", score: model, noise, sigma: vp.sigma(t) } });
      for (const other of [stein, dsm]) {
        expect(Math.abs(other.mean - oracle.mean)).toBeLessThanOrEqual(4 * Math.hypot(other.standardError, oracle.standardError));
      }
      expect(Math.abs(stein.mean - dsm.mean)).toBeLessThanOrEqual(4 * Math.hypot(stein.standardError, dsm.standardError));
    });
  }
});

// D1–D3 at the spec size: N = 60 000 (2 folds), K = 169, 5 seeds (scripts/dual-sobolev-full.ts adds the N = 512 grid truth).
// Truth: grid HHD at N = 256 (multigrid).
describe("D1–D3: cross-fitted dual-Sobolev estimates vs grid truth (N = 60 000, K = 169, 5 seeds — the spec size)", () => {
  const SEEDS = [0, 1, 2, 3, 4];
  type Row = { truthGrad: number; truthTotal: number; values: Record<string, number[]>; inSample: Record<string, number[]> };
  const table = new Map<string, Row>();

  beforeAll(() => {
    for (const t of [0, 0.1]) {
      const fields = fieldsAt(t);
      const pt = referenceMarginal(t);
      const score: VectorField = (p) => pt.score(p);
      const grid = createGrid2D({ cells: 256, halfWidth: 7 });
      for (const [name, e] of Object.entries(fields)) {
        const r = decomposeOnGrid({ grid, logDensity: (p) => pt.logDensity(p), field: e });
        table.set(`${t}/${name}`, { truthGrad: r.norms.gradient, truthTotal: r.norms.total, values: {}, inSample: {} });
      }
      for (const seed of SEEDS) {
        const [kData, kNoise, kBasis] = split(key(9000 + seed), 3);
        const x0 = referenceMixture().sample(kData!, 60_000);
        const sigma = vp.sigma(t);
        const { points, noise } = t === 0 ? { points: x0, noise: new Float64Array(0) } : noisedSamples(kNoise!, { data: x0, dim: 2, alpha: vp.alpha(t), sigma });
        const targets: GradientNormTarget[] = [];
        const labels: string[] = [];
        for (const [name, e] of Object.entries(fields)) {
          const model = sumFields(score, e);
          targets.push({ form: "oracle", error: e });
          labels.push(`${name}|oracle`);
          targets.push({ form: "stein", score: model });
          labels.push(`${name}|stein`);
          if (t > 0) {
            targets.push({ form: "denoising", score: model, noise, sigma });
            labels.push(`${name}|denoising`);
          }
        }
        const results = estimateGradientNorms({ basis: rffPotentialBasis(kBasis!, { dim: 2 }), points, targets, time: t });
        results.forEach((r, i) => {
          const [name, form] = labels[i]!.split("|") as [string, string];
          const row = table.get(`${t}/${name}`)!;
          (row.values[form] ??= []).push(r.crossFit);
          (row.inSample[form] ??= []).push(r.inSample);
        });
      }
    }
    if (process.env.HHD_DEBUG) for (const [k, row] of table) console.log(k, row.truthGrad.toFixed(3), JSON.stringify(row.values));
  }, 300_000);

  const sd = (a: number[]): number => Math.sqrt(variance(a));

  it("D1: gradient and mixed fields — |mean − truth| ≤ 1.5 % and seed sd ≤ 1.5 % of the truth (oracle, Stein; + denoising at t = 0.1)", () => {
    for (const t of [0, 0.1]) {
      for (const name of ["gradient", "mixed"]) {
        const row = table.get(`${t}/${name}`)!;
        expect(row.truthGrad).toBeGreaterThan(50);
        for (const form of t === 0 ? ["oracle", "stein"] : ["oracle", "stein", "denoising"]) {
          const v = row.values[form]!;
          expect(v).toHaveLength(SEEDS.length);
          expect(Math.abs(mean(v) - row.truthGrad)).toBeLessThanOrEqual(0.015 * row.truthGrad);
          expect(sd(v)).toBeLessThanOrEqual(0.015 * row.truthGrad);
        }
      }
    }
  });

  it("D2: purely solenoidal fields — |mean cross-fit| ≤ 2 % of ‖e‖² while ‖e‖² is 30–51", () => {
    for (const t of [0, 0.1]) {
      for (const name of ["solenoidal", "rotational"]) {
        const row = table.get(`${t}/${name}`)!;
        expect(row.truthTotal).toBeGreaterThan(25);
        expect(row.truthGrad / row.truthTotal).toBeLessThan(1e-4);
        for (const form of t === 0 ? ["oracle", "stein"] : ["oracle", "stein", "denoising"]) {
          expect(Math.abs(mean(row.values[form]!))).toBeLessThanOrEqual(0.02 * row.truthTotal);
        }
      }
    }
  });

  it("D3: cross-fit ≤ in-sample on average, for every configuration", () => {
    for (const [, row] of table) {
      for (const form of Object.keys(row.values)) expect(mean(row.values[form]!)).toBeLessThanOrEqual(mean(row.inSample[form]!));
    }
  });
});

describe("solenoidal part from the model's own non-conservativity (F2)", () => {
  it("‖Π_S s_θ‖² ≈ ‖e_S‖² for the mixed-error model and ≈ 0 for a conservative model (t = 0.1)", () => {
    const t = 0.1;
    const pt = referenceMarginal(t);
    const score: VectorField = (p) => pt.score(p);
    const fields = fieldsAt(t);
    const grid = createGrid2D({ cells: 256, halfWidth: 7 });
    const truth = decomposeOnGrid({ grid, logDensity: (p) => pt.logDensity(p), field: fields.mixed }).norms.solenoidal;
    const [kData, kNoise, kBasis] = split(key(4242), 3);
    const x0 = referenceMixture().sample(kData!, 40_000);
    const { points } = noisedSamples(kNoise!, { data: x0, dim: 2, alpha: vp.alpha(t), sigma: vp.sigma(t) });
    const basis = rffPotentialBasis(kBasis!, { dim: 2 });
    const mixedModel = estimateSolenoidalNorm({ basis, points, score: sumFields(score, fields.mixed), time: t });
    // upper bound up to MC error, and close to the truth
    expect(mixedModel.crossFit).toBeGreaterThan(truth - 4 * mixedModel.standardError);
    expect(Math.abs(mixedModel.crossFit - truth)).toBeLessThan(0.03 * truth);
    expect(mixedModel.inSample).toBeLessThanOrEqual(mixedModel.crossFit);
    const conservative = estimateSolenoidalNorm({ basis, points, score: sumFields(score, fields.gradient), time: t });
    expect(conservative.crossFit).toBeLessThan(0.02 * conservative.total);
  });
});

describe("estimator contract", () => {
  const basis = rffPotentialBasis(key(3), { dim: 2, features: 8 });
  const points = referenceMixture().sample(key(4), 100);
  const score: VectorField = (p) => referenceMixture().score(p);
  const code = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      return ParabolicError.is(e) ? e.code : "other";
    }
    return undefined;
  };
  it("a zero error gives J ≈ 0 and an exact-gradient error in the span of the basis is recovered", () => {
    const zero = estimateGradientNorm({ basis, points, target: { form: "oracle", error: (p) => new Float64Array(p.length) } });
    expect(zero.crossFit).toBe(0);
    // e = ∇(0.3·x) is 0.3·∇(monomial x) / 0.3: exactly representable → cross-fit = in-sample = E|e|² = 1
    const exact = estimateGradientNorm({ basis, points, target: { form: "oracle", error: (p) => new Float64Array(p.length).map((_, i) => (i % 2 === 0 ? 1 : 0)) } });
    expect(exact.crossFit).toBeCloseTo(1, 5);
    expect(exact.inSample).toBeCloseTo(1, 5);
  });
  it("validates up front", () => {
    expect(code(() => estimateGradientNorms({ basis, points: new Float64Array(3), targets: [{ form: "stein", score }] }))).toBe("SHAPE_MISMATCH");
    expect(code(() => estimateGradientNorms({ basis, points, targets: [] }))).toBe("INVALID_ARGUMENT");
    expect(code(() => estimateGradientNorms({ basis, points, targets: [{ form: "denoising", score, noise: new Float64Array(4), sigma: 0.1 }] }))).toBe(
      "SHAPE_MISMATCH",
    );
    expect(code(() => estimateGradientNorms({ basis, points, targets: [{ form: "denoising", score, noise: new Float64Array(200), sigma: 0 }] }))).toBe(
      "INVALID_ARGUMENT",
    );
    expect(code(() => estimateGradientNorms({ basis, points, targets: [{ form: "stein", score: () => new Float64Array(2) }] }))).toBe("SHAPE_MISMATCH");
    expect(code(() => estimateGradientNorms({ basis, points, targets: [{ form: "stein", score }], folds: 1 }))).toBe("INVALID_ARGUMENT");
    expect(code(() => rffPotentialBasis(key(1), { dim: 2, lengthScales: [-1] }))).toBe("INVALID_ARGUMENT");
    const aborted = new AbortController();
    aborted.abort();
    expect(code(() => estimateGradientNorms({ basis, points, targets: [{ form: "stein", score }], signal: aborted.signal }))).toBe("ABORTED");
  });
});
