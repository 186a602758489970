/**
 * Exact d-dimensional oracles for the neural dual-Sobolev estimator tests and script (hhd.md §7, §12 E5): an
 * isotropic Gaussian mixture p_0 whose VP marginals p_t are exact (`@parabolic/datasets` forwardMarginal), and the
 * model scores s_θ = (1+κ)∇log p_t + λA∇log p_t with A = symplecticGenerator(d) (orthogonal, antisymmetric), whose
 * error has Π_G e = κ∇log p_t and Π_S e = λA∇log p_t exactly in any d. Hence ‖Π_G e_t‖² = κ²F(p_t),
 * ‖Π_S e_t‖² = λ²F(p_t), and the time integrals are (κ² or λ²)·∫ w(t) F(p_t) dt.
 */
import * as tf from "@tensorflow/tfjs-core";
import { fillNormals, gaussKronrod15, key, randomStream, split, type Key } from "@parabolic/core";
import { forwardMarginal, gaussianMixture, vpTransition, type GaussianMixture } from "@parabolic/datasets";
import { symplecticGenerator, vpSchedule } from "../../src/index.js";

/** A fixed K = 3 isotropic mixture in R^d: means ~ 1.2·N(0, I) from a fixed key, scales 0.5 / 0.6 / 0.4. */
export function mixtureND(dim: number): GaussianMixture {
  const z = new Float64Array(3 * dim);
  fillNormals(randomStream(key(4242 + dim)), z);
  const means = [0, 1, 2].map((k) => Array.from(z.subarray(k * dim, (k + 1) * dim), (v) => 1.2 * v));
  return gaussianMixture({ weights: [0.4, 0.35, 0.25], means, scales: [0.5, 0.6, 0.4] }, { name: `mix${dim}` });
}

/** Average per-coordinate variance of p_0 (for the potential's input preconditioning). */
export function dataVariance(p: GaussianMixture): number {
  const d = p.dim;
  let mean2 = 0;
  let second = 0;
  const mu = new Float64Array(d);
  for (let k = 0; k < p.componentCount; k++) {
    const w = p.weights[k]!;
    second += w * p.isotropicVariances[k]! * d;
    for (let j = 0; j < d; j++) {
      const m = p.means[k * d + j]!;
      mu[j]! += w * m;
      second += w * m * m;
    }
  }
  for (let j = 0; j < d; j++) mean2 += mu[j]! ** 2;
  return (second - mean2) / d;
}

/** Exact ∇log p_t for rows with individual times (forwardMarginal per distinct time). */
export function exactScoreRows(p0: GaussianMixture, x: Float64Array, t: ArrayLike<number>): Float64Array {
  const d = p0.dim;
  const out = new Float64Array(x.length);
  const cache = new Map<number, GaussianMixture>();
  for (let i = 0; i < t.length; i++) {
    const ti = t[i]!;
    let pt = cache.get(ti);
    if (pt === undefined) {
      pt = forwardMarginal(p0, vpTransition(ti));
      cache.set(ti, pt);
    }
    out.set(pt.score(x.subarray(i * d, (i + 1) * d)), i * d);
  }
  return out;
}

/**
 * The same exact ∇log p_t for an isotropic mixture in closed form (p_t = Σ w_k N(α m_k, (α²s_k² + σ²) I)): O(Kd)
 * per row instead of a forwardMarginal per row. Checked against {@link exactScoreRows} in neural-fixtures.test.ts.
 */
export function isotropicScoreRows(p0: GaussianMixture, x: Float64Array, t: ArrayLike<number>): Float64Array {
  const d = p0.dim;
  const K = p0.componentCount;
  const vp = vpSchedule();
  const out = new Float64Array(x.length);
  const logit = new Float64Array(K);
  const variance = new Float64Array(K);
  for (let i = 0; i < t.length; i++) {
    const a = vp.alpha(t[i]!);
    const s2 = vp.sigma(t[i]!) ** 2;
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      const v = a * a * p0.isotropicVariances[k]! + s2;
      variance[k] = v;
      let r2 = 0;
      for (let j = 0; j < d; j++) r2 += (x[i * d + j]! - a * p0.means[k * d + j]!) ** 2;
      logit[k] = Math.log(p0.weights[k]!) - 0.5 * d * Math.log(v) - (0.5 * r2) / v;
      max = Math.max(max, logit[k]!);
    }
    let z = 0;
    for (let k = 0; k < K; k++) z += (logit[k] = Math.exp(logit[k]! - max));
    for (let k = 0; k < K; k++) {
      const c = logit[k]! / z / variance[k]!;
      for (let j = 0; j < d; j++) out[i * d + j]! += c * (a * p0.means[k * d + j]! - x[i * d + j]!);
    }
  }
  return out;
}

/** s_θ = (1+κ)∇log p_t + λA∇log p_t as a tfjs ScoreFunction (host float64 inside). */
export function perturbedScoreFunction(p0: GaussianMixture, kappa: number, lambda: number) {
  const d = p0.dim;
  const a = symplecticGenerator(d);
  return (x: tf.Tensor2D, t: tf.Tensor1D): tf.Tensor2D => {
    const xs = Float64Array.from(x.dataSync());
    const ts = t.dataSync();
    const s = isotropicScoreRows(p0, xs, ts);
    const out = new Float32Array(s.length);
    const n = ts.length;
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < d; r++) {
        let as = 0;
        for (let c = 0; c < d; c++) as += a[r * d + c]! * s[i * d + c]!;
        out[i * d + r] = (1 + kappa) * s[i * d + r]! + lambda * as;
      }
    }
    return tf.tensor2d(out, [n, d]);
  };
}

/**
 * `∫_{t0}^{t1} w(t) F(p_t) dt` with w = ½β (VP): 15-point Gauss–Kronrod on `panels` geometric panels, F(p_t) by
 * Monte Carlo with the exact score (common random numbers across nodes). Returns the value and a Monte-Carlo
 * standard error (from the per-sample integrand).
 */
export function fisherIntegral(
  k: Key,
  p0: GaussianMixture,
  options: { t0: number; t1: number; samples: number; panels?: number },
): { value: number; standardError: number } {
  const vp = vpSchedule();
  const d = p0.dim;
  const n = options.samples;
  const [k0, k1] = split(k, 2) as [Key, Key];
  const x0 = p0.sample(k0, n);
  const eps = fillNormals(randomStream(k1), new Float64Array(n * d));
  const panels = options.panels ?? 4;
  const edges = Array.from({ length: panels + 1 }, (_, i) => options.t0 * (options.t1 / options.t0) ** (i / panels));
  const perSample = new Float64Array(n);
  const x = new Float64Array(n * d);
  for (let q = 0; q < panels; q++) {
    const lo = edges[q]!;
    const hi = edges[q + 1]!;
    for (const node of gaussKronrod15()) {
      const t = 0.5 * (lo + hi) + 0.5 * (hi - lo) * node.x;
      const wq = 0.5 * (hi - lo) * node.kronrodWeight * 0.5 * vp.beta(t);
      const a = vp.alpha(t);
      const s = vp.sigma(t);
      for (let i = 0; i < x.length; i++) x[i] = a * x0[i]! + s * eps[i]!;
      const sc = forwardMarginal(p0, vpTransition(t)).score(x);
      for (let i = 0; i < n; i++) {
        let f = 0;
        for (let j = 0; j < d; j++) f += sc[i * d + j]! ** 2;
        perSample[i]! += wq * f;
      }
    }
  }
  let m = 0;
  for (const v of perSample) m += v;
  m /= n;
  let ss = 0;
  for (const v of perSample) ss += (v - m) ** 2;
  return { value: m, standardError: Math.sqrt(ss / (n - 1) / n) };
}
