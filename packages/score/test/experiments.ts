/**
 * The 2-D acceptance experiments of issue 6, shared by the full-size scripts (packages/score/scripts/) and the
 * small CI versions (src/acceptance.test.ts).
 *
 * A. Sparse/dense GMM under VP (β ∈ [0.1, 20]): the same potential network ψ_θ(y, s) in heat coordinates trained
 *    (i) with the heat-ball objective (DSM + heat-ball residual + score consistency + anchor + boundary) and (ii)
 *    DSM only, same step budget. Score relative MSE at τ = 0.3 (OU-time τ = B(t), s = (e^{2τ} − 1)/2) globally and on
 *    the lowest-20 % density set against the exact forward marginal; reverse-SDE samples in heat time: modes found,
 *    mode-proportion KL, sliced W₁ to held-out data; the heat-ball residual on a fixed probe, init vs end.
 * B. Nonlinear drift: dX = −∇U dt + √2 dW with U = (|x|² − 1)²/2 from a 2-component GMM; training centres from a
 *    forward-simulated pool (Heun), anchor (per-level MLE) + drift-corrected heat-ball residual; learned score vs the
 *    2-D Fokker–Planck grid solver at two times.
 */
import * as tf from "@tensorflow/tfjs";
import { key, split, type Key } from "@parabolic/core";
import { forwardMarginal, gaussianMixture, heatTransition, sparseDenseMixture } from "@parabolic/datasets";
import { modeProportions } from "@parabolic/metrics";
import { doubleWellDrift, fokkerPlanckField, ouProcess, solveFokkerPlanck2d, timeChange } from "@parabolic/heat";
import { slicedWasserstein } from "@parabolic/metrics";
import {
  cosineSchedule,
  createPotentialNetwork,
  gaussianCenters,
  groupTensors,
  heatBallGroupTensors,
  heatBallLogResidual,
  heatBallObjective,
  heatTimeSde,
  pooledCenters,
  rampWeight,
  sampleHeatBallGroups,
  sampleReverseSde,
  simulateCenterPool,
  tensorScore,
  train,
  writeParameters,
  type PotentialNetwork,
} from "../src/index.js";

export const S_MAX = 0.5 * Math.expm1(10.05); // VP β ∈ [0.1, 20] at t = 1 (heat-ball.md §2(c))

/** Relative MSE Σ‖ŝ − s‖² / Σ‖s‖² over `rows` (all when omitted). */
export function relativeMse(pred: ArrayLike<number>, exact: ArrayLike<number>, dim: number, rows?: ArrayLike<number>): number {
  let e = 0;
  let n = 0;
  const count = rows === undefined ? exact.length / dim : rows.length;
  for (let q = 0; q < count; q++) {
    const i = rows === undefined ? q : rows[q]!;
    for (let j = 0; j < dim; j++) {
      e += (pred[i * dim + j]! - exact[i * dim + j]!) ** 2;
      n += exact[i * dim + j]! ** 2;
    }
  }
  return e / n;
}

function meanAbs(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += Math.abs(values[i]!);
  return s / values.length;
}

export type GmmConfig = Readonly<{
  seed: number;
  method: "heat-ball" | "dsm";
  steps: number;
  width: number;
  depth: number;
  batchSize: number;
  kappaSamples: number;
  heatBallBatch: number;
  learningRate: number;
  /** Weights of the heat-ball terms (normalised residuals), switched on after `delay`·steps. */
  heatBallWeight: number;
  consistencyWeight: number;
  anchorWeight: number;
  anchorLevels: number;
  anchorPerLevel: number;
  anchorProposals: number;
  delay: number;
  samples: number;
  sampleSteps: number;
  /**
   * Initialisation of ψ_θ: `"caloric"` = exactly caloric Gaussian base + random correction (near a heat-equation
   * solution from the start); `"plain"` = the same network without the base (a generic, non-caloric ψ at init; no
   * control variate and no boundary term, which need the base). @defaultValue "caloric"
   */
  init?: "caloric" | "plain";
  /** Scale of the last layer's initial weights (a larger gain gives a rougher, clearly non-caloric ψ at init). @defaultValue 1 */
  outputGain?: number;
  /** Evaluate with an exponential moving average of the parameters (this decay); raw final parameters when absent. */
  emaDecay?: number;
  /** DSM with the posterior-mean ("exact") target for s₀ ≥ this heat time (M = 4096 data references); ε-target when absent. */
  exactTargetFrom?: number;
}>;

export const GMM_DEFAULTS: Omit<GmmConfig, "seed" | "method"> = {
  steps: 2000,
  width: 64,
  depth: 3,
  batchSize: 128,
  kappaSamples: 16,
  heatBallBatch: 64,
  learningRate: 2e-3,
  heatBallWeight: 0.003,
  consistencyWeight: 0.001,
  anchorWeight: 0.1,
  anchorLevels: 8,
  anchorPerLevel: 64,
  anchorProposals: 128,
  delay: 0.3,
  samples: 4000,
  sampleSteps: 500,
  init: "caloric",
  // both cut the gradient noise that set the mode weights (dense-mode excess 0.03 ⇒ SW₁ 0.11–0.13 at 2000 steps)
  emaDecay: 0.99,
  exactTargetFrom: 0.3,
};

export type GmmResult = Readonly<{
  seed: number;
  method: string;
  steps: number;
  seconds: number;
  scoreRelMse: number;
  scoreRelMseLow: number;
  modesFound: number;
  modeProportions: number[];
  modeKl: number;
  slicedW1: number;
  slicedW1Floor: number;
  probeResidualInit: number;
  probeResidualEnd: number;
  probeResidualExact: number;
  init: "caloric" | "plain";
  outputGain: number;
}>;

const TAU = 0.3;

/** Runs experiment A for one seed and method. */
export async function runGmmExperiment(config: GmmConfig, log: (line: string) => void = () => {}): Promise<GmmResult> {
  const init = config.init ?? "caloric";
  const root = key(config.seed);
  const [dataKey, netKey, trainKey, evalKey, sampleKey, probeKey] = split(root, 6) as [Key, Key, Key, Key, Key, Key];
  const p0 = sparseDenseMixture();
  const data = p0.sample(dataKey, 20_000);
  let m0 = 0;
  let m1 = 0;
  for (let i = 0; i < 20_000; i++) {
    m0 += data[2 * i]! / 20_000;
    m1 += data[2 * i + 1]! / 20_000;
  }
  let variance = 0;
  for (let i = 0; i < 20_000; i++) variance += ((data[2 * i]! - m0) ** 2 + (data[2 * i + 1]! - m1) ** 2) / 40_000;
  const net = createPotentialNetwork(netKey, {
    dim: 2,
    width: config.width,
    depth: config.depth,
    dataVariance: variance,
    time: { min: 1e-3, max: S_MAX, scale: "log", frequencies: 8 },
    // the plain network is the same MLP and output scaling, only without the caloric base
    ...(init === "plain" ? { gaussianBase: false, correctionScale: "noise" as const } : {}),
    ...(config.outputGain === undefined ? {} : { outputGain: config.outputGain }),
  });
  const centers = gaussianCenters({ data, dim: 2 });
  const hb = config.method === "heat-ball";
  const later = (weight: number): ((step: number) => number) =>
    rampWeight({ weight, delay: Math.round(config.delay * config.steps), ramp: Math.round(config.delay * config.steps) });
  const objective = heatBallObjective(net, {
    centers,
    batchSize: config.batchSize,
    // DSM down to s = 1e-3 (the sampler's end; mode std 0.35 ⇒ σ² = 0.12, so s ≪ 0.06 matters)
    time: { min: 1e-3, max: S_MAX },
    dsm: {
      weight: 1,
      ...(config.exactTargetFrom === undefined ? {} : { exactTarget: { references: data.subarray(0, 2 * 4096), minTime: config.exactTargetFrom } }),
    },
    ...(hb
      ? {
          heatBall: { weight: later(config.heatBallWeight), samples: config.kappaSamples, batchSize: config.heatBallBatch, normalise: true },
          consistency: { weight: later(config.consistencyWeight) },
          anchor: { weight: later(config.anchorWeight), levels: config.anchorLevels, perLevel: config.anchorPerLevel, proposals: config.anchorProposals },
          ...(net.hasGaussianBase ? { boundary: { weight: 0.01 } } : {}),
        }
      : {}),
  });
  // fixed probe: 64 centres from the data flow at s ∈ [0.5, 20], r² = s, 4096 κ-points (antithetic), normalised log
  // residual; its float32/Monte Carlo floor is measured on the exact log-density
  const probeCenters = centers.sample(foldProbe(probeKey, 0), 64, { min: 0.5, max: 20 });
  const probeGroups = heatBallGroupTensors(
    sampleHeatBallGroups(foldProbe(probeKey, 1), { dim: 2, centers: probeCenters.points, centerTimes: probeCenters.times, radiusFraction: 1, samples: 4096, normalise: true }),
  );
  const probe = async (psi: (y: tf.Tensor2D, s: tf.Tensor1D) => tf.Tensor1D): Promise<number> => {
    const r = heatBallLogResidual(psi, probeGroups);
    const v = await r.data();
    r.dispose();
    return meanAbs(v);
  };
  const exactPsi = (y: tf.Tensor2D, s: tf.Tensor1D): tf.Tensor1D => mixtureLogDensityTensor(p0, y, s);
  const probeResidualInit = await probe(net.potential);
  const probeResidualExact = await probe(exactPsi);
  const started = performance.now();
  const result = await train(net, objective, {
    key: trainKey,
    steps: config.steps,
    optimizer: { learningRate: cosineSchedule({ initial: config.learningRate, final: config.learningRate / 10, steps: config.steps }) },
    gradientClipNorm: 10,
    ...(config.emaDecay === undefined ? {} : { emaDecay: config.emaDecay }),
    onProgress: (e) => {
      if (e.completed % Math.max(1, Math.round(config.steps / 10)) === 0) log(`${config.method} (${init}) seed ${config.seed}: ${e.completed}/${e.total} loss ${e.detail?.["loss"]}`);
    },
  });
  if (result.ema !== undefined) writeParameters(net, result.ema);
  const seconds = (performance.now() - started) / 1000;
  const probeResidualEnd = await probe(net.potential);

  // score at τ = 0.3 against the exact marginal (heat coordinates; ratios are coordinate-free)
  const s = 0.5 * Math.expm1(2 * TAU);
  const pt = forwardMarginal(p0, heatTransition(s));
  const queries = pt.sample(evalKey, 4000);
  const exact = pt.score(queries);
  const pred = tensorScore(net.score, { dim: 2 })(queries, s);
  const logp = pt.logDensity(queries);
  const low = Array.from(logp.keys()).sort((a, b) => logp[a]! - logp[b]!).slice(0, Math.ceil(0.2 * logp.length));
  const scoreRelMse = relativeMse(pred, exact, 2);
  const scoreRelMseLow = relativeMse(pred, exact, 2, low);

  // samples: reverse SDE in heat time from S_MAX (prior N(0, (v + 2S)I)) to s = 1e-3, stochastic Heun
  const [priorKey, runKey, heldKey, floorKey, swKey] = split(sampleKey, 5) as [Key, Key, Key, Key, Key];
  const prior = gaussianMixture({ weights: [1], means: [[m0, m1]], scales: Math.sqrt(variance + 2 * S_MAX) }).sample(priorKey, config.samples);
  const grid = logThenUniformGrid(S_MAX, 1e-3, config.sampleSteps);
  const sampled = sampleReverseSde(runKey, { sde: heatTimeSde(2), score: tensorScore(net.score, { dim: 2 }), initial: prior, grid: { times: grid }, method: "heun", denoiseLastStep: true });
  const points = sampled.points;
  const modes = Float64Array.from([0, 0, 4, 3, -4, 3]);
  const props = modeProportions(points, { dim: 2, modes, radius: 1.5 });
  const weights = [0.7, 0.2, 0.1];
  let modeKl = 0;
  props.proportions.forEach((p, k) => {
    if (p > 0) modeKl += p * Math.log(p / weights[k]!);
  });
  const heldOut = p0.sample(heldKey, config.samples);
  const sw = (a: Float64Array, b: Float64Array): number => slicedWasserstein(swKey, a, b, { dim: 2, p: 1, projections: 256 });
  const slicedW1 = sw(points, heldOut);
  const slicedW1Floor = sw(p0.sample(floorKey, config.samples), heldOut);
  tf.dispose(groupTensors(probeGroups));
  objective.dispose();
  net.dispose();
  return {
    seed: config.seed,
    method: config.method,
    steps: config.steps,
    seconds,
    scoreRelMse,
    scoreRelMseLow,
    modesFound: props.counts.filter((c) => c >= 0.01 * config.samples).length,
    modeProportions: Array.from(props.proportions),
    modeKl,
    slicedW1,
    slicedW1Floor,
    probeResidualInit,
    probeResidualEnd,
    probeResidualExact,
    init,
    outputGain: config.outputGain ?? 1,
  };
}

function foldProbe(k: Key, i: number): Key {
  return split(k, 2)[i]!;
}

/** Grid from S_MAX: log-spaced to s = 1 (40 %), then uniform in √s to `end` (finer near 0). */
export function logThenUniformGrid(start: number, end: number, steps: number): Float64Array {
  const a = Math.round(steps * 0.4);
  const b = steps - a;
  const out = new Float64Array(steps + 1);
  for (let i = 0; i <= a; i++) out[i] = start * Math.pow(1 / start, i / a);
  for (let i = 1; i <= b; i++) {
    const u = i / b;
    const r = 1 + (Math.sqrt(end) - 1) * u;
    out[a + i] = r * r;
  }
  out[steps] = end;
  return out;
}

/** log w(y, s) of the heat flow of an isotropic GMM (tensor form, for the probe's exact reference). */
function mixtureLogDensityTensor(p0: ReturnType<typeof sparseDenseMixture>, y: tf.Tensor2D, s: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const terms: tf.Tensor[] = [];
    for (let k = 0; k < p0.componentCount; k++) {
      const v = p0.isotropicVariances[k]!;
      const q = tf.add(tf.mul(s, 2), v);
      const mu = tf.tensor2d([[p0.means[2 * k]!, p0.means[2 * k + 1]!]]);
      const d2 = tf.sum(tf.square(tf.sub(y, mu)), 1);
      terms.push(tf.sub(tf.sub(Math.log(p0.weights[k]!), tf.div(d2, tf.mul(q, 2))), tf.log(tf.mul(q, 2 * Math.PI))));
    }
    return tf.logSumExp(tf.stack(terms, 1), 1) as tf.Tensor1D;
  });
}

export type NonlinearConfig = Readonly<{
  seed: number;
  steps: number;
  width: number;
  depth: number;
  paths: number;
  levels: number;
  perLevel: number;
  proposals: number;
  heatBallWeight: number;
  heatBallBatch: number;
  kappaSamples: number;
  driftSamples: number;
  learningRate: number;
  gridCells: number;
}>;

export const NONLINEAR_DEFAULTS: Omit<NonlinearConfig, "seed"> = {
  steps: 2000,
  width: 64,
  depth: 3,
  paths: 8000,
  levels: 16,
  perLevel: 64,
  proposals: 256,
  heatBallWeight: 0.003,
  heatBallBatch: 64,
  kappaSamples: 16,
  driftSamples: 16,
  learningRate: 2e-3,
  gridCells: 120,
};

export type NonlinearResult = Readonly<{
  seed: number;
  steps: number;
  seconds: number;
  times: number[];
  scoreRelMse: number[];
  gridMassError: number;
}>;

/** Runs experiment B for one seed. */
export async function runNonlinearExperiment(config: NonlinearConfig, log: (line: string) => void = () => {}): Promise<NonlinearResult> {
  const [dataKey, poolKey, netKey, trainKey, evalKey] = split(key(config.seed), 5) as [Key, Key, Key, Key, Key];
  const drift = doubleWellDrift({ dim: 2 });
  const process = ouProcess({ rate: 0, diffusion: Math.SQRT2, drift }); // heat time s = t, y = x, c = b
  const p0 = gaussianMixture({ weights: [0.6, 0.4], means: [[-1.2, 0.6], [1.0, -0.9]], scales: 0.3 });
  const data = p0.sample(dataKey, config.paths);
  const evalTimes = [0.1, 0.5];
  const steps = 1000; // dt = 1e-3 on [0, 1]
  const levels = Array.from({ length: config.levels }, (_, i) => Math.round(1000 * 0.02 * Math.pow(50, i / (config.levels - 1))) / 1000);
  const poolTimes = [...new Set([...levels, ...evalTimes])].sort((a, b) => a - b);
  const pool = simulateCenterPool(poolKey, process, { data, dim: 2, times: poolTimes, paths: config.paths, steps });
  let variance = 0;
  for (let i = 0; i < data.length; i++) variance += data[i]! * data[i]!;
  variance /= data.length;
  const net: PotentialNetwork = createPotentialNetwork(netKey, {
    dim: 2,
    width: config.width,
    depth: config.depth,
    dataVariance: variance,
    time: { min: 0.01, max: 1, scale: "log", frequencies: 6 },
  });
  const change = timeChange(process, { dim: 2 });
  const objective = heatBallObjective(net, {
    centers: pooledCenters(pool),
    batchSize: 128,
    time: { min: 0.02, max: 1 },
    anchor: { weight: 1, levels: poolTimes.length, perLevel: config.perLevel, proposals: config.proposals, minTime: 0.02 },
    ...(config.heatBallWeight > 0
      ? {
          heatBall: {
            weight: rampWeight({ weight: config.heatBallWeight, delay: Math.round(0.3 * config.steps), ramp: Math.round(0.3 * config.steps) }),
            minTime: 0.05,
            samples: config.kappaSamples,
            batchSize: config.heatBallBatch,
            normalise: true,
            drift: { field: change.heatDrift!, samples: config.driftSamples },
          },
        }
      : {}),
  });
  const started = performance.now();
  const result = await train(net, objective, {
    key: trainKey,
    steps: config.steps,
    optimizer: { learningRate: cosineSchedule({ initial: config.learningRate, final: config.learningRate / 10, steps: config.steps }) },
    gradientClipNorm: 10,
    emaDecay: 0.99,
    onProgress: (e) => {
      if (e.completed % Math.max(1, Math.round(config.steps / 10)) === 0) log(`nonlinear seed ${config.seed}: ${e.completed}/${e.total} loss ${e.detail?.["loss"]}`);
    },
  });
  writeParameters(net, result.ema!);
  const seconds = (performance.now() - started) / 1000;
  // ground truth: the finite-volume FP solver on [−3.5, 3.5]²
  const solved = solveFokkerPlanck2d(process, {
    grid: { xMin: -3.5, xMax: 3.5, yMin: -3.5, yMax: 3.5, nx: config.gridCells, ny: config.gridCells },
    initial: (points) => p0.logDensity(points),
    t1: 1,
    saveAt: evalTimes,
  });
  if (solved.status !== "success") throw new Error(`FP solver: ${solved.status}`);
  const field = fokkerPlanckField(solved);
  const scores = evalTimes.map((t) => {
    // evaluation points: simulated states at t (samples of p_t), away from the box edge
    const rows: number[] = [];
    for (let i = 0; i < pool.times.length && rows.length < 3000; i++) {
      if (Math.abs(pool.xTimes[i]! - t) < 1e-12 && Math.abs(pool.points[2 * i]!) < 3 && Math.abs(pool.points[2 * i + 1]!) < 3) rows.push(i);
    }
    const pts = new Float64Array(rows.length * 2);
    rows.forEach((r, q) => pts.set(pool.points.subarray(2 * r, 2 * r + 2), 2 * q));
    const exact = field.score!(pts, new Float64Array(rows.length).fill(t));
    const pred = tensorScore(net.score, { dim: 2 })(pts, t);
    return relativeMse(pred, exact, 2);
  });
  void evalKey;
  objective.dispose();
  net.dispose();
  return { seed: config.seed, steps: config.steps, seconds, times: evalTimes, scoreRelMse: scores, gridMassError: solved.stats.massError };
}
