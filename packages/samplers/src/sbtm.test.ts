import { ParabolicError, key, normals, randomStream } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { annealedTarget } from "./annealing.js";
import { gaussianDiscreteLaw, gaussianFlow } from "./gaussian-oracles.js";
import { gaussianScoreLearner } from "./gaussian-score-learner.js";
import { mlpScoreLearner } from "./mlp-score-learner.js";
import { sampleChains } from "./sample-chains.js";
import { annealedSbtm, probabilityFlow, sbtm } from "./sbtm.js";
import { linearAnnealing } from "./schedules.js";
import { gaussianTarget } from "./target.js";
import { meanVar } from "../test/moments.js";


/** A deliberately non-Gaussian cloud: 3u³ + 2, u ~ U(0, 1). */
function skewedCloud(n: number): Float64Array {
  const s = randomStream(key(3));
  return new Float64Array(n).map(() => 3 * s.nextDouble() ** 3 + 2);
}

describe("A2: Euler with the empirical-Gaussian (current-law) score", () => {
  it("moves the sample moments exactly by m′ = (1−h)m, v′ = (v + h(1−v))²/v for 500 steps from any cloud", () => {
    const x0 = skewedCloud(1000);
    const h = 0.01;
    const kernel = sbtm({ ...gaussianTarget({ dim: 1 }), learner: gaussianScoreLearner({ dim: 1 }), stepSize: h });
    let { m, v } = meanVar(x0);
    let worstM = 0;
    let worstV = 0;
    let worstLoss = 0;
    sampleChains(key(0), {
      kernel,
      initialState: kernel.init(x0),
      steps: 500,
      onStep: ({ state, info, previous }) => {
        const before = meanVar(previous.position);
        worstLoss = Math.max(worstLoss, Math.abs(info.loss + 1 / before.v) * before.v); // ISM optimum = −1/v̂
        m = (1 - h) * m;
        v = (v + h * (1 - v)) ** 2 / v;
        const got = meanVar(state.position);
        worstM = Math.max(worstM, Math.abs(got.m - m) / Math.abs(m));
        worstV = Math.max(worstV, Math.abs(got.v - v) / v);
      },
    });
    expect(worstM).toBeLessThan(1e-12);
    expect(worstV).toBeLessThan(1e-12);
    expect(worstLoss).toBeLessThan(1e-12);
  });

  it("Heun with the current-law score follows v′ = v(1 + hc + h²c²/2)², c = 1/v − 1", () => {
    const x0 = normals(key(4), { count: 500 }).map((z) => 3 * z + 1);
    const h = 0.1;
    const kernel = sbtm({ ...gaussianTarget({ dim: 1 }), learner: gaussianScoreLearner({ dim: 1 }), stepSize: h, integrator: "heun" });
    const start = meanVar(x0);
    const law = gaussianDiscreteLaw({ scheme: "heun-current-law", mean0: start.m, variance0: start.v, stepSize: h, steps: 50 });
    const result = sampleChains(key(0), { kernel, initialState: kernel.init(x0), steps: 50 });
    const end = meanVar(result.state.position);
    expect(Math.abs(end.v - law.variances[50]!) / law.variances[50]!).toBeLessThan(1e-12);
    expect(Math.abs(end.m - law.means[50]!)).toBeLessThan(1e-12);
  });
});

describe("A3: Euler with the exact continuous-time score −x/v(t_k) (the trap)", () => {
  it("v̂_K/v̂_0 = Π_k (1 + h(1/v(t_k) − 1))² = 0.21974 / 0.11479 / 0.09844 at t = 1 / 2 / 5 (h = 0.01)", () => {
    const flow = gaussianFlow({ variance0: 10 });
    const h = 0.01;
    const kernel = probabilityFlow({
      ...gaussianTarget({ dim: 1 }),
      densityScore: (x, t) => x.map((z) => -z / flow.variance(t)),
      stepSize: h,
    });
    const x0 = normals(key(5), { count: 1000 }).map((z) => Math.sqrt(10) * z);
    const v0 = meanVar(x0).v;
    const ratios = new Map<number, number>();
    let product = 1;
    const products = new Map<number, number>();
    sampleChains(key(0), {
      kernel,
      initialState: kernel.init(x0),
      steps: 500,
      onStep: ({ state, previous }) => {
        product *= (1 + h * (1 / flow.variance(previous.time) - 1)) ** 2;
        if ([100, 200, 500].includes(state.step)) {
          ratios.set(state.step, meanVar(state.position).v / v0);
          products.set(state.step, product);
        }
      },
    });
    for (const [step, expected] of [
      [100, 0.21974],
      [200, 0.11479],
      [500, 0.09844],
    ] as const) {
      expect(Math.abs(ratios.get(step)! - products.get(step)!) / products.get(step)!).toBeLessThan(1e-12);
      expect(ratios.get(step)!).toBeCloseTo(expected, 5);
    }
  });
});

describe("A5: annealed Gaussian oracle (spec §4), prior N(0,1) → N(3, 0.25), T = 5, h = 0.01, N = 5000", () => {
  /** RK4 for m′ = (μ_t − m)/s_t², v′ = 2 − 2v/s_t². */
  function rk4(target: (t: number) => { mu: number; s2: number }, T: number): { m: number; v: number } {
    const rhs = (t: number, m: number, v: number): [number, number] => {
      const { mu, s2 } = target(t);
      return [(mu - m) / s2, 2 - (2 * v) / s2];
    };
    let m = 0;
    let v = 1;
    const dt = 1e-3;
    for (let k = 0; k < Math.round(T / dt); k++) {
      const t = k * dt;
      const k1 = rhs(t, m, v);
      const k2 = rhs(t + dt / 2, m + (dt / 2) * k1[0], v + (dt / 2) * k1[1]);
      const k3 = rhs(t + dt / 2, m + (dt / 2) * k2[0], v + (dt / 2) * k2[1]);
      const k4 = rhs(t + dt, m + dt * k3[0], v + dt * k3[1]);
      m += (dt / 6) * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
      v += (dt / 6) * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
    }
    return { m, v };
  }
  const T = 5;
  const prior = gaussianTarget({ dim: 1 });
  const target = gaussianTarget({ dim: 1, mean: 3, variance: 0.25 });
  const lambda = (t: number): number => Math.min(1, t / T);
  const cases = [
    {
      name: "geometric",
      path: "geometric" as const,
      law: (t: number) => {
        const l = lambda(t);
        const precision = 1 - l + l / 0.25;
        return { mu: (l * 3) / 0.25 / precision, s2: 1 / precision };
      },
      reference: [2.95715, 0.25498],
    },
    {
      name: "dilation (exact 1/λ score)",
      path: "dilation" as const,
      variant: "exact" as const,
      law: (t: number) => {
        const l = Math.max(0.2, lambda(t));
        return { mu: l * 3, s2: l * l * 0.25 };
      },
      reference: [2.86311, 0.23835],
    },
    {
      name: "dilation (authors' reproduction variant)",
      path: "dilation" as const,
      variant: "reproduction" as const,
      law: (t: number) => {
        const l = Math.max(0.2, lambda(t));
        return { mu: l * 3, s2: l * 0.25 };
      },
      reference: [2.85714, 0.2439],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const exact = rk4(c.law, T);
      expect(exact.m).toBeCloseTo(c.reference[0]!, 4);
      expect(exact.v).toBeCloseTo(c.reference[1]!, 4);
      const kernel = annealedSbtm({
        prior,
        target,
        path: c.path,
        ...(c.variant === undefined ? {} : { dilationVariant: c.variant }),
        schedule: linearAnnealing({ duration: T }),
        learner: gaussianScoreLearner({ dim: 1 }),
        stepSize: 0.01,
      });
      const result = sampleChains(key(6), { kernel, initialState: kernel.init(normals(key(5), { count: 5000 })), steps: 500 });
      const got = meanVar(result.state.position);
      expect(Math.abs(got.m - exact.m)).toBeLessThan(1e-3);
      expect(Math.abs(got.v - exact.v)).toBeLessThan(1e-3);
    });
  }

  it("the annealed target's score is the score of the path's Gaussian at every λ", () => {
    const geo = annealedTarget({ prior, target, path: "geometric", schedule: linearAnnealing({ duration: T }) });
    const dil = annealedTarget({ target, path: "dilation", schedule: linearAnnealing({ duration: T }) });
    const rep = annealedTarget({ target, path: "dilation", dilationVariant: "reproduction", schedule: linearAnnealing({ duration: T }) });
    const x = new Float64Array([-1, 0.3, 2, 4]);
    for (const t of [0, 0.5, 2.5, 5, 7]) {
      for (const [tg, law] of [
        [geo, cases[0]!.law],
        [dil, cases[1]!.law],
        [rep, cases[2]!.law],
      ] as const) {
        const { mu, s2 } = law(t);
        const s = tg.score(x, t);
        for (let i = 0; i < x.length; i++) expect(s[i]).toBeCloseTo(-(x[i]! - mu) / s2, 12);
        // log-density consistent with the score (central differences)
        const e = 1e-5;
        const up = tg.logDensity!(x.map((z) => z + e), t);
        const down = tg.logDensity!(x.map((z) => z - e), t);
        for (let i = 0; i < x.length; i++) expect((up[i]! - down[i]!) / (2 * e)).toBeCloseTo(s[i]!, 6);
      }
    }
    expect(dil.lambda(0)).toBe(0.2);
  });
});

describe("sbtm kernel behaviour", () => {
  it("guards N < batch size (the authors' loop never terminates there): the whole set is the minibatch", () => {
    const learner = mlpScoreLearner(key(1), { dim: 1, batchSize: 100 });
    const before = learner.clone();
    const kernel = sbtm({ ...gaussianTarget({ dim: 1 }), learner, stepSize: 0.01, trainSteps: 1 });
    const x0 = normals(key(3), { count: 7 });
    const { info } = kernel.step(key(2), kernel.init(x0));
    expect(info.trainSteps).toBe(1);
    // the loss of the only minibatch is the full-set ISM loss at the parameters before the update
    const full = before.lossAndGradient(x0, { kind: "ism" }).loss;
    expect(Math.abs(info.loss - full)).toBeLessThan(1e-13 * Math.max(1, Math.abs(full)));
  });

  it("reports divergence instead of throwing, and the driver stops with the step number", () => {
    const kernel = probabilityFlow({
      dim: 1,
      score: (x, t) => x.map((z) => (t > 0.025 ? Number.NaN : -z)),
      densityScore: (x) => x.map(() => 0),
      stepSize: 0.01,
    });
    const result = sampleChains(key(0), { kernel, initialState: kernel.init(new Float64Array([1, 2])), steps: 10 });
    expect(result.status).toBe("non_finite");
    expect(result.failedStep).toBe(2);
    expect(result.stepsTaken).toBe(2);
  });

  it("rejects a learner of the wrong dimension", () => {
    expect(() => sbtm({ ...gaussianTarget({ dim: 2 }), learner: gaussianScoreLearner({ dim: 1 }), stepSize: 0.1 })).toThrow(ParabolicError);
  });
});
