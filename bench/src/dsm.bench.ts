/**
 * Denoising-score-matching training throughput (steps/s) on every available tfjs backend, against the PyTorch
 * reference in bench/torch/dsm.py (toolchain.md §4):
 *   t ~ U(1e-3, 1), σ(t) = σmin (σmax/σmin)^t, z ~ N(0, I) (core's fillNormals, uploaded with tf.tensor),
 *   x_t = x0 + σ z, net(x_t, Fourier(t)) with SiLU, loss = mean ‖net + z‖², backward, Adam(1e-3).
 *   (a) d = 2, hidden 128×3, batch 512, 8-Gaussian ring;  (b) d = 256, hidden 512×3, batch 128, uniform [0,1]^d.
 * Records: `{bench: "dsm", config, backend, gradient, repeat, value (steps/s), unit, stepsPerCpuSecond, wallMs,
 * cpuMs, …}`, the PyTorch records (`backend: "pytorch"`), and `{bench: "dsm-ratio", value, perCpuSecond, …}` =
 * Parabolic ÷ PyTorch. The fastest backend and PyTorch run back to back per config, best of 2 each; on a shared
 * machine `perCpuSecond` (process CPU time) is the steadier ratio.
 * `PARABOLIC_BENCH_SCALE` (default 1) scales every measuring time.
 */
import { loadavg } from "node:os";
import * as tf from "@tensorflow/tfjs";
import { fillNormals, key, randomStream, type RandomStream } from "@parabolic/core";
import { silu } from "@parabolic/core/activations";
import { initBackend, installFastMatMulGradient, isFastMatMulGradientInstalled, type BackendName } from "@parabolic/core/backend";
import { runPythonBench } from "./internal/python.js";

type Config = Readonly<{ config: "a" | "b"; dim: number; hidden: number; layers: number; batch: number; data: "ring8" | "uniform" }>;
const CONFIGS: readonly Config[] = [
  { config: "a", dim: 2, hidden: 128, layers: 3, batch: 512, data: "ring8" },
  { config: "b", dim: 256, hidden: 512, layers: 3, batch: 128, data: "uniform" },
];
// Same constants as bench/torch/dsm.py.
const SIGMA_MIN = 0.01;
const SIGMA_MAX = 10;
const T_MIN = 1e-3;
const FOURIER_FREQUENCIES = 16;
const FOURIER_SCALE = 4;
const RING_RADIUS = 4;
const RING_STD = 0.5;

const SCALE = Number(process.env["PARABOLIC_BENCH_SCALE"] ?? "1") || 1;
/** Measuring time (ms) and warm-up steps per backend and config; cpu is capped (≈ 1–5 steps/s). */
const BUDGET: Record<string, { ms: number; warmup: number; minSteps: number }> = {
  "wasm-fixed-a": { ms: 4000, warmup: 5, minSteps: 10 },
  "wasm-fixed-b": { ms: 4000, warmup: 3, minSteps: 5 },
  "wasm-stock-a": { ms: 2500, warmup: 2, minSteps: 3 },
  "wasm-stock-b": { ms: 2500, warmup: 1, minSteps: 2 },
  "cpu-fixed-a": { ms: 2500, warmup: 1, minSteps: 2 },
  "cpu-fixed-b": { ms: 2500, warmup: 1, minSteps: 2 },
  "tensorflow-fixed-a": { ms: 4000, warmup: 5, minSteps: 10 },
  "tensorflow-fixed-b": { ms: 4000, warmup: 3, minSteps: 5 },
};

type Model = { weights: tf.Variable[]; biases: tf.Variable[]; omega: tf.Tensor };

/** PyTorch's default Linear initialisation, U(±1/√fanIn) for weights and biases; W is [in, out] so that the
 * forward is matMul(h, W) without transpose flags. */
function createModel(cfg: Config, stream: RandomStream): Model {
  const uniform = (n: number, bound: number): Float32Array => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (2 * stream.nextDouble() - 1) * bound;
    return out;
  };
  const sizes = [cfg.dim + 2 * FOURIER_FREQUENCIES, ...Array<number>(cfg.layers).fill(cfg.hidden), cfg.dim];
  const weights: tf.Variable[] = [];
  const biases: tf.Variable[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [fanIn, fanOut] = [sizes[l]!, sizes[l + 1]!];
    const bound = 1 / Math.sqrt(fanIn);
    // (tidy disposes the initial tensors; the variables, which share their data, survive it.)
    weights.push(tf.tidy(() => tf.variable(tf.tensor2d(uniform(fanIn * fanOut, bound), [fanIn, fanOut]))));
    biases.push(tf.tidy(() => tf.variable(tf.tensor1d(uniform(fanOut, bound)))));
  }
  const freqs = new Float64Array(FOURIER_FREQUENCIES);
  fillNormals(stream, freqs);
  const omega = tf.tensor2d(Float32Array.from(freqs, (f) => f * FOURIER_SCALE * 2 * Math.PI), [1, FOURIER_FREQUENCIES]);
  return { weights, biases, omega };
}

function forward(model: Model, xt: tf.Tensor, t: tf.Tensor): tf.Tensor {
  const angles = tf.mul(t, model.omega);
  let h = tf.concat([xt, tf.sin(angles), tf.cos(angles)], 1);
  const last = model.weights.length - 1;
  for (let l = 0; l < last; l++) h = silu(tf.add(tf.matMul(h, model.weights[l]!), model.biases[l]!));
  return tf.add(tf.matMul(h, model.weights[last]!), model.biases[last]!);
}

/** Draws one batch in TypeScript (float64) and returns float32 x_t, z and t ready for upload. */
function drawBatch(cfg: Config, stream: RandomStream, scratch: { z: Float64Array; extra: Float64Array }) {
  const { batch: n, dim } = cfg;
  const xt = new Float32Array(n * dim);
  const z = new Float32Array(n * dim);
  const t = new Float32Array(n);
  fillNormals(stream, scratch.z);
  if (cfg.data === "ring8") fillNormals(stream, scratch.extra);
  for (let b = 0; b < n; b++) {
    const tb = T_MIN + (1 - T_MIN) * stream.nextDouble();
    const sigma = SIGMA_MIN * (SIGMA_MAX / SIGMA_MIN) ** tb;
    t[b] = tb;
    let angle = 0;
    if (cfg.data === "ring8") angle = Math.floor(stream.nextDouble() * 8) * ((2 * Math.PI) / 8);
    for (let i = 0; i < dim; i++) {
      const k = b * dim + i;
      const x0 =
        cfg.data === "ring8"
          ? RING_RADIUS * (i === 0 ? Math.cos(angle) : Math.sin(angle)) + RING_STD * scratch.extra[k]!
          : stream.nextDouble();
      const zk = scratch.z[k]!;
      z[k] = zk;
      xt[k] = x0 + sigma * zk;
    }
  }
  return { xt, z, t };
}

type Measurement = { steps: number; wallMs: number; cpuMs: number; loss: number };

async function train(cfg: Config, budget: { ms: number; warmup: number; minSteps: number }): Promise<Measurement> {
  const stream = randomStream(key(cfg.config === "a" ? 1 : 2));
  const model = createModel(cfg, stream);
  const optimizer = tf.train.adam(1e-3);
  const variables = [...model.weights, ...model.biases];
  const scratch = { z: new Float64Array(cfg.batch * cfg.dim), extra: new Float64Array(cfg.batch * cfg.dim) };
  const step = (returnCost: boolean): tf.Scalar | null => {
    const { xt, z, t } = drawBatch(cfg, stream, scratch);
    const xtT = tf.tensor2d(xt, [cfg.batch, cfg.dim]);
    const zT = tf.tensor2d(z, [cfg.batch, cfg.dim]);
    const tT = tf.tensor2d(t, [cfg.batch, 1]);
    const cost = optimizer.minimize(
      () => tf.mean(tf.sum(tf.square(tf.add(forward(model, xtT, tT), zT)), 1)) as tf.Scalar,
      returnCost,
      variables,
    );
    tf.dispose([xtT, zT, tT]);
    return cost;
  };
  try {
    for (let i = 0; i < budget.warmup; i++) step(false);
    const wall0 = performance.now();
    const cpu0 = process.cpuUsage();
    let steps = 0;
    let loss = NaN;
    for (;;) {
      steps++;
      const done = steps >= budget.minSteps && performance.now() - wall0 >= budget.ms * SCALE;
      const cost = step(done);
      if (done) {
        loss = (await cost!.data())[0]!;
        cost!.dispose();
        break;
      }
    }
    const wallMs = performance.now() - wall0;
    const cpu = process.cpuUsage(cpu0);
    return { steps, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, loss };
  } finally {
    optimizer.dispose();
    tf.dispose([...variables, model.omega]);
  }
}

type TorchRecord = { config: string; stepsPerSecond: number; stepsPerCpuSecond: number | null } & Record<string, unknown>;

/** Runs bench/torch/dsm.py for one config with one OpenBLAS thread; resolves to its record, or a reason to skip. */
async function runTorch(config: string, seconds: number): Promise<TorchRecord | string> {
  const args = ["--configs", config, "--seconds", String(seconds), "--threads", "1"];
  const result = await runPythonBench("torch/dsm.py", args, { openblas: true });
  return typeof result === "string" ? result : (result[0] as TorchRecord);
}

type Rates = { stepsPerSecond: number; stepsPerCpuSecond: number };
const REPEATS = 2;

/** Benchmark entry point (see the module comment). */
export async function run(emit: (record: Record<string, unknown>) => void): Promise<void> {
  await import("@tensorflow/tfjs"); // registers the stock gradients, so the stock configuration can be kept
  const stockMatMulGradient = tf.getGradient(tf.BatchMatMul);
  const selected = await initBackend(); // default order (honours PARABOLIC_BACKEND), reported as the environment
  emit({ bench: "dsm", kind: "environment", backend: selected.name, fellBackFrom: selected.fellBackFrom, node: process.version, load1: loadavg()[0] });

  const measure = async (backend: BackendName, cfg: Config, repeat: number): Promise<Rates> => {
    const gradient = isFastMatMulGradientInstalled() ? "fixed" : "stock"; // the BatchMatMul gradient in effect
    const budget = BUDGET[`${backend}-${gradient}-${cfg.config}`] ?? { ms: 3000, warmup: 2, minSteps: 2 };
    const before = tf.memory().numTensors;
    const m = await train(cfg, budget);
    if (tf.memory().numTensors !== before) console.error(`dsm: ${tf.memory().numTensors - before} tensors leaked`);
    const rates = { stepsPerSecond: m.steps / (m.wallMs / 1000), stepsPerCpuSecond: m.steps / (m.cpuMs / 1000) };
    emit({
      bench: "dsm", ...cfg, backend, gradient, repeat,
      value: rates.stepsPerSecond, unit: "steps/s", stepsPerCpuSecond: rates.stepsPerCpuSecond,
      samplesPerSecond: rates.stepsPerSecond * cfg.batch,
      steps: m.steps, loss: m.loss, wallMs: m.wallMs, cpuMs: m.cpuMs, load1: loadavg()[0],
    });
    return rates;
  };
  const best = (runs: Rates[]): Rates => ({
    stepsPerSecond: Math.max(...runs.map((r) => r.stepsPerSecond)),
    stepsPerCpuSecond: Math.max(...runs.map((r) => r.stepsPerCpuSecond)),
  });

  // Every backend that initialises here, fastest first; the fastest is compared with PyTorch.
  const backends: BackendName[] = [];
  for (const name of ["tensorflow", "wasm", "cpu"] as const) {
    if ((await initBackend({ prefer: name, environment: {} })).name === name) backends.push(name);
  }
  const [primary] = backends as [BackendName, ...BackendName[]];
  const ours = new Map<string, Rates>();
  const torch = new Map<string, Rates>();
  let torchSkipped: string | undefined;

  // Primary backend and PyTorch back to back per config, best of REPEATS each: ratios survive a drifting load.
  await initBackend({ prefer: primary, environment: {} });
  for (const cfg of CONFIGS) {
    const mine: Rates[] = [];
    const theirs: Rates[] = [];
    for (let repeat = 1; repeat <= REPEATS; repeat++) {
      mine.push(await measure(primary, cfg, repeat));
      if (torchSkipped !== undefined) continue;
      const reference = await runTorch(cfg.config, 4 * SCALE);
      if (typeof reference === "string") {
        torchSkipped = reference;
        emit({ bench: "dsm", backend: "pytorch", skipped: reference });
        continue;
      }
      const { stepsPerSecond, stepsPerCpuSecond, ...rest } = reference;
      theirs.push({ stepsPerSecond, stepsPerCpuSecond: stepsPerCpuSecond ?? NaN });
      emit({ bench: "dsm", ...rest, backend: "pytorch", repeat, value: stepsPerSecond, unit: "steps/s", stepsPerCpuSecond, load1: loadavg()[0] });
    }
    ours.set(`${primary}-${cfg.config}`, best(mine));
    if (theirs.length > 0) torch.set(cfg.config, best(theirs));
  }

  // What the gradient fix buys on wasm, and the slower backends (capped), measured once.
  for (const backend of backends) {
    await initBackend({ prefer: backend, environment: {} });
    if (backend !== primary) for (const cfg of CONFIGS) ours.set(`${backend}-${cfg.config}`, await measure(backend, cfg, 1));
    if (backend === "wasm") {
      tf.registerGradient(stockMatMulGradient);
      try {
        for (const cfg of CONFIGS) await measure(backend, cfg, 1);
      } finally {
        installFastMatMulGradient();
      }
    }
  }

  for (const cfg of CONFIGS) {
    const reference = torch.get(cfg.config);
    if (reference === undefined) continue;
    for (const backend of backends) {
      const mine = ours.get(`${backend}-${cfg.config}`);
      if (mine === undefined) continue;
      emit({
        bench: "dsm-ratio", config: cfg.config, backend, reference: "pytorch (OpenBLAS, 1 thread)",
        aggregate: backend === primary ? `best of ${REPEATS}, interleaved` : "single run vs best PyTorch",
        value: mine.stepsPerSecond / reference.stepsPerSecond, unit: "ratio",
        perCpuSecond: mine.stepsPerCpuSecond / reference.stepsPerCpuSecond,
        ...(cfg.config === "b" && backend === "wasm" ? { target: 0.25 } : {}),
      });
    }
  }
}
