/**
 * Random-variate throughput of `@parabolic/core` (toolchain.md §5): standard normals (256-layer ziggurat on
 * xoshiro128**), Exp(1) (ziggurat), Gamma(2.5) and Gamma(0.3) batch fills, and the scalar `nextGamma` /
 * `nextExponential` paths the κ sampler uses — each filling a 65 536-element Float64Array repeatedly for
 * 1.5 s × `PARABOLIC_BENCH_SCALE` on one core. Then runs bench/numpy/normals.py (NumPy `Generator(PCG64)`, same
 * buffer) and emits Parabolic ÷ NumPy ratios.
 * Records: `{bench: "normals", backend: "parabolic" | "numpy", kind, value (M variates/s, wall clock), unit,
 * perCpuSecond, wallMs, cpuMs, load1}`, `{bench: "normals-ratio", kind, value}`, or `{bench: "normals-numpy",
 * skipped}` when python/numpy is absent. Target: normals ≥ 120 M/s per core.
 */
import { loadavg } from "node:os";
import {
  fillExponentials,
  fillGammas,
  fillNormals,
  key,
  nextExponential,
  nextGamma,
  randomStream,
  type RandomStream,
} from "@parabolic/core";
import { runPythonBench } from "./internal/python.js";

const SCALE = Number(process.env["PARABOLIC_BENCH_SCALE"] ?? "1") || 1;
const BUFFER = 65_536;
const SECONDS = 1.5 * SCALE;

type Kind = Readonly<{ kind: string; shape?: number; fill: (s: RandomStream, out: Float64Array) => void }>;

const KINDS: readonly Kind[] = [
  { kind: "normals", fill: (s, out) => fillNormals(s, out) },
  { kind: "exponentials", fill: (s, out) => fillExponentials(s, out) },
  { kind: "gamma", shape: 2.5, fill: (s, out) => fillGammas(s, out, 2.5) },
  { kind: "gamma", shape: 0.3, fill: (s, out) => fillGammas(s, out, 0.3) },
  {
    kind: "nextGamma",
    shape: 2.5,
    fill: (s, out) => {
      for (let i = 0; i < out.length; i++) out[i] = nextGamma(s, 2.5);
    },
  },
  {
    kind: "nextExponential",
    fill: (s, out) => {
      for (let i = 0; i < out.length; i++) out[i] = nextExponential(s);
    },
  },
];

function measure(kind: Kind): { count: number; wallMs: number; cpuMs: number; check: Record<string, number> } {
  const stream = randomStream(key(20240611));
  const buffer = new Float64Array(BUFFER);
  for (let i = 0; i < 20; i++) kind.fill(stream, buffer); // warm-up (JIT)
  let count = 0;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  while (performance.now() - wall0 < SECONDS * 1000) {
    kind.fill(stream, buffer);
    count += BUFFER;
  }
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  // sanity check on the last buffer: sample mean and variance (normal: 0, 1; Exp: 1, 1; Gamma(a): a, a)
  let s1 = 0;
  let s2 = 0;
  for (const x of buffer) s1 += x;
  const mean = s1 / BUFFER;
  for (const x of buffer) s2 += (x - mean) ** 2;
  return { count, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, check: { mean, variance: s2 / (BUFFER - 1) } };
}

type NumpyRecord = Record<string, unknown> & { kind: string; value: number };

async function runNumpy(): Promise<NumpyRecord[] | string> {
  const result = await runPythonBench("numpy/normals.py", ["--seconds", String(SECONDS), "--size", String(BUFFER)]);
  return typeof result === "string" ? result : (result as NumpyRecord[]);
}

/** Runs the benchmark and emits one record per measurement (see the module notes). */
export async function run(emit: (record: Record<string, unknown>) => void): Promise<void> {
  const ours = new Map<string, number>();
  for (const kind of KINDS) {
    const m = measure(kind);
    const value = m.count / (m.wallMs / 1000) / 1e6;
    ours.set(`${kind.kind}:${kind.shape ?? ""}`, value);
    emit({
      bench: "normals",
      backend: "parabolic",
      kind: kind.kind,
      shape: kind.shape,
      bufferLength: BUFFER,
      value,
      unit: "M variates/s",
      perCpuSecond: m.count / (m.cpuMs / 1000) / 1e6,
      ...(kind.kind === "normals" ? { target: 120, meetsTarget: value >= 120 } : {}),
      check: m.check,
      wallMs: m.wallMs,
      cpuMs: m.cpuMs,
      load1: loadavg()[0],
      node: process.version,
    });
  }
  const numpy = await runNumpy();
  if (typeof numpy === "string") {
    emit({ bench: "normals-numpy", skipped: numpy });
    return;
  }
  for (const r of numpy) {
    emit({ ...r, load1: loadavg()[0] });
    const mine = ours.get(`${r.kind}:${r.kind === "gamma" ? 2.5 : ""}`);
    if (mine !== undefined) {
      emit({ bench: "normals-ratio", kind: r.kind, value: mine / r.value, unit: "Parabolic/NumPy (wall-clock M/s)" });
    }
  }
}
