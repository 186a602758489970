/**
 * E5-style ablations of the neural dual-Sobolev estimator (hhd.md §6.3, §12 E5) against the analytic truth in
 * d = 10 and 50: isotropic Gaussian mixture p_0, exact VP marginals, model s_θ = (1+κ)∇log p_t + λA∇log p_t
 * (κ = 0.5, λ = 1.5, A = symplecticGenerator(d)), so Err_grad = κ²∫wF(p_t)dt and Err_sol = λ²∫wF(p_t)dt with
 * w = ½β on [1e-3, 1]. Ablations: linear form (stein L2 / denoising L3 / mixed / auto switch at σ = 0.05), ψ width
 * ×0.25 / 0.5 / 1 (16 / 32 / 64), training steps (250 … 2000), plus the default stopping rule and Est_sol.
 * Bias and sd over seeds. Writes packages/hhd/results/neural-estimator.{json,md}.
 *
 * Run: nice -n 10 node --conditions=@parabolic/source --import tsx packages/hhd/scripts/neural-estimator.ts
 * Env: SEEDS (3), DIMS ("10,50"), SAMPLES_PER_BIN (512), TRUTH_SAMPLES (20000), ONLY (comma list of config names),
 * RENDER_ONLY=1 (re-write the .md from an existing .json without running anything).
 *
 * DEMO=mnist16 instead runs the image demo (no truth available): a 16×16 MNIST (t10k, [−1, 1]) DSM-trained MLP-mixer
 * score network from `@parabolic/score` (a devDependency; the library never imports it), Est_grad and Est_sol at
 * two training checkpoints, written to results/neural-estimator-mnist16.{json,md}. Env: DSM_STEPS ("300,1500"),
 * PSI_STEPS (1000), PSI_WIDTH (128).
 */
import { readFileSync } from "node:fs";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "@parabolic/core/backend";
import { key, randomStream as randomStreamOf, type Key } from "@parabolic/core";
import { vpSchedule } from "../src/index.js";
import {
  createMlpPotential,
  estimateGradientComponent,
  estimateSolenoidalComponent,
  trainGradientPotential,
  trainSolenoidalPotential,
  type NeuralLinearForm,
} from "../src/neural.js";
import { dataVariance, fisherIntegral, mixtureND, perturbedScoreFunction } from "../test/support/neural-fixtures.js";

const SEEDS = Number(process.env.SEEDS ?? 3);
const DIMS = (process.env.DIMS ?? "10,50").split(",").map(Number);
const SAMPLES_PER_BIN = Number(process.env.SAMPLES_PER_BIN ?? 512);
const TRUTH_SAMPLES = Number(process.env.TRUTH_SAMPLES ?? 20_000);
const ONLY = process.env.ONLY?.split(",");
const KAPPA = 0.5;
const LAMBDA = 1.5;
const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "..", "results");

type Config = { name: string; form: NeuralLinearForm; width: number; steps: number; stopping: boolean; solenoidal?: boolean };
const allConfigs: Config[] = [
  { name: "L3 denoising", form: "denoising", width: 64, steps: 1000, stopping: false },
  { name: "L2 stein", form: "stein", width: 64, steps: 1000, stopping: false },
  { name: "mixed", form: "mixed", width: 64, steps: 1000, stopping: false },
  { name: "auto (base)", form: "auto", width: 64, steps: 1000, stopping: false, solenoidal: true },
  { name: "width ×0.25", form: "auto", width: 16, steps: 1000, stopping: false },
  { name: "width ×0.5", form: "auto", width: 32, steps: 1000, stopping: false },
  { name: "steps 250", form: "auto", width: 64, steps: 250, stopping: false },
  { name: "steps 500", form: "auto", width: 64, steps: 500, stopping: false },
  { name: "steps 2000", form: "auto", width: 64, steps: 2000, stopping: false },
  { name: "stopping rule (≤ 3000)", form: "auto", width: 64, steps: 3000, stopping: true },
];
const configs = allConfigs.filter((c) => ONLY === undefined || ONLY.includes(c.name));

type Row = {
  dim: number;
  config: string;
  form: NeuralLinearForm;
  width: number;
  maxSteps: number;
  truthGrad: number;
  truthGradSE: number;
  estimates: number[];
  standardErrors: number[];
  steps: number[];
  statuses: string[];
  mean: number;
  bias: number;
  relativeBias: number;
  sd: number;
  meanSE: number;
  cpuSecondsPerRun: number;
  sol?: { truth: number; estimates: number[]; mean: number; bias: number; sd: number; meanSE: number };
};

function stats(xs: number[]): { mean: number; sd: number } {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : NaN;
  return { mean: m, sd };
}

if (process.env.DEMO === "mnist16") {
  await mnist16Demo();
  process.exit(0);
}

const RENDER_ONLY = process.env.RENDER_ONLY === "1";
const previous = RENDER_ONLY
  ? (JSON.parse(readFileSync(join(outDir, "neural-estimator.json"), "utf8")) as { meta: Record<string, unknown>; wallSeconds: number; rows: Row[] })
  : undefined;
const backend = RENDER_ONLY ? { name: String(previous!.meta.backend) } : await initBackend({ prefer: "wasm" });
const schedule = vpSchedule();
const rows: Row[] = previous?.rows ?? [];
const started = Date.now() - 1000 * (previous?.wallSeconds ?? 0);
const meta = previous?.meta ?? {
  date: new Date().toISOString(),
  backend: backend.name,
  tfjs: tf.version.tfjs,
  node: process.version,
  kappa: KAPPA,
  lambda: LAMBDA,
  timeRange: [1e-3, 1],
  weight: "w(t) = ½β(t)",
  trainingWeight: "ν(t) = σ_t²",
  batchSize: 128,
  learningRate: "cosine 1e-3 → 1e-4",
  bins: 10,
  samplesPerBin: SAMPLES_PER_BIN,
  seeds: SEEDS,
  truthSamples: TRUTH_SAMPLES,
  potential: "createMlpPotential: depth 2, SiLU, VP input preconditioning, learnable quadratic, unit output scale",
  note: "2-core machine shared with other jobs (nice -n 10): CPU seconds are noisy.",
};

function write(): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "neural-estimator.json"), JSON.stringify({ meta, wallSeconds: (Date.now() - started) / 1000, rows }, null, 2) + "\n");
  const f = (v: number, digits = 3): string => (Number.isFinite(v) ? v.toFixed(digits) : "–");
  const lines = [
    "# Neural dual-Sobolev estimator: ablations vs the analytic truth (hhd.md §6.3, §12 E5)",
    "",
    `Generated by \`packages/hhd/scripts/neural-estimator.ts\` on ${meta.date} (${meta.backend}, tfjs ${meta.tfjs}, Node ${meta.node}).`,
    "",
    `Model s_θ = (1+κ)∇log p_t + λA∇log p_t with κ = ${KAPPA}, λ = ${LAMBDA} on a 3-component isotropic Gaussian mixture in d`,
    "dimensions (exact VP marginals); Err_grad = κ²∫w F(p_t) dt and Err_sol = λ²∫w F(p_t) dt, w = ½β, t ∈ [1e-3, 1]",
    `(truth: Gauss–Kronrod in t × ${meta.truthSamples} Monte-Carlo samples with the exact score). Est_grad: ψ = createMlpPotential`,
    `(depth 2), Adam batch 128, cosine lr 1e-3 → 1e-4, ν = σ_t²; evaluation on 10 stratified t-bins × ${meta.samplesPerBin} fresh samples.`,
    `Bias = mean over ${meta.seeds} seeds − truth; sd = seed standard deviation; SE = mean batch-means standard error of one run.`,
    "CPU s/run = process CPU seconds for training + estimation of one seed (the base row also includes its Est_sol run).",
    "Est_grad is a lower bound up to Monte-Carlo error, so a negative bias is the expected sign (approximation slack).",
    "",
    "| d | config | form | width | steps (taken) | truth Err_grad | mean Est_grad | bias | rel. bias | sd | SE | CPU s/run |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.dim} | ${r.config} | ${r.form} | ${r.width} | ${r.maxSteps} (${stats(r.steps).mean.toFixed(0)}) | ${f(r.truthGrad)} ± ${f(r.truthGradSE)} | ${f(r.mean)} | ${f(r.bias)} | ${(100 * r.relativeBias).toFixed(1)} % | ${f(r.sd)} | ${f(r.meanSE)} | ${r.cpuSecondsPerRun.toFixed(1)} |`,
    ),
    "",
    "Solenoidal part (ψ' minimising E|s_θ − ∇ψ'|², base configuration): Est_sol is an upper bound of Err_sol.",
    "",
    "| d | truth Err_sol | mean Est_sol | bias | rel. bias | sd | SE |",
    "|---|---|---|---|---|---|---|",
    ...rows
      .filter((r) => r.sol !== undefined)
      .map((r) => `| ${r.dim} | ${f(r.sol!.truth)} | ${f(r.sol!.mean)} | ${f(r.sol!.bias)} | ${(100 * (r.sol!.bias / r.sol!.truth)).toFixed(1)} % | ${f(r.sol!.sd)} | ${f(r.sol!.meanSE)} |`),
    "",
    `Total wall time ${((Date.now() - started) / 60000).toFixed(1)} min. ${meta.note}`,
    "",
  ];
  writeFileSync(join(outDir, "neural-estimator.md"), lines.join("\n"));
}

for (const dim of RENDER_ONLY ? [] : DIMS) {
  const p0 = mixtureND(dim);
  const data = (k: Key, count: number): Float64Array => p0.sample(k, count);
  const v = dataVariance(p0);
  const fisher = fisherIntegral(key(1), p0, { t0: 1e-3, t1: 1, samples: TRUTH_SAMPLES });
  const truthGrad = KAPPA ** 2 * fisher.value;
  const truthSol = LAMBDA ** 2 * fisher.value;
  const score = perturbedScoreFunction(p0, KAPPA, LAMBDA);
  console.log(`d=${dim}: ∫wF = ${fisher.value.toFixed(3)} ± ${fisher.standardError.toFixed(3)}; Err_grad = ${truthGrad.toFixed(3)}, Err_sol = ${truthSol.toFixed(3)}`);
  for (const c of configs) {
    const estimates: number[] = [];
    const ses: number[] = [];
    const steps: number[] = [];
    const statuses: string[] = [];
    const solEst: number[] = [];
    const solSE: number[] = [];
    let cpu = 0;
    for (let seed = 0; seed < SEEDS; seed++) {
      const base = 1000 * dim + 10 * seed;
      const c0 = process.cpuUsage();
      const psi = createMlpPotential(key(base + 1), { dim, width: c.width, schedule, dataVariance: v });
      const run = trainGradientPotential(key(base + 2), {
        potential: psi, score, data, dim, schedule, form: c.form, maxSteps: c.steps, ...(c.stopping ? {} : { minSteps: c.steps }),
      });
      const est = estimateGradientComponent(key(base + 3), { potential: psi, score, data, dim, schedule, form: c.form, samplesPerBin: SAMPLES_PER_BIN });
      psi.dispose();
      const used = process.cpuUsage(c0);
      cpu += (used.user + used.system) / 1e6;
      estimates.push(est.value);
      ses.push(est.standardError);
      steps.push(run.steps);
      statuses.push(run.status);
      console.log(`  ${c.name} seed ${seed}: ${run.status} ${run.steps} steps, Est_grad = ${est.value.toFixed(3)} ± ${est.standardError.toFixed(3)} (truth ${truthGrad.toFixed(3)})`);
      if (c.solenoidal) {
        const psiS = createMlpPotential(key(base + 4), { dim, width: c.width, schedule, dataVariance: v });
        const runS = trainSolenoidalPotential(key(base + 5), { potential: psiS, score, data, dim, schedule, maxSteps: c.steps, minSteps: c.steps });
        const sol = estimateSolenoidalComponent(key(base + 6), { potential: psiS, score, data, dim, schedule, samplesPerBin: SAMPLES_PER_BIN });
        psiS.dispose();
        solEst.push(sol.value);
        solSE.push(sol.standardError);
        console.log(`  ${c.name} seed ${seed}: Est_sol = ${sol.value.toFixed(3)} ± ${sol.standardError.toFixed(3)} (${runS.status}; truth ${truthSol.toFixed(3)})`);
      }
    }
    const s = stats(estimates);
    const row: Row = {
      dim,
      config: c.name,
      form: c.form,
      width: c.width,
      maxSteps: c.steps,
      truthGrad,
      truthGradSE: KAPPA ** 2 * fisher.standardError,
      estimates,
      standardErrors: ses,
      steps,
      statuses,
      mean: s.mean,
      bias: s.mean - truthGrad,
      relativeBias: (s.mean - truthGrad) / truthGrad,
      sd: s.sd,
      meanSE: stats(ses).mean,
      cpuSecondsPerRun: cpu / SEEDS,
    };
    if (c.solenoidal) {
      const ss = stats(solEst);
      row.sol = { truth: truthSol, estimates: solEst, mean: ss.mean, bias: ss.mean - truthSol, sd: ss.sd, meanSE: stats(solSE).mean };
    }
    rows.push(row);
    write();
  }
}
write();
if (!RENDER_ONLY) console.log(`done in ${((Date.now() - started) / 60000).toFixed(1)} min; backend ${backend.name}; live tensors at exit: ${tf.memory().numTensors} (backend set-up included)`);

/** Image demo: Est_grad / Est_sol of a DSM-trained MNIST16 score network at two checkpoints (no truth). */
async function mnist16Demo(): Promise<void> {
  const { loadMnist, prepareImages, vpTransition } = await import("@parabolic/datasets");
  const { createImageScoreNetwork, dsmObjective, train } = await import("@parabolic/score");
  const backend = await initBackend({ prefer: "wasm" });
  const t0 = Date.now();
  const schedule = vpSchedule();
  const dsmSteps = (process.env.DSM_STEPS ?? "300,1500").split(",").map(Number);
  const psiSteps = Number(process.env.PSI_STEPS ?? 1000);
  const psiWidth = Number(process.env.PSI_WIDTH ?? 128);
  const { dataset } = prepareImages(await loadMnist({ split: "test" }), { scaling: "unit", dtype: "float64" });
  const dim = dataset.dim; // 256
  const all = Float64Array.from(dataset.inputs, (v) => 2 * v - 1);
  const nTrain = 8000;
  const trainSet = all.subarray(0, nTrain * dim);
  const heldOut = all.subarray(nTrain * dim);
  const nHeld = heldOut.length / dim;
  let mean = 0;
  let sq = 0;
  for (const v of trainSet) {
    mean += v;
    sq += v * v;
  }
  mean /= trainSet.length;
  const pixelVariance = sq / trainSet.length - mean * mean;
  // the estimators' x_0 sampler: uniform draws (with replacement) from the 2 000 held-out digits
  const data = (k: Key, count: number): Float64Array => {
    const stream = randomStreamOf(k);
    const out = new Float64Array(count * dim);
    for (let i = 0; i < count; i++) {
      const j = Math.floor(stream.nextDouble() * nHeld);
      out.set(heldOut.subarray(j * dim, (j + 1) * dim), i * dim);
    }
    return out;
  };
  const sigmaOf = (t: tf.Tensor1D): tf.Tensor1D =>
    tf.tidy(() => tf.sqrt(tf.sub(1, tf.exp(tf.neg(tf.add(tf.mul(t, schedule.betaMin), tf.mul(tf.square(t), 0.5 * (schedule.betaMax - schedule.betaMin))))))) as tf.Tensor1D);
  const net = createImageScoreNetwork(key(16), {
    height: 16, width: 16, architecture: "mixer", time: { min: 1e-3, max: 1 },
    outputScale: (t) => tf.tidy(() => tf.div(1, sigmaOf(t)) as tf.Tensor1D),
  });
  const objective = dsmObjective(net.score, { data: trainSet, dim, batchSize: 128, transition: (t) => vpTransition(t), time: { min: 1e-3, max: 1 } });
  const checkpoints: Record<string, unknown>[] = [];
  let done = 0;
  for (const steps of dsmSteps) {
    const c0 = Date.now();
    // continue training the same network up to `steps` in total (a fresh Adam state per segment)
    const r = await train(net, objective, { key: key(17 + done), steps: steps - done, optimizer: { learningRate: 1e-3 } });
    done += r.step;
    const tail = r.losses.subarray(Math.max(0, r.losses.length - 100));
    const dsmLoss = tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length);
    const score = (x: tf.Tensor2D, t: tf.Tensor1D): tf.Tensor2D => net.score(x, t);
    const common = { score, data, dim, schedule } as const;
    const psi = createMlpPotential(key(100 + steps), { dim, width: psiWidth, schedule, dataVariance: pixelVariance, outputScale: "noise" });
    const runG = trainGradientPotential(key(200 + steps), { ...common, potential: psi, maxSteps: psiSteps });
    const grad = estimateGradientComponent(key(300 + steps), { ...common, potential: psi, samplesPerBin: 256 });
    psi.dispose();
    const psiS = createMlpPotential(key(400 + steps), { dim, width: psiWidth, schedule, dataVariance: pixelVariance, outputScale: "noise" });
    const runS = trainSolenoidalPotential(key(500 + steps), { ...common, potential: psiS, maxSteps: psiSteps });
    const sol = estimateSolenoidalComponent(key(600 + steps), { ...common, potential: psiS, samplesPerBin: 256 });
    psiS.dispose();
    const row = {
      dsmSteps: done,
      dsmLossLast100: dsmLoss,
      estGrad: grad.value,
      estGradSE: grad.standardError,
      gradStatus: runG.status,
      gradSteps: runG.steps,
      estSol: sol.value,
      estSolSE: sol.standardError,
      solStatus: runS.status,
      solSteps: runS.steps,
      gradPerBin: grad.perBin.map((b) => ({ t: [b.timeLow, b.timeHigh], mean: b.mean, se: b.standardError })),
      solPerBin: sol.perBin.map((b) => ({ t: [b.timeLow, b.timeHigh], mean: b.mean, se: b.standardError })),
      wallSeconds: (Date.now() - c0) / 1000,
    };
    console.log(`MNIST16 after ${done} DSM steps (loss ${dsmLoss.toFixed(4)}): Est_grad = ${grad.value.toFixed(3)} ± ${grad.standardError.toFixed(3)} (${runG.status}), Est_sol = ${sol.value.toFixed(3)} ± ${sol.standardError.toFixed(3)} (${runS.status})`);
    checkpoints.push(row);
    const meta = { date: new Date().toISOString(), backend: backend.name, tfjs: tf.version.tfjs, node: process.version, data: "MNIST t10k, 16×16 area-downsampled, [−1, 1]; DSM on the first 8 000, estimators on the last 2 000", scoreNetwork: "createImageScoreNetwork mixer (defaults), output × 1/σ_t, DSM batch 128, Adam 1e-3", potential: `createMlpPotential width ${psiWidth}, depth 2, outputScale "noise"`, psiSteps, weight: "w = ½β, t ∈ [1e-3, 1]", bins: 10, samplesPerBin: 256 };
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, "neural-estimator-mnist16.json"), JSON.stringify({ meta, wallSeconds: (Date.now() - t0) / 1000, checkpoints }, null, 2) + "\n");
    const lines = [
      "# Neural dual-Sobolev estimator on MNIST16 (demo, no ground truth)",
      "",
      `Generated by \`DEMO=mnist16 packages/hhd/scripts/neural-estimator.ts\` on ${meta.date} (${meta.backend}, tfjs ${meta.tfjs}).`,
      `${meta.data}. Score: ${meta.scoreNetwork}. ψ: ${meta.potential}, ≤ ${psiSteps} steps (stopping rule on). ${meta.weight}; 10 t-bins × 256 samples.`,
      "Est_grad is a lower bound of Err_grad = ∫½β‖Π_G e_t‖²dt and Est_sol an upper bound of Err_sol, up to Monte-Carlo error; the full",
      "L² error is unknown for images (DSM = L² + an unknown constant).",
      "",
      "| DSM steps | DSM loss (last 100 steps) | Est_grad ± SE | ψ status (steps) | Est_sol ± SE | ψ' status (steps) | wall s |",
      "|---|---|---|---|---|---|---|",
      ...checkpoints.map((c: Record<string, unknown>) => {
        const v = c as typeof row;
        return `| ${v.dsmSteps} | ${v.dsmLossLast100.toFixed(4)} | ${v.estGrad.toFixed(3)} ± ${v.estGradSE.toFixed(3)} | ${v.gradStatus} (${v.gradSteps}) | ${v.estSol.toFixed(3)} ± ${v.estSolSE.toFixed(3)} | ${v.solStatus} (${v.solSteps}) | ${v.wallSeconds.toFixed(0)} |`;
      }),
      "",
      `Total wall time ${((Date.now() - t0) / 60000).toFixed(1)} min on a shared 2-core machine.`,
      "",
    ];
    writeFileSync(join(outDir, "neural-estimator-mnist16.md"), lines.join("\n"));
  }
  net.dispose();
}
