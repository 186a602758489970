/**
 * Test-only Gaussian mixture oracle (any d, full covariances): exact log-density, score, sampling and VP
 * marginals. Written for the HHD tests because @parabolic/datasets had not landed when they were written;
 * replace with `gaussianMixture` from @parabolic/datasets once available.
 */
import { fillNormals, randomStream, type Key } from "@parabolic/core";

export type Component = Readonly<{ weight: number; mean: readonly number[]; covariance: readonly number[] }>;

export type Mixture = Readonly<{
  dim: number;
  components: readonly Component[];
  logDensity(points: Float64Array): Float64Array;
  score(points: Float64Array): Float64Array;
  sample(k: Key, count: number): Float64Array;
  /** law of α X + σ ε */
  diffuse(alpha: number, sigma: number): Mixture;
}>;

function cholesky(a: readonly number[], d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j]!;
    for (let k = 0; k < j; k++) s -= l[j * d + k]! ** 2;
    if (!(s > 0)) throw new Error("covariance not SPD");
    const v = Math.sqrt(s);
    l[j * d + j] = v;
    for (let i = j + 1; i < d; i++) {
      let t = a[i * d + j]!;
      for (let k = 0; k < j; k++) t -= l[i * d + k]! * l[j * d + k]!;
      l[i * d + j] = t / v;
    }
  }
  return l;
}

function inverseFromCholesky(l: Float64Array, d: number): Float64Array {
  // inverse of L, then Σ⁻¹ = L⁻ᵀ L⁻¹
  const li = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    li[i * d + i] = 1 / l[i * d + i]!;
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s += l[i * d + k]! * li[k * d + j]!;
      li[i * d + j] = -s / l[i * d + i]!;
    }
  }
  const inv = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = Math.max(i, j); k < d; k++) s += li[k * d + i]! * li[k * d + j]!;
      inv[i * d + j] = s;
    }
  return inv;
}

export function gaussianMixture(components: readonly Component[]): Mixture {
  const d = components[0]!.mean.length;
  const kCount = components.length;
  const wsum = components.reduce((s, c) => s + c.weight, 0);
  const means = components.map((c) => Float64Array.from(c.mean));
  const chols = components.map((c) => cholesky(c.covariance, d));
  const precisions = chols.map((l) => inverseFromCholesky(l, d));
  const logNorm = components.map((c, k) => {
    let logDet = 0;
    for (let i = 0; i < d; i++) logDet += 2 * Math.log(chols[k]![i * d + i]!);
    return Math.log(c.weight / wsum) - 0.5 * d * Math.log(2 * Math.PI) - 0.5 * logDet;
  });
  const cumulative = new Float64Array(kCount);
  {
    let acc = 0;
    components.forEach((c, k) => {
      acc += c.weight / wsum;
      cumulative[k] = acc;
    });
  }

  function evaluate(points: Float64Array, wantScore: boolean): { lp: Float64Array; sc: Float64Array } {
    const n = points.length / d;
    const lp = new Float64Array(n);
    const sc = new Float64Array(wantScore ? n * d : 0);
    const lw = new Float64Array(kCount);
    const diff = new Float64Array(d);
    const grads = new Float64Array(kCount * d);
    for (let p = 0; p < n; p++) {
      let mx = -Infinity;
      for (let k = 0; k < kCount; k++) {
        const m = means[k]!;
        const P = precisions[k]!;
        for (let i = 0; i < d; i++) diff[i] = points[p * d + i]! - m[i]!;
        let q = 0;
        for (let i = 0; i < d; i++) {
          let t = 0;
          for (let j = 0; j < d; j++) t += P[i * d + j]! * diff[j]!;
          grads[k * d + i] = -t;
          q += diff[i]! * t;
        }
        lw[k] = logNorm[k]! - 0.5 * q;
        if (lw[k]! > mx) mx = lw[k]!;
      }
      let s = 0;
      for (let k = 0; k < kCount; k++) {
        lw[k] = Math.exp(lw[k]! - mx);
        s += lw[k]!;
      }
      lp[p] = mx + Math.log(s);
      if (wantScore) {
        for (let i = 0; i < d; i++) {
          let g = 0;
          for (let k = 0; k < kCount; k++) g += lw[k]! * grads[k * d + i]!;
          sc[p * d + i] = g / s;
        }
      }
    }
    return { lp, sc };
  }

  return {
    dim: d,
    components,
    logDensity: (points) => evaluate(points, false).lp,
    score: (points) => evaluate(points, true).sc,
    sample(k, count) {
      const stream = randomStream(k);
      const out = new Float64Array(count * d);
      const z = new Float64Array(d);
      for (let p = 0; p < count; p++) {
        const u = stream.nextDouble();
        let c = 0;
        while (c < kCount - 1 && u >= cumulative[c]!) c++;
        fillNormals(stream, z);
        const l = chols[c]!;
        const m = means[c]!;
        for (let i = 0; i < d; i++) {
          let v = m[i]!;
          for (let j = 0; j <= i; j++) v += l[i * d + j]! * z[j]!;
          out[p * d + i] = v;
        }
      }
      return out;
    },
    diffuse(alpha, sigma) {
      return gaussianMixture(
        components.map((c) => ({
          weight: c.weight,
          mean: c.mean.map((v) => alpha * v),
          covariance: c.covariance.map((v, idx) => alpha * alpha * v + (idx % (d + 1) === 0 ? sigma * sigma : 0)),
        })),
      );
    },
  };
}

/** The reference mixture REF of hhd.md §7. */
export const REF_COMPONENTS: readonly Component[] = [
  { weight: 0.4, mean: [-1.5, 0.0], covariance: [0.3, 0.12, 0.12, 0.2] },
  { weight: 0.35, mean: [1.5, 0.6], covariance: [0.2, -0.08, -0.08, 0.35] },
  { weight: 0.25, mean: [0.2, -1.8], covariance: [0.25, 0, 0, 0.15] },
];

export const referenceMixture = (): Mixture => gaussianMixture(REF_COMPONENTS);
