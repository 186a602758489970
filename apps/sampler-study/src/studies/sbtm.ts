import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { foldIn, key, normals, randomStream, throwIfAborted, type Key } from "@parabolic/core";
import { gaussianFitKl, gaussianKde1d, kdeKlVsSamples, modeProportions } from "@parabolic/metrics";
import {
  annealedSbtm,
  annealedUla,
  gaussianDiscreteLaw,
  gaussianFlow,
  gaussianKl1d,
  gaussianMixtureTarget,
  gaussianScoreLearner,
  gaussianTarget,
  linearAnnealing,
  mlpScoreLearner,
  pretrainScoreLearner,
  probabilityFlow,
  sampleChains,
  sbtm,
  svgd,
  ula,
  type BaseInfo,
  type BaseState,
  type FlowInfo,
  type GaussianScheme,
  type SamplingKernel,
  type Target,
} from "@parabolic/samplers";
import { fmt, table } from "../markdown.js";
import { writePlot } from "../render.js";
import type { StudyContext, StudyDescriptor, StudyOptionValues, StudyResult } from "../study.js";
import { seriesPlot, snapshotPlot, trajectoryPlot, type SeriesRow } from "./sbtm-plots.js";

type Size = "ci" | "full";
type Method = "ula" | "sbtm" | "svgd";
type Path = "none" | "geometric" | "dilation";

const CONFIG = {
  ci: {
    r1: { Ns: [300, 1000], h: 0.01, svgdNs: [300] },
    r2: { Ns: [1000] },
    r3: { N: 1000, paths: ["none", "geometric"] as Path[], methods: ["sbtm", "ula"] as Method[] },
    r6: { steps: 300 },
  },
  full: {
    r1: { Ns: [100, 300, 1000, 3000, 10000], h: 0.002, svgdNs: [100, 300, 1000, 3000] },
    r2: { Ns: [1000, 5000] },
    r3: { N: 1000, paths: ["none", "geometric", "dilation"] as Path[], methods: ["sbtm", "ula", "svgd"] as Method[] },
    r6: { steps: 5000 },
  },
} as const;

const K = (t: number): number => 1 - Math.exp(-2 * t);

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** −dKL/dt by forward differences of a KL series, NaNs → max, clipped to [1e-5, 1e4], EMA 0.5 (the authors' recipe). */
function dissipationFromKl(ts: readonly number[], kl: readonly number[]): number[] {
  const raw: number[] = [];
  for (let i = 0; i + 1 < kl.length; i++) raw.push(-(kl[i + 1]! - kl[i]!) / (ts[i + 1]! - ts[i]!));
  const finite = raw.filter(Number.isFinite);
  const max = finite.length > 0 ? Math.max(...finite) : 1;
  const out: number[] = [];
  let ema = Number.NaN;
  for (const r of raw) {
    const v = Math.min(1e4, Math.max(1e-5, Number.isFinite(r) ? r : max));
    ema = Number.isNaN(ema) ? v : 0.5 * ema + 0.5 * v;
    out.push(ema);
  }
  return out;
}

/** Runs a kernel for `steps` steps, calling `record` on the state BEFORE each recorded step (and once at the end). */
function drive<S extends BaseState, I extends BaseInfo>(
  k: Key,
  kernel: SamplingKernel<S, I>,
  x0: Float64Array,
  steps: number,
  every: number,
  record: (state: S, info: I | undefined) => void,
  context: StudyContext,
  label: string,
): void {
  const result = sampleChains(k, {
    kernel,
    initialState: kernel.init(x0),
    steps,
    signal: context.signal,
    progressLabel: label,
    onProgress: context.onProgress,
    onStep: ({ previous, info }) => {
      if (previous.step % every === 0) record(previous, info);
    },
  });
  if (result.status !== "success") throw new Error(`${label}: sampler stopped with status ${result.status} at step ${result.failedStep}`);
  if (steps % every === 0) record(result.state, undefined);
}

function learnedSbtm(k: Key, target: Target, x0: Float64Array, priorScore: Target["score"], h: number, annealing?: { prior: Target; path: Exclude<Path, "none">; T: number }) {
  const learner = mlpScoreLearner(foldIn(k, 0), { dim: target.dim });
  pretrainScoreLearner(foldIn(k, 1), { learner, points: x0.subarray(0, Math.min(x0.length, 1000 * target.dim)), score: priorScore });
  if (annealing === undefined) return sbtm({ ...target, learner, stepSize: h });
  return annealedSbtm({ prior: annealing.prior, target, path: annealing.path, schedule: linearAnnealing({ duration: annealing.T }), learner, stepSize: h });
}

// ------------------------------------------------------------------------------------------------------------ R1
async function r1(size: Size, seed: number, context: StudyContext, files: string[]) {
  const cfg = CONFIG[size].r1;
  const T = 2.5;
  const h = cfg.h;
  const steps = Math.round(T / h);
  const every = Math.max(1, Math.round(0.05 / h));
  const target = gaussianTarget({ dim: 1 });
  const v0 = K(0.1);
  const prior = gaussianTarget({ dim: 1, variance: v0 });
  const reference = normals(foldIn(key(seed), 42), { count: 10000 });
  const exactKl = (t: number): number => gaussianKl1d({ mean: 0, variance: K(t + 0.1) });
  const exactFisher = (t: number): number => {
    const v = K(t + 0.1);
    return v * (1 - 1 / v) ** 2;
  };
  const table1: Array<{ method: Method; N: number; kdeKl: number; gaussKl: number; cpuSeconds: number }> = [];
  const floors: Array<{ N: number; kdeKl: number; gaussKl: number }> = [];
  const klRows: SeriesRow[] = [];
  const fisherRows: SeriesRow[] = [];
  const trajectories: { t: number; x: number; particle: number; method: string }[] = [];
  const trajN = (cfg.Ns as readonly number[]).includes(1000) ? 1000 : cfg.Ns[cfg.Ns.length - 1]!;
  for (const N of cfg.Ns) {
    throwIfAborted(context.signal, "sbtm r1");
    const x0 = normals(foldIn(key(seed), N), { count: N }).map((z) => Math.sqrt(v0) * z);
    const fT = normals(foldIn(key(seed), 7 * N), { count: N }).map((z) => Math.sqrt(K(T + 0.1)) * z);
    floors.push({ N, kdeKl: kdeKlVsSamples(fT, { reference }), gaussKl: gaussianFitKl(fT, { dim: 1 }) });
    const methods: Method[] = ["ula", "sbtm", ...((cfg.svgdNs as readonly number[]).includes(N) ? (["svgd"] as const) : [])];
    for (const method of methods) {
      const ts: number[] = [];
      const kde: number[] = [];
      const fisher: number[] = [];
      let last = { kde: Number.NaN, gauss: Number.NaN };
      const c0 = cpuSeconds();
      const record = (state: BaseState, info: BaseInfo | undefined): void => {
        const kdeKl = kdeKlVsSamples(state.position, { reference });
        const gaussKl = gaussianFitKl(state.position, { dim: 1 });
        ts.push(state.time);
        kde.push(kdeKl);
        if (method === "sbtm" && info !== undefined) fisher.push((info as FlowInfo).relativeFisher);
        klRows.push({ t: state.time, value: kdeKl, series: `${method} (KDE-KL)`, panel: `N = ${N}` });
        klRows.push({ t: state.time, value: gaussKl, series: `${method} (Gaussian-fit KL)`, panel: `N = ${N}` });
        last = { kde: kdeKl, gauss: gaussKl };
        if (N === trajN && method !== "svgd") for (let p = 0; p < 5; p++) trajectories.push({ t: state.time, x: state.position[p]!, particle: p, method });
      };
      const k = foldIn(foldIn(key(seed), N), method === "ula" ? 1 : method === "sbtm" ? 2 : 3);
      if (method === "ula") drive(k, ula({ ...target, stepSize: h }), x0, steps, every, record, context, `R1 ULA N=${N}`);
      else if (method === "svgd") drive(k, svgd({ ...target, stepSize: h }), x0, steps, every, record, context, `R1 SVGD N=${N}`);
      else drive(k, learnedSbtm(k, target, x0, prior.score, h), x0, steps + 1, every, record, context, `R1 SBTM N=${N}`);
      table1.push({ method, N, kdeKl: last.kde, gaussKl: last.gauss, cpuSeconds: cpuSeconds() - c0 });
      if (method === "sbtm" && N === trajN) {
        const d = dissipationFromKl(ts, kde);
        for (let i = 0; i < d.length; i++) fisherRows.push({ t: ts[i]!, value: d[i]!, series: "−dKL/dt (KDE-KL, EMA 0.5)" });
        for (let i = 0; i < fisher.length; i++) fisherRows.push({ t: ts[i]!, value: fisher[i]!, series: "SBTM Î_t (learned score)" });
      }
    }
    for (let t = 0; t <= T + 1e-9; t += 0.05) klRows.push({ t, value: exactKl(t), series: "exact KL (K(t+0.1))", panel: `N = ${N}` });
  }
  for (let t = 0; t <= T + 1e-9; t += 0.05) fisherRows.push({ t, value: exactFisher(t), series: "exact I(f_t‖π)" });
  files.push(...(await writePlot(context.outDir, "sbtm-r1-kl", seriesPlot({ title: "R1: KL(t), N(0, K(0.1)) → N(0, 1)", subtitle: `h = ${h}; dashed: exact flow`, rows: klRows, yTitle: "KL(f_t‖π)", logY: true }))));
  files.push(...(await writePlot(context.outDir, "sbtm-r1-fisher", seriesPlot({ title: "R1: entropy dissipation", subtitle: `N = ${trajN}: −dKL/dt from the KDE estimator vs SBTM's built-in Î_t vs exact I`, rows: fisherRows, yTitle: "−dKL/dt", logY: true }))));
  files.push(...(await writePlot(context.outDir, "sbtm-r1-trajectories", trajectoryPlot(trajectories, `R1: five particle trajectories, N = ${trajN}`))));
  return { config: { T, h, steps, Ns: cfg.Ns, svgdNs: cfg.svgdNs, priorVariance: v0 }, exactKlT: exactKl(T), final: table1, floors };
}

// ------------------------------------------------------------------------------------------------------------ R2
async function r2(size: Size, seed: number, context: StudyContext) {
  const T = 5;
  const times = [1, 2, 5];
  const flow = gaussianFlow({ variance0: 10 });
  const exact = times.map((t) => flow.kl(t));
  const recursions: Array<{ scheme: GaussianScheme; h: number; kl: number[] }> = [];
  for (const h of [0.1, 0.01]) {
    for (const scheme of ["euler-exact-score", "euler-current-law", "heun-current-law", "ula"] as GaussianScheme[]) {
      const law = gaussianDiscreteLaw({ scheme, variance0: 10, stepSize: h, steps: Math.round(T / h) });
      recursions.push({ scheme, h, kl: times.map((t) => gaussianKl1d({ mean: law.means[Math.round(t / h)]!, variance: law.variances[Math.round(t / h)]! })) });
    }
  }
  const target = gaussianTarget({ dim: 1 });
  const prior = gaussianTarget({ dim: 1, variance: 10 });
  const particles: Array<{ method: string; N: number; h: number; kl: number[] }> = [];
  for (const N of CONFIG[size].r2.Ns) {
    for (const h of [0.1, 0.01]) {
      throwIfAborted(context.signal, "sbtm r2");
      const steps = Math.round(T / h);
      const x0 = normals(foldIn(key(seed), 100 * N + 1), { count: N }).map((z) => Math.sqrt(10) * z);
      const kernels: Array<[string, () => SamplingKernel<BaseState, BaseInfo>, number]> = [
        ["ULA", () => ula({ ...target, stepSize: h }) as unknown as SamplingKernel<BaseState, BaseInfo>, steps],
        ["ODE, exact continuous score", () => probabilityFlow({ ...target, densityScore: (x, t) => x.map((z) => -z / flow.variance(t)), stepSize: h }) as unknown as SamplingKernel<BaseState, BaseInfo>, steps],
        ["SBTM, empirical-Gaussian score", () => sbtm({ ...target, learner: gaussianScoreLearner({ dim: 1 }), stepSize: h }) as unknown as SamplingKernel<BaseState, BaseInfo>, steps],
        ["SBTM, learned MLP", () => learnedSbtm(foldIn(key(seed), N + 5), target, x0, prior.score, h) as unknown as SamplingKernel<BaseState, BaseInfo>, steps],
      ];
      for (const [method, make, n] of kernels) {
        const kl: number[] = [];
        drive(foldIn(key(seed), N + 11), make(), x0, n, 1, (state) => {
          if (times.some((t) => Math.abs(t - state.time) < 1e-9)) kl.push(gaussianFitKl(state.position, { dim: 1 }));
        }, context, `R2 ${method} N=${N} h=${h}`);
        particles.push({ method, N, h, kl });
      }
    }
  }
  const ulaBias = [0.5, 0.2, 0.1, 0.05, 0.01].map((h) => {
    const v = 1 / (1 - h / 2);
    return { h, stationaryVariance: v, klInfinity: gaussianKl1d({ mean: 0, variance: v }), hSquaredOver16: (h * h) / 16 };
  });
  return { times, exact, recursions, particles, ulaBias };
}

// ------------------------------------------------------------------------------------------------------------ R3
function mixtureDraws(k: Key, a: number, count: number): Float64Array {
  const z = normals(k, { count });
  const s = randomStream(foldIn(k, 1));
  return z.map((v) => v + (s.nextDouble() < 0.25 ? -a : a));
}

async function r3(size: Size, seed: number, context: StudyContext, files: string[]) {
  const cfg = CONFIG[size].r3;
  const T = 10;
  const h = 0.01;
  const steps = Math.round(T / h);
  const prior = gaussianTarget({ dim: 1 });
  const rows: Array<{ a: number; path: Path; method: Method; kl: Record<string, number>; massLeft: number; cpuSeconds: number }> = [];
  const massRows: SeriesRow[] = [];
  const snapshotRows: { x: number; density: number; series: string; panel: string }[] = [];
  const dissipationRows: SeriesRow[] = [];
  const grid = Array.from({ length: 161 }, (_, i) => -8 + i * 0.1);
  for (const a of [2, 4]) {
    const target = gaussianMixtureTarget({ dim: 1, means: [-a, a], weights: [0.25, 0.75] });
    const reference = mixtureDraws(foldIn(key(seed), 4242 + a), a, 10000);
    const density = target.logDensity!(Float64Array.from(grid), 0);
    for (const t of [0, 1, 3, 10]) for (let i = 0; i < grid.length; i++) snapshotRows.push({ x: grid[i]!, density: Math.exp(density[i]!), series: "target", panel: `a = ${a}, t = ${t}` });
    for (let t = 0; t <= T; t += 1) massRows.push({ t, value: a === 2 ? 0.26137 : 0.25002, series: "target π(x<0)", panel: `a = ${a}` });
    const x0 = normals(foldIn(key(seed), 7 * a + cfg.N), { count: cfg.N });
    for (const path of cfg.paths) {
      for (const method of cfg.methods) {
        throwIfAborted(context.signal, "sbtm r3");
        if (method === "svgd" && path !== "none") continue;
        const kl: Record<string, number> = {};
        let massLeft = Number.NaN;
        const ts: number[] = [];
        const fisher: number[] = [];
        const kdes: number[] = [];
        const record = (state: BaseState, info: BaseInfo | undefined): void => {
          const t = Math.round(state.time * 1000) / 1000;
          const mass = modeProportions(state.position, { dim: 1, modes: new Float64Array([-a, a]) }).proportions[0]!;
          massRows.push({ t, value: mass, series: `${method}, ${path}`, panel: `a = ${a}` });
          massLeft = mass;
          if (path === "none" && method === "sbtm" && a === 2 && info !== undefined) {
            ts.push(t);
            fisher.push((info as FlowInfo).dissipation);
            kdes.push(kdeKlVsSamples(state.position, { reference }));
          }
          if ([1, 3, 10].includes(t)) kl[String(t)] = kdeKlVsSamples(state.position, { reference });
          if (path === "none" && method !== "svgd" && [0, 1, 3, 10].includes(t)) {
            const kde = gaussianKde1d(state.position);
            for (const x of grid) snapshotRows.push({ x, density: kde.pdf(x), series: method, panel: `a = ${a}, t = ${t}` });
          }
        };
        const k = foldIn(foldIn(key(seed), a), 31 * cfg.paths.indexOf(path) + cfg.methods.indexOf(method));
        const c0 = cpuSeconds();
        const label = `R3 a=${a} ${method} ${path}`;
        const annealed = path === "none" ? undefined : { prior, path, T };
        if (method === "sbtm") drive(k, learnedSbtm(k, target, x0, prior.score, h, annealed), x0, steps + 1, 10, record, context, label);
        else if (method === "ula") {
          const kernel = annealed === undefined ? ula({ ...target, stepSize: h }) : annealedUla({ prior, target, path: annealed.path, schedule: linearAnnealing({ duration: T }), stepSize: h });
          drive(k, kernel, x0, steps, 10, record, context, label);
        } else drive(k, svgd({ ...target, stepSize: h }), x0, steps, 10, record, context, label);
        rows.push({ a, path, method, kl, massLeft, cpuSeconds: cpuSeconds() - c0 });
        if (ts.length > 0) {
          const d = dissipationFromKl(ts, kdes);
          for (let i = 0; i < d.length; i++) dissipationRows.push({ t: ts[i]!, value: d[i]!, series: "−dKL/dt (KDE-KL, EMA 0.5)" });
          for (let i = 0; i < fisher.length; i++) dissipationRows.push({ t: ts[i]!, value: fisher[i]!, series: "SBTM Î_t" });
        }
      }
    }
  }
  files.push(...(await writePlot(context.outDir, "sbtm-r3-mass", seriesPlot({ title: "R3: mode mass π(x<0) over time", subtitle: "0.25N(−a,1)+0.75N(a,1) from N(0,1); the far mixture (a = 4) stays metastable near 0.45 without annealing", rows: massRows, yTitle: "fraction of particles with x < 0" }))));
  files.push(...(await writePlot(context.outDir, "sbtm-r3-snapshots", snapshotPlot(snapshotRows, "R3: KDE snapshots (non-annealed)"))));
  files.push(...(await writePlot(context.outDir, "sbtm-r3-dissipation", seriesPlot({ title: "R3: entropy dissipation, near mixture (a = 2), SBTM", subtitle: "−dKL/dt from the KDE estimator vs the built-in Î_t", rows: dissipationRows, yTitle: "−dKL/dt", logY: true }))));
  return { config: { N: cfg.N, T, h, paths: cfg.paths, methods: cfg.methods }, targetMassLeft: { 2: 0.26137, 4: 0.25002 }, rows };
}

// ------------------------------------------------------------------------------------------------------------ R6
async function r6(size: Size, seed: number, context: StudyContext, files: string[]) {
  const steps = CONFIG[size].r6.steps;
  const target = gaussianMixtureTarget({ dim: 2, means: [-2.5, 0, 2.5, 0] });
  const n = 4096;
  const z = normals(foldIn(key(seed), 66), { count: 2 * n });
  const s = randomStream(foldIn(key(seed), 67));
  for (let i = 0; i < n; i++) z[2 * i] = z[2 * i]! + (s.nextDouble() < 0.5 ? -2.5 : 2.5);
  const truth = target.score(z, 0);
  let norm = 0;
  for (const v of truth) norm += v * v;
  norm /= n;
  const relMse = (pred: Float64Array): number => {
    let e = 0;
    for (let i = 0; i < pred.length; i++) e += (pred[i]! - truth[i]!) ** 2;
    return e / n / norm;
  };
  // KDE score baseline: score of the Gaussian KDE with a Scott bandwidth per coordinate (isotropic, pooled).
  const bw = Math.pow(n, -1 / 6) * Math.sqrt((variance(z, 0) + variance(z, 1)) / 2);
  const kdeScore = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    let w = 0;
    let g0 = 0;
    let g1 = 0;
    for (let j = 0; j < n; j++) {
      const d0 = z[2 * j]! - z[2 * i]!;
      const d1 = z[2 * j + 1]! - z[2 * i + 1]!;
      const k = Math.exp(-(d0 * d0 + d1 * d1) / (2 * bw * bw));
      w += k;
      g0 += k * d0;
      g1 += k * d1;
    }
    kdeScore[2 * i] = g0 / (w * bw * bw);
    kdeScore[2 * i + 1] = g1 / (w * bw * bw);
  }
  const kdeError = relMse(kdeScore);
  const rows: SeriesRow[] = [];
  const finals: Array<{ estimator: string; relativeMse: number; cpuSeconds: number }> = [{ estimator: "KDE score (Scott)", relativeMse: kdeError, cpuSeconds: 0 }];
  const probePoints = new Float64Array(40);
  for (let i = 0; i < 20; i++) {
    probePoints[2 * i] = -5 + 2.5 * (i % 5);
    probePoints[2 * i + 1] = -1.5 + Math.floor(i / 5);
  }
  const quiver: Record<string, number[]> = { points: Array.from(probePoints), truth: Array.from(target.score(probePoints, 0)) };
  for (const [name, divergence] of [
    ["ISM, exact divergence", "exact"],
    ["ISM, Hutchinson (1 Rademacher probe)", "hutchinson"],
  ] as const) {
    const learner = mlpScoreLearner(foldIn(key(seed), 68), { dim: 2, divergence, batchSize: 1024, learningRate: 1e-3, weightDecay: 0 });
    const c0 = cpuSeconds();
    for (let step = 0; step <= steps; step += 25) {
      throwIfAborted(context.signal, "sbtm r6");
      rows.push({ t: step, value: relMse(learner.predict(z)), series: name });
      context.onProgress({ label: `R6 ${name}`, completed: step, total: steps });
      if (step < steps) learner.fit(foldIn(foldIn(key(seed), 69), step), z, { steps: 25 });
    }
    finals.push({ estimator: name, relativeMse: rows[rows.length - 1]!.value, cpuSeconds: cpuSeconds() - c0 });
    quiver[name] = Array.from(learner.predict(probePoints));
  }
  for (const step of [0, steps]) rows.push({ t: step, value: kdeError, series: "KDE score (Scott)" });
  files.push(...(await writePlot(context.outDir, "sbtm-r6-mse", seriesPlot({ title: "R6: score estimators on 0.5N((−2.5,0),I)+0.5N((2.5,0),I)", subtitle: `${n} samples, batch 1024, Adam lr 1e-3: explicit relative MSE to the true score`, rows, yTitle: "E‖s − ∇log π‖² / E‖∇log π‖²", logY: true, xTitle: "optimiser step" }))));
  return { config: { samples: n, steps, batch: 1024, learningRate: 1e-3, kdeBandwidth: bw }, finals, notImplemented: ["sliced score matching", "denoising score matching"], quiver };
}

function variance(z: Float64Array, c: number): number {
  const n = z.length / 2;
  let m = 0;
  for (let i = 0; i < n; i++) m += z[2 * i + c]!;
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (z[2 * i + c]! - m) ** 2;
  return v / (n - 1);
}

// ------------------------------------------------------------------------------------------------------------ study
type R1 = Awaited<ReturnType<typeof r1>>;
type R2 = Awaited<ReturnType<typeof r2>>;
type R3 = Awaited<ReturnType<typeof r3>>;
type R6 = Awaited<ReturnType<typeof r6>>;

function markdown(doc: { size: Size; seed: number; r1?: R1; r2?: R2; r3?: R3; r6?: R6; cpuSeconds: number }): string {
  const out: string[] = [`# SBTM study (${doc.size} size, seed ${doc.seed})`, "", `CPU time ${doc.cpuSeconds.toFixed(1)} s. Numbers are from one seed; see sbtm.md §7–§11 for the reference values.`, ""];
  if (doc.r1) {
    const r = doc.r1;
    out.push(`## R1: Gaussian "analytic" example, N(0, K(0.1)) → N(0, 1), h = ${r.config.h}, T = 2.5 (exact KL(T) = ${fmt(r.exactKlT)})`, "");
    out.push(table(["method", "N", "KDE-KL(T)", "Gaussian-fit KL(T)", "CPU s"], r.final.map((x) => [x.method, String(x.N), fmt(x.kdeKl), fmt(x.gaussKl), x.cpuSeconds.toFixed(1)])));
    out.push("", "Estimator floors (N iid draws of the exact f_T):", "", table(["N", "KDE-KL", "Gaussian-fit KL"], r.floors.map((f) => [String(f.N), fmt(f.kdeKl), fmt(f.gaussKl)])), "");
  }
  if (doc.r2) {
    const r = doc.r2;
    out.push("## R2: closed-form oracle, N(0,10) → N(0,1), Gaussian-fit KL at t = 1, 2, 5", "");
    const rows: string[][] = [["exact flow", "–", "–", ...r.exact.map((v) => fmt(v))]];
    for (const x of r.recursions) rows.push([`recursion: ${x.scheme}`, String(x.h), "∞", ...x.kl.map((v) => fmt(v))]);
    for (const x of r.particles) rows.push([x.method, String(x.h), String(x.N), ...x.kl.map((v) => fmt(v))]);
    out.push(table(["scheme", "h", "N", "KL(1)", "KL(2)", "KL(5)"], rows), "");
    out.push(table(["h", "ULA v∞", "KL∞", "h²/16"], r.ulaBias.map((b) => [String(b.h), fmt(b.stationaryVariance), fmt(b.klInfinity), fmt(b.hSquaredOver16)])), "");
  }
  if (doc.r3) {
    const r = doc.r3;
    out.push(`## R3: 1-D mixtures 0.25N(−a,1) + 0.75N(a,1), prior N(0,1), N = ${r.config.N}, h = 0.01, T = 10 (authors' KDE-KL)`, "");
    out.push(table(["a", "path", "method", "KL t=1", "KL t=3", "KL t=10", "mass(x<0) at T (target)", "CPU s"], r.rows.map((x) => [String(x.a), x.path, x.method, fmt(x.kl["1"] ?? Number.NaN), fmt(x.kl["3"] ?? Number.NaN), fmt(x.kl["10"] ?? Number.NaN), `${fmt(x.massLeft, 3)} (${x.a === 2 ? "0.261" : "0.250"})`, x.cpuSeconds.toFixed(1)])), "");
  }
  if (doc.r6) {
    const r = doc.r6;
    out.push(`## R6: score estimators, 2-D two-mode mixture, ${r.config.samples} samples, ${r.config.steps} Adam steps`, "");
    out.push(table(["estimator", "relative MSE to the true score", "CPU s"], r.finals.map((f) => [f.estimator, fmt(f.relativeMse), f.cpuSeconds.toFixed(1)])), "");
    out.push(`Not run: ${r.notImplemented.join(", ")} (the built-in learner implements exact and Hutchinson ISM only).`, "");
  }
  return out.join("\n");
}

async function runSbtmStudy(options: StudyOptionValues, context: StudyContext): Promise<StudyResult> {
  const size = options["size"] as string;
  if (size !== "ci" && size !== "full") throw new Error(`sbtm: --size must be 'ci' or 'full'; got '${size}'.`);
  const seed = options["seed"] as number;
  const wanted = new Set(String(options["experiments"]).split(",").map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0));
  for (const w of wanted) if (!["r1", "r2", "r3", "r6"].includes(w)) throw new Error(`sbtm: unknown experiment '${w}' (choose from r1, r2, r3, r6).`);
  const c0 = cpuSeconds();
  const files: string[] = ["sbtm.json", "sbtm.md"];
  const doc: { study: "sbtm"; version: 1; size: Size; seed: number; cpuSeconds: number; r1?: R1; r2?: R2; r3?: R3; r6?: R6; files: string[] } = {
    study: "sbtm",
    version: 1,
    size,
    seed,
    cpuSeconds: 0,
    files,
  };
  if (wanted.has("r1")) {
    context.log("sbtm: R1 (Gaussian analytic example)");
    doc.r1 = await r1(size, seed, context, files);
  }
  if (wanted.has("r2")) {
    context.log("sbtm: R2 (closed-form oracle)");
    doc.r2 = await r2(size, seed, context);
  }
  if (wanted.has("r3")) {
    context.log("sbtm: R3 (1-D mixtures)");
    doc.r3 = await r3(size, seed, context, files);
  }
  if (wanted.has("r6")) {
    context.log("sbtm: R6 (score estimators)");
    doc.r6 = await r6(size, seed, context, files);
  }
  doc.cpuSeconds = cpuSeconds() - c0;
  const md = markdown(doc);
  await writeFile(join(context.outDir, "sbtm.json"), `${JSON.stringify(doc, null, 2)}\n`);
  await writeFile(join(context.outDir, "sbtm.md"), md);
  return { json: doc, summary: md, files };
}

/** The `sbtm` study: R1–R3 and R6 of sbtm.md §11 (CI size by default, the authors' sizes with `--size full`). */
export const sbtmStudy: StudyDescriptor = {
  name: "sbtm",
  summary:
    "SBTM vs ULA/SVGD (sbtm.md §11): R1 Gaussian example (KL(t) vs exact flow, Fisher diagnostic, trajectories), R2 closed-form " +
    "oracle tables, R3 1-D mixtures (mode mass, metastability, annealing), R6 score estimators. Writes sbtm.json, sbtm.md and plots.",
  options: [
    { name: "size", kind: "string", default: "ci", description: "'ci' (minutes on one core) or 'full' (the authors' sizes; hours)" },
    { name: "experiments", kind: "string", default: "r1,r2,r3,r6", description: "comma-separated subset of r1, r2, r3, r6" },
    { name: "seed", kind: "integer", default: 1, min: -(2 ** 53 - 1), max: 2 ** 53 - 1, description: "PRNG seed" },
  ],
  run: runSbtmStudy,
};
