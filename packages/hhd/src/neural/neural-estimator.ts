import * as tf from "@tensorflow/tfjs-core";
import {
  ParabolicError,
  assertInRange,
  assertPositiveInteger,
  assertPositiveNumber,
  describeValue,
  fillNormals,
  foldIn,
  invalidArgument,
  randomStream,
  split,
  throwIfAborted,
  type Key,
  type ProgressCallback,
  type RandomStream,
} from "@parabolic/core";
import { vpSchedule, type VpSchedule } from "../vp-schedule.js";
import { fdLaplacian, potentialGradient } from "./hutchinson-laplacian.js";
import { resolvePotential, type NamedParameterPotential, type TrainablePotential } from "./potential.js";

/**
 * A frozen score model `s_θ(x, t)`: `x` `[batch, dim]`, `t` `[batch]` → a new `[batch, dim]` tensor.
 *
 * @remarks Ownership: the estimators create `x` and `t`, call the function outside every gradient tape (no
 * gradient ever flows into θ), dispose the returned tensor and then `x` and `t`. The function must not dispose its
 * inputs. Wrap a `@parabolic/score` network as `(x, t) => net.score(x, t)`.
 * @example
 * ```ts
 * const score: ScoreFunction = (x, t) => net.score(x, t);
 * ```
 */
export type ScoreFunction = (x: tf.Tensor2D, t: tf.Tensor1D) => tf.Tensor2D;

/**
 * A data sampler: `count` draws of `x_0` as a row-major `count × dim` Float64Array, deterministic in the key
 * (e.g. `gaussianMixture(...).sample`, or a shuffled image batch).
 *
 * @example
 * ```ts
 * const data: DataSampler = (k, count) => mixture.sample(k, count);
 * ```
 */
export type DataSampler = (k: Key, count: number) => Float64Array;

/**
 * Linear form of `⟨e_t, ∇ψ⟩_{p_t}` used per sample (hhd.md §6.1, §6.3):
 * - `"auto"` (default): denoising (L3) where `σ_t ≥ sigmaSwitch`, Stein (L2) with the finite-difference Hutchinson
 *   Laplacian where `σ_t < sigmaSwitch`;
 * - `"denoising"`: L3 `(s_θ + ε/σ_t)·∇ψ` everywhere (first derivatives only; variance ∝ 1/σ_t² as t → 0);
 * - `"stein"`: L2 `s_θ·∇ψ + Δ̂ψ` everywhere;
 * - `"mixed"`: the average of both (both unbiased, so the average is; lower variance).
 * @example
 * ```ts
 * const form: NeuralLinearForm = "mixed";
 * ```
 */
export type NeuralLinearForm = "auto" | "denoising" | "stein" | "mixed";

/**
 * Options shared by the neural trainers and estimators.
 *
 * @example
 * ```ts
 * const common: NeuralEstimatorCommonOptions = { potential: psi, score, data, dim: 10 };
 * ```
 */
export type NeuralEstimatorCommonOptions = Readonly<{
  /** The potential ψ_η(x, t) (its variables are trained in place by the trainers). */
  potential: TrainablePotential | NamedParameterPotential;
  /** The frozen model score s_θ. */
  score: ScoreFunction;
  /** Sampler of x_0. */
  data: DataSampler;
  /** Data dimension d. */
  dim: number;
  /** Forward VP schedule: `x_t = α_t x_0 + σ_t ε`. @defaultValue vpSchedule() */
  schedule?: VpSchedule;
  /** Smallest time t_min. @defaultValue 1e-3 */
  timeMin?: number;
  /** Largest time. @defaultValue 1 */
  timeMax?: number;
  /** Linear form (gradient component only). @defaultValue "auto" */
  form?: NeuralLinearForm;
  /** σ below which `"auto"` uses the Stein form. @defaultValue 0.05 */
  sigmaSwitch?: number;
  /** Finite-difference step δ = fdScale·σ_t of the Hutchinson Laplacian. @defaultValue 1e-2 */
  fdScale?: number;
  /** Rademacher probes M per sample. @defaultValue 1 */
  probes?: number;
}>;

type Resolved = {
  fn: string;
  psi: TrainablePotential;
  score: ScoreFunction;
  data: DataSampler;
  dim: number;
  schedule: VpSchedule;
  timeMin: number;
  timeMax: number;
  form: NeuralLinearForm;
  sigmaSwitch: number;
  fdScale: number;
  probes: number;
};

function resolveCommon(fn: string, o: NeuralEstimatorCommonOptions): Resolved {
  if (typeof o !== "object" || o === null) throw invalidArgument(fn, "options", "be an object", o);
  const psi = resolvePotential(fn, "potential", o.potential);
  if (typeof o.score !== "function") throw invalidArgument(fn, "score", "be a function (x, t) => Tensor2D", o.score);
  if (typeof o.data !== "function") throw invalidArgument(fn, "data", "be a function (key, count) => Float64Array", o.data);
  assertPositiveInteger(fn, "dim", o.dim, 1 << 20);
  const schedule = o.schedule ?? vpSchedule();
  if (typeof schedule !== "object" || typeof schedule.sigma !== "function" || typeof schedule.alpha !== "function") {
    throw invalidArgument(fn, "schedule", "be a VpSchedule", schedule);
  }
  const timeMax = o.timeMax ?? schedule.horizon;
  assertInRange(fn, "timeMax", timeMax, { min: 0, max: schedule.horizon, minExclusive: true });
  const timeMin = o.timeMin ?? 1e-3;
  assertInRange(fn, "timeMin", timeMin, { min: 0, max: timeMax, minExclusive: true, maxExclusive: true });
  const form = o.form ?? "auto";
  if (form !== "auto" && form !== "denoising" && form !== "stein" && form !== "mixed") {
    throw invalidArgument(fn, "form", 'be "auto", "denoising", "stein" or "mixed"', form);
  }
  const sigmaSwitch = o.sigmaSwitch ?? 0.05;
  assertInRange(fn, "sigmaSwitch", sigmaSwitch, { min: 0, max: 1 });
  const fdScale = o.fdScale ?? 1e-2;
  assertPositiveNumber(fn, "fdScale", fdScale);
  const probes = o.probes ?? 1;
  assertPositiveInteger(fn, "probes", probes, 1024);
  return { fn, psi, score: o.score, data: o.data, dim: o.dim, schedule, timeMin, timeMax, form, sigmaSwitch, fdScale, probes };
}

/** What a batch is used for: the dual (gradient) objective or the solenoidal residual. */
type Objective = "gradient" | "solenoidal";

/**
 * One prepared batch (all tensors owned by the batch; `dispose()` frees them). Rows are ordered so that the `stein`
 * rows (those needing a Laplacian) come first.
 */
type PreparedBatch = {
  size: number;
  stein: number;
  times: Float64Array;
  x: tf.Tensor2D;
  t: tf.Tensor1D;
  /** Gradient objective: c = s_θ + a_den·ε/σ (so ℓ = c·∇ψ + a_stein·Δ̂ψ); solenoidal: c = s_θ. */
  c: tf.Tensor2D;
  /** a_stein for the first `stein` rows. */
  steinWeight: tf.Tensor1D | undefined;
  probes: tf.Tensor3D | undefined;
  delta: tf.Tensor1D | undefined;
  dispose(): void;
};

function checkScoreOutput(r: Resolved, out: unknown, rows: number): tf.Tensor2D {
  if (!(out instanceof tf.Tensor) || out.rank !== 2 || out.shape[0] !== rows || out.shape[1] !== r.dim) {
    if (out instanceof tf.Tensor) out.dispose();
    throw new ParabolicError("SHAPE_MISMATCH", `${r.fn}: 'score' must return a [${rows}, ${r.dim}] tensor; got ${out instanceof tf.Tensor ? `shape [${out.shape}]` : describeValue(out)}.`, {
      function: r.fn,
      argument: "score",
    });
  }
  return out as tf.Tensor2D;
}

/**
 * Draws a batch on the host in float64 (x_0 from the sampler, ε, x_t = α x_0 + σ ε, Rademacher probes), evaluates
 * the frozen score outside any tape and uploads everything as float32 tensors.
 */
function prepareBatch(r: Resolved, k: Key, times: Float64Array, objective: Objective): PreparedBatch {
  const n = times.length;
  const d = r.dim;
  const [kData, kNoise, kProbe] = split(k, 3) as [Key, Key, Key];
  const x0 = r.data(kData, n);
  if (!(x0 instanceof Float64Array) || x0.length !== n * d) {
    throw new ParabolicError("SHAPE_MISMATCH", `${r.fn}: 'data' must return a Float64Array of length ${n} × ${d}; got ${describeValue(x0)}.`, { function: r.fn, argument: "data" });
  }
  const eps = fillNormals(randomStream(kNoise), new Float64Array(n * d));
  // Stein rows first (gradient objective only)
  const sig = Float64Array.from(times, (t) => r.schedule.sigma(t));
  const steinWeightOf = (s: number): number => {
    if (objective === "solenoidal") return 0;
    switch (r.form) {
      case "denoising":
        return 0;
      case "stein":
        return 1;
      case "mixed":
        return 0.5;
      default:
        return s < r.sigmaSwitch ? 1 : 0;
    }
  };
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => (steinWeightOf(sig[b]!) > 0 ? 1 : 0) - (steinWeightOf(sig[a]!) > 0 ? 1 : 0) || a - b);
  let stein = 0;
  while (stein < n && steinWeightOf(sig[order[stein]!]!) > 0) stein++;
  const xt = new Float32Array(n * d);
  const noiseTerm = new Float32Array(n * d);
  const tt = new Float64Array(n);
  const tt32 = new Float32Array(n);
  const sw = new Float32Array(stein);
  const dl = new Float32Array(stein);
  for (let row = 0; row < n; row++) {
    const i = order[row]!;
    const t = times[i]!;
    const a = r.schedule.alpha(t);
    const s = sig[i]!;
    tt[row] = t;
    tt32[row] = t;
    const wStein = steinWeightOf(s);
    const aDen = (1 - wStein) / s;
    for (let j = 0; j < d; j++) {
      const e = eps[i * d + j]!;
      const v = a * x0[i * d + j]! + s * e;
      if (!Number.isFinite(v)) {
        throw new ParabolicError("NON_FINITE", `${r.fn}: 'data' returned a non-finite value (${x0[i * d + j]}) at entry ${i * d + j}.`, { function: r.fn, argument: "data" });
      }
      xt[row * d + j] = v;
      noiseTerm[row * d + j] = objective === "gradient" ? aDen * e : 0;
    }
    if (row < stein) {
      sw[row] = wStein;
      dl[row] = r.fdScale * s;
    }
  }
  let probes: tf.Tensor3D | undefined;
  if (stein > 0) {
    const stream: RandomStream = randomStream(kProbe);
    const v = new Float32Array(r.probes * stein * d);
    for (let q = 0; q < v.length; q++) v[q] = stream.nextUint32() & 1 ? 1 : -1;
    probes = tf.tensor3d(v, [r.probes, stein, d]);
  }
  const x = tf.tensor2d(xt, [n, d]);
  const t = tf.tensor1d(tt32);
  let c: tf.Tensor2D;
  try {
    const s = checkScoreOutput(r, r.score(x, t), n);
    c = tf.tidy(() => (objective === "gradient" ? tf.add(s, tf.tensor2d(noiseTerm, [n, d])) : tf.clone(s))) as tf.Tensor2D;
    s.dispose();
  } catch (e) {
    tf.dispose([x, t, ...(probes ? [probes] : [])]);
    throw e;
  }
  const steinWeight = stein > 0 ? tf.tensor1d(sw) : undefined;
  const delta = stein > 0 ? tf.tensor1d(dl) : undefined;
  return {
    size: n,
    stein,
    times: tt,
    x,
    t,
    c,
    steinWeight,
    probes,
    delta,
    dispose() {
      tf.dispose([x, t, c, ...(steinWeight ? [steinWeight] : []), ...(probes ? [probes] : []), ...(delta ? [delta] : [])]);
    },
  };
}

/**
 * Per-sample values `[batch]` (call inside a tidy / tape): gradient objective `2ℓ − |∇ψ|²`; solenoidal objective
 * `|s_θ − ∇ψ|²`. The base rows and all Hutchinson rows go through one batched gradient call.
 */
function perSampleValues(r: Resolved, b: PreparedBatch, objective: Objective): tf.Tensor1D {
  const g = potentialGradient(r.psi, b.x, b.t);
  if (objective === "solenoidal") return tf.sum(tf.square(tf.sub(b.c, g)), 1) as tf.Tensor1D;
  let ell = tf.sum(tf.mul(b.c, g), 1) as tf.Tensor1D;
  if (b.stein > 0) {
    const xs = tf.slice(b.x, [0, 0], [b.stein, r.dim]) as tf.Tensor2D;
    const ts = tf.slice(b.t, [0], [b.stein]) as tf.Tensor1D;
    const lap = fdLaplacian(r.psi, xs, ts, b.probes!, b.delta!).laplacian;
    const weighted = tf.mul(lap, b.steinWeight!);
    const full = b.stein < b.size ? tf.concat([weighted, tf.zeros([b.size - b.stein])], 0) : weighted;
    ell = tf.add(ell, full) as tf.Tensor1D;
  }
  return tf.sub(tf.mul(ell, 2), tf.sum(tf.square(g), 1)) as tf.Tensor1D;
}

/** Stratified uniform times on [lo, hi]: one draw in each of n equal cells (a uniform marginal). */
function stratifiedTimes(stream: RandomStream, n: number, lo: number, hi: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + ((i + stream.nextDouble()) / n) * (hi - lo);
  // shuffle so that consecutive batches are not ordered in t (Fisher–Yates)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(stream.nextDouble() * (i + 1));
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Training

/**
 * Options of {@link trainGradientPotential} and {@link trainSolenoidalPotential}.
 *
 * @example
 * ```ts
 * const options: TrainPotentialOptions = { potential: psi, score, data, dim: 10, maxSteps: 3000 };
 * ```
 */
export type TrainPotentialOptions = NeuralEstimatorCommonOptions &
  Readonly<{
    /** Training weight ν(t) > 0. @defaultValue σ_t² (equalises scales across t) */
    trainingWeight?: (t: number) => number;
    /** Maximum number of Adam steps. @defaultValue 5000 */
    maxSteps?: number;
    /** Batch size. @defaultValue 128 */
    batchSize?: number;
    /** Cosine learning-rate schedule from `initial` to `final` over `maxSteps`. @defaultValue { initial: 1e-3, final: 1e-4 } */
    learningRate?: Readonly<{ initial: number; final: number }>;
    /** Held-out set size (fixed samples, stratified t). @defaultValue 1024 */
    heldOutSize?: number;
    /** Evaluate the held-out objective every this many steps. @defaultValue 50 */
    evaluateEvery?: number;
    /** Moving-average window of the stopping rule, in steps. @defaultValue 500 */
    window?: number;
    /** Stop when the moving average improves by less than this fraction over one window. @defaultValue 0.005 */
    tolerance?: number;
    /** Never stop before this many steps. @defaultValue 2·window */
    minSteps?: number;
    onProgress?: ProgressCallback;
    signal?: AbortSignal;
  }>;

/**
 * How a training run ended: `"converged"` (stopping rule met), `"max-steps"`, `"aborted"` (signal), `"non-finite"`
 * (a NaN/∞ training loss — the step is not applied — or held-out objective) or `"failed"` (a callback threw
 * mid-loop; see `error`).
 *
 * @example
 * ```ts
 * const ok = (s: TrainPotentialStatus) => s === "converged" || s === "max-steps";
 * ```
 */
export type TrainPotentialStatus = "converged" | "max-steps" | "aborted" | "non-finite" | "failed";

/**
 * Result of {@link trainGradientPotential} / {@link trainSolenoidalPotential}.
 *
 * @example
 * ```ts
 * const { status, steps, heldOut } = trainGradientPotential(key(1), options);
 * ```
 */
export type TrainPotentialResult = Readonly<{
  status: TrainPotentialStatus;
  /** Adam steps taken. */
  steps: number;
  /**
   * Last held-out objective: gradient, `E[ν(2ℓ − |∇ψ|²)]` (maximised); solenoidal, `E[ν|s_θ − ∇ψ|²]` (minimised).
   */
  heldOut: number;
  /** Held-out objective every `evaluateEvery` steps (step 0 = before training). */
  history: readonly Readonly<{ step: number; heldOut: number; learningRate: number }>[];
  /** The error caught when `status` is `"failed"`. */
  error?: unknown;
}>;

type AdamSlot = { m: tf.Tensor; v: tf.Tensor };

function trainCore(fn: string, objective: Objective, k: Key, options: TrainPotentialOptions): TrainPotentialResult {
  const r = resolveCommon(fn, options);
  const nu = options.trainingWeight ?? ((t: number) => r.schedule.sigma(t) ** 2);
  if (typeof nu !== "function") throw invalidArgument(fn, "trainingWeight", "be a function", nu);
  const maxSteps = options.maxSteps ?? 5000;
  assertPositiveInteger(fn, "maxSteps", maxSteps, 1e9);
  const batchSize = options.batchSize ?? 128;
  assertPositiveInteger(fn, "batchSize", batchSize, 1 << 20);
  const lr = options.learningRate ?? { initial: 1e-3, final: 1e-4 };
  if (typeof lr !== "object" || lr === null) throw invalidArgument(fn, "learningRate", "be { initial, final }", lr);
  assertPositiveNumber(fn, "learningRate.initial", lr.initial);
  assertPositiveNumber(fn, "learningRate.final", lr.final);
  const heldOutSize = options.heldOutSize ?? 1024;
  assertPositiveInteger(fn, "heldOutSize", heldOutSize, 1 << 24);
  const evaluateEvery = options.evaluateEvery ?? 50;
  assertPositiveInteger(fn, "evaluateEvery", evaluateEvery, 1e9);
  const window = options.window ?? 500;
  assertPositiveInteger(fn, "window", window, 1e9);
  if (window < evaluateEvery) throw invalidArgument(fn, "window", `be >= evaluateEvery (${evaluateEvery})`, window);
  const tolerance = options.tolerance ?? 0.005;
  assertInRange(fn, "tolerance", tolerance, { min: 0, max: 1 });
  const minSteps = options.minSteps ?? 2 * window;
  if (!Number.isInteger(minSteps) || minSteps < 0) throw invalidArgument(fn, "minSteps", "be a non-negative integer", minSteps);
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") throw invalidArgument(fn, "onProgress", "be a function", options.onProgress);
  for (const t of [r.timeMin, r.timeMax]) {
    const w = nu(t);
    if (!(w > 0) || !Number.isFinite(w)) throw invalidArgument(fn, "trainingWeight", `return a positive finite weight (ν(${t}) = ${w})`, w);
  }
  if (r.psi.variables.length === 0) throw invalidArgument(fn, "potential", "have at least one variable", r.psi.variables.length);

  const [kHeld, kTrain, kTimes] = split(k, 3) as [Key, Key, Key];
  const sign = objective === "gradient" ? -1 : 1; // minimise sign·E[ν v]

  // Held-out set (built up front: shape errors of score/data/potential throw here, before any training)
  const heldTimes = stratifiedTimes(randomStream(kHeld), heldOutSize, r.timeMin, r.timeMax);
  const held: { batch: PreparedBatch; nu: tf.Tensor1D }[] = [];
  const disposeHeld = (): void => held.forEach((h) => (h.batch.dispose(), h.nu.dispose()));
  const heldObjective = (): number => {
    let total = 0;
    for (const h of held) {
      const s = tf.tidy(() => tf.sum(tf.mul(perSampleValues(r, h.batch, objective), h.nu)));
      total += s.dataSync()[0]!;
      s.dispose();
    }
    return total / heldOutSize;
  };
  try {
    for (let start = 0, c = 0; start < heldOutSize; start += batchSize, c++) {
      const times = heldTimes.subarray(start, Math.min(heldOutSize, start + batchSize));
      const batch = prepareBatch(r, foldIn(kHeld, c), times, objective);
      held.push({ batch, nu: tf.tensor1d(Float32Array.from(batch.times, nu)) });
    }
  } catch (e) {
    disposeHeld();
    throw e;
  }
  const lrAt = (step: number): number => lr.final + 0.5 * (lr.initial - lr.final) * (1 + Math.cos((Math.PI * Math.min(step, maxSteps)) / maxSteps));
  const history: { step: number; heldOut: number; learningRate: number }[] = [];
  const slots: AdamSlot[] = r.psi.variables.map((v) => ({ m: tf.zerosLike(v), v: tf.zerosLike(v) }));
  const beta1 = 0.9;
  const beta2 = 0.999;
  const epsilon = 1e-8;
  const timeStream = randomStream(kTimes);
  let status: TrainPotentialStatus = "max-steps";
  let error: unknown;
  let step = 0;
  const perWindow = Math.max(1, Math.round(window / evaluateEvery));
  const movingAverage = (end: number): number => {
    let s = 0;
    for (let i = end - perWindow; i < end; i++) s += history[i]!.heldOut;
    return s / perWindow;
  };
  try {
    const first = heldObjective();
    if (!Number.isFinite(first)) {
      throw new ParabolicError("NON_FINITE", `${fn}: the held-out objective is ${first} before training (non-finite score, data or potential).`, { function: fn });
    }
    history.push({ step: 0, heldOut: first, learningRate: lrAt(0) });
  } catch (e) {
    disposeHeld();
    slots.forEach((s) => tf.dispose([s.m, s.v]));
    throw e;
  }
  try {
    while (step < maxSteps) {
      if (options.signal?.aborted) {
        status = "aborted";
        break;
      }
      const times = stratifiedTimes(timeStream, batchSize, r.timeMin, r.timeMax);
      const batch = prepareBatch(r, foldIn(kTrain, step), times, objective);
      const nuT = tf.tensor1d(Float32Array.from(batch.times, nu));
      let lossValue: number;
      try {
        const { value, grads } = tf.variableGrads(
          () => tf.mul(tf.mean(tf.mul(perSampleValues(r, batch, objective), nuT)), sign) as tf.Scalar,
          r.psi.variables as tf.Variable[],
        );
        lossValue = value.dataSync()[0]!;
        value.dispose();
        if (!Number.isFinite(lossValue)) {
          tf.dispose(grads);
          status = "non-finite";
          break;
        }
        const rate = lrAt(step);
        const c1 = 1 - beta1 ** (step + 1);
        const c2 = 1 - beta2 ** (step + 1);
        r.psi.variables.forEach((variable, i) => {
          const g = grads[variable.name];
          if (g === undefined) return;
          const slot = slots[i]!;
          const [m, v] = tf.tidy(() => [tf.add(tf.mul(slot.m, beta1), tf.mul(g, 1 - beta1)), tf.add(tf.mul(slot.v, beta2), tf.mul(tf.square(g), 1 - beta2))]) as [tf.Tensor, tf.Tensor];
          tf.dispose([slot.m, slot.v]);
          slot.m = m;
          slot.v = v;
          tf.tidy(() => {
            variable.assign(tf.sub(variable, tf.mul(tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), epsilon)), rate)));
          });
        });
        tf.dispose(grads);
      } finally {
        batch.dispose();
        nuT.dispose();
      }
      step++;
      if (step % evaluateEvery === 0 || step === maxSteps) {
        const heldOut = heldObjective();
        history.push({ step, heldOut, learningRate: lrAt(step) });
        options.onProgress?.({ label: fn, completed: step, total: maxSteps, detail: { heldOut, loss: lossValue } });
        if (!Number.isFinite(heldOut)) {
          status = "non-finite";
          break;
        }
        const n = history.length;
        if (step >= minSteps && n > 2 * perWindow) {
          const now = movingAverage(n);
          const before = movingAverage(n - perWindow);
          // improvement of the objective in its own direction (maximise gradient J, minimise the residual)
          const improvement = objective === "gradient" ? now - before : before - now;
          if (improvement < tolerance * Math.abs(before)) {
            status = "converged";
            break;
          }
        }
      }
    }
  } catch (e) {
    status = "failed";
    error = e;
  } finally {
    disposeHeld();
    slots.forEach((s) => tf.dispose([s.m, s.v]));
  }
  const last = history[history.length - 1]!;
  return { status, steps: step, heldOut: last.heldOut, history, ...(error !== undefined ? { error } : {}) };
}

/**
 * Trains the potential ψ_η to maximise the dual-Sobolev objective `𝒥(η) = E[ν(t)(2ℓ_t − |∇ψ_η(x_t, t)|²)]`
 * (hhd.md §6.3), whose maximiser has `∇ψ = Π_G e_t`, the gradient component of the score error — without the
 * true score.
 *
 * @remarks `t ~ U[timeMin, timeMax]` (stratified per batch), `x_0 ~ data`, `x_t = α_t x_0 + σ_t ε`; ℓ_t per the
 * `form` option; `ν = σ_t²` by default. Adam (β = 0.9/0.999) with a cosine learning rate 1e-3 → 1e-4 over
 * `maxSteps`, batch 128. Stopping rule: the `window`-step moving average of the held-out 𝒥 improves by less than
 * `tolerance` (0.5 %) over one window. The score is frozen (evaluated outside the gradient tape). The potential's
 * variables are updated in place; nothing else outlives the call (no tensor leaks). Never throws once the loop has
 * started: a callback error ends the run with status `"failed"`; abort gives `"aborted"`.
 * @throws ParabolicError `INVALID_ARGUMENT` / `SHAPE_MISMATCH` / `NON_FINITE` up front (options, and a first
 * evaluation of score, data and potential on the held-out set).
 * @example
 * ```ts
 * const psi = createMlpPotential(key(1), { dim: 10, schedule: vpSchedule() });
 * const run = trainGradientPotential(key(2), {
 *   potential: psi, score: (x, t) => net.score(x, t), data: (k, n) => mixture.sample(k, n), dim: 10, maxSteps: 3000,
 * });
 * if (run.status === "failed") console.error(run.error);
 * ```
 */
export function trainGradientPotential(k: Key, options: TrainPotentialOptions): TrainPotentialResult {
  return trainCore("trainGradientPotential", "gradient", k, options);
}

/**
 * Trains ψ' to minimise `E[ν(t)|s_θ(x_t, t) − ∇ψ'(x_t, t)|²]`: the best gradient fit of the model itself, whose
 * residual is `‖Π_S s_θ‖² = ‖Π_S e_t‖²` (F2) — the solenoidal part of the error, without the true score.
 *
 * @remarks Same sampler, optimiser and stopping rule as {@link trainGradientPotential} (the `form` option is
 * ignored). Use {@link estimateSolenoidalComponent} afterwards; a restricted ψ' gives an upper bound.
 * @throws ParabolicError up front as {@link trainGradientPotential}.
 * @example
 * ```ts
 * const psiS = createMlpPotential(key(3), { dim: 10, schedule: vpSchedule() });
 * trainSolenoidalPotential(key(4), { potential: psiS, score, data, dim: 10 });
 * ```
 */
export function trainSolenoidalPotential(k: Key, options: TrainPotentialOptions): TrainPotentialResult {
  return trainCore("trainSolenoidalPotential", "solenoidal", k, options);
}

// ---------------------------------------------------------------------------------------------------------------
// Estimation

/**
 * Options of {@link estimateGradientComponent} and {@link estimateSolenoidalComponent}.
 *
 * @example
 * ```ts
 * const options: EstimateComponentOptions = { potential: psi, score, data, dim: 10, bins: 10, samplesPerBin: 1024 };
 * ```
 */
export type EstimateComponentOptions = NeuralEstimatorCommonOptions &
  Readonly<{
    /** Time weight w(t) of the integral. @defaultValue ½β(t) = ½g(t)² */
    weight?: (t: number) => number;
    /** Number of equal-width stratified t-bins on [timeMin, timeMax]. @defaultValue 10 */
    bins?: number;
    /** Fresh held-out samples per bin. @defaultValue 1024 */
    samplesPerBin?: number;
    /** Evaluation batch (also the batch of the batch-means standard error). @defaultValue 128 */
    batchSize?: number;
    onProgress?: ProgressCallback;
    signal?: AbortSignal;
  }>;

/**
 * One t-bin of a {@link ComponentEstimate}.
 *
 * @example
 * ```ts
 * for (const b of est.perBin) console.log(b.timeLow, b.timeHigh, b.mean, "±", b.standardError);
 * ```
 */
export type ComponentBin = Readonly<{
  timeLow: number;
  timeHigh: number;
  /** Bin average of the per-time norm (`J_t(ψ) ≤ ‖Π_G e_t‖²`, or `E|s_θ − ∇ψ'|² ≥ ‖Π_S e_t‖²`), unweighted. */
  mean: number;
  /** Batch-means standard error of `mean`. */
  standardError: number;
  /** `∫_bin w(t)·norm_t dt` (this bin's contribution to `value`). */
  integral: number;
  integralStandardError: number;
}>;

/**
 * A time-integrated component estimate.
 *
 * @example
 * ```ts
 * const { value, standardError, perBin }: ComponentEstimate = estimateGradientComponent(key(5), options);
 * ```
 */
export type ComponentEstimate = Readonly<{
  /** `Est_grad ≈ ∫ w(t) J_t(ψ) dt` (a lower bound of `Err_grad`), or `Est_sol` (an upper bound of `Err_sol`). */
  value: number;
  /** Batch-means standard error (bins are independent: `√Σ se_b²`). */
  standardError: number;
  perBin: readonly ComponentBin[];
}>;

function estimateCore(fn: string, objective: Objective, k: Key, options: EstimateComponentOptions): ComponentEstimate {
  const r = resolveCommon(fn, options);
  const w = options.weight ?? ((t: number) => 0.5 * r.schedule.beta(t));
  if (typeof w !== "function") throw invalidArgument(fn, "weight", "be a function", w);
  const bins = options.bins ?? 10;
  assertPositiveInteger(fn, "bins", bins, 10_000);
  const samplesPerBin = options.samplesPerBin ?? 1024;
  assertPositiveInteger(fn, "samplesPerBin", samplesPerBin, 1 << 24);
  const batchSize = options.batchSize ?? 128;
  assertPositiveInteger(fn, "batchSize", batchSize, 1 << 20);
  if (samplesPerBin < 2 * batchSize) {
    throw invalidArgument(fn, "samplesPerBin", `be at least 2 × batchSize (${2 * batchSize}) for batch-means standard errors`, samplesPerBin);
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") throw invalidArgument(fn, "onProgress", "be a function", options.onProgress);
  const width = (r.timeMax - r.timeMin) / bins;
  const perBin: ComponentBin[] = [];
  let value = 0;
  let variance = 0;
  const binKeys = split(k, bins);
  for (let b = 0; b < bins; b++) {
    const lo = r.timeMin + b * width;
    const hi = b === bins - 1 ? r.timeMax : lo + width;
    const [kt, kb] = split(binKeys[b]!, 2) as [Key, Key];
    const times = stratifiedTimes(randomStream(kt), samplesPerBin, lo, hi);
    const batchMeans: number[] = [];
    const weightedMeans: number[] = [];
    const batchSizes: number[] = [];
    for (let start = 0, c = 0; start < samplesPerBin; start += batchSize, c++) {
      throwIfAborted(options.signal, fn);
      const bt = times.subarray(start, Math.min(samplesPerBin, start + batchSize));
      const batch = prepareBatch(r, foldIn(kb, c), bt, objective);
      let vals: Float32Array;
      try {
        const t = tf.tidy(() => perSampleValues(r, batch, objective));
        vals = t.dataSync() as Float32Array;
        t.dispose();
      } finally {
        batch.dispose();
      }
      let s = 0;
      let sw = 0;
      for (let i = 0; i < vals.length; i++) {
        const v = vals[i]!;
        if (!Number.isFinite(v)) throw new ParabolicError("NON_FINITE", `${fn}: a per-sample value is ${v} (t = ${batch.times[i]}).`, { function: fn });
        s += v;
        sw += w(batch.times[i]!) * v;
      }
      batchMeans.push(s / vals.length);
      weightedMeans.push(sw / vals.length);
      batchSizes.push(vals.length);
    }
    const stats = (xs: number[]): [number, number] => {
      let tot = 0;
      let m = 0;
      for (let i = 0; i < xs.length; i++) {
        m += xs[i]! * batchSizes[i]!;
        tot += batchSizes[i]!;
      }
      m /= tot;
      let ss = 0;
      for (const x of xs) ss += (x - m) ** 2;
      const nb = xs.length;
      return [m, Math.sqrt(ss / (nb - 1) / nb)];
    };
    const [mean, se] = stats(batchMeans);
    const [wm, wse] = stats(weightedMeans);
    const h = hi - lo;
    perBin.push({ timeLow: lo, timeHigh: hi, mean, standardError: se, integral: h * wm, integralStandardError: h * wse });
    value += h * wm;
    variance += (h * wse) ** 2;
    options.onProgress?.({ label: fn, completed: b + 1, total: bins, detail: { value } });
  }
  return { value, standardError: Math.sqrt(variance), perBin };
}

/**
 * `Est_grad`: the neural dual-Sobolev estimate of `Err_grad = ∫ w(t)‖Π_G e_t‖² dt` for a trained potential
 * (hhd.md §6.3), never using the true score.
 *
 * @remarks Evaluates `2ℓ_t − |∇ψ|²` on fresh samples in `bins` equal-width stratified t-bins × `samplesPerBin`,
 * weighted by `w(t)` (default ½β(t), i.e. re-weighted from the training weight ν to w), with a batch-means standard
 * error. For every ψ, `E[2ℓ_t − |∇ψ|²] = ‖Π_G e_t‖² − ‖Π_G e_t − ∇ψ‖²`, so the estimate is a lower bound of
 * `Err_grad` up to Monte-Carlo error; it is tight when ψ was trained well ({@link trainGradientPotential}). Use
 * fresh keys (not the training keys). No tensors outlive the call.
 * @throws ParabolicError for invalid options, shape errors of the callbacks, non-finite values, `ABORTED`.
 * @example
 * ```ts
 * const est = estimateGradientComponent(key(9), { potential: psi, score, data, dim: 10 });
 * console.log(`Est_grad = ${est.value} ± ${est.standardError}`);
 * ```
 */
export function estimateGradientComponent(k: Key, options: EstimateComponentOptions): ComponentEstimate {
  return estimateCore("estimateGradientComponent", "gradient", k, options);
}

/**
 * `Est_sol = ∫ w(t) E|s_θ − ∇ψ'|² dt` for a potential ψ' trained by {@link trainSolenoidalPotential}: an upper bound
 * of `Err_sol = ∫ w(t)‖Π_S e_t‖² dt` (F2: `Π_S e_t = Π_S s_θ`) up to Monte-Carlo error.
 *
 * @remarks Same bins, weights and standard errors as {@link estimateGradientComponent}; the `form` option is
 * ignored.
 * @throws ParabolicError as {@link estimateGradientComponent}.
 * @example
 * ```ts
 * const sol = estimateSolenoidalComponent(key(10), { potential: psiS, score, data, dim: 10 });
 * ```
 */
export function estimateSolenoidalComponent(k: Key, options: EstimateComponentOptions): ComponentEstimate {
  return estimateCore("estimateSolenoidalComponent", "solenoidal", k, options);
}
