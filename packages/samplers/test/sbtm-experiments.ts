/**
 * Experiment runners shared by the statistical tests (CI size) and packages/samplers/scripts/acceptance.ts (full
 * size): the spec's B4/B5 Gaussian runs and B7/B8 mixture runs, written against the public API.
 */
import { foldIn, key, normals, randomStream, type Key } from "@parabolic/core";
import { gaussianFitKl, kdeKlVsSamples, modeProportions } from "@parabolic/metrics";
import {
  annealedSbtm,
  annealedUla,
  gaussianFlow,
  gaussianMixtureTarget,
  gaussianTarget,
  linearAnnealing,
  mlpScoreLearner,
  pretrainScoreLearner,
  sampleChains,
  sbtm,
  ula,
  type Target,
} from "@parabolic/samplers";
import { meanVar } from "./moments.js";

export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}


/** One record of a Gaussian run at time t. */
export type GaussianRecord = {
  t: number;
  exactKl: number;
  gaussKl: number;
  kdeKl: number;
  /** SBTM only: Î_t, exact I, score rel. MSE vs the current-law score, ISM loss, −1/v̂. */
  fisher?: number;
  exactFisher?: number;
  /** Relative Fisher information of the particles' moment-matched Gaussian: v̂(1 − 1/v̂)² + m̂². */
  particleFisher?: number;
  relMse?: number;
  loss?: number;
  optimum?: number;
};

export type GaussianRun = { records: GaussianRecord[]; pretrainCpu: number; samplingCpu: number; pretrainSteps: number; pretrainRelError: number };

const STEP_TIMES = [0.5, 1, 2, 3, 5];

/** The B4/B5 setting: N(0, v0) → N(0, 1), h, T, the exact flow and the seeded initial cloud (shared by SBTM and ULA). */
function gaussianSetting(options: { N: number; seed: number; h?: number; T?: number; v0?: number }) {
  const v0 = options.v0 ?? 10;
  return {
    h: options.h ?? 0.01,
    T: options.T ?? 5,
    v0,
    flow: gaussianFlow({ variance0: v0 }),
    x0: normals(key(100 * options.seed + options.N), { count: options.N }).map((z) => Math.sqrt(v0) * z),
  };
}

/** N(0, v0) → N(0, 1) with learned SBTM (spec B4/B5): records at t ∈ {0.5, 1, 2, 3, 5}. */
export function runGaussianSbtm(options: {
  N: number;
  seed: number;
  h?: number;
  T?: number;
  v0?: number;
  width?: number;
  activation?: "tanh" | "softsign";
  reference: Float64Array;
}): GaussianRun {
  const { N, seed } = options;
  const { h, T, v0, flow, x0 } = gaussianSetting(options);
  const runKey = key(seed);
  const c0 = cpuSeconds();
  const learner = mlpScoreLearner(foldIn(runKey, 0), { dim: 1, width: options.width ?? 32, activation: options.activation ?? "tanh" });
  const pre = pretrainScoreLearner(foldIn(runKey, 1), {
    learner,
    points: x0.subarray(0, Math.min(N, 1000)),
    score: gaussianTarget({ dim: 1, variance: v0 }).score,
  });
  const c1 = cpuSeconds();
  const kernel = sbtm({ ...gaussianTarget({ dim: 1 }), learner, stepSize: h });
  const records: GaussianRecord[] = [];
  const steps = Math.round(T / h);
  sampleChains(foldIn(runKey, 2), {
    kernel,
    initialState: kernel.init(x0),
    steps: steps + 1, // the last step only trains and measures at t = T
    onStep: ({ previous, info }) => {
      const t = previous.time;
      if (!STEP_TIMES.some((s) => Math.abs(s - t) < 1e-9)) return;
      const x = previous.position;
      const { m, v } = meanVar(x);
      let err = 0;
      let norm = 0;
      for (let i = 0; i < x.length; i++) {
        const e = -(x[i]! - m) / v;
        err += (info.learnedScore[i]! - e) ** 2;
        norm += e * e;
      }
      records.push({
        t,
        exactKl: flow.kl(t),
        gaussKl: gaussianFitKl(x, { dim: 1 }),
        kdeKl: kdeKlVsSamples(x, { reference: options.reference }),
        fisher: info.relativeFisher,
        exactFisher: flow.fisher(t),
        particleFisher: v * (1 - 1 / v) ** 2 + m * m,
        relMse: err / norm,
        loss: info.loss,
        optimum: -1 / v,
      });
    },
  });
  return { records, pretrainCpu: c1 - c0, samplingCpu: cpuSeconds() - c1, pretrainSteps: pre.steps, pretrainRelError: pre.relativeError };
}

/** The ULA baseline of B4 from the same initial particles. */
export function runGaussianUla(options: { N: number; seed: number; h?: number; T?: number; v0?: number; reference: Float64Array }): GaussianRecord[] {
  const { seed } = options;
  const { h, T, flow, x0 } = gaussianSetting(options);
  const kernel = ula({ ...gaussianTarget({ dim: 1 }), stepSize: h });
  const records: GaussianRecord[] = [];
  sampleChains(key(seed + 999), {
    kernel,
    initialState: kernel.init(x0),
    steps: Math.round(T / h),
    onStep: ({ state }) => {
      if (!STEP_TIMES.some((s) => Math.abs(s - state.time) < 1e-9)) return;
      records.push({
        t: state.time,
        exactKl: flow.kl(state.time),
        gaussKl: gaussianFitKl(state.position, { dim: 1 }),
        kdeKl: kdeKlVsSamples(state.position, { reference: options.reference }),
      });
    },
  });
  return records;
}

/** 0.25 N(−a, 1) + 0.75 N(a, 1) and exact draws of it. */
export function farOrNearMixture(a: number): Target {
  return gaussianMixtureTarget({ dim: 1, means: [-a, a], weights: [0.25, 0.75] });
}

export function mixtureDraws(k: Key, a: number, count: number): Float64Array {
  const z = normals(k, { count });
  const s = randomStream(foldIn(k, 1));
  return z.map((v) => v + (s.nextDouble() < 0.25 ? -a : a));
}

export type MixtureRun = { kl: Record<number, number>; massLeft: Record<number, number>; cpu: number };

/** Spec B7/B8 (R3): prior N(0,1) → 0.25N(−a,1)+0.75N(a,1), h = 0.01, T = 10, SBTM or ULA, optional annealing. */
export function runMixture(options: {
  a: number;
  N: number;
  seed: number;
  method: "sbtm" | "ula";
  path?: "none" | "geometric" | "dilation";
  T?: number;
  h?: number;
  reference: Float64Array;
  times?: number[];
}): MixtureRun {
  const { a, N, seed } = options;
  const h = options.h ?? 0.01;
  const T = options.T ?? 10;
  const times = options.times ?? [1, 3, T];
  const target = farOrNearMixture(a);
  const prior = gaussianTarget({ dim: 1 });
  const x0 = normals(key(7 * seed + N), { count: N });
  const path = options.path ?? "none";
  const kl: Record<number, number> = {};
  const massLeft: Record<number, number> = {};
  const record = (t: number, x: Float64Array): void => {
    if (!times.some((s) => Math.abs(s - t) < 1e-9)) return;
    kl[Math.round(t * 1000) / 1000] = kdeKlVsSamples(x, { reference: options.reference });
    massLeft[Math.round(t * 1000) / 1000] = modeProportions(x, { dim: 1, modes: new Float64Array([-a, a]) }).proportions[0]!;
  };
  const c0 = cpuSeconds();
  const runKey = key(seed + (options.method === "sbtm" ? 0 : 555));
  const schedule = linearAnnealing({ duration: T });
  if (options.method === "sbtm") {
    const learner = mlpScoreLearner(foldIn(runKey, 0), { dim: 1 });
    pretrainScoreLearner(foldIn(runKey, 1), { learner, points: x0.subarray(0, Math.min(N, 1000)), score: prior.score });
    const kernel =
      path === "none"
        ? sbtm({ ...target, learner, stepSize: h })
        : annealedSbtm({ prior, target, path, schedule, learner, stepSize: h });
    sampleChains(foldIn(runKey, 2), { kernel, initialState: kernel.init(x0), steps: Math.round(T / h), onStep: ({ state }) => record(state.time, state.position) });
  } else {
    const kernel = path === "none" ? ula({ ...target, stepSize: h }) : annealedUla({ prior, target, path, schedule, stepSize: h });
    sampleChains(foldIn(runKey, 2), { kernel, initialState: kernel.init(x0), steps: Math.round(T / h), onStep: ({ state }) => record(state.time, state.position) });
  }
  return { kl, massLeft, cpu: cpuSeconds() - c0 };
}
