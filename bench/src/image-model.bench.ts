/**
 * 16×16 image score networks (`createImageScoreNetwork`, issue #6): DSM training steps/s on the fastest tfjs backend
 * for the two architectures at (nearly) equal parameter counts — conv (features 32, depth 3: 63 009 parameters) and
 * mixer (patch 4, features 48, depth 4: 63 008) — batch 128, 16×16×1, against the same networks in PyTorch
 * (bench/torch/image_model.py, OpenBLAS, 1 thread).
 * DSM: x0 ~ U[0,1]^256, t ~ U(1e-3, 1), σ = 0.01·1000^t, x_t = x0 + σz, loss = mean σ²‖s + z/σ‖², Adam(1e-3).
 * Records: `{bench: "image-model", architecture, parameters, backend, repeat, value (steps/s), unit,
 * stepsPerCpuSecond, wallMs, cpuMs, loss}`, the PyTorch records (`backend: "pytorch"`) and
 * `{bench: "image-model-ratio", architecture, value, perCpuSecond}` = Parabolic ÷ PyTorch, plus
 * `{bench: "image-model-mixer-vs-conv", value}` (steps/s ratio on our backend). Best of 2, interleaved.
 * `PARABOLIC_BENCH_SCALE` (default 1) scales every measuring time.
 */
import { loadavg } from "node:os";
import * as tf from "@tensorflow/tfjs";
import { foldIn, key, randomStream } from "@parabolic/core";
import { initBackend } from "@parabolic/core/backend";
import { createImageScoreNetwork, dsmObjective, parameterCount, type ImageArchitecture } from "@parabolic/score";
import { runPythonBench } from "./internal/python.js";

const SCALE = Number(process.env["PARABOLIC_BENCH_SCALE"] ?? "1") || 1;
const BATCH = 128;
const DIM = 256;
const REPEATS = 2;
const ARCHITECTURES: readonly ImageArchitecture[] = ["conv", "mixer"];
const OPTIONS = {
  conv: { features: 32, depth: 3 },
  mixer: { features: 48, depth: 4, patchSize: 4 },
} as const;

type Rates = { stepsPerSecond: number; stepsPerCpuSecond: number };

async function measure(architecture: ImageArchitecture, ms: number) {
  const net = createImageScoreNetwork(key(1), { height: 16, width: 16, channels: 1, architecture, ...OPTIONS[architecture], time: { min: 0, max: 1 } });
  const stream = randomStream(key(2));
  const data = new Float64Array(1024 * DIM);
  for (let i = 0; i < data.length; i++) data[i] = stream.nextDouble();
  const objective = dsmObjective(net.score, {
    data, dim: DIM, batchSize: BATCH,
    transition: (t) => ({ alpha: 1, variance: (0.01 * 1000 ** t) ** 2 }),
    time: { min: 1e-3, max: 1 },
  });
  const optimizer = tf.train.adam(1e-3);
  const vars = net.parameters.map((p) => p.variable);
  const run = key(3);
  let i = 0;
  const step = (keep: boolean): number => {
    const cost = optimizer.minimize(() => objective.loss(foldIn(run, i), i) as tf.Scalar, keep, vars);
    i++;
    if (!keep) return NaN;
    const v = cost!.dataSync()[0]!;
    cost!.dispose();
    return v;
  };
  try {
    step(true); // warm-up (operator creation)
    const wall0 = performance.now();
    const cpu0 = process.cpuUsage();
    let steps = 0;
    let loss = NaN;
    while (steps < 3 || performance.now() - wall0 < ms * SCALE) {
      loss = step(true);
      steps++;
    }
    const wallMs = performance.now() - wall0;
    const cpu = process.cpuUsage(cpu0);
    return { steps, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, loss, parameters: parameterCount(net) };
  } finally {
    optimizer.dispose();
    net.dispose();
  }
}

/** Benchmark entry point (see the module comment). */
export async function run(emit: (record: Record<string, unknown>) => void): Promise<void> {
  const backend = (await initBackend()).name;
  const ours = new Map<string, Rates[]>();
  const theirs = new Map<string, Rates[]>();
  let skipped: string | undefined;
  for (let repeat = 1; repeat <= REPEATS; repeat++) {
    for (const architecture of ARCHITECTURES) {
      const m = await measure(architecture, 6000);
      const rates = { stepsPerSecond: m.steps / (m.wallMs / 1000), stepsPerCpuSecond: m.steps / (m.cpuMs / 1000) };
      ours.set(architecture, [...(ours.get(architecture) ?? []), rates]);
      emit({
        bench: "image-model", architecture, ...OPTIONS[architecture], parameters: m.parameters, height: 16, width: 16, channels: 1,
        batch: BATCH, backend, repeat, value: rates.stepsPerSecond, unit: "steps/s", stepsPerCpuSecond: rates.stepsPerCpuSecond,
        steps: m.steps, loss: m.loss, wallMs: m.wallMs, cpuMs: m.cpuMs, load1: loadavg()[0],
      });
    }
    if (skipped !== undefined) continue;
    const result = await runPythonBench("torch/image_model.py", ["--archs", ARCHITECTURES.join(","), "--seconds", String(6 * SCALE), "--batch", String(BATCH)], { openblas: true });
    if (typeof result === "string") {
      skipped = result;
      emit({ bench: "image-model", backend: "pytorch", skipped });
      continue;
    }
    for (const r of result) {
      const architecture = String(r["architecture"]);
      const rates = { stepsPerSecond: Number(r["stepsPerSecond"]), stepsPerCpuSecond: Number(r["stepsPerCpuSecond"]) };
      theirs.set(architecture, [...(theirs.get(architecture) ?? []), rates]);
      const { stepsPerSecond: _s, ...rest } = r;
      emit({ bench: "image-model", ...rest, backend: "pytorch", repeat, value: rates.stepsPerSecond, unit: "steps/s", load1: loadavg()[0] });
    }
  }
  const best = (runs: Rates[]): Rates => ({
    stepsPerSecond: Math.max(...runs.map((r) => r.stepsPerSecond)),
    stepsPerCpuSecond: Math.max(...runs.map((r) => r.stepsPerCpuSecond)),
  });
  for (const architecture of ARCHITECTURES) {
    const mine = best(ours.get(architecture)!);
    const reference = theirs.get(architecture);
    if (reference === undefined) continue;
    const ref = best(reference);
    emit({
      bench: "image-model-ratio", architecture, backend, reference: "pytorch (OpenBLAS, 1 thread)", aggregate: `best of ${REPEATS}, interleaved`,
      value: mine.stepsPerSecond / ref.stepsPerSecond, unit: "ratio", perCpuSecond: mine.stepsPerCpuSecond / ref.stepsPerCpuSecond,
    });
  }
  const conv = best(ours.get("conv")!);
  const mixer = best(ours.get("mixer")!);
  emit({ bench: "image-model-mixer-vs-conv", backend, value: mixer.stepsPerSecond / conv.stepsPerSecond, unit: "ratio", perCpuSecond: mixer.stepsPerCpuSecond / conv.stepsPerCpuSecond });
}
