/**
 * Sampler runtimes (`@parabolic/samplers`, sbtm.md B6 and R7).
 *
 * 1. SBTM 1-D, N(0,10) → N(0,1), N = 1000, 500 steps of h = 0.01 including pretraining (built-in Float64 MLP
 *    1-32-32-1 tanh, exact ISM, 10 AdamW steps of batch 100 per time step; minibatch ESM pretraining to relative
 *    error 1e-3): `{bench: "sbtm-1d-run", N, steps, value = CPU seconds, unit: "s", target 10, wallMs, cpuMs,
 *    pretrainCpuMs, kl5}`.
 * 2. Runtime vs N for ULA, SVGD (median heuristic) and SBTM, best of 3 repetitions (trainSteps = max(10, ⌈N/100⌉), i.e. one epoch per
 *    step): `{bench: "sampler-step", method, N, value = CPU ms per step, unit: "ms", wallMs, cpuMs}` and one
 *    `{bench: "sampler-scaling", method, value = log-log slope of CPU time vs N, unit: "exponent"}` per method
 *    (≈ 1 for ULA and SBTM, ≈ 2 for SVGD), fitted on N ≥ 1000.
 *
 * CPU time is reported because the machine is shared; `PARABOLIC_BENCH_SCALE` (default 1) scales the step counts.
 */
import { loadavg } from "node:os";
import { foldIn, key, mean, normals, variance } from "@parabolic/core";
import {
  gaussianKl1d,
  gaussianTarget,
  mlpScoreLearner,
  pretrainScoreLearner,
  sampleChains,
  sbtm,
  svgd,
  ula,
  type BaseInfo,
  type BaseState,
  type SamplingKernel,
} from "@parabolic/samplers";

const SCALE = Number(process.env["PARABOLIC_BENCH_SCALE"] ?? "1") || 1;

function measure(run: () => void): { wallMs: number; cpuMs: number } {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  run();
  const cpu = process.cpuUsage(cpu0);
  return { wallMs: performance.now() - wall0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Gaussian-fit KL to N(0, 1) of 1-D particles (population variance, as in the spec's numbers). */
function gaussKl(x: Float64Array): number {
  return gaussianKl1d({ mean: mean(x), variance: (variance(x) * (x.length - 1)) / x.length });
}

function slope(ns: number[], ms: number[]): number {
  const lx = ns.map(Math.log);
  const ly = ms.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < lx.length; i++) {
    sxy += (lx[i]! - mx) * (ly[i]! - my);
    sxx += (lx[i]! - mx) ** 2;
  }
  return sxy / sxx;
}

export async function run(emit: (record: Record<string, unknown>) => void): Promise<void> {
  const target = gaussianTarget({ dim: 1 });
  const prior = gaussianTarget({ dim: 1, variance: 10 });

  // 1. the B6 run
  {
    const N = 1000;
    const steps = 500;
    const x0 = normals(key(1100), { count: N }).map((z) => Math.sqrt(10) * z);
    let pretrainCpuMs = 0;
    let kl5 = Number.NaN;
    const t = measure(() => {
      const learner = mlpScoreLearner(key(1), { dim: 1 });
      pretrainCpuMs = measure(() => pretrainScoreLearner(key(2), { learner, points: x0, score: prior.score })).cpuMs;
      const kernel = sbtm({ ...target, learner, stepSize: 0.01 });
      kl5 = gaussKl(sampleChains(key(3), { kernel, initialState: kernel.init(x0), steps }).state.position);
    });
    emit({ bench: "sbtm-1d-run", N, steps, value: t.cpuMs / 1000, unit: "s", target: 10, ...t, pretrainCpuMs, kl5, load1: loadavg()[0] });
  }

  // 2. runtime vs N
  type AnyKernel = SamplingKernel<BaseState, BaseInfo>;
  const methods: { name: string; sizes: number[]; steps: number; make: (N: number) => AnyKernel; setup?: (N: number, x0: Float64Array) => void }[] = [
    { name: "ula", sizes: [1000, 3000, 10000, 30000, 100000], steps: Math.max(1, Math.round(200 * SCALE)), make: () => ula({ ...target, stepSize: 0.01 }) as unknown as AnyKernel },
    { name: "svgd", sizes: [100, 300, 1000, 3000, 6000], steps: Math.max(1, Math.round(4 * SCALE)), make: () => svgd({ ...target, stepSize: 0.05 }) as unknown as AnyKernel },
    {
      name: "sbtm",
      sizes: [100, 300, 1000, 3000, 10000],
      steps: Math.max(1, Math.round(10 * SCALE)),
      make: (N) => {
        const learner = mlpScoreLearner(key(N), { dim: 1 });
        return sbtm({ ...target, learner, stepSize: 0.01 }) as unknown as AnyKernel;
      },
    },
  ];
  for (const method of methods) {
    const perStep: number[] = [];
    {
      // warm up the JIT on the smallest size before timing anything
      const kernel = method.make(method.sizes[0]!);
      sampleChains(key(4), { kernel, initialState: kernel.init(normals(key(4), { count: method.sizes[0]! })), steps: 20 });
    }
    for (const N of method.sizes) {
      const kernel = method.make(N);
      const x0 = normals(foldIn(key(5), N), { count: N }).map((z) => Math.sqrt(10) * z);
      const state = kernel.init(x0);
      // best of 3 repetitions (CPU time), to shed GC pauses and the other tenants' cache pressure
      let t = measure(() => sampleChains(key(6), { kernel, initialState: state, steps: method.steps }));
      for (let rep = 0; rep < 2; rep++) {
        const again = measure(() => sampleChains(key(6), { kernel, initialState: state, steps: method.steps }));
        if (again.cpuMs < t.cpuMs) t = again;
      }
      perStep.push(t.cpuMs / method.steps);
      emit({ bench: "sampler-step", method: method.name, N, steps: method.steps, value: t.cpuMs / method.steps, unit: "ms", ...t, load1: loadavg()[0] });
    }
    // Fixed per-step costs dominate small N (and SBTM trains on ≥ 1000 samples per step whatever N), so the
    // exponent is fitted on N ≥ 1000.
    const large = method.sizes.map((n, i) => [n, perStep[i]!] as const).filter(([n]) => n >= 1000);
    emit({
      bench: "sampler-scaling",
      method: method.name,
      sizes: large.map(([n]) => n),
      value: slope(large.map(([n]) => n), large.map(([, t]) => t)),
      unit: "exponent",
    });
  }
}
