/**
 * Test-only oracles for @parabolic/datasets, written independently of the code under test.
 */
import { normalCdf } from "@parabolic/core";
import type { GaussianMixture } from "../src/gaussian-mixture.js";

/** CDF of uᵀx under the mixture (a 1-D Gaussian mixture with means uᵀμ_k, variances uᵀΣ_k u). */
export function projectedMixtureCdf(p: GaussianMixture, u: ArrayLike<number>): (x: number) => number {
  const d = p.dim;
  const K = p.componentCount;
  const m = new Float64Array(K);
  const s = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let mean = 0;
    let v = 0;
    for (let i = 0; i < d; i++) {
      mean += u[i]! * p.means[k * d + i]!;
      for (let j = 0; j < d; j++) v += u[i]! * p.covariances[k * d * d + i * d + j]! * u[j]!;
    }
    m[k] = mean;
    s[k] = Math.sqrt(v);
  }
  return (x) => {
    let f = 0;
    for (let k = 0; k < K; k++) f += p.weights[k]! * normalCdf((x - m[k]!) / s[k]!);
    return Math.min(1, Math.max(0, f));
  };
}

/** uᵀx_i for row-major points. */
export function project(points: Float64Array, d: number, u: ArrayLike<number>): Float64Array {
  const n = points.length / d;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += u[j]! * points[i * d + j]!;
    out[i] = s;
  }
  return out;
}

/** Euclidean norm. */
export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/** Deterministic "random" symmetric positive definite matrix A Aᵀ + c I from a small LCG (test fixture). */
export function spdMatrix(d: number, seed: number, ridge = 0.2): number[][] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  const a: number[][] = [];
  for (let i = 0; i < d; i++) {
    a.push([]);
    for (let j = 0; j < d; j++) a[i]!.push(next());
  }
  const m: number[][] = [];
  for (let i = 0; i < d; i++) {
    m.push([]);
    for (let j = 0; j < d; j++) {
      let s = i === j ? ridge : 0;
      for (let k = 0; k < d; k++) s += a[i]![k]! * a[j]![k]!;
      m[i]!.push(s);
    }
  }
  return m;
}
