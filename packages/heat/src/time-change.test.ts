import { ParabolicError } from "@parabolic/core";
import {
  anisotropicMixture,
  forwardMarginal,
  heatTransition,
  ouTransition,
  sparseDenseMixture,
  subVpTransition,
  veTransition,
  vpTransition,
} from "@parabolic/datasets";
import { describe, expect, it } from "vitest";
import { constantDrift, rotationDrift } from "./drift-field.js";
import { customProcess, ouProcess, subVpProcess, veProcess, vpProcess, type ForwardProcess } from "./forward-process.js";
import type { MarginalField } from "./heat-field.js";
import { affineTransition, timeChange } from "./time-change.js";

/** Gaussian N(mean, cov) log-density and score in 2-D (cov as [a, b, c] = [[a, b], [b, c]]). */
function gauss2(mean: readonly number[], cov: readonly number[]) {
  const [a, b, c] = cov as [number, number, number];
  const det = a * c - b * b;
  return (x0: number, x1: number) => {
    const dx = x0 - mean[0]!;
    const dy = x1 - mean[1]!;
    const p0 = (c * dx - b * dy) / det;
    const p1 = (-b * dx + a * dy) / det;
    return { logp: -Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * (dx * p0 + dy * p1), score: [-p0, -p1] as const };
  };
}

/** Independent textbook marginal of a linear SDE started at N(m, S) in 2-D: N(α R m, α² R S Rᵀ + v I). */
function textbookMarginal(alpha: number, v: number, angle: number, m: readonly number[], s: readonly number[]) {
  const c = Math.cos(angle);
  const sn = Math.sin(angle);
  const R = [c, -sn, sn, c];
  const rm = [R[0]! * m[0]! + R[1]! * m[1]!, R[2]! * m[0]! + R[3]! * m[1]!];
  const S = [s[0]!, s[1]!, s[1]!, s[2]!];
  // R S Rᵀ
  const RS = [R[0]! * S[0]! + R[1]! * S[2]!, R[0]! * S[1]! + R[1]! * S[3]!, R[2]! * S[0]! + R[3]! * S[2]!, R[2]! * S[1]! + R[3]! * S[3]!];
  const RSRt = [RS[0]! * R[0]! + RS[1]! * R[1]!, RS[0]! * R[2]! + RS[1]! * R[3]!, RS[2]! * R[2]! + RS[3]! * R[3]!];
  return gauss2([alpha * rm[0]!, alpha * rm[1]!], [alpha * alpha * RSRt[0]! + v, alpha * alpha * RSRt[1]!, alpha * alpha * RSRt[2]! + v]);
}

const m0 = [0.7, -1.2];
const s0 = [0.3, 0.1, 0.5];

describe("forward processes", () => {
  it("closed-form heat times match the defining quadrature s(t) = ∫e^{2B}g²/2 and invert exactly", () => {
    const cases: Array<[string, ForwardProcess]> = [
      ["ou", ouProcess({ rate: 0.7, diffusion: 1.3 })],
      ["vp", vpProcess({ betaMin: 0.1, betaMax: 20 })],
      ["sub-vp", subVpProcess({ betaMin: 0.1, betaMax: 20 })],
      ["ve", veProcess({ sigmaMin: 0.01, sigmaMax: 50 })],
    ];
    for (const [, p] of cases) {
      const q = customProcess({ beta: p.beta, diffusion: p.diffusion });
      for (const t of [0.01, 0.1, 0.37, 0.8, 1]) {
        expect(q.integratedBeta(t)).toBeCloseTo(p.integratedBeta(t), 12);
        const exact = p.heatTime(t);
        expect(Math.abs(q.heatTime(t) - exact)).toBeLessThanOrEqual(1e-10 * exact);
        expect(Math.abs(p.time(exact) - t)).toBeLessThanOrEqual(1e-12);
        expect(Math.abs(q.time(exact) - t)).toBeLessThanOrEqual(1e-9);
      }
    }
  });

  it("OU defaults give y = e^t x and s = (e^{2t} − 1)/2 (spec §2(c)); VP reaches S_MAX ≈ 1.158e4", () => {
    const ou = ouProcess();
    expect(ou.heatTime(0.3)).toBeCloseTo((Math.exp(0.6) - 1) / 2, 15);
    expect(ou.integratedBeta(0.3)).toBe(0.3);
    expect(vpProcess().heatTime(1)).toBeCloseTo((Math.exp(10.05) - 1) / 2, 8);
  });

  it("validates parameters with coded errors", () => {
    expect(() => vpProcess({ betaMin: 2, betaMax: 1 })).toThrow(ParabolicError);
    expect(() => veProcess({ sigmaMin: 1, sigmaMax: 1 })).toThrow(/sigmaMax/);
    expect(() => ouProcess({ diffusion: 0 })).toThrow(/diffusion/);
    expect(() => ouProcess({ rotation: { dim: 2, generator: new Float64Array([0, 1, 1, 0]) } })).toThrow(/skew/);
    expect(() => timeChange(ouProcess())).toThrow(/dim/);
  });
});

describe("time change to heat coordinates", () => {
  const linearCases: Array<[string, ForwardProcess, (t: number) => { alpha: number; v: number; angle: number }]> = [
    ["ou", ouProcess(), (t) => ({ alpha: Math.exp(-t), v: -Math.expm1(-2 * t), angle: 0 })],
    [
      "vp",
      vpProcess({ betaMin: 0.1, betaMax: 20 }),
      (t) => {
        const i = 0.1 * t + 0.5 * 19.9 * t * t;
        return { alpha: Math.exp(-0.5 * i), v: -Math.expm1(-i), angle: 0 };
      },
    ],
    [
      "sub-vp",
      subVpProcess({ betaMin: 0.1, betaMax: 20 }),
      (t) => {
        const i = 0.1 * t + 0.5 * 19.9 * t * t;
        return { alpha: Math.exp(-0.5 * i), v: Math.expm1(-i) ** 2, angle: 0 };
      },
    ],
    ["ve", veProcess({ sigmaMin: 0.01, sigmaMax: 50 }), (t) => ({ alpha: 1, v: (0.01 * 5000 ** t) ** 2 - 1e-4, angle: 0 })],
    [
      "ou+rotation",
      ouProcess({ rotation: { dim: 2, rate: 1.7 } }),
      (t) => ({ alpha: Math.exp(-t), v: -Math.expm1(-2 * t), angle: 1.7 * t }),
    ],
  ];

  for (const [name, process, marginal] of linearCases) {
    it(`${name}: log p = ψ + dB and ∇ log p = e^B R ∇ψ against the textbook Gaussian marginal`, () => {
      const tc = timeChange(process, { dim: 2 });
      let maxLog = 0;
      let maxScore = 0;
      for (const t of [0.05, 0.3, 0.8]) {
        const { alpha, v, angle } = marginal(t);
        const exact = textbookMarginal(alpha, v, angle, m0, s0);
        const s = tc.heatTime(t);
        // in heat coordinates the density is the initial Gaussian convolved with the heat kernel: N(m, S + 2sI)
        const w = gauss2(m0, [s0[0]! + 2 * s, s0[1]!, s0[2]! + 2 * s]);
        const xs = new Float64Array(40);
        for (let i = 0; i < 40; i++) xs[i] = Math.sin(3.1 * i + t) * 3 * Math.sqrt(alpha * alpha + v);
        const y = tc.toHeat(xs, t);
        const psi = new Float64Array(20);
        const gy = new Float64Array(40);
        for (let n = 0; n < 20; n++) {
          const e = w(y.points[2 * n]!, y.points[2 * n + 1]!);
          psi[n] = e.logp;
          gy[2 * n] = e.score[0];
          gy[2 * n + 1] = e.score[1];
        }
        const logp = tc.logDensityFromHeat(psi, y.times);
        const score = tc.scoreFromHeat(gy, y.times);
        for (let n = 0; n < 20; n++) {
          const e = exact(xs[2 * n]!, xs[2 * n + 1]!);
          maxLog = Math.max(maxLog, Math.abs(logp[n]! - e.logp) / Math.max(1, Math.abs(e.logp)));
          const norm = Math.hypot(e.score[0], e.score[1]);
          maxScore = Math.max(maxScore, Math.hypot(score[2 * n]! - e.score[0], score[2 * n + 1]! - e.score[1]) / Math.max(1e-3, norm));
        }
        // round trip of points and of scores
        const back = tc.fromHeat(y.points, y.times);
        for (let i = 0; i < 40; i++) expect(back.points[i]).toBeCloseTo(xs[i]!, 12);
        expect(back.times[0]).toBeCloseTo(t, 12);
        const sx = tc.scoreToHeat(score, t);
        for (let i = 0; i < 40; i++) expect(Math.abs(sx[i]! - gy[i]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(gy[i]!)));
      }
      expect(maxLog).toBeLessThan(1e-12);
      expect(maxScore).toBeLessThan(1e-11);
    });
  }

  it("heatField / marginalField wrap a field both ways", () => {
    const tc = timeChange(ouProcess(), { dim: 2 });
    const exactAt = (t: number) => textbookMarginal(Math.exp(-t), -Math.expm1(-2 * t), 0, m0, s0);
    const field: MarginalField = {
      dim: 2,
      logDensity: (x, t) => t.map((tt, n) => exactAt(tt)(x[2 * n]!, x[2 * n + 1]!).logp),
      score: (x, t) => {
        const out = new Float64Array(x.length);
        t.forEach((tt, n) => {
          const e = exactAt(tt)(x[2 * n]!, x[2 * n + 1]!);
          out[2 * n] = e.score[0];
          out[2 * n + 1] = e.score[1];
        });
        return out;
      },
    };
    const hf = tc.heatField(field);
    const y = new Float64Array([0.3, -0.4, 2, 1]);
    const s = new Float64Array([0.2, 1.5]);
    const psi = hf.logDensity(y, s);
    const g = hf.gradLogDensity!(y, s);
    for (let n = 0; n < 2; n++) {
      const w = gauss2(m0, [s0[0]! + 2 * s[n]!, s0[1]!, s0[2]! + 2 * s[n]!])(y[2 * n]!, y[2 * n + 1]!);
      expect(psi[n]).toBeCloseTo(w.logp, 12);
      expect(g[2 * n]).toBeCloseTo(w.score[0], 12);
      expect(g[2 * n + 1]).toBeCloseTo(w.score[1], 12);
    }
    const mf = tc.marginalField(hf);
    const x = new Float64Array([0.1, 0.2]);
    expect(mf.logDensity(x, new Float64Array([0.4]))[0]).toBeCloseTo(field.logDensity(x, new Float64Array([0.4]))[0]!, 12);
  });

  /** Finite-difference residual of w_s − Δw + ∇·(c w) for a 2-D heat field at (y, s). */
  function fpResidual(
    logw: (y0: number, y1: number, s: number) => number,
    c: (y0: number, y1: number, s: number) => [number, number],
    y0: number,
    y1: number,
    s: number,
  ): { residual: number; scale: number } {
    const h = 1e-3;
    const w = (a: number, b: number, ss: number) => Math.exp(logw(a, b, ss));
    const ws = (w(y0, y1, s + h) - w(y0, y1, s - h)) / (2 * h);
    const lap = (w(y0 + h, y1, s) + w(y0 - h, y1, s) + w(y0, y1 + h, s) + w(y0, y1 - h, s) - 4 * w(y0, y1, s)) / (h * h);
    const flux = (a: number, b: number) => {
      const cc = c(a, b, s);
      const ww = w(a, b, s);
      return [cc[0] * ww, cc[1] * ww];
    };
    const div = (flux(y0 + h, y1)[0]! - flux(y0 - h, y1)[0]!) / (2 * h) + (flux(y0, y1 + h)[1]! - flux(y0, y1 - h)[1]!) / (2 * h);
    return { residual: ws - lap + div, scale: Math.abs(ws) + Math.abs(lap) + Math.abs(div) };
  }

  it("heat-coordinate drift c = 2e^{−B}Rᵀb/g² turns the FP equation into w_s = Δw − ∇·(cw) (OU + rotation as b)", () => {
    // OU with a rotation drift b = ω J0 x treated as a *nonlinear* drift: the marginal is the rotated Gaussian
    const omega = 1.3;
    const process = ouProcess({ drift: rotationDrift({ dim: 2, rate: omega }) });
    const tc = timeChange(process);
    const marg = (t: number) => textbookMarginal(Math.exp(-t), -Math.expm1(-2 * t), omega * t, m0, s0);
    const hf = tc.heatField({ dim: 2, logDensity: (x, t) => t.map((tt, n) => marg(tt)(x[2 * n]!, x[2 * n + 1]!).logp) });
    const logw = (a: number, b: number, s: number) => hf.logDensity(new Float64Array([a, b]), new Float64Array([s]))[0]!;
    const c = (a: number, b: number, s: number): [number, number] => {
      const v = tc.heatDrift!.evaluate(new Float64Array([a, b]), new Float64Array([s]));
      return [v[0]!, v[1]!];
    };
    const cNone = (): [number, number] => [0, 0];
    for (const [y0, y1, s] of [[0.5, -0.8, 0.4], [1.2, 0.3, 1.1], [-0.4, -1.5, 0.7]] as const) {
      const withDrift = fpResidual(logw, c, y0, y1, s);
      const without = fpResidual(logw, cNone, y0, y1, s);
      expect(Math.abs(withDrift.residual)).toBeLessThan(1e-5 * withDrift.scale);
      expect(Math.abs(without.residual)).toBeGreaterThan(1e-2 * without.scale); // the drift term is needed
    }
    // the same rotation absorbed into the time change gives a pure heat equation (c = 0)
    const absorbed = timeChange(ouProcess({ rotation: { dim: 2, rate: omega } }));
    expect(absorbed.heatDrift).toBeUndefined();
    const hf2 = absorbed.heatField({ dim: 2, logDensity: (x, t) => t.map((tt, n) => marg(tt)(x[2 * n]!, x[2 * n + 1]!).logp) });
    const logw2 = (a: number, b: number, s: number) => hf2.logDensity(new Float64Array([a, b]), new Float64Array([s]))[0]!;
    const r = fpResidual(logw2, cNone, 0.5, -0.8, 0.4);
    expect(Math.abs(r.residual)).toBeLessThan(1e-5 * r.scale);
  });

  it("heat drift divergence and Jacobian are consistent with finite differences of c (VP + rotation + constant b)", () => {
    const process = vpProcess({ betaMin: 0.5, betaMax: 3, rotation: { dim: 2, rate: 0.8 }, drift: rotationDrift({ dim: 2, rate: -0.6 }) });
    const tc = timeChange(process);
    const c = tc.heatDrift!;
    const y = new Float64Array([0.4, -1.1]);
    const s = new Float64Array([0.9]);
    const J = c.jacobian!(y, s);
    const h = 1e-5;
    for (let j = 0; j < 2; j++) {
      const yp = y.slice();
      const ym = y.slice();
      yp[j] = yp[j]! + h;
      ym[j] = ym[j]! - h;
      const cp = c.evaluate(yp, s);
      const cm = c.evaluate(ym, s);
      for (let i = 0; i < 2; i++) expect(J[i * 2 + j]).toBeCloseTo((cp[i]! - cm[i]!) / (2 * h), 7);
    }
    expect(c.divergence!(y, s)[0]).toBeCloseTo(J[0]! + J[3]!, 10);
    // constant b: c = 2 e^{−B} Rᵀ b / g²
    const b = new Float64Array([0.9, -0.6]);
    const tc2 = timeChange(ouProcess({ drift: constantDrift({ vector: b }) }));
    const s1 = 0.5;
    const t1 = tc2.time(s1);
    const c2 = tc2.heatDrift!.evaluate(new Float64Array([3, 4]), new Float64Array([s1]));
    expect(c2[0]).toBeCloseTo((2 * Math.exp(-t1) * 0.9) / 2, 13);
    expect(c2[1]).toBeCloseTo((2 * Math.exp(-t1) * -0.6) / 2, 13);
  });
});

describe("time change on Gaussian mixtures (the shared @parabolic/datasets oracle)", () => {
  it("log p_t(x) = ψ(y, s) + dB and ∇_x log p = e^B ∇_y ψ to ~1e−13 for OU, VP, sub-VP and VE (spec §2)", () => {
    const cases = [
      { process: ouProcess(), transition: (t: number) => ouTransition(t) },
      { process: vpProcess(), transition: (t: number) => vpTransition(t) },
      { process: subVpProcess(), transition: (t: number) => subVpTransition(t) },
      { process: veProcess({ sigmaMin: 0.01, sigmaMax: 50 }), transition: (t: number) => veTransition(t, { sigmaMin: 0.01, sigmaMax: 50 }) },
    ];
    for (const p0 of [sparseDenseMixture(), anisotropicMixture()]) {
      for (const { process, transition } of cases) {
        const tc = timeChange(process, { dim: 2 });
        let maxLog = 0;
        let maxScore = 0;
        for (const t of [0.05, 0.3, 1]) {
          const pt = forwardMarginal(p0, transition(t));
          const mine = affineTransition(process, t);
          expect(Math.abs(mine.alpha - transition(t).alpha)).toBeLessThanOrEqual(1e-14);
          expect(Math.abs(mine.variance - transition(t).variance)).toBeLessThanOrEqual(1e-12 * transition(t).variance);
          const x = pt.sample([7, Math.round(1000 * t)], 200);
          for (let i = 0; i < x.length; i++) x[i] = x[i]! * 1.5; // include tails
          const exact = pt.logDensityAndScore(x);
          const y = tc.toHeat(x, t);
          const w = forwardMarginal(p0, heatTransition(y.times[0]!)).logDensityAndScore(y.points);
          const logp = tc.logDensityFromHeat(w.logDensity, y.times);
          const score = tc.scoreFromHeat(w.score, y.times);
          for (let n = 0; n < 200; n++) {
            maxLog = Math.max(maxLog, Math.abs(logp[n]! - exact.logDensity[n]!) / Math.max(1, Math.abs(exact.logDensity[n]!)));
            const norm = Math.hypot(exact.score[2 * n]!, exact.score[2 * n + 1]!);
            maxScore = Math.max(maxScore, Math.hypot(score[2 * n]! - exact.score[2 * n]!, score[2 * n + 1]! - exact.score[2 * n + 1]!) / Math.max(1, norm));
          }
        }
        expect(maxLog).toBeLessThan(1e-12);
        expect(maxScore).toBeLessThan(1e-11);
      }
    }
    expect(() => affineTransition(ouProcess({ rotation: { dim: 2 } }), 1)).toThrow(/rotation/);
  });
});
