import {
  ParabolicError,
  assertFiniteNumber,
  assertPositiveInteger,
  assertPositiveNumber,
  fillNormals,
  invalidArgument,
  randomStream,
  throwIfAborted,
  type Key,
} from "@parabolic/core";
import { checkedResult, shapeMismatch } from "./internal/check.js";
import { cholesky } from "./internal/dense.js";
import type { PotentialBasis } from "./potential-basis.js";
import type { VectorField } from "./types.js";

/**
 * Which unbiased form of the linear term `⟨e, ∇ψ⟩_{p_t}` to use (hhd.md §6.1):
 * - `"stein"` (L2): `E[s_θ·∇ψ + Δψ]` on samples of p_t — needs only the model.
 * - `"denoising"` (L3): `E[(s_θ(x_t) + ε/σ_t)·∇ψ(x_t)]` with `x_t = α_t x_0 + σ_t ε` — needs only the model and
 *   the noise that produced each point (no second derivatives; variance grows like 1/σ_t² as t → 0).
 * - `"oracle"` (L1): `E[e·∇ψ]` with the true error `e = s_θ − ∇log p_t` — for tests only.
 * @example
 * ```ts
 * const form: LinearForm = "stein";
 * ```
 */
export type LinearForm = "stein" | "denoising" | "oracle";

/**
 * One quantity to estimate on a shared sample set (the Gram matrices are computed once for all targets).
 *
 * @example
 * ```ts
 * const target: GradientNormTarget = { form: "denoising", score: model, noise, sigma: vp.sigma(t) };
 * ```
 */
export type GradientNormTarget =
  | Readonly<{ form: "stein"; score: VectorField }>
  | Readonly<{ form: "denoising"; score: VectorField; noise: Float64Array; sigma: number }>
  | Readonly<{ form: "oracle"; error: VectorField }>;

/**
 * Options of {@link estimateGradientNorms}.
 *
 * @example
 * ```ts
 * const options: EstimateGradientNormsOptions = { basis, points, targets: [{ form: "stein", score: model }], folds: 2 };
 * ```
 */
export type EstimateGradientNormsOptions = Readonly<{
  basis: PotentialBasis;
  /** Samples of p_t (for `"denoising"`: the noised points `x_t`), `count × dim` row-major. */
  points: Float64Array;
  targets: readonly GradientNormTarget[];
  /** Time passed to the fields. @defaultValue 0 */
  time?: number;
  /** Number of cross-fitting folds (point i goes to fold `i mod folds`). @defaultValue 2 */
  folds?: number;
  /** Ridge `μ = ridge · tr(G)/K` added to the Gram matrix. @defaultValue 1e-8 */
  ridge?: number;
  /** Points per call of the fields. @defaultValue 8192 */
  chunkSize?: number;
  signal?: AbortSignal;
}>;

/**
 * Estimate of `‖Π_G e‖²_{L²(p)}` (a lower bound up to Monte-Carlo error, since ψ is restricted).
 *
 * @example
 * ```ts
 * const { crossFit, standardError, inSample } = estimateGradientNorm({ basis, points, target });
 * ```
 */
export type GradientNormEstimate = Readonly<{
  form: LinearForm;
  /** Cross-fitted `J(c)`: unbiased for `‖Π_G e‖² − ‖Π_G e − ∇ψ_c‖² ≤ ‖Π_G e‖²`. Report this. */
  crossFit: number;
  /** Monte-Carlo standard error of `crossFit` (per-sample values, coefficients held fixed). */
  standardError: number;
  /** In-sample `βᵀ(G + μI)⁻¹β` on all points: biased upward by ≈ K·Var/N — a diagnostic only. */
  inSample: number;
  /** Cross-fitted value of each fold. */
  foldValues: readonly number[];
}>;

const GRAM_BLOCK = 64;

/** Upper triangle of G += ΦᵀΦ where column k of Φ is `cols[k·width … k·width + len)`. */
function accumulateGram(g: Float64Array, cols: Float64Array, K: number, width: number, len: number): void {
  for (let k = 0; k < K; k++) {
    const ck = k * width;
    const row = k * K;
    let q = k;
    for (; q + 3 < K; q += 4) {
      const c0 = q * width;
      const c1 = c0 + width;
      const c2 = c1 + width;
      const c3 = c2 + width;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let r = 0; r < len; r++) {
        const a = cols[ck + r]!;
        s0 += a * cols[c0 + r]!;
        s1 += a * cols[c1 + r]!;
        s2 += a * cols[c2 + r]!;
        s3 += a * cols[c3 + r]!;
      }
      g[row + q]! += s0;
      g[row + q + 1]! += s1;
      g[row + q + 2]! += s2;
      g[row + q + 3]! += s3;
    }
    for (; q < K; q++) {
      const cq = q * width;
      let s = 0;
      for (let r = 0; r < len; r++) s += cols[ck + r]! * cols[cq + r]!;
      g[row + q]! += s;
    }
  }
}

type Prepared = { vectors: Float64Array; laplacianWeight: number; form: LinearForm };

function describeTarget(fn: string, t: GradientNormTarget, index: number, count: number, dim: number): void {
  if (typeof t !== "object" || t === null) throw invalidArgument(fn, `targets[${index}]`, "be an object", t);
  if (t.form === "stein" || t.form === "denoising") {
    if (typeof t.score !== "function") throw invalidArgument(fn, `targets[${index}].score`, "be a function", t.score);
    if (t.form === "denoising") {
      if (!(t.noise instanceof Float64Array) || t.noise.length !== count * dim) {
        throw shapeMismatch(fn, `targets[${index}].noise`, `be a Float64Array of length ${count * dim}`, t.noise);
      }
      assertPositiveNumber(fn, `targets[${index}].sigma`, t.sigma);
    }
  } else if (t.form === "oracle") {
    if (typeof t.error !== "function") throw invalidArgument(fn, `targets[${index}].error`, "be a function", t.error);
  } else {
    throw invalidArgument(fn, `targets[${index}].form`, 'be "stein", "denoising" or "oracle"', (t as { form?: unknown }).form);
  }
}

/** Evaluates each target's per-point vector `v_i` (ℓ_ik = v_i·∇φ_k + w·Δφ_k), chunked. */
function prepareTargets(
  fn: string,
  targets: readonly GradientNormTarget[],
  points: Float64Array,
  dim: number,
  time: number,
  chunkSize: number,
  signal: AbortSignal | undefined,
): Prepared[] {
  return targets.map((t, index) => {
    const field = t.form === "oracle" ? t.error : t.score;
    const vectors = new Float64Array(points.length);
    for (let start = 0; start < points.length; start += chunkSize * dim) {
      throwIfAborted(signal, fn);
      const end = Math.min(points.length, start + chunkSize * dim);
      const chunk = points.subarray(start, end);
      const v = checkedResult(fn, t.form === "oracle" ? `targets[${index}].error` : `targets[${index}].score`, field(chunk, time), chunk.length);
      vectors.set(v, start);
    }
    if (t.form === "denoising") {
      const inv = 1 / t.sigma;
      for (let i = 0; i < vectors.length; i++) vectors[i]! += t.noise[i]! * inv;
    }
    return { vectors, laplacianWeight: t.form === "stein" ? 1 : 0, form: t.form };
  });
}

/**
 * Dual-Sobolev estimates of the gradient component `‖Π_G e‖²_{L²(p_t)}` of a score error, for several targets
 * that share one sample set and one potential basis (hhd.md §6.1–6.2).
 *
 * @remarks Maximises `J(c) = 2cᵀβ − cᵀGc` over `ψ_c = Σ c_k φ_k` with `G = Ê[∇φ∇φᵀ]`, `β = Ê[ℓ(φ_k)]`;
 * `c* = (G + μI)⁻¹β`. Every `J(c)` is a lower bound (`J(c) = ‖Π_G e‖² − ‖Π_G e − ∇ψ_c‖²`), so with
 * cross-fitting (fit c on the other folds, evaluate on this fold) the estimate is unbiased for a lower bound;
 * the in-sample value is biased upward and is reported as a diagnostic. The `"stein"` and `"denoising"` forms
 * never use the true score. Cost: `O(N K² d)` for the Gram matrices (≈ 1–2 s for N = 60 000, K = 169, d = 2),
 * shared by all targets; `O(N K d)` per target. Monte-Carlo noise grows quickly at small N (keep N ≈ 60 000 in
 * 2-D for percent-level accuracy).
 * @throws ParabolicError for invalid inputs or fields returning wrong shapes / non-finite values; `ABORTED`.
 * @example
 * ```ts
 * const [stein, dsm] = estimateGradientNorms({
 *   basis: rffPotentialBasis(key(1), { dim: 2 }),
 *   points: xt,
 *   time: 0.1,
 *   targets: [
 *     { form: "stein", score: model },
 *     { form: "denoising", score: model, noise, sigma: vp.sigma(0.1) },
 *   ],
 * });
 * ```
 */
export function estimateGradientNorms(options: EstimateGradientNormsOptions): GradientNormEstimate[] {
  return estimateCore("estimateGradientNorms", options, false).results;
}

type CoreOutput = { results: GradientNormEstimate[]; prepared: Prepared[]; perSample: Float64Array[] };

function estimateCore(fn: string, options: EstimateGradientNormsOptions, keepPerSample: boolean): CoreOutput {
  const { basis, points, targets } = options;
  if (typeof basis !== "object" || basis === null || typeof basis.evaluate !== "function") {
    throw invalidArgument(fn, "basis", "be a PotentialBasis (e.g. rffPotentialBasis(...))", basis);
  }
  const dim = basis.dim;
  if (!(points instanceof Float64Array) || points.length === 0 || points.length % dim !== 0) {
    throw shapeMismatch(fn, "points", `be a non-empty Float64Array of length count × ${dim}`, points);
  }
  const count = points.length / dim;
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i]!)) throw new ParabolicError("NON_FINITE", `${fn}: 'points' has ${points[i]} at entry ${i}.`, { function: fn, argument: "points", index: i });
  }
  if (!Array.isArray(targets) || targets.length === 0) throw invalidArgument(fn, "targets", "be a non-empty array", targets);
  targets.forEach((t, i) => describeTarget(fn, t, i, count, dim));
  const time = options.time ?? 0;
  assertFiniteNumber(fn, "time", time);
  const folds = options.folds ?? 2;
  assertPositiveInteger(fn, "folds", folds, 64);
  if (folds < 2) throw invalidArgument(fn, "folds", "be >= 2 (cross-fitting)", folds);
  if (count < 2 * folds) throw invalidArgument(fn, "points", `hold at least ${2 * folds} points for ${folds} folds`, count);
  const ridge = options.ridge ?? 1e-8;
  assertPositiveNumber(fn, "ridge", ridge);
  const chunkSize = options.chunkSize ?? 8192;
  assertPositiveInteger(fn, "chunkSize", chunkSize);

  const prepared = prepareTargets(fn, targets, points, dim, time, chunkSize, options.signal);
  const K = basis.size;
  const gram = Array.from({ length: folds }, () => new Float64Array(K * K));
  const beta = prepared.map(() => Array.from({ length: folds }, () => new Float64Array(K)));
  const foldCount = new Float64Array(folds);
  const grads = new Float64Array(dim * K);
  const laps = new Float64Array(K);
  const lin = new Float64Array(K);
  // Gram accumulation in blocks of BLOCK points per fold: columns ∂_jφ_k over the block are stored contiguously
  // (K × BLOCK·dim) and G += ΦᵀΦ is formed by 4-way unrolled dot products (≈ 2× faster than rank-1 updates).
  const width = GRAM_BLOCK * dim;
  const blocks = Array.from({ length: folds }, () => new Float64Array(K * width));
  const filled = new Int32Array(folds);
  for (let i = 0; i < count; i++) {
    if ((i & 4095) === 0) throwIfAborted(options.signal, fn);
    const f = i % folds;
    foldCount[f]! += 1;
    basis.evaluate(points, i * dim, grads, laps);
    const block = blocks[f]!;
    const base = filled[f]! * dim;
    for (let j = 0; j < dim; j++) {
      const o = j * K;
      for (let k = 0; k < K; k++) block[k * width + base + j] = grads[o + k]!;
    }
    filled[f]! += 1;
    if (filled[f] === GRAM_BLOCK) {
      accumulateGram(gram[f]!, block, K, width, width);
      filled[f] = 0;
    }
    for (let t = 0; t < prepared.length; t++) {
      const { vectors, laplacianWeight } = prepared[t]!;
      const b = beta[t]![f]!;
      if (laplacianWeight !== 0) for (let k = 0; k < K; k++) lin[k] = laplacianWeight * laps[k]!;
      else lin.fill(0);
      for (let j = 0; j < dim; j++) {
        const v = vectors[i * dim + j]!;
        if (v === 0) continue;
        const o = j * K;
        for (let k = 0; k < K; k++) lin[k]! += v * grads[o + k]!;
      }
      for (let k = 0; k < K; k++) b[k]! += lin[k]!;
    }
  }
  for (let f = 0; f < folds; f++) if (filled[f]! > 0) accumulateGram(gram[f]!, blocks[f]!, K, width, filled[f]! * dim);
  // fold sums → complement means
  const sumAll = new Float64Array(K * K);
  for (const g of gram) for (let q = 0; q < K * K; q++) sumAll[q]! += g[q]!;
  const complementGram = (f: number | undefined): Float64Array => {
    const n = f === undefined ? count : count - foldCount[f]!;
    const out = new Float64Array(K * K);
    for (let k = 0; k < K; k++) {
      for (let l = k; l < K; l++) {
        const v = (sumAll[k * K + l]! - (f === undefined ? 0 : gram[f]![k * K + l]!)) / n;
        out[k * K + l] = v;
        out[l * K + k] = v;
      }
    }
    return out;
  };
  const complementBeta = (t: number, f: number | undefined): Float64Array => {
    const n = f === undefined ? count : count - foldCount[f]!;
    const out = new Float64Array(K);
    for (let g = 0; g < folds; g++) {
      if (g === f) continue;
      const b = beta[t]![g]!;
      for (let k = 0; k < K; k++) out[k]! += b[k]!;
    }
    for (let k = 0; k < K; k++) out[k]! /= n;
    return out;
  };
  const solveRidge = (gm: Float64Array, b: Float64Array): Float64Array => {
    let tr = 0;
    for (let k = 0; k < K; k++) tr += gm[k * K + k]!;
    let mu = (ridge * tr) / K;
    if (!(mu > 0)) mu = ridge;
    for (let attempt = 0; attempt < 12; attempt++) {
      const a = new Float64Array(gm);
      for (let k = 0; k < K; k++) a[k * K + k]! += mu;
      const l = cholesky(a, K);
      if (l !== undefined) {
        const y = new Float64Array(K);
        for (let i = 0; i < K; i++) {
          let t = b[i]!;
          for (let k = 0; k < i; k++) t -= l[i * K + k]! * y[k]!;
          y[i] = t / l[i * K + i]!;
        }
        for (let i = K - 1; i >= 0; i--) {
          let t = y[i]!;
          for (let k = i + 1; k < K; k++) t -= l[k * K + i]! * y[k]!;
          y[i] = t / l[i * K + i]!;
        }
        return y;
      }
      mu *= 100;
    }
    throw new ParabolicError("NON_FINITE", `${fn}: the Gram matrix could not be factorised (non-finite basis values?).`, { function: fn });
  };

  const gramFolds = Array.from({ length: folds }, (_, f) => complementGram(f));
  const gramAll = complementGram(undefined);
  const T = prepared.length;
  const coefficients = prepared.map((_, t) => Array.from({ length: folds }, (_, f) => solveRidge(gramFolds[f]!, complementBeta(t, f))));
  const inSamples = prepared.map((_, t) => {
    const bAll = complementBeta(t, undefined);
    const cAll = solveRidge(gramAll, bAll);
    let v = 0;
    for (let k = 0; k < K; k++) v += bAll[k]! * cAll[k]!;
    return v;
  });
  // second pass (basis evaluated once per point for all targets): per-sample j_i = 2ℓ_i(ψ_c) − |∇ψ_c(x_i)|²
  // with c fitted without the point's fold
  const sum = prepared.map(() => new Float64Array(folds));
  const sumSq = prepared.map(() => new Float64Array(folds));
  const perSample: Float64Array[] = keepPerSample ? prepared.map(() => new Float64Array(count)) : [];
  for (let i = 0; i < count; i++) {
    if ((i & 4095) === 0) throwIfAborted(options.signal, fn);
    const f = i % folds;
    basis.evaluate(points, i * dim, grads, laps);
    for (let t = 0; t < T; t++) {
      const c = coefficients[t]![f]!;
      const { vectors, laplacianWeight } = prepared[t]!;
      let lap = 0;
      if (laplacianWeight !== 0) for (let k = 0; k < K; k++) lap += c[k]! * laps[k]!;
      let dot = 0;
      let sq = 0;
      for (let j = 0; j < dim; j++) {
        let gj = 0;
        const o = j * K;
        for (let k = 0; k < K; k++) gj += c[k]! * grads[o + k]!;
        dot += vectors[i * dim + j]! * gj;
        sq += gj * gj;
      }
      const value = 2 * (dot + laplacianWeight * lap) - sq;
      if (keepPerSample) perSample[t]![i] = value;
      sum[t]![f]! += value;
      sumSq[t]![f]! += value * value;
    }
  }
  const results: GradientNormEstimate[] = prepared.map((p, t) => {
    const foldValues: number[] = [];
    let crossFit = 0;
    let variance = 0;
    for (let f = 0; f < folds; f++) {
      const n = foldCount[f]!;
      const mean = sum[t]![f]! / n;
      foldValues.push(mean);
      crossFit += (n / count) * mean;
      const v = Math.max(0, (sumSq[t]![f]! - n * mean * mean) / Math.max(1, n - 1));
      variance += (n / count) * (n / count) * (v / n);
    }
    return { form: p.form, crossFit, standardError: Math.sqrt(variance), inSample: inSamples[t]!, foldValues };
  });
  return { results, prepared, perSample };
}

/**
 * Dual-Sobolev estimate of `‖Π_G e‖²_{L²(p_t)}` for one target (see {@link estimateGradientNorms}, which shares
 * the Gram computation across several targets).
 *
 * @remarks "Estimate the gradient component in high d": pass samples of p_t and your model `s_θ` with
 * `form: "stein"` (needs `Δψ`, closed form here) or, with the noise that generated each point, `form: "denoising"`.
 * The true score is never needed. The closed-form random-Fourier-feature basis is meant for low d; image models
 * need a neural potential (not in this package yet).
 * @example
 * ```ts
 * const est = estimateGradientNorm({ basis, points: samples, target: { form: "stein", score: model } });
 * console.log(est.crossFit, "±", est.standardError);
 * ```
 */
export function estimateGradientNorm(
  options: Omit<EstimateGradientNormsOptions, "targets"> & Readonly<{ target: GradientNormTarget }>,
): GradientNormEstimate {
  const { target, ...rest } = options;
  return estimateGradientNorms({ ...rest, targets: [target] })[0]!;
}

/**
 * Estimate of `‖Π_S s_θ‖²_{L²(p_t)} = min_ψ E|s_θ − ∇ψ|²` (= `‖Π_S e_t‖²` by (F2)).
 *
 * @example
 * ```ts
 * const { crossFit, total } = estimateSolenoidalNorm({ basis, points, score: model });
 * ```
 */
export type SolenoidalNormEstimate = Readonly<{
  /** Cross-fitted `E|s_θ − ∇ψ_c|²`: an upper bound of `‖Π_S s_θ‖²` up to Monte-Carlo error. */
  crossFit: number;
  standardError: number;
  /** `Ê|s_θ|²`. */
  total: number;
  /** In-sample residual (biased downward). */
  inSample: number;
}>;

/**
 * Estimates the solenoidal part of the score error from the model's own non-conservativity (F2):
 * `‖Π_S e_t‖² = ‖Π_S s_θ‖² = min_ψ E_{p_t}|s_θ − ∇ψ|²`. Needs only samples of p_t and the model.
 *
 * @remarks Restricting ψ to the basis gives an upper bound (while the gradient estimator gives a lower bound).
 * A conservative model (`s_θ = ∇E_θ`) has `‖Π_S s_θ‖ = 0`, so the estimate is ≈ 0 for it (F4).
 * @example
 * ```ts
 * const sol = estimateSolenoidalNorm({ basis, points: samples, score: model, time: 0.1 });
 * ```
 */
export function estimateSolenoidalNorm(
  options: Omit<EstimateGradientNormsOptions, "targets"> & Readonly<{ score: VectorField }>,
): SolenoidalNormEstimate {
  const fn = "estimateSolenoidalNorm";
  const { score, ...rest } = options;
  if (typeof score !== "function") throw invalidArgument(fn, "score", "be a function", score);
  // the oracle machinery with e := s_θ gives per-sample j_i = 2 s_i·∇ψ − |∇ψ|² = |s_i|² − |s_i − ∇ψ(x_i)|²
  const core = estimateCore(fn, { ...rest, targets: [{ form: "oracle", error: score }] }, true);
  const j = core.results[0]!;
  const values = core.perSample[0]!;
  const s = core.prepared[0]!.vectors;
  const dim = options.basis.dim;
  const count = values.length;
  const folds = options.folds ?? 2;
  let total = 0;
  const sum = new Float64Array(folds);
  const sumSq = new Float64Array(folds);
  const n = new Float64Array(folds);
  for (let i = 0; i < count; i++) {
    let s2 = 0;
    for (let q = 0; q < dim; q++) s2 += s[i * dim + q]! ** 2;
    total += s2;
    const residual = s2 - values[i]!;
    const f = i % folds;
    sum[f]! += residual;
    sumSq[f]! += residual * residual;
    n[f]! += 1;
  }
  total /= count;
  let crossFit = 0;
  let variance = 0;
  for (let f = 0; f < folds; f++) {
    const mean = sum[f]! / n[f]!;
    crossFit += (n[f]! / count) * mean;
    const v = Math.max(0, (sumSq[f]! - n[f]! * mean * mean) / Math.max(1, n[f]! - 1));
    variance += (n[f]! / count) ** 2 * (v / n[f]!);
  }
  return { crossFit, standardError: Math.sqrt(variance), total, inSample: total - j.inSample };
}

/**
 * Draws forward-noised samples `x_t = α x_0 + σ ε` from data `x_0` and returns the noise with them — the input of
 * the `"denoising"` linear form (and, as samples of p_t, of the `"stein"` form).
 *
 * @example
 * ```ts
 * const { points, noise } = noisedSamples(key(7), { data: x0, dim: 2, alpha: vp.alpha(0.1), sigma: vp.sigma(0.1) });
 * ```
 */
export function noisedSamples(
  k: Key,
  options: Readonly<{ data: Float64Array; dim: number; alpha: number; sigma: number }>,
): Readonly<{ points: Float64Array; noise: Float64Array }> {
  const fn = "noisedSamples";
  assertPositiveInteger(fn, "dim", options.dim);
  if (!(options.data instanceof Float64Array) || options.data.length % options.dim !== 0) {
    throw shapeMismatch(fn, "data", `be a Float64Array of length count × ${options.dim}`, options.data);
  }
  assertFiniteNumber(fn, "alpha", options.alpha);
  assertPositiveNumber(fn, "sigma", options.sigma);
  const noise = fillNormals(randomStream(k), new Float64Array(options.data.length));
  const points = new Float64Array(options.data.length);
  for (let i = 0; i < points.length; i++) points[i] = options.alpha * options.data[i]! + options.sigma * noise[i]!;
  return { points, noise };
}

/**
 * Monte-Carlo estimate of the linear term `⟨e, ∇ψ⟩_{p_t}` for a fixed potential ψ in one of the three unbiased
 * forms (hhd.md §6.1): the building block of any dual-Sobolev estimator (e.g. with a neural ψ).
 *
 * @param options.gradient - `∇ψ` (batched).
 * @param options.laplacian - `Δψ` (batched); required for the `"stein"` form.
 * @returns the sample mean and its standard error.
 * @example
 * ```ts
 * const { mean, standardError } = linearFormEstimate({
 *   dim: 2, points, gradient: gradPsi, laplacian: lapPsi, target: { form: "stein", score: model },
 * });
 * ```
 */
export function linearFormEstimate(
  options: Readonly<{
    dim: number;
    points: Float64Array;
    gradient: VectorField;
    laplacian?: (points: Float64Array, t: number) => Float64Array;
    target: GradientNormTarget;
    time?: number;
    chunkSize?: number;
  }>,
): Readonly<{ mean: number; standardError: number }> {
  const fn = "linearFormEstimate";
  const { dim, points, target } = options;
  assertPositiveInteger(fn, "dim", dim);
  if (!(points instanceof Float64Array) || points.length === 0 || points.length % dim !== 0) {
    throw shapeMismatch(fn, "points", `be a non-empty Float64Array of length count × ${dim}`, points);
  }
  if (typeof options.gradient !== "function") throw invalidArgument(fn, "gradient", "be a function", options.gradient);
  const count = points.length / dim;
  describeTarget(fn, target, 0, count, dim);
  if (target.form === "stein" && typeof options.laplacian !== "function") {
    throw invalidArgument(fn, "laplacian", 'be a function for the "stein" form', options.laplacian);
  }
  const time = options.time ?? 0;
  assertFiniteNumber(fn, "time", time);
  const chunkSize = options.chunkSize ?? 8192;
  assertPositiveInteger(fn, "chunkSize", chunkSize);
  const [prep] = prepareTargets(fn, [target], points, dim, time, chunkSize, undefined);
  let sum = 0;
  let sumSq = 0;
  for (let start = 0; start < count; start += chunkSize) {
    const end = Math.min(count, start + chunkSize);
    const chunk = points.subarray(start * dim, end * dim);
    const g = checkedResult(fn, "gradient", options.gradient(chunk, time), chunk.length);
    const lap = target.form === "stein" ? checkedResult(fn, "laplacian", options.laplacian!(chunk, time), end - start) : undefined;
    for (let p = 0; p < end - start; p++) {
      let v = lap ? lap[p]! : 0;
      for (let j = 0; j < dim; j++) v += prep!.vectors[(start + p) * dim + j]! * g[p * dim + j]!;
      sum += v;
      sumSq += v * v;
    }
  }
  const mean = sum / count;
  const variance = Math.max(0, (sumSq - count * mean * mean) / Math.max(1, count - 1));
  return { mean, standardError: Math.sqrt(variance / count) };
}
