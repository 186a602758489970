/**
 * `@parabolic/score` training throughput: denoising score matching (score network, `dsmObjective`) and heat-ball
 * residual training (potential network, `heatBallObjective`: DSM + heat-ball residual with halves and the caloric
 * control variate + score consistency + anchor + boundary) through the package's own trainer, steps/s.
 *
 * Objectives: `dsm` (score network, first-order), `dsm-potential` (the same DSM term on a potential network, whose
 * score ∇ψ makes the parameter gradient second order) and `heat-ball` (the experiment-A configuration).
 * Records: `{bench: "score-train", objective, backend, width, depth, batch, kappaSamples?, value (steps/s), unit,
 * stepsPerCpuSecond, wallMs, cpuMs}` and `{bench: "score-dsm-vs-pytorch", value, perCpuSecond}` — the DSM record at
 * the toolchain.md §4 configuration (a) (d = 2, hidden 128×3, batch 512) divided by bench/torch/dsm.py's config (a)
 * (a `skipped` record when python/torch is missing). The heat-ball step costs several network passes (centres,
 * κ-points, second-order score consistency), so compare it with DSM at the same width.
 * `PARABOLIC_BENCH_SCALE` (default 1) scales every measuring time.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { key } from "@parabolic/core";
import { initBackend } from "@parabolic/core/backend";
// bench/package.json does not list @parabolic/score yet (owned by the lead); import the source directly.
import {
  createPotentialNetwork,
  createScoreNetwork,
  dsmObjective,
  gaussianCenters,
  heatBallObjective,
  train,
  type Objective,
  type Trainable,
} from "@parabolic/score";

type Emit = (record: Record<string, unknown>) => void;
const SCALE = Number(process.env["PARABOLIC_BENCH_SCALE"] ?? "1") || 1;
const here = dirname(fileURLToPath(import.meta.url));

/** 8-Gaussian ring (radius 4, std 0.5), as in bench/torch/dsm.py config (a). */
function ringData(count: number): Float64Array {
  const out = new Float64Array(count * 2);
  let seed = 12345;
  const uniform = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return (seed + 0.5) / 4294967296;
  };
  for (let i = 0; i < count; i++) {
    const angle = Math.floor(uniform() * 8) * ((2 * Math.PI) / 8);
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const th = 2 * Math.PI * uniform();
    out[2 * i] = 4 * Math.cos(angle) + 0.5 * r * Math.cos(th);
    out[2 * i + 1] = 4 * Math.sin(angle) + 0.5 * r * Math.sin(th);
  }
  return out;
}

async function measure(model: Trainable, objective: Objective, ms: number): Promise<{ steps: number; wallMs: number; cpuMs: number }> {
  await train(model, objective, { key: key(1), steps: 3, optimizer: { learningRate: 1e-3 } }); // warm-up
  let steps = 25;
  for (;;) {
    const wall0 = performance.now();
    const cpu0 = process.cpuUsage();
    await train(model, objective, { key: key(2), steps, optimizer: { learningRate: 1e-3 } });
    const wallMs = performance.now() - wall0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    if (wallMs >= ms || steps >= 100_000) return { steps, wallMs, cpuMs };
    steps = Math.ceil(steps * Math.min(8, Math.max(1.5, (1.2 * ms) / Math.max(wallMs, 1))));
  }
}

function runTorch(): Promise<Record<string, unknown> | string> {
  const script = join(here, "..", "torch", "dsm.py");
  if (!existsSync("/usr/bin/python3") || !existsSync(script)) return Promise.resolve("python3 or bench/torch/dsm.py missing");
  // Same BLAS set-up as dsm.bench.ts: OpenBLAS unpacked by bench/torch/setup-openblas.sh, one thread.
  const openblas = join(here, "..", ".openblas/usr/lib/x86_64-linux-gnu/openblas-pthread");
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", OMP_WAIT_POLICY: "PASSIVE" };
  if (existsSync(openblas)) env["LD_LIBRARY_PATH"] = [openblas, process.env["LD_LIBRARY_PATH"]].filter(Boolean).join(":");
  return new Promise((resolve) => {
    const child = spawn("/usr/bin/python3", [script, "--configs", "a", "--seconds", String(5 * SCALE), "--threads", "1"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", (e) => resolve(`spawn failed: ${e.message}`));
    child.on("close", () => {
      const line = out.trim().split("\n").filter(Boolean).pop();
      try {
        const record = JSON.parse(line ?? "") as Record<string, unknown>;
        resolve(typeof record["skipped"] === "string" ? (record["skipped"] as string) : record);
      } catch {
        resolve(`no JSON from dsm.py: ${out.slice(0, 200)}`);
      }
    });
  });
}

export async function run(emit: Emit): Promise<void> {
  const { name: backend } = await initBackend({ prefer: "wasm" });
  const data = ringData(20_000);
  const results: Record<string, number> = {};
  const configs = [
    { objective: "dsm", width: 128, depth: 3, batch: 512 },
    { objective: "dsm", width: 64, depth: 3, batch: 128 },
    { objective: "dsm-potential", width: 64, depth: 3, batch: 128 },
    { objective: "heat-ball", width: 64, depth: 3, batch: 128, kappaSamples: 16, heatBallBatch: 64 },
  ] as const;
  for (const cfg of configs) {
    let model: Trainable & { dispose(): void };
    let objective: Objective & { dispose?: () => void };
    if (cfg.objective === "dsm") {
      const net = createScoreNetwork(key(3), { dim: 2, width: cfg.width, depth: cfg.depth, time: { min: 0, max: 1 } });
      model = net;
      objective = dsmObjective(net.score, {
        data,
        dim: 2,
        batchSize: cfg.batch,
        transition: (t) => ({ alpha: 1, variance: (0.01 * 1000 ** t) ** 2 }),
        time: { min: 1e-3, max: 1 },
      });
    } else {
      const sMax = 1e4;
      const net = createPotentialNetwork(key(3), { dim: 2, width: cfg.width, depth: cfg.depth, dataVariance: 16, time: { min: 0.01, max: sMax, scale: "log" } });
      model = net;
      objective = heatBallObjective(net, {
        centers: gaussianCenters({ data, dim: 2 }),
        batchSize: cfg.batch,
        time: { min: 1e-3, max: sMax },
        dsm: { weight: 1 },
        ...("kappaSamples" in cfg
          ? {
              heatBall: { weight: 0.003, samples: cfg.kappaSamples, batchSize: cfg.heatBallBatch, normalise: true },
              consistency: { weight: 0.001 },
              anchor: { weight: 0.1, proposals: 128 },
              boundary: { weight: 0.01 },
            }
          : {}),
      });
    }
    const m = await measure(model, objective, 4000 * SCALE);
    const stepsPerSecond = (1000 * m.steps) / m.wallMs;
    results[`${cfg.objective}-${cfg.width}-${cfg.batch}`] = (1000 * m.steps) / m.cpuMs;
    emit({
      bench: "score-train",
      ...cfg,
      backend,
      value: stepsPerSecond,
      unit: "steps/s",
      stepsPerCpuSecond: (1000 * m.steps) / m.cpuMs,
      steps: m.steps,
      wallMs: m.wallMs,
      cpuMs: m.cpuMs,
      tensors: tf.memory().numTensors,
    });
    objective.dispose?.();
    model.dispose();
  }
  const torch = await runTorch();
  if (typeof torch === "string") {
    emit({ bench: "score-dsm-vs-pytorch", skipped: torch });
  } else {
    const torchCpu = Number(torch["stepsPerCpuSecond"] ?? torch["stepsPerSecond"]);
    const ours = results["dsm-128-512"]!;
    emit({
      bench: "score-dsm-vs-pytorch",
      config: "a",
      value: ours / torchCpu,
      unit: "ratio (steps per CPU second, @parabolic/score DSM ÷ PyTorch)",
      parabolicStepsPerCpuSecond: ours,
      pytorchStepsPerCpuSecond: torchCpu,
      pytorchBlas: torch["blas"],
    });
  }
}
