/**
 * Full-size versions of the SBTM specification's statistical acceptance tests (sbtm.md §10 B1–B9).
 *
 *   node --conditions=@parabolic/source --import tsx packages/samplers/scripts/acceptance.ts [b1 b2 b3 b4 b5 b6 b7 b8 b9]
 *
 * With no arguments every test runs (≈ 10–15 CPU-minutes on one core). Prints one JSON line per measurement and a
 * PASS/FAIL line per acceptance criterion; exits non-zero if any criterion fails.
 */
import { key, normals } from "@parabolic/core";
import { gaussianFlow, gaussianTarget, mala, sampleChains, svgd, ula } from "@parabolic/samplers";
import { cpuSeconds, mixtureDraws, runGaussianSbtm, runGaussianUla, runMixture, type GaussianRun } from "../test/sbtm-experiments.js";
import { variance } from "../test/moments.js";

const wanted = new Set(process.argv.slice(2).map((s) => s.toLowerCase()));
const run = (id: string): boolean => wanted.size === 0 || wanted.has(id);
let failures = 0;
const emit = (record: Record<string, unknown>): void => console.log(JSON.stringify(record));
const check = (id: string, what: string, ok: boolean, value: unknown): void => {
  if (!ok) failures++;
  console.log(`${ok ? "PASS" : "FAIL"} ${id}: ${what} (got ${JSON.stringify(value)})`);
};
const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
const sd = (a: number[]): number => Math.sqrt(a.reduce((s, v) => s + (v - mean(a)) ** 2, 0) / Math.max(1, a.length - 1));

if (run("b1")) {
  // ULA, N(0,1), N = 200,000, burn-in 10/h, average 2,000 steps, 3 seeds
  for (const h of [0.05, 0.1, 0.5]) {
    const values: number[] = [];
    for (const seed of [1, 2, 3]) {
      const kernel = ula({ ...gaussianTarget({ dim: 1 }), stepSize: h });
      const burn = Math.round(10 / h);
      let sum = 0;
      sampleChains(key(seed), {
        kernel,
        initialState: kernel.init(normals(key(1000 + seed), { count: 200_000 })),
        steps: burn + 2000,
        onStep: ({ state }) => void (state.step > burn && (sum += variance(state.position))),
      });
      values.push(sum / 2000);
    }
    const expected = 1 / (1 - h / 2);
    emit({ test: "B1", h, variances: values, expected });
    check("B1", `ULA stationary variance within ±0.3 % of ${expected.toFixed(5)} at h = ${h}, every seed`, values.every((v) => Math.abs(v / expected - 1) <= 0.003), values);
  }
}

if (run("b2")) {
  // MALA, N(0,1), N = 100,000 chains from N(0,10), 2,000 steps, average over the last 1,000
  const target = gaussianTarget({ dim: 1 });
  for (const h of [0.1, 0.5, 1, 1.9]) {
    const kernel = mala({ dim: 1, score: target.score, logDensity: target.logDensity!, stepSize: h });
    let v = 0;
    let acc = 0;
    sampleChains(key(11), {
      kernel,
      initialState: kernel.init(normals(key(12), { count: 100_000 }).map((z) => Math.sqrt(10) * z)),
      steps: 2000,
      onStep: ({ state, info }) => {
        if (state.step > 1000) {
          v += variance(state.position) / 1000;
          acc += info.acceptanceRate / 1000;
        }
      },
    });
    emit({ test: "B2", h, variance: v, acceptance: acc });
    check("B2", `MALA variance within ±0.3 % of 1 at h = ${h}`, Math.abs(v - 1) <= 0.003, v);
  }
}

if (run("b3")) {
  const exact = gaussianFlow({ variance0: 10 }).variance(1) / 10;
  const ratios: number[] = [];
  for (const seed of [1, 2, 3, 4, 5]) {
    const x0 = normals(key(100 * seed + 1000), { count: 1000 }).map((z) => Math.sqrt(10) * z);
    const kernel = ula({ ...gaussianTarget({ dim: 1 }), stepSize: 0.01 });
    const result = sampleChains(key(seed + 999), { kernel, initialState: kernel.init(x0), steps: 100 });
    ratios.push(variance(result.state.position) / variance(x0));
  }
  emit({ test: "B3", ratios, mean: mean(ratios), sd: sd(ratios), exact });
  check("B3", `ULA v̂(1)/v̂(0) within ±0.03 of ${exact.toFixed(4)}, every seed`, ratios.every((r) => Math.abs(r - exact) <= 0.03), ratios);
}

function gaussianAcceptance(id: string, N: number, seeds: number[], bands: { t2: number; t5: number }): GaussianRun[] {
  const reference = normals(key(42), { count: 10000 });
  const runs: GaussianRun[] = [];
  const ula5: number[] = [];
  for (const seed of seeds) {
    const c0 = cpuSeconds();
    const r = runGaussianSbtm({ N, seed, reference });
    runs.push(r);
    emit({ test: id, method: "sbtm", N, seed, cpuSeconds: cpuSeconds() - c0, pretrainCpu: r.pretrainCpu, samplingCpu: r.samplingCpu, pretrainSteps: r.pretrainSteps, records: r.records });
    const u = runGaussianUla({ N, seed, reference });
    ula5.push(u.find((x) => x.t === 5)!.gaussKl);
    emit({ test: id, method: "ula", N, seed, records: u });
  }
  const at = (t: number) => runs.map((r) => r.records.find((x) => Math.abs(x.t - t) < 1e-9)!);
  const kl1 = at(1).map((r) => r.gaussKl);
  const kl2 = at(2).map((r) => r.gaussKl);
  const kl5 = at(5).map((r) => r.gaussKl);
  console.log(`${id} N=${N}: Gaussian-fit KL t=1 ${mean(kl1).toFixed(4)}±${sd(kl1).toFixed(4)}, t=2 ${mean(kl2).toExponential(2)}±${sd(kl2).toExponential(1)}, t=5 ${mean(kl5).toExponential(2)}±${sd(kl5).toExponential(1)}; ULA t=5 ${mean(ula5).toExponential(2)}; Î_1 ${mean(at(1).map((r) => r.fisher!)).toFixed(4)}±${sd(at(1).map((r) => r.fisher!)).toFixed(4)}`);
  if (id === "B4") {
    check(id, "Gaussian-fit KL at t=1 ∈ [0.15, 0.26], every seed", kl1.every((v) => v >= 0.15 && v <= 0.26), kl1);
    const relMse = runs.flatMap((r) => r.records.map((x) => x.relMse!));
    check(id, "score rel. MSE vs current-law score ≤ 0.03 for t ∈ [0.5, 5], every seed", relMse.every((v) => v <= 0.03), Math.max(...relMse));
    const fisher = mean(at(1).map((r) => r.fisher!));
    check(id, "Î_1 (3-seed mean) within ±20 % of 0.6689", Math.abs(fisher / 0.668871 - 1) <= 0.2, fisher);
    const kde5 = at(5).map((r) => r.kdeKl);
    check(id, "authors' KDE-KL at t=5 ≤ 0.015, every seed", kde5.every((v) => v <= 0.015), kde5);
    check(id, "t=5 Gaussian-fit KL below ULA's seed mean, every seed", kl5.every((v) => v < mean(ula5)), { sbtm: kl5, ula: mean(ula5) });
  }
  check(id, `Gaussian-fit KL at t=2 ≤ ${bands.t2}, every seed`, kl2.every((v) => v <= bands.t2), kl2);
  check(id, `Gaussian-fit KL at t=5 ≤ ${bands.t5}, every seed`, kl5.every((v) => v <= bands.t5), kl5);
  return runs;
}

let b4Runs: GaussianRun[] = [];
let b5Runs: GaussianRun[] = [];
if (run("b4") || run("b6")) b4Runs = gaussianAcceptance("B4", 1000, [1, 2, 3], { t2: 0.012, t5: 1e-3 });
if (run("b5") || run("b6")) b5Runs = gaussianAcceptance("B5", 5000, [1, 2, 3], { t2: 0.008, t5: 1e-4 });
if (run("b6")) {
  // CPU seconds of one SBTM run including pretraining (one thread). Under load, CPU time is the fair measure.
  const t1000 = b4Runs.map((r) => r.pretrainCpu + r.samplingCpu);
  const t5000 = b5Runs.map((r) => r.pretrainCpu + r.samplingCpu);
  emit({ test: "B6", cpuSecondsN1000: t1000, cpuSecondsN5000: t5000 });
  check("B6", "N = 1000, 500 steps incl. pretraining ≤ 20 s (CPU, mean)", mean(t1000) <= 20, mean(t1000));
  check("B6", "N = 5000 ≤ 60 s (CPU, mean)", mean(t5000) <= 60, mean(t5000));
}

for (const [id, a] of [
  ["b7", 2],
  ["b8", 4],
] as const) {
  if (!run(id)) continue;
  const reference = mixtureDraws(key(4242), a, 10000);
  for (const method of ["sbtm", "ula"] as const) {
    const kl10: number[] = [];
    const mass: number[] = [];
    for (const seed of [1, 2, 3]) {
      const r = runMixture({ a, N: 1000, seed, method, reference });
      emit({ test: id.toUpperCase(), a, method, seed, kl: r.kl, massLeft: r.massLeft, cpuSeconds: r.cpu });
      kl10.push(r.kl[10]!);
      mass.push(r.massLeft[10]!);
    }
    const ID = id.toUpperCase();
    if (a === 2) {
      const limit = method === "sbtm" ? 0.015 : 0.02;
      check(ID, `${method}: KDE-KL at T=10 ≤ ${limit}, every seed`, kl10.every((v) => v <= limit), kl10);
      check(ID, `${method}: mass(x<0) ∈ [0.27, 0.33], every seed`, mass.every((v) => v >= 0.27 && v <= 0.33), mass);
    } else {
      check(ID, `${method}: KDE-KL at T=10 ∈ [0.07, 0.2], every seed`, kl10.every((v) => v >= 0.07 && v <= 0.2), kl10);
      check(ID, `${method}: mass(x<0) ∈ [0.40, 0.50], every seed`, mass.every((v) => v >= 0.4 && v <= 0.5), mass);
    }
  }
}

if (run("b9")) {
  const early: number[] = [];
  const late: number[] = [];
  for (const seed of [1, 2, 3]) {
    const kernel = svgd({ ...gaussianTarget({ dim: 1 }), stepSize: 0.05 });
    const x0 = normals(key(seed), { count: 100 }).map((z) => Math.sqrt(10) * z);
    const result = sampleChains(key(0), {
      kernel,
      initialState: kernel.init(x0),
      steps: 2000,
      onStep: ({ state }) => void (state.step === 50 && early.push(variance(state.position))),
    });
    late.push(variance(result.state.position));
  }
  emit({ test: "B9", varianceT2_5: early, varianceT100: late });
  check("B9", "SVGD variance at T = 100 ∈ [1.0, 1.4], every seed", late.every((v) => v >= 1 && v <= 1.4), late);
  console.log(`B9: SVGD variance at T = 2.5 is ${mean(early).toFixed(2)} ± ${sd(early).toFixed(2)} (the slow clock; exact flow 1.06)`);
}

console.log(failures === 0 ? "all acceptance criteria passed" : `${failures} acceptance criteria FAILED`);
process.exitCode = failures === 0 ? 0 : 1;
