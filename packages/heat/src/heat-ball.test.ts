import { key, ParabolicError } from "@parabolic/core";
import { forwardMarginal, heatTransition, ouTransition, sparseDenseMixture } from "@parabolic/datasets";
import { describe, expect, it } from "vitest";
import { constantDrift, doubleWellDrift } from "./drift-field.js";
import { ouProcess } from "./forward-process.js";
import type { HeatField } from "./heat-field.js";
import {
  estimateDensity,
  estimateDensityBatch,
  estimateEntropyDensity,
  estimateLogDensity,
  estimateScore,
  estimateScoreBatch,
  heatBallResidual,
  heatBallResidualBatch,
  type ScoreMethod,
} from "./heat-ball.js";
import { mixtureHeatField } from "./testing/mixture-heat-field.js";
import { timeChange } from "./time-change.js";

function slope(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b) / lx.length;
  const my = ly.reduce((a, b) => a + b) / ly.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i]! - mx) * (ly[i]! - my);
    den += (lx[i]! - mx) ** 2;
  }
  return num / den;
}

function centre(d: number, scale = 0.7): Float64Array {
  return Float64Array.from({ length: d }, (_, i) => scale * Math.cos(1.3 * i + 0.4));
}

/** log Φ(y − c s, s + ½): the heat kernel transported by a constant drift c (solves w_s = Δw − c·∇w). */
function transportedKernel(c: Float64Array): HeatField {
  const d = c.length;
  return {
    dim: d,
    logDensity: (y, s) =>
      s.map((si, n) => {
        let q = 0;
        for (let i = 0; i < d; i++) q += (y[n * d + i]! - c[i]! * si) ** 2;
        return -(d / 2) * Math.log(4 * Math.PI * (si + 0.5)) - q / (4 * (si + 0.5));
      }),
  };
}

describe("estimateDensity (log space)", () => {
  it("reproduces the heat kernel at d = 2 and d = 256 (w ≈ e^{−400}) within 4 SE", () => {
    for (const d of [2, 256]) {
      const field = transportedKernel(new Float64Array(d));
      const y0 = centre(d);
      const exact = field.logDensity(y0, new Float64Array([1]))[0]!;
      const est = estimateDensity(field, y0, 1, { radius: 1, samples: 4000, key: key(d) });
      expect(est.status).toBe("success");
      expect(Math.abs(est.logDensity - exact) / est.standardError).toBeLessThan(4);
      if (d === 256) expect(exact).toBeLessThan(-300);
      expect(est.ess).toBeGreaterThan(0);
      expect(est.ess).toBeLessThanOrEqual(4000);
    }
  });

  it("drift form: constant drift reproduces w(y0) at d ∈ {1, 2, 8} (|z| < 4); the plain κ mean does not", () => {
    for (const d of [1, 2, 8]) {
      const c = Float64Array.from({ length: d }, (_, i) => (i % 2 ? -0.6 : 0.9) / Math.sqrt(Math.max(1, d / 4)));
      const field = transportedKernel(c);
      const y0 = centre(d);
      const exact = field.logDensity(y0, new Float64Array([1]))[0]!;
      for (const r of [0.5, 1]) {
        const withDrift = estimateDensity(field, y0, 1, { radius: r, samples: 20000, key: key(5 + d), drift: constantDrift({ vector: c }) });
        expect(Math.abs(withDrift.logDensity - exact) / withDrift.standardError).toBeLessThan(4);
        // at r = 1 the drift term is far outside the noise for every d (at r = 0.5, d = 1 it is only ≈ 1.4 SE
        // at this N; the spec's z = 9.6–57.5 are at N = 4e5)
        if (r === 1) {
          const plain = estimateDensity(field, y0, 1, { radius: r, samples: 20000, key: key(5 + d) });
          expect(Math.abs(plain.logDensity - exact) / plain.standardError).toBeGreaterThan(4);
        }
      }
    }
  });

  it("double-well Langevin (stationary p = e^{−U}): source and drift forms reproduce w(y0) at d ∈ {1, 2, 8} and flag the budget", () => {
    for (const d of [1, 2, 8]) {
      // dX = −∇U dt + √2 dW: heat coordinates y = x, s = t, c = 2b/g² = −∇U (through the time change)
      const tc = timeChange(ouProcess({ rate: 0, drift: doubleWellDrift({ dim: d }) }));
      const c = tc.heatDrift!;
      const U = doubleWellDrift({ dim: d });
      const field: HeatField = { dim: d, logDensity: (y, s) => U.potential!(y, s).map((u) => -u) };
      const y0 = Float64Array.from({ length: d }, (_, i) => 0.9 / Math.sqrt(d) + 0.1 * i);
      const exact = field.logDensity(y0, new Float64Array([1]))[0]!;
      for (const r of [0.1, 0.3, 0.6]) {
        const options = { radius: r, samples: 20000, key: key(11 + d) };
        // relative source ρ = f/w = ΔU − |∇U|² (f = −∇·(c w))
        const source = (y: Float64Array, s: Float64Array) => {
          const lap = U.divergence!(y, s); // −ΔU
          const g = U.evaluate(y, s); // −∇U
          return lap.map((v, n) => {
            let g2 = 0;
            for (let i = 0; i < d; i++) g2 += g[n * d + i]! ** 2;
            return -v - g2;
          });
        };
        const src = estimateDensity(field, y0, 1, { ...options, source });
        const drf = estimateDensity(field, y0, 1, { ...options, drift: c });
        expect(Math.abs(src.logDensity - exact) / src.standardError).toBeLessThan(4);
        expect(Math.abs(drf.logDensity - exact) / drf.standardError).toBeLessThan(4);
        expect(Number.isFinite(drf.driftBudget)).toBe(true);
        if (d === 8 && r === 0.6) {
          // r·C1·max|c| > 1 here (spec §7.2): the identity still holds but the status says so
          expect(drf.status).toBe("drift_budget_exceeded");
          expect(drf.warnings.join(" ")).toMatch(/drift budget/);
        }
        if (d === 1 && r === 0.1) expect(drf.status).toBe("success");
      }
    }
  });

  it("single-centre calls equal centre 0 of the batched form (same key)", () => {
    const field = mixtureHeatField(sparseDenseMixture());
    const centers = new Float64Array([0.1, 0.2, 3.9, 3.1]);
    const batch = estimateDensityBatch(field, centers, new Float64Array([0.5, 0.7]), { radius: new Float64Array([0.3, 0.4]), samples: 64, key: key(3) });
    const single = estimateDensity(field, centers.subarray(0, 2), 0.5, { radius: 0.3, samples: 64, key: key(3) });
    expect(single.logDensity).toBe(batch.logDensity[0]);
    const sb = estimateScoreBatch(field, centers, 0.5, { radius: 0.3, samples: 64, key: key(4) });
    const ss = estimateScore(field, centers.subarray(0, 2), 0.5, { radius: 0.3, samples: 64, key: key(4) });
    expect(Array.from(ss.score)).toEqual(Array.from(sb.scores.subarray(0, 2)));
  });

  it("chunking centres across field calls (maxCoordinatesPerCall) does not change any estimate", () => {
    const field = mixtureHeatField(sparseDenseMixture());
    const centers = new Float64Array([0.1, 0.2, 3.9, 3.1, -3.8, 2.7, 0.5, -0.4, 1.2, 1.9]);
    const s0 = new Float64Array([0.5, 0.7, 0.6, 0.9, 1.3]);
    const base = { radius: 0.4, samples: 32, key: key(8) };
    const tiny = { ...base, maxCoordinatesPerCall: 1 }; // one centre per call
    for (const method of ["gradient", "derivative-free", "first-moment"] as const) {
      const a = estimateScoreBatch(field, centers, s0, { ...base, method });
      const b = estimateScoreBatch(field, centers, s0, { ...tiny, method });
      expect(Array.from(b.scores)).toEqual(Array.from(a.scores));
      expect(Array.from(b.standardErrors)).toEqual(Array.from(a.standardErrors));
    }
    expect(Array.from(estimateDensityBatch(field, centers, s0, tiny).logDensity)).toEqual(Array.from(estimateDensityBatch(field, centers, s0, base).logDensity));
    const residual = (options: typeof base) => Array.from(heatBallResidualBatch(field, centers, s0, options).residual);
    expect(residual(tiny)).toEqual(residual(base));
  });
});

describe("estimateScore on OU from the sparse/dense mixture (heat-ball.md §8.1)", () => {
  const p0 = sparseDenseMixture();
  const field = mixtureHeatField(p0);
  const tc = timeChange(ouProcess(), { dim: 2 });
  function querySet(t: number, count: number) {
    const x = forwardMarginal(p0, ouTransition(t)).sample(key(100 + Math.round(100 * t)), count);
    const { points, times } = tc.toHeat(x, t);
    const s = times[0]!;
    const exact = forwardMarginal(p0, heatTransition(s)).score(points);
    let norm = 0;
    for (const v of exact) norm += v * v;
    return { points, s, exact, norm };
  }
  function relative(q: ReturnType<typeof querySet>, rFrac: number, N: number, method: ScoreMethod, richardson = false) {
    const est = estimateScoreBatch(field, q.points, q.s, { radius: Math.sqrt(rFrac * q.s), samples: N, key: key(N + 7), method, richardson });
    let err = 0;
    let se = 0;
    for (let i = 0; i < q.exact.length; i++) {
      err += (est.scores[i]! - q.exact[i]!) ** 2;
      se += est.standardErrors[i]! ** 2;
    }
    return { rmse: Math.sqrt(err / q.norm), se: Math.sqrt(se / q.norm) };
  }

  it("gradient form: relative RMSE slope vs N in [−0.55, −0.45] and ≤ 2e−3 at N = 1024 (r² = 0.125 s, t = 0.3)", () => {
    const q = querySet(0.3, 100);
    const Ns = [16, 64, 256, 1024, 4096];
    const errs = Ns.map((N) => relative(q, 0.125, N, "gradient"));
    const p = slope(Ns, errs.map((e) => e.rmse));
    expect(p).toBeGreaterThanOrEqual(-0.55);
    expect(p).toBeLessThanOrEqual(-0.45);
    expect(errs[3]!.rmse).toBeLessThanOrEqual(2e-3);
    // the reported standard errors are honest: RMSE/SE within [0.7, 1.4]
    for (const e of errs) expect(e.rmse / e.se).toBeGreaterThan(0.7);
    for (const e of errs) expect(e.rmse / e.se).toBeLessThan(1.4);
  });

  it("first-moment form plateaus at its O(r²) bias at r² = 8s (bias ≥ 4× its N = 16384 noise); Richardson removes most of it", () => {
    const q = querySet(0.3, 20);
    const at4k = relative(q, 8, 4096, "first-moment");
    const at16k = relative(q, 8, 16384, "first-moment");
    // bias² = MSE − noise²; measured bias/noise ≈ 4.7–5.8 depending on the query points (spec: ≥ 5 on its set)
    const bias = Math.sqrt(at16k.rmse ** 2 - at16k.se ** 2);
    expect(bias).toBeGreaterThanOrEqual(4 * at16k.se);
    expect(at16k.rmse).toBeGreaterThan(0.7 * at4k.rmse); // no N^{−1/2} decay: a plateau
    const rich = relative(q, 8, 16384, "first-moment", true);
    expect(rich.rmse).toBeLessThan(0.5 * at16k.rmse);
  });

  it("derivative-free form is unbiased: error ∝ N^{−1/2} at r² = 8s and matches its own standard error", () => {
    const q = querySet(0.3, 40);
    const Ns = [256, 1024, 4096, 16384];
    const errs = Ns.map((N) => relative(q, 8, N, "derivative-free"));
    const p = slope(Ns, errs.map((e) => e.rmse));
    expect(p).toBeGreaterThanOrEqual(-0.65);
    expect(p).toBeLessThanOrEqual(-0.35);
    for (const e of errs) expect(e.rmse / e.se).toBeGreaterThan(0.6);
    for (const e of errs) expect(e.rmse / e.se).toBeLessThan(1.6);
    expect(errs[3]!.rmse).toBeLessThan(relative(q, 8, 16384, "first-moment").rmse);
  });

  it("gradient form with a drift reproduces the double-well score −∇U at d = 2 (|z| < 4 per component)", () => {
    const tc2 = timeChange(ouProcess({ rate: 0, drift: doubleWellDrift({ dim: 2 }) }));
    const U = doubleWellDrift({ dim: 2 });
    const field2: HeatField = {
      dim: 2,
      logDensity: (y, s) => U.potential!(y, s).map((u) => -u),
      gradLogDensity: (y, s) => U.evaluate(y, s),
    };
    const y0 = new Float64Array([0.8, 0.5]);
    const exact = U.evaluate(y0, new Float64Array([1]));
    for (const r of [0.2, 0.4]) {
      const est = estimateScore(field2, y0, 1, { radius: r, samples: 20000, key: key(77), drift: tc2.heatDrift! });
      for (let k = 0; k < 2; k++) expect(Math.abs(est.score[k]! - exact[k]!) / est.standardError[k]!).toBeLessThan(4);
      // without the drift term the self-normalised mean is biased
      const plain = estimateScore(field2, y0, 1, { radius: r, samples: 20000, key: key(77) });
      const zPlain = Math.max(...[0, 1].map((k) => Math.abs(plain.score[k]! - exact[k]!) / plain.standardError[k]!));
      expect(zPlain).toBeGreaterThan(4);
    }
  });
});

describe("log-density, entropy density and residual", () => {
  const p0 = sparseDenseMixture();
  const field = mixtureHeatField(p0);
  const s0 = (Math.exp(0.6) - 1) / 2; // t = 0.3
  const pts = timeChange(ouProcess(), { dim: 2 }).toHeat(forwardMarginal(p0, ouTransition(0.3)).sample(key(555), 6), 0.3).points;
  const oracle = forwardMarginal(p0, heatTransition(s0)).logDensity(pts);

  it("logmeanexp and Jensen + source forms agree with ψ within 4 SE (r² = 0.5 s)", () => {
    for (let n = 0; n < 6; n++) {
      const y0 = pts.subarray(2 * n, 2 * n + 2);
      const options = { radius: Math.sqrt(0.5 * s0), samples: 20000, key: key(n) };
      const lme = estimateLogDensity(field, y0, s0, { ...options, form: "logmeanexp" });
      const jen = estimateLogDensity(field, y0, s0, { ...options, form: "jensen" });
      expect(Math.abs(lme.logDensity - oracle[n]!) / lme.standardError).toBeLessThan(4);
      expect(Math.abs(jen.logDensity - oracle[n]!) / jen.standardError).toBeLessThan(4);
    }
  });

  it("entropy density η = −w log w within 4 SE (scaled by the estimator's own log scale)", () => {
    for (let n = 0; n < 6; n++) {
      const y0 = pts.subarray(2 * n, 2 * n + 2);
      const est = estimateEntropyDensity(field, y0, s0, { radius: Math.sqrt(0.5 * s0), samples: 20000, key: key(10 + n) });
      const exactScaled = -Math.exp(oracle[n]! - est.logScale) * oracle[n]!;
      expect(Math.abs(est.scaledEntropyDensity - exactScaled) / est.standardError).toBeLessThan(4);
      expect(est.entropyPerDensity).toBeCloseTo(-oracle[n]!, 1);
    }
  });

  it("residual: ≈ 0 on the true ψ, ≈ c'(s0) for the mis-normalised ψ + 0.3 log(1 + s) (spec §10)", () => {
    const y0 = new Float64Array([0.8, 0.9]);
    const shifted: HeatField = { dim: 2, logDensity: (y, s) => field.logDensity(y, s).map((v, n) => v + 0.3 * Math.log1p(s[n]!)) };
    for (const form of ["log", "linear"] as const) {
      const truth = heatBallResidual(field, y0, 1, { radius: Math.sqrt(0.5), samples: 20000, key: key(21), form });
      expect(Math.abs(truth.residual) / truth.standardError).toBeLessThan(4);
      const off = heatBallResidual(shifted, y0, 1, { radius: Math.sqrt(0.5), samples: 20000, key: key(21), form });
      // c(s) = 0.3 log(1 + s): the normalised residual tends to c'(s0) = 0.15 (plus O(r²) curvature terms)
      expect(Math.abs(off.residual - 0.15)).toBeLessThan(4 * off.standardError + 0.02);
    }
  });

  it("r → 0: the log residual converges to ψ_s − Δψ − |∇ψ|² at O(r²) — differences shrink ≈ 4× per halving (d = 16)", () => {
    const d = 16;
    const a = 0.1;
    const k = 4;
    const psi: HeatField = { dim: d, logDensity: (y, s) => s.map((si, n) => a * Math.sin(k * y[n * d]!) - 0.1 * si) };
    const y0 = centre(d);
    const pointwise = -0.1 + a * k * k * Math.sin(k * y0[0]!) - a * a * k * k * Math.cos(k * y0[0]!) ** 2;
    // common random numbers: one key for every r, so the r-independent Monte Carlo error cancels in differences
    const radii = [1, 0.5, 0.25, 0.125];
    const res = radii.map((r) => heatBallResidual(psi, y0, 1, { radius: r, samples: 20000, key: key(2024), form: "log" }));
    const diffs = [0, 1, 2].map((i) => res[i]!.residual - res[i + 1]!.residual);
    for (let i = 0; i < 2; i++) {
      expect(diffs[i]! / diffs[i + 1]!).toBeGreaterThan(3.5);
      expect(diffs[i]! / diffs[i + 1]!).toBeLessThan(4.6);
    }
    // and the small-radius value is the pointwise FP residual within its Monte Carlo error
    expect(Math.abs(res[3]!.residual - pointwise)).toBeLessThan(4 * res[3]!.standardError);
    // the error at r = 1 is the O(r²) term: far outside the noise
    expect(Math.abs(res[0]!.residual - pointwise)).toBeGreaterThan(8 * res[0]!.standardError);
  });
});

describe("validation and status", () => {
  const field = mixtureHeatField(sparseDenseMixture());
  it("rejects radius² ≥ 4π s0, bad shapes and missing capabilities with coded errors", () => {
    const y0 = new Float64Array([0, 0]);
    // r² < 4π·s0 is enforced on both sides of the boundary (not at a rounding-dependent r = √(4π s0))
    const rMax = Math.sqrt(4 * Math.PI * 0.1);
    for (const [fn, call] of [
      ["estimateDensity", (r: number) => estimateDensity(field, y0, 0.1, { radius: r, samples: 8, key: key(1) })],
      ["estimateScore", (r: number) => estimateScore(field, y0, 0.1, { radius: r, samples: 8, key: key(1), method: "derivative-free" })],
      ["estimateLogDensity", (r: number) => estimateLogDensity(field, y0, 0.1, { radius: r, samples: 8, key: key(1), form: "jensen" })],
      ["estimateEntropyDensity", (r: number) => estimateEntropyDensity(field, y0, 0.1, { radius: r, samples: 8, key: key(1) })],
      ["heatBallResidual", (r: number) => heatBallResidual(field, y0, 0.1, { radius: r, samples: 8, key: key(1) })],
    ] as const) {
      try {
        call(rMax * (1 + 1e-9));
        expect.unreachable(`${fn} accepted r² > 4π s0`);
      } catch (e) {
        expect(ParabolicError.is(e, "INVALID_ARGUMENT")).toBe(true);
        expect((e as ParabolicError).message).toMatch(new RegExp(`^${fn}: 'radius' must satisfy radius² < 4π·s0`));
        expect((e as ParabolicError).details).toMatchObject({ argument: "radius", s0: 0.1 });
      }
      expect(() => call(rMax * (1 - 1e-9))).not.toThrow();
    }
    // single-centre forms take one centre (two used to be estimated and the second silently dropped)
    const two = new Float64Array([0.1, 0.2, 3.9, 3.1]);
    for (const call of [
      () => estimateDensity(field, two, 1, { radius: 0.1, samples: 8, key: key(1) }),
      () => estimateLogDensity(field, two, 1, { radius: 0.1, samples: 8, key: key(1) }),
      () => estimateScore(field, two, 1, { radius: 0.1, samples: 8, key: key(1) }),
      () => estimateEntropyDensity(field, two, 1, { radius: 0.1, samples: 8, key: key(1) }),
      () => heatBallResidual(field, two, 1, { radius: 0.1, samples: 8, key: key(1) }),
    ]) {
      try {
        call();
        expect.unreachable();
      } catch (e) {
        expect(ParabolicError.is(e, "SHAPE_MISMATCH")).toBe(true);
        expect((e as Error).message).toMatch(/'center' must have length dim = 2/);
      }
    }
    // one offending centre of a batch is named
    expect(() => estimateDensityBatch(field, new Float64Array(4), new Float64Array([1, 0.1]), { radius: 1.2, samples: 8, key: key(1) })).toThrow(/at centre 1/);
    expect(() => estimateDensity(field, y0, 0, { radius: 0.1, samples: 8, key: key(1) })).toThrow(ParabolicError);
    expect(() => estimateDensityBatch(field, new Float64Array([0, 0, 0]), 1, { radius: 0.1, samples: 8, key: key(1) })).toThrow(/divisible/);
    expect(() => estimateDensity(field, new Float64Array([0, Number.NaN]), 1, { radius: 0.1, samples: 8, key: key(1) })).toThrow(/finite/);
    expect(() => estimateDensity(field, y0, 1, { radius: 0.1, samples: 0, key: key(1) })).toThrow(/samples/);
    // a non-integer chunk budget used to yield an empty chunk list: all-zero scores with status "success"
    for (const bad of [Number.NaN, 0, -5, 1.5]) {
      expect(() => estimateScoreBatch(field, y0, 1, { radius: 0.1, samples: 8, key: key(1), maxCoordinatesPerCall: bad })).toThrow(/maxCoordinatesPerCall/);
    }
    expect(() => estimateDensity(field, y0, 1, { radius: 0.1, samples: 8, key: key(1), source: () => new Float64Array(3) })).toThrow(/source/);
    const valuesOnly: HeatField = { dim: 2, logDensity: field.logDensity };
    try {
      estimateScore(valuesOnly, y0, 1, { radius: 0.1, samples: 8, key: key(1), method: "gradient" });
      expect.unreachable();
    } catch (e) {
      expect(ParabolicError.is(e, "UNSUPPORTED")).toBe(true);
    }
    expect(() => estimateScore(field, y0, 1, { radius: 0.1, samples: 8, key: key(1), method: "derivative-free", drift: constantDrift({ vector: new Float64Array(2) }) })).toThrow(/drift/);
    expect(() => estimateLogDensity(valuesOnly, y0, 1, { radius: 0.1, samples: 8, key: key(1), form: "jensen" })).toThrow(ParabolicError);
  });

  it("zero-density ball points (ψ = −∞) are ignored even when their gradient is NaN", () => {
    // the heat kernel cut to the half-space y1 > 0: ψ = −∞ on the other half, where a model's gradient is
    // typically NaN; the estimate must equal the one with a harmless zero gradient there
    const cut = (gradientThere: number): HeatField => ({
      dim: 2,
      logDensity: (y, s) => s.map((si, n) => (y[2 * n]! > 0 ? -(y[2 * n]! ** 2 + y[2 * n + 1]! ** 2) / (4 * (si + 1)) : -Infinity)),
      gradLogDensity: (y, s) => y.map((v, i) => (y[2 * Math.floor(i / 2)]! > 0 ? -v / (2 * (s[Math.floor(i / 2)]! + 1)) : gradientThere)),
    });
    const y0 = new Float64Array([0.05, 0.3]);
    const zeroDrift = constantDrift({ vector: new Float64Array(2) });
    for (const drift of [undefined, zeroDrift]) {
      const options = { radius: 0.5, samples: 256, key: key(1), ...(drift ? { drift } : {}) };
      const nan = estimateScore(cut(Number.NaN), y0, 1, options);
      const zero = estimateScore(cut(0), y0, 1, options);
      expect(nan.status).toBe("success");
      expect(Array.from(nan.score)).toEqual(Array.from(zero.score));
      expect(Array.from(nan.standardError)).toEqual(Array.from(zero.standardError));
      expect(nan.ess).toBeLessThan(256); // some points really had zero weight
    }
  });

  it("reports a non-finite field through status (no throw) and handles zero density", () => {
    const bad: HeatField = { dim: 2, logDensity: (_y, s) => s.map((_, n) => (n === 3 ? Number.NaN : 0)) };
    const r = estimateDensity(bad, new Float64Array(2), 1, { radius: 0.5, samples: 16, key: key(1) });
    expect(r.status).toBe("non_finite");
    expect(Number.isNaN(r.logDensity)).toBe(true);
    const zero: HeatField = { dim: 2, logDensity: (_y, s) => s.map(() => -Infinity) };
    expect(estimateDensity(zero, new Float64Array(2), 1, { radius: 0.5, samples: 16, key: key(1) }).status).toBe("non_positive");
  });
});
