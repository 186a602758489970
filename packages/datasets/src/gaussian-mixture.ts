import { fillNormals, invalidArgument, randomStream, split, type Key } from "@parabolic/core";
import type { ExactDistribution } from "./distribution.js";
import { backwardSolveTransposeInPlace, choleskyInto, forwardSolveInPlace } from "./internal/linalg.js";
import { checkCount, pointCount } from "./internal/points.js";

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Parameters of a Gaussian mixture Σ_k w_k N(μ_k, Σ_k) on ℝ^d.
 *
 * @remarks Give exactly one of `covariances` (full, symmetric positive definite; each as `d` rows of `d` numbers
 * or as a flat row-major array of `d²` numbers) and `scales` (isotropic standard deviations σ_k, Σ_k = σ_k² I;
 * one number for all components or one per component). Weights must be positive; they are normalised to sum 1.
 *
 * @example
 * ```ts
 * const spec: GaussianMixtureSpec = { weights: [0.3, 0.7], means: [[0, 0], [3, 1]], scales: [0.5, 1] };
 * ```
 */
export type GaussianMixtureSpec = Readonly<{
  /** Positive component weights (normalised internally). */
  weights: ArrayLike<number>;
  /** Component means, `K` arrays of length `d`. */
  means: ReadonlyArray<ArrayLike<number>>;
  /** Full covariances, `K` matrices (nested `d × d` or flat row-major `d²`). */
  covariances?: ReadonlyArray<ArrayLike<number> | ReadonlyArray<ArrayLike<number>>> | undefined;
  /** Isotropic standard deviations: one for all components, or one per component. */
  scales?: number | ArrayLike<number> | undefined;
}>;

/**
 * Posterior-weighted log-density and score of a batch of points.
 *
 * @example
 * ```ts
 * const { logDensity, score }: LogDensityAndScore = sparseDenseMixture().logDensityAndScore([0, 0, 4, 3]);
 * // logDensity.length === 2, score.length === 4 (row-major 2 × 2)
 * ```
 */
export type LogDensityAndScore = Readonly<{
  /** log p(x_i), length `count`. */
  logDensity: Float64Array;
  /** ∇ log p(x_i), row-major `count × dim`. */
  score: Float64Array;
}>;

/**
 * An exact Gaussian mixture: sampling, log-density, score and component posteriors, all in float64.
 *
 * @remarks Built by {@link gaussianMixture}. The parameter arrays (`weights`, `means`, `covariances`,
 * `choleskyFactors`) are the mixture's own storage: treat them as read-only. Every method returns fresh arrays
 * owned by the caller. Log-densities use a stable log-sum-exp over components, so points far in the tails give
 * finite log-densities and scores (no underflow to −∞ or NaN).
 *
 * @example
 * ```ts
 * const p: GaussianMixture = gaussianMixture({ weights: [1], means: [[0, 0]], scales: 1 });
 * p.logDensity([0, 0]); // [−log 2π]
 * ```
 */
export type GaussianMixture = ExactDistribution &
  Readonly<{
    name: string;
    /** Dimension d. */
    dim: number;
    /** Number of components K. */
    componentCount: number;
    /** Normalised weights, length K. */
    weights: Float64Array;
    /** Means, row-major `K × d`. */
    means: Float64Array;
    /** Covariances, `K` row-major `d × d` blocks. */
    covariances: Float64Array;
    /** Lower Cholesky factors of the covariances, `K` row-major `d × d` blocks. */
    choleskyFactors: Float64Array;
    /** Per component: σ² if the covariance is σ² I (a fast path is used), otherwise NaN. */
    isotropicVariances: Float64Array;
    sample: (key: Key, count: number) => Float64Array;
    /** Samples and the index of the component each sample came from. */
    sampleWithComponents: (key: Key, count: number) => Readonly<{ points: Float64Array; components: Int32Array }>;
    logDensity: (points: ArrayLike<number>) => Float64Array;
    score: (points: ArrayLike<number>) => Float64Array;
    /** Both at once (one pass; cheaper than calling the two separately). */
    logDensityAndScore: (points: ArrayLike<number>) => LogDensityAndScore;
    /** log P(component k | x_i), row-major `count × K` (each row log-sums to 0). */
    logPosteriors: (points: ArrayLike<number>) => Float64Array;
  }>;

function readVector(fn: string, argument: string, value: unknown, length: number | undefined): Float64Array {
  if (value === null || typeof value !== "object" || typeof (value as { length?: unknown }).length !== "number") {
    throw invalidArgument(fn, argument, "be an array of numbers", value);
  }
  const arr = value as ArrayLike<unknown>;
  if (length !== undefined && arr.length !== length) {
    throw invalidArgument(fn, argument, `have length ${length}`, value);
  }
  const out = new Float64Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (typeof v !== "number" || !Number.isFinite(v)) throw invalidArgument(fn, `${argument}[${i}]`, "be a finite number", v);
    out[i] = v;
  }
  return out;
}

function readMatrix(fn: string, argument: string, value: unknown, d: number): Float64Array {
  if (value === null || typeof value !== "object" || typeof (value as { length?: unknown }).length !== "number") {
    throw invalidArgument(fn, argument, `be a ${d} × ${d} matrix (nested rows or flat row-major)`, value);
  }
  const arr = value as ArrayLike<unknown>;
  if (arr.length === d && d > 0 && typeof arr[0] === "object" && arr[0] !== null) {
    const out = new Float64Array(d * d);
    for (let i = 0; i < d; i++) out.set(readVector(fn, `${argument}[${i}]`, arr[i], d), i * d);
    return out;
  }
  if (arr.length === d * d) return readVector(fn, argument, value, d * d);
  throw invalidArgument(fn, argument, `be a ${d} × ${d} matrix (nested rows or flat row-major)`, value);
}

/** Internal constructor from already-validated float64 parameters (used by forwardMarginal and presets). */
function buildMixture(
  name: string,
  weights: Float64Array,
  means: Float64Array,
  covariances: Float64Array,
  isotropicVariances: Float64Array,
  dim: number,
  fn = "gaussianMixture",
): GaussianMixture {
  const K = weights.length;
  const d = dim;
  const dd = d * d;
  const chol = new Float64Array(K * dd);
  const logConst = new Float64Array(K); // log w_k − ½(d log 2π + log det Σ_k)
  let total = 0;
  for (let k = 0; k < K; k++) total += weights[k]!;
  const w = new Float64Array(K);
  for (let k = 0; k < K; k++) w[k] = weights[k]! / total;
  for (let k = 0; k < K; k++) {
    if (!choleskyInto(covariances, k * dd, d, chol, k * dd)) {
      throw invalidArgument(fn, `covariances[${k}]`, "be symmetric positive definite (its Cholesky factorisation failed)", covariances.subarray(k * dd, (k + 1) * dd));
    }
    let logDet = 0;
    for (let i = 0; i < d; i++) logDet += 2 * Math.log(chol[k * dd + i * d + i]!);
    logConst[k] = Math.log(w[k]!) - 0.5 * (d * LOG_2PI + logDet);
  }
  const cumulative = new Float64Array(K);
  let acc = 0;
  for (let k = 0; k < K; k++) {
    acc += w[k]!;
    cumulative[k] = acc;
  }
  cumulative[K - 1] = 1;

  // Shared scratch (methods are synchronous, so reuse is safe).
  const diff = new Float64Array(d);
  const lp = new Float64Array(K);
  const precDiff = new Float64Array(K * d); // Σ_k⁻¹ (x − μ_k) per component

  /** Fills lp[k] = log w_k N(x; μ_k, Σ_k) and, if wanted, precDiff; returns log p(x). */
  function evalPoint(points: ArrayLike<number>, base: number, wantGrad: boolean): number {
    let maxLp = -Infinity;
    let nan = false;
    for (let k = 0; k < K; k++) {
      const mOff = k * d;
      const iso = isotropicVariances[k]!;
      let quad = 0;
      if (iso === iso) {
        // isotropic fast path (iso is not NaN)
        for (let j = 0; j < d; j++) {
          const v = points[base + j]! - means[mOff + j]!;
          quad += v * v;
          if (wantGrad) precDiff[mOff + j] = v / iso;
        }
        quad /= iso;
      } else {
        for (let j = 0; j < d; j++) diff[j] = points[base + j]! - means[mOff + j]!;
        forwardSolveInPlace(chol, k * dd, d, diff);
        for (let j = 0; j < d; j++) quad += diff[j]! * diff[j]!;
        if (wantGrad) {
          backwardSolveTransposeInPlace(chol, k * dd, d, diff);
          for (let j = 0; j < d; j++) precDiff[mOff + j] = diff[j]!;
        }
      }
      const v = logConst[k]! - 0.5 * quad;
      lp[k] = v;
      if (v > maxLp) maxLp = v;
      else if (v !== v) nan = true;
    }
    if (nan) return Number.NaN; // a NaN coordinate: NaN, not the −∞ of an impossible point
    if (maxLp === -Infinity) return maxLp;
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(lp[k]! - maxLp);
    return maxLp + Math.log(s);
  }

  function logDensityAndScore(points: ArrayLike<number>): LogDensityAndScore {
    const n = pointCount("GaussianMixture.logDensityAndScore", points, d);
    const logDensity = new Float64Array(n);
    const score = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const base = i * d;
      const l = evalPoint(points, base, true);
      logDensity[i] = l;
      for (let k = 0; k < K; k++) {
        const post = Math.exp(lp[k]! - l);
        if (post === 0) continue;
        const mOff = k * d;
        for (let j = 0; j < d; j++) score[base + j] = score[base + j]! - post * precDiff[mOff + j]!;
      }
      if (l !== l) for (let j = 0; j < d; j++) score[base + j] = Number.NaN;
    }
    return { logDensity, score };
  }

  function logDensity(points: ArrayLike<number>): Float64Array {
    const n = pointCount("GaussianMixture.logDensity", points, d);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = evalPoint(points, i * d, false);
    return out;
  }

  function logPosteriors(points: ArrayLike<number>): Float64Array {
    const n = pointCount("GaussianMixture.logPosteriors", points, d);
    const out = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      const l = evalPoint(points, i * d, false);
      for (let k = 0; k < K; k++) out[i * K + k] = lp[k]! - l;
    }
    return out;
  }

  function sampleWithComponents(k: Key, count: number): Readonly<{ points: Float64Array; components: Int32Array }> {
    checkCount("GaussianMixture.sample", count);
    const [componentKey, noiseKey] = split(k, 2) as [Key, Key];
    const pick = randomStream(componentKey);
    const noise = fillNormals(randomStream(noiseKey), new Float64Array(count * d));
    const points = new Float64Array(count * d);
    const components = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const u = pick.nextDouble();
      let lo = 0;
      let hi = K - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (u < cumulative[mid]!) hi = mid;
        else lo = mid + 1;
      }
      components[i] = lo;
      const base = i * d;
      const lOff = lo * dd;
      const mOff = lo * d;
      for (let r = 0; r < d; r++) {
        let s = means[mOff + r]!;
        for (let c = 0; c <= r; c++) s += chol[lOff + r * d + c]! * noise[base + c]!;
        points[base + r] = s;
      }
    }
    return { points, components };
  }

  return Object.freeze({
    name,
    dim: d,
    componentCount: K,
    weights: w,
    means,
    covariances,
    choleskyFactors: chol,
    isotropicVariances,
    sample: (k: Key, count: number) => sampleWithComponents(k, count).points,
    sampleWithComponents,
    logDensity,
    score: (points: ArrayLike<number>) => logDensityAndScore(points).score,
    logDensityAndScore,
    logPosteriors,
  });
}

/**
 * Builds an exact Gaussian mixture Σ_k w_k N(μ_k, Σ_k) in any dimension, with full or isotropic covariances.
 *
 * @remarks Covariances are factorised once (Cholesky, float64). `logDensity`, `score` and `logPosteriors` are
 * batched over row-major points and use a stable log-sum-exp, so tails are finite; isotropic components take a
 * fast path. Sampling picks the component by inverse CDF and adds L z with z ~ N(0, I), from two keys split off
 * the given one. This is the single implementation of the mixture oracle: use {@link forwardMarginal} for its
 * exact law after an affine Gaussian transition.
 *
 * @param spec - weights, means and either `covariances` or `scales`; see {@link GaussianMixtureSpec}.
 * @param options - `name` for reports.
 * @returns a frozen {@link GaussianMixture}.
 * @throws ParabolicError `INVALID_ARGUMENT` for non-positive weights, mismatched lengths, non-finite numbers, or a
 * covariance that is not symmetric positive definite.
 * @example
 * ```ts
 * const p = gaussianMixture({ weights: [0.5, 0.5], means: [[-1, 0], [1, 0]],
 *   covariances: [[[1, 0.5], [0.5, 1]], [[0.2, 0], [0, 0.2]]] });
 * const x = p.sample(key(0), 4);          // Float64Array(8)
 * const { logDensity, score } = p.logDensityAndScore(x);
 * ```
 */
export function gaussianMixture(spec: GaussianMixtureSpec, options: Readonly<{ name?: string }> = {}): GaussianMixture {
  const fn = "gaussianMixture";
  if (spec === null || typeof spec !== "object") throw invalidArgument(fn, "spec", "be an object { weights, means, covariances | scales }", spec);
  const weights = readVector(fn, "weights", spec.weights, undefined);
  const K = weights.length;
  if (K === 0) throw invalidArgument(fn, "weights", "have at least one entry", spec.weights);
  for (let k = 0; k < K; k++) {
    if (!(weights[k]! > 0)) throw invalidArgument(fn, `weights[${k}]`, "be a finite number > 0", weights[k]);
  }
  if (!Array.isArray(spec.means) || spec.means.length !== K) {
    throw invalidArgument(fn, "means", `be an array of ${K} mean vectors (one per weight)`, spec.means);
  }
  const first = spec.means[0] as unknown;
  if (first === null || typeof first !== "object" || typeof (first as { length?: unknown }).length !== "number" || (first as ArrayLike<number>).length < 1) {
    throw invalidArgument(fn, "means[0]", "be a non-empty array of numbers", first);
  }
  const d = (first as ArrayLike<number>).length;
  const means = new Float64Array(K * d);
  for (let k = 0; k < K; k++) means.set(readVector(fn, `means[${k}]`, spec.means[k], d), k * d);

  const hasCov = spec.covariances !== undefined;
  const hasScales = spec.scales !== undefined;
  if (hasCov === hasScales) {
    throw invalidArgument(fn, "spec", "give exactly one of 'covariances' and 'scales'", hasCov ? "both" : "neither");
  }
  const dd = d * d;
  const covariances = new Float64Array(K * dd);
  const iso = new Float64Array(K).fill(Number.NaN);
  if (hasScales) {
    const scales = typeof spec.scales === "number" ? new Float64Array(K).fill(spec.scales) : readVector(fn, "scales", spec.scales, K);
    for (let k = 0; k < K; k++) {
      const s = scales[k]!;
      if (!(s > 0) || !Number.isFinite(s)) throw invalidArgument(fn, typeof spec.scales === "number" ? "scales" : `scales[${k}]`, "be a finite number > 0", s);
      iso[k] = s * s;
      for (let i = 0; i < d; i++) covariances[k * dd + i * d + i] = s * s;
    }
  } else {
    const covs = spec.covariances!;
    if (!Array.isArray(covs) || covs.length !== K) throw invalidArgument(fn, "covariances", `be an array of ${K} matrices`, covs);
    for (let k = 0; k < K; k++) {
      const m = readMatrix(fn, `covariances[${k}]`, covs[k], d);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < i; j++) {
          const a = m[i * d + j]!;
          const b = m[j * d + i]!;
          const scale = Math.sqrt(Math.abs(m[i * d + i]! * m[j * d + j]!));
          if (Math.abs(a - b) > 1e-12 * Math.max(scale, Number.MIN_VALUE)) {
            throw invalidArgument(fn, `covariances[${k}]`, `be symmetric (entries (${i},${j}) = ${a} and (${j},${i}) = ${b} differ)`, covs[k]);
          }
          const avg = 0.5 * (a + b);
          m[i * d + j] = avg;
          m[j * d + i] = avg;
        }
      }
      covariances.set(m, k * dd);
      iso[k] = isotropicVariance(m, d);
    }
  }
  return buildMixture(options.name ?? "gaussian-mixture", weights, means, covariances, iso, d);
}

function isotropicVariance(m: Float64Array, d: number): number {
  const v = m[0]!;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      if (m[i * d + j] !== (i === j ? v : 0)) return Number.NaN;
    }
  }
  return v;
}

/**
 * An affine Gaussian transition x_t = α x_0 + √variance · ε, ε ~ N(0, I): the conditional law of every linear
 * forward SDE used for diffusion models (OU, VP, sub-VP, VE) and of the heat semigroup.
 *
 * @remarks This `{ alpha, variance }` shape is shared with `@parabolic/heat`; build one with
 * {@link ouTransition}, {@link vpTransition}, {@link subVpTransition}, {@link veTransition} or
 * {@link heatTransition}.
 *
 * @example
 * ```ts
 * const tr: AffineGaussianTransition = { alpha: Math.exp(-0.5), variance: -Math.expm1(-1) }; // = ouTransition(0.5)
 * ```
 */
export type AffineGaussianTransition = Readonly<{
  /** Mean scaling α (finite). */
  alpha: number;
  /** Added noise variance (finite, ≥ 0). */
  variance: number;
}>;

/**
 * The exact marginal law of x_t = α x_0 + √variance ε when x_0 follows a Gaussian mixture: again a Gaussian
 * mixture, with the same weights, means α μ_k and covariances α² Σ_k + variance · I.
 *
 * @remarks This is the oracle for score-estimation tests at any diffusion time: `forwardMarginal(p0,
 * vpTransition(t)).score(x)` is the exact ∇ log p_t(x). With `{ alpha: 1, variance: 2s }` it is the heat-semigroup
 * solution w(·, s) used by `@parabolic/heat`. Isotropic components stay on the fast path.
 *
 * @param mixture - the law of x_0.
 * @param transition - `{ alpha, variance }`.
 * @returns a new {@link GaussianMixture} (named `"<name>@forward"`).
 * @throws ParabolicError `INVALID_ARGUMENT` for non-finite α, negative or non-finite variance, or a degenerate
 * result (α = 0 and variance = 0).
 * @example
 * ```ts
 * const p0 = sparseDenseMixture();
 * const pt = forwardMarginal(p0, vpTransition(0.3));
 * const s = pt.score(new Float64Array([0.1, -0.2]));   // exact ∇ log p_0.3
 * ```
 */
export function forwardMarginal(mixture: GaussianMixture, transition: AffineGaussianTransition): GaussianMixture {
  const fn = "forwardMarginal";
  if (mixture === null || typeof mixture !== "object" || !(mixture.means instanceof Float64Array) || typeof mixture.dim !== "number") {
    throw invalidArgument(fn, "mixture", "be a GaussianMixture built by gaussianMixture()", mixture);
  }
  if (transition === null || typeof transition !== "object") throw invalidArgument(fn, "transition", "be an object { alpha, variance }", transition);
  const { alpha, variance } = transition;
  if (typeof alpha !== "number" || !Number.isFinite(alpha)) throw invalidArgument(fn, "alpha", "be a finite number", alpha);
  if (typeof variance !== "number" || !Number.isFinite(variance) || variance < 0) {
    throw invalidArgument(fn, "variance", "be a finite number >= 0", variance);
  }
  const d = mixture.dim;
  const K = mixture.componentCount;
  const dd = d * d;
  const means = new Float64Array(K * d);
  for (let i = 0; i < K * d; i++) means[i] = alpha * mixture.means[i]!;
  const a2 = alpha * alpha;
  const covariances = new Float64Array(K * dd);
  const iso = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < dd; i++) covariances[k * dd + i] = a2 * mixture.covariances[k * dd + i]!;
    for (let i = 0; i < d; i++) covariances[k * dd + i * d + i] = covariances[k * dd + i * d + i]! + variance;
    const v = mixture.isotropicVariances[k]!;
    iso[k] = v === v ? a2 * v + variance : Number.NaN;
    if (iso[k] === 0 || (v !== v && alpha === 0 && variance === 0)) {
      throw invalidArgument(fn, "transition", "give a non-degenerate covariance (alpha = 0 needs variance > 0)", transition);
    }
  }
  return buildMixture(`${mixture.name}@forward`, mixture.weights, means, covariances, iso, d, fn);
}
