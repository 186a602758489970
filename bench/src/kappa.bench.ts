/**
 * κ-sampler throughput (`@parabolic/kappa` fillKappa, Sampler A of heat-ball.md §6.1) at d ∈ {2, 256, 4096},
 * against (a) drawing the d + 2 standard normals the spec's sampler costs (core fillNormals into a batch of
 * count·(d + 2) doubles) and (b) the same algorithm in NumPy (bench/numpy/kappa.py, Generator(PCG64), vectorised).
 * Each measurement refills a batch of ≈ 2^18 doubles for 1 s × `PARABOLIC_BENCH_SCALE`, best of 3 rounds, with
 * κ and normals interleaved so both see the same machine load. Also reports ν and D for reference.
 *
 * Records: `{bench: "kappa" | "kappa-normals" | "kappa-nu" | "kappa-drift", backend, dim, batch, value
 * (samples/s, wall), perCpuSecond, unit, wallMs, cpuMs, load1}`; `{bench: "kappa-vs-normals", dim, value =
 * κ cost ÷ (d+2)-normals cost (wall), perCpu, target 1.5}`; `{bench: "kappa-vs-numpy", dim, value = ours ÷ NumPy
 * samples/s (wall), perCpu, target 1.5 at d = 256}`; or `{bench: "kappa-numpy", skipped}` without python/numpy.
 * Targets (issue 3): ≥ 1.5× NumPy at d = 256; κ within 1.5× of the cost of d + 2 normals.
 */
import { loadavg } from "node:os";
import { fillNormals, key, randomStream } from "@parabolic/core";
import { allocateKappaSamples, fillDrift, fillKappa, fillNu, kappaConstants, type KappaSamples } from "@parabolic/kappa";
import { runPythonBench } from "./internal/python.js";

const SCALE = Number(process.env["PARABOLIC_BENCH_SCALE"] ?? "1") || 1;
const SECONDS = 1.0 * SCALE;
const ROUNDS = 3;
const BATCH_ELEMENTS = 262_144;
const DIMS = [2, 256, 4096] as const;

type Rate = { value: number; perCpuSecond: number; wallMs: number; cpuMs: number };

function time(fill: () => void, perCall: number): Rate {
  let count = 0;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  while (performance.now() - wall0 < SECONDS * 1000) {
    fill();
    count += perCall;
  }
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { value: count / (wallMs / 1000), perCpuSecond: count / (cpuMs / 1000), wallMs, cpuMs };
}

const best = (a: Rate | undefined, b: Rate): Rate => (a === undefined || b.value > a.value ? b : a);

type NumpyRecord = Record<string, unknown> & { bench: string; dim: number; value: number; perCpuSecond: number };

async function runNumpy(): Promise<NumpyRecord[] | string> {
  const args = ["--dims", DIMS.join(","), "--seconds", String(SECONDS), "--repeats", String(ROUNDS), "--batch-elements", String(BATCH_ELEMENTS)];
  const result = await runPythonBench("numpy/kappa.py", args);
  return typeof result === "string" ? result : (result as NumpyRecord[]);
}

/** Runs the benchmark and emits one record per measurement (see the module notes). */
export async function run(emit: (record: Record<string, unknown>) => void): Promise<void> {
  const ours = new Map<number, Rate>();
  for (const dim of DIMS) {
    const count = Math.max(16, Math.floor(BATCH_ELEMENTS / dim));
    const stream = randomStream(key(20_240_611 + dim));
    const buffers = allocateKappaSamples({ dim, count });
    const normals = new Float64Array(count * (dim + 2));
    const fills: Record<string, () => void> = {
      kappa: () => fillKappa(stream, buffers),
      "kappa-normals": () => fillNormals(stream, normals),
      "kappa-nu": () => fillNu(stream, buffers),
      "kappa-drift": () => fillDrift(stream, buffers),
    };
    for (const f of Object.values(fills)) for (let i = 0; i < 3; i++) f(); // JIT warm-up
    const rates: Record<string, Rate | undefined> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, f] of Object.entries(fills)) rates[name] = best(rates[name], time(f, count));
    }
    for (const [name, r] of Object.entries(rates)) {
      emit({ bench: name, backend: "parabolic", dim, batch: count, ...r, unit: "samples/s", load1: loadavg()[0], node: process.version });
    }
    const k = rates["kappa"]!;
    const n = rates["kappa-normals"]!;
    ours.set(dim, k);
    emit({
      bench: "kappa-vs-normals",
      dim,
      value: n.value / k.value,
      perCpu: n.perCpuSecond / k.perCpuSecond,
      unit: "κ sample cost ÷ cost of d+2 normals",
      target: 1.5,
      meetsTarget: n.value / k.value <= 1.5,
    });
    fillKappa(stream, buffers);
    checkMean(buffers, dim);
  }
  const numpy = await runNumpy();
  if (typeof numpy === "string") {
    emit({ bench: "kappa-numpy", skipped: numpy });
    return;
  }
  for (const r of numpy) {
    emit({ ...r, load1: loadavg()[0] });
    const mine = r.bench === "kappa" ? ours.get(r.dim) : undefined;
    if (mine !== undefined) {
      const value = mine.value / r.value;
      emit({
        bench: "kappa-vs-numpy",
        dim: r.dim,
        value,
        perCpu: mine.perCpuSecond / r.perCpuSecond,
        unit: "Parabolic ÷ NumPy samples/s",
        ...(r.dim === 256 ? { target: 1.5, meetsTarget: value >= 1.5 } : {}),
      });
    }
  }
}

/** Sanity check on the last batch (stderr only): mean of ς vs the closed form. */
function checkMean(s: KappaSamples, dim: number): void {
  let m = 0;
  for (const x of s.sigma) m += x;
  m /= s.count;
  const closed = kappaConstants(dim).meanSigma;
  console.error(`kappa d=${dim}: last-batch mean ς ${m.toExponential(4)} vs closed form ${closed.toExponential(4)}`);
}
