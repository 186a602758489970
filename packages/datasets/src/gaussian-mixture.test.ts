import { integrate, key, ksTest, normals, ParabolicError, split } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { centralGradient } from "@parabolic/core/testing";
import { norm, project, projectedMixtureCdf, spdMatrix } from "../test/helpers.js";
import { forwardMarginal, gaussianMixture, type GaussianMixture } from "./gaussian-mixture.js";
import { anisotropicMixture, sparseDenseMixture } from "./mixture-presets.js";
import { heatTransition, ouTransition, subVpTransition, veTransition, vpTransition } from "./transitions.js";

/** Gauss–Jordan inverse and log-determinant (test oracle, independent of the Cholesky code). */
function inverseAndLogDet(m: number[][]): { inv: number[][]; logDet: number } {
  const d = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))]);
  let logDet = 0;
  for (let c = 0; c < d; c++) {
    let piv = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[piv]![c]!)) piv = r;
    [a[c], a[piv]] = [a[piv]!, a[c]!];
    const p = a[c]![c]!;
    logDet += Math.log(Math.abs(p));
    for (let j = 0; j < 2 * d; j++) a[c]![j] = a[c]![j]! / p;
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = a[r]![c]!;
      for (let j = 0; j < 2 * d; j++) a[r]![j] = a[r]![j]! - f * a[c]![j]!;
    }
  }
  return { inv: a.map((row) => row.slice(d)), logDet };
}

/** Direct (non-log-space) mixture density, for moderate points. */
function directDensity(weights: number[], means: number[][], covs: number[][][], x: number[]): number {
  const d = x.length;
  const total = weights.reduce((s, w) => s + w, 0);
  let p = 0;
  weights.forEach((w, k) => {
    const { inv, logDet } = inverseAndLogDet(covs[k]!);
    const diff = x.map((v, i) => v - means[k]![i]!);
    let q = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) q += diff[i]! * inv[i]![j]! * diff[j]!;
    p += (w / total) * Math.exp(-0.5 * q - 0.5 * logDet - 0.5 * d * Math.log(2 * Math.PI));
  });
  return p;
}

function fullMixture(d: number, seed: number): { p: GaussianMixture; weights: number[]; means: number[][]; covs: number[][][] } {
  const weights = [0.5, 0.3, 0.2];
  const means = [0, 1, 2].map((k) => Array.from({ length: d }, (_, i) => Math.sin(1.3 * k + 0.7 * i + seed) * 2));
  const covs = [0, 1, 2].map((k) => spdMatrix(d, seed * 31 + k, 0.1));
  return { p: gaussianMixture({ weights, means, covariances: covs }), weights, means, covs };
}

describe("gaussianMixture", () => {
  it("validates its parameters with coded errors", () => {
    const bad = (spec: unknown, match: RegExp) => {
      let err: unknown;
      try {
        gaussianMixture(spec as never);
      } catch (e) {
        err = e;
      }
      expect(ParabolicError.is(err, "INVALID_ARGUMENT")).toBe(true);
      expect((err as Error).message).toMatch(match);
    };
    bad({ weights: [], means: [], scales: 1 }, /weights/);
    bad({ weights: [1, -1], means: [[0], [1]], scales: 1 }, /weights\[1\]/);
    bad({ weights: [1], means: [[0, 0], [1, 1]], scales: 1 }, /means/);
    bad({ weights: [1, 1], means: [[0, 0], [1]], scales: 1 }, /means\[1\]/);
    bad({ weights: [1], means: [[0, Number.NaN]], scales: 1 }, /means\[0\]\[1\]/);
    bad({ weights: [1], means: [[0, 0]] }, /exactly one/);
    bad({ weights: [1], means: [[0, 0]], scales: 0 }, /scales/);
    bad({ weights: [1], means: [[0, 0]], covariances: [[[1, 0.5], [0.4, 1]]] }, /symmetric/);
    bad({ weights: [1], means: [[0, 0]], covariances: [[[1, 2], [2, 1]]] }, /positive definite/);
    bad({ weights: [1], means: [[0, 0]], covariances: [[1, 0, 0]] }, /2 × 2/);
  });

  it("log-density equals the direct formula (full covariances, d = 2 and 5)", () => {
    for (const d of [2, 5]) {
      const { p, weights, means, covs } = fullMixture(d, d);
      const x = normals(key(d), { count: 20 * d });
      const lp = p.logDensity(x);
      for (let i = 0; i < 20; i++) {
        const xi = Array.from(x.subarray(i * d, (i + 1) * d));
        const ref = Math.log(directDensity(weights, means, covs, xi));
        expect(Math.abs(lp[i]! - ref)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ref)));
      }
    }
    // flat row-major covariances give the same mixture
    const a = gaussianMixture({ weights: [1], means: [[1, 2]], covariances: [[[2, 0.3], [0.3, 1]]] });
    const b = gaussianMixture({ weights: [1], means: [[1, 2]], covariances: [[2, 0.3, 0.3, 1]] });
    expect(Array.from(a.logDensity([0.3, 0.1]))).toEqual(Array.from(b.logDensity([0.3, 0.1])));
  });

  it("integrates to 1 in 1-D (adaptive quadrature) and stays finite far in the tails", () => {
    const p = gaussianMixture({ weights: [0.25, 0.75], means: [[-4], [4]], scales: [1, 0.5] });
    const { value } = integrate((x) => Math.exp(p.logDensity([x])[0]!), -30, 30, { tolerance: 1e-13 });
    expect(Math.abs(value - 1)).toBeLessThan(1e-11);
    const far = p.logDensityAndScore([1e4]);
    expect(Number.isFinite(far.logDensity[0])).toBe(true);
    // far right the WIDER left component dominates (−(x+4)²/2 ≫ −(x−4)²/0.5): score = −(x + 4)/1
    expect(far.score[0]! / -(1e4 + 4)).toBeCloseTo(1, 12);
  });

  it("score matches fourth-order central differences of its own log-density (core centralGradient) to ≤ 1e-8 relative", () => {
    const cases: { name: string; p: GaussianMixture }[] = [
      { name: "sparse-dense", p: sparseDenseMixture() },
      { name: "anisotropic", p: anisotropicMixture() },
      { name: "full d=5", p: fullMixture(5, 1).p },
      { name: "anisotropic @ VP t=0.3", p: forwardMarginal(anisotropicMixture(), vpTransition(0.3)) },
      { name: "full d=5 @ OU t=0.1", p: forwardMarginal(fullMixture(5, 2).p, ouTransition(0.1)) },
    ];
    for (const { name, p } of cases) {
      const d = p.dim;
      const [k1, k2] = split(key(11), 2) as [never, never];
      const x = new Float64Array([...p.sample(k1, 40), ...Array.from(normals(k2, { count: 20 * d }), (v) => 3 * v)]);
      const { logDensity, score } = p.logDensityAndScore(x);
      let worst = 0;
      for (let i = 0; i < x.length / d; i++) {
        const xi = x.slice(i * d, (i + 1) * d);
        const fd = centralGradient((y) => p.logDensity(y)[0]!, xi, { step: 1e-4 });
        const s = score.subarray(i * d, (i + 1) * d);
        const diff = norm(Array.from(s, (v, j) => v - fd[j]!));
        worst = Math.max(worst, diff / Math.max(norm(s), 1));
        expect(logDensity[i]).toBe(p.logDensity(xi)[0]);
      }
      expect(worst, name).toBeLessThanOrEqual(1e-8);
    }
  });

  it("samples follow the mixture: KS on coordinates and a projection (family-wise 1%, Bonferroni) and component frequencies", () => {
    const { p } = fullMixture(3, 4);
    const n = 20_000;
    const { points, components } = p.sampleWithComponents(key(5), n);
    const directions = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.6, -0.48, 0.64]];
    for (const u of directions) {
      const { pValue } = ksTest(project(points, 3, u), projectedMixtureCdf(p, u));
      expect(pValue).toBeGreaterThan(0.01 / directions.length);
    }
    for (let k = 0; k < 3; k++) {
      const f = components.filter((c) => c === k).length / n;
      const w = p.weights[k]!;
      expect(Math.abs(f - w)).toBeLessThan(4 * Math.sqrt((w * (1 - w)) / n));
    }
    // determinism: same key, same samples
    expect(Array.from(p.sample(key(5), 10))).toEqual(Array.from(points.subarray(0, 30)));
  });

  it("logPosteriors are normalised and assign samples to their own components most of the time", () => {
    const p = sparseDenseMixture();
    const { points, components } = p.sampleWithComponents(key(6), 1000);
    const lp = p.logPosteriors(points);
    for (let i = 0; i < 1000; i++) {
      const s = Math.exp(lp[3 * i]!) + Math.exp(lp[3 * i + 1]!) + Math.exp(lp[3 * i + 2]!);
      expect(Math.abs(s - 1)).toBeLessThan(1e-14);
      expect(lp[3 * i + components[i]!]!).toBeGreaterThan(-1e-9); // well separated: posterior ≈ 1
    }
  });
});

describe("forwardMarginal", () => {
  it("a transition that underflows a full covariance is INVALID_ARGUMENT naming forwardMarginal, not gaussianMixture", () => {
    const full = gaussianMixture({ weights: [1], means: [[0, 0]], covariances: [[[1, 0.5], [0.5, 1]]] });
    // alpha² = 1e-340 underflows to 0, so α²Σ + 0·I is singular and its Cholesky factorisation fails
    let caught: unknown;
    try {
      forwardMarginal(full, { alpha: 1e-170, variance: 0 });
    } catch (e) {
      caught = e;
    }
    expect(ParabolicError.is(caught, "INVALID_ARGUMENT")).toBe(true);
    expect((caught as ParabolicError).details["function"]).toBe("forwardMarginal");
    expect((caught as ParabolicError).message).toMatch(/^forwardMarginal: /);
  });
  it("has means αμ_k and covariances α²Σ_k + vI", () => {
    const p = anisotropicMixture();
    const q = forwardMarginal(p, { alpha: 0.5, variance: 0.3 });
    for (let i = 0; i < p.means.length; i++) expect(q.means[i]).toBe(0.5 * p.means[i]!);
    for (let k = 0; k < 3; k++) {
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 2; j++) {
          expect(q.covariances[k * 4 + i * 2 + j]).toBeCloseTo(0.25 * p.covariances[k * 4 + i * 2 + j]! + (i === j ? 0.3 : 0), 15);
        }
      }
    }
    expect(Array.from(q.weights)).toEqual(Array.from(p.weights));
    expect(() => forwardMarginal(p, { alpha: 0, variance: 0 })).toThrow(/non-degenerate/);
    expect(() => forwardMarginal(p, { alpha: 1, variance: -1 })).toThrow(/variance/);
    expect(() => forwardMarginal(p, { alpha: Number.NaN, variance: 1 })).toThrow(/alpha/);
  });

  it("matches forward-simulated x_t = αx0 + √v ε (KS per coordinate and on a projection; family-wise 1%, Bonferroni)", () => {
    const base = [
      { name: "anisotropic", p: anisotropicMixture() },
      { name: "sparse-dense", p: sparseDenseMixture() },
      { name: "full d=4", p: fullMixture(4, 3).p },
    ];
    const transitions = [
      { name: "OU t=0.1", tr: ouTransition(0.1) },
      { name: "OU t=0.8", tr: ouTransition(0.8) },
      { name: "VP t=0.3", tr: vpTransition(0.3) },
      { name: "subVP t=0.2", tr: subVpTransition(0.2) },
      { name: "VE t=0.4", tr: veTransition(0.4, { sigmaMin: 0.01, sigmaMax: 10 }) },
      { name: "heat s=0.5", tr: heatTransition(0.5) },
    ];
    const n = 10_000;
    let seed = 100;
    const results: { label: string; pValue: number }[] = [];
    for (const { name, p } of base) {
      const d = p.dim;
      for (const { name: tname, tr } of transitions) {
        const [k0, k1] = split(key(seed++), 2) as [never, never];
        const x0 = p.sample(k0, n);
        const eps = normals(k1, { count: n * d });
        const xt = new Float64Array(n * d);
        const sd = Math.sqrt(tr.variance);
        for (let i = 0; i < n * d; i++) xt[i] = tr.alpha * x0[i]! + sd * eps[i]!;
        const q = forwardMarginal(p, tr);
        const dirs: number[][] = [];
        for (let j = 0; j < d; j++) dirs.push(Array.from({ length: d }, (_, i) => (i === j ? 1 : 0)));
        dirs.push(Array.from({ length: d }, (_, i) => (i % 2 === 0 ? 1 : -1) / Math.sqrt(d)));
        for (const u of dirs) {
          const { pValue } = ksTest(project(xt, d, u), projectedMixtureCdf(q, u));
          results.push({ label: `${name} ${tname} u=${u.join(",")}`, pValue });
        }
      }
    }
    expect(results.length).toBe(6 * (3 + 3 + 5));
    for (const { label, pValue } of results) expect(pValue, label).toBeGreaterThan(0.01 / results.length);
  });

  it("the forward-simulated law is NOT the untransformed mixture (the KS check has power)", () => {
    const p = sparseDenseMixture();
    const tr = ouTransition(0.1);
    const x0 = p.sample(key(1), 10_000);
    const eps = normals(key(2), { count: 20_000 });
    const xt = x0.map((v, i) => tr.alpha * v + Math.sqrt(tr.variance) * eps[i]!);
    expect(ksTest(project(xt, 2, [1, 0]), projectedMixtureCdf(p, [1, 0])).pValue).toBeLessThan(1e-6);
  });
});

describe("transitions", () => {
  it("OU and (time-homogeneous) heat transitions compose as semigroups", () => {
    for (const [s, t] of [[0.1, 0.3], [1, 2.5], [1e-6, 0.2]] as const) {
      const a = ouTransition(s);
      const b = ouTransition(t);
      const ab = ouTransition(s + t);
      expect(ab.alpha).toBeCloseTo(a.alpha * b.alpha, 15);
      expect(Math.abs(ab.variance - (b.alpha ** 2 * a.variance + b.variance))).toBeLessThan(1e-15);
      expect(heatTransition(s + t).variance).toBeCloseTo(heatTransition(s).variance + heatTransition(t).variance, 15);
    }
    expect(Math.abs(ouTransition(1e-10).variance - (2e-10 - 2e-20))).toBeLessThan(1e-25); // expm1 keeps small-t accuracy
  });

  it("VP / sub-VP / VE match RK4 integration of their moment ODEs", () => {
    // For dX = f(t) X dt + g(t) dW: α' = f α, v' = 2 f v + g².
    const rk4 = (f: (t: number) => number, g2: (t: number) => number, T: number, steps = 4000) => {
      let a = 1;
      let v = 0;
      const h = T / steps;
      const rhs = (t: number, y: [number, number]): [number, number] => [f(t) * y[0], 2 * f(t) * y[1] + g2(t)];
      for (let i = 0; i < steps; i++) {
        const t = i * h;
        const k1 = rhs(t, [a, v]);
        const k2 = rhs(t + h / 2, [a + (h / 2) * k1[0], v + (h / 2) * k1[1]]);
        const k3 = rhs(t + h / 2, [a + (h / 2) * k2[0], v + (h / 2) * k2[1]]);
        const k4 = rhs(t + h, [a + h * k3[0], v + h * k3[1]]);
        a += (h / 6) * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
        v += (h / 6) * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
      }
      return { alpha: a, variance: v };
    };
    const beta = (t: number) => 0.1 + t * (20 - 0.1);
    const B = (t: number) => 0.1 * t + 0.5 * (20 - 0.1) * t * t;
    for (const T of [0.05, 0.3, 1]) {
      const vp = rk4((t) => -0.5 * beta(t), beta, T);
      expect(vpTransition(T).alpha).toBeCloseTo(vp.alpha, 10);
      expect(vpTransition(T).variance).toBeCloseTo(vp.variance, 10);
      const svp = rk4((t) => -0.5 * beta(t), (t) => beta(t) * -Math.expm1(-2 * B(t)), T);
      expect(subVpTransition(T).alpha).toBeCloseTo(svp.alpha, 10);
      expect(subVpTransition(T).variance).toBeCloseTo(svp.variance, 10);
      const sMin = 0.01;
      const sMax = 10;
      const sigma2 = (t: number) => (sMin * (sMax / sMin) ** t) ** 2;
      const ve = rk4(() => 0, (t) => 2 * Math.log(sMax / sMin) * sigma2(t), T);
      expect(veTransition(T, { sigmaMin: sMin, sigmaMax: sMax }).variance / ve.variance).toBeCloseTo(1, 9);
    }
    // the spec's S_MAX: VP at t = 1 has ½∫β = 5.025
    expect(Math.log(vpTransition(1).alpha)).toBeCloseTo(-5.025, 12);
    expect(() => vpTransition(-1)).toThrow(/'t'/);
    expect(() => veTransition(0.5, { sigmaMin: 2, sigmaMax: 1 })).toThrow(/sigmaMax/);
  });
});
