/**
 * Heat-ball score throughput: `@parabolic/heat`'s `estimateScoreBatch` (gradient form, heat-ball.md §8 item 2)
 * on the 2-D sparse/dense mixture in heat coordinates at t = 0.3 (r² = 0.125·s, N = 1024 κ samples per
 * centre, batches of 64 centres, one field call per batch), against the same computation vectorised in NumPy
 * (bench/numpy/heat.py). Both sides include κ sampling, the ball points, ψ and ∇ψ of the mixture at per-point
 * heat times and the softmax-weighted average. Each side runs for 1 s × `PARABOLIC_BENCH_SCALE`, best of 3.
 *
 * Records: `{bench: "heat-score", backend, dim, samples, centres, value (score estimates/s, wall),
 * perCpuSecond, unit, wallMs, cpuMs, load1, relErrorLastBatch}`; `{bench: "heat-score-vs-numpy", value = ours ÷
 * NumPy (wall), perCpu, target 2}`; or `{bench: "heat-score-numpy", skipped}` without python/numpy.
 */
import { loadavg } from "node:os";
import { foldIn, key } from "@parabolic/core";
import { forwardMarginal, heatTransition, sparseDenseMixture } from "@parabolic/datasets";
import { estimateScoreBatch } from "@parabolic/heat";
import { mixtureHeatField } from "@parabolic/heat/testing";
import { runPythonBench } from "./internal/python.js";

const SCALE = Number(process.env["PARABOLIC_BENCH_SCALE"] ?? "1") || 1;
const SECONDS = 1.0 * SCALE;
const ROUNDS = 3;
const SAMPLES = 1024;
const CENTRES = 64;
const T = 0.3;
const R_FRAC = 0.125;

type Rate = { value: number; perCpuSecond: number; wallMs: number; cpuMs: number };

async function runNumpy(): Promise<Record<string, unknown> | string> {
  const args = ["--samples", String(SAMPLES), "--centres", String(CENTRES), "--seconds", String(SECONDS), "--repeats", String(ROUNDS)];
  const result = await runPythonBench("numpy/heat.py", args);
  return typeof result === "string" ? result : result[0]!;
}

/** Runs the benchmark and emits its records (see the module notes). */
export async function run(emit: (record: Record<string, unknown>) => void): Promise<void> {
  const p0 = sparseDenseMixture();
  const field = mixtureHeatField(p0);
  const s0 = Math.expm1(2 * T) / 2;
  const oracle = forwardMarginal(p0, heatTransition(s0));
  const centres = oracle.sample(key(7), CENTRES);
  const exact = oracle.score(centres);
  const radius = Math.sqrt(R_FRAC * s0);
  let call = 0;
  let last: Float64Array = new Float64Array(0);
  const once = (): void => {
    last = estimateScoreBatch(field, centres, s0, { radius, samples: SAMPLES, key: foldIn(key(11), call++), method: "gradient" }).scores;
  };
  for (let i = 0; i < 3; i++) once(); // JIT warm-up
  let best: Rate | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    let count = 0;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    while (performance.now() - wall0 < SECONDS * 1000) {
      once();
      count += CENTRES;
    }
    const wallMs = performance.now() - wall0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const rate = { value: count / (wallMs / 1000), perCpuSecond: count / (cpuMs / 1000), wallMs, cpuMs };
    if (best === undefined || rate.value > best.value) best = rate;
  }
  let err = 0;
  let norm = 0;
  for (let i = 0; i < exact.length; i++) {
    err += (last[i]! - exact[i]!) ** 2;
    norm += exact[i]! ** 2;
  }
  const ours = best!;
  emit({
    bench: "heat-score",
    backend: "parabolic",
    dim: 2,
    samples: SAMPLES,
    centres: CENTRES,
    ...ours,
    unit: "score estimates/s",
    relErrorLastBatch: Math.sqrt(err / norm),
    load1: loadavg()[0],
    node: process.version,
  });
  const numpy = await runNumpy();
  if (typeof numpy === "string") {
    emit({ bench: "heat-score-numpy", skipped: numpy });
    return;
  }
  emit({ ...numpy, load1: loadavg()[0] });
  const value = ours.value / Number(numpy["value"]);
  emit({
    bench: "heat-score-vs-numpy",
    dim: 2,
    samples: SAMPLES,
    value,
    perCpu: ours.perCpuSecond / Number(numpy["perCpuSecond"]),
    unit: "Parabolic ÷ NumPy score estimates/s",
    target: 2,
    meetsTarget: value >= 2,
  });
}
