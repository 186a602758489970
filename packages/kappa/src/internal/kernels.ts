import { fillExponentials, fillNormals, nextGamma, nextGeometric, type RandomStream } from "@parabolic/core";
import type { KappaSamples } from "../kappa-samples.js";

/**
 * Sampling kernels shared by the batch and fill APIs. No validation here: callers validate once.
 *
 * All three measures factorise in the coordinates (a, W) = (|ζ|²/(4ς), log Φ(ζ, ς)) with a uniform direction:
 * given (a, W), ς = exp(−2(a + W)/d)/(4π) and ζ = 2√(ςa)·u with u uniform on S^{d−1}. The direction is taken
 * from d standard normals G, whose squared norm q = |G|² ~ χ²_d is independent of G/|G| and is reused for the
 * Gamma part of a:
 *
 * - κ: a ~ Gamma(d/2 + 1) = q/2 + E′, with E′ ~ Exp(1) (the spec's last two normals enter only through
 *   g²_{d+1} + g²_{d+2} ~ χ²₂ = 2·Exp(1), so they are drawn as one exponential); W ~ Exp(1) independent.
 *   Exponentials come from core's ziggurat (`fillExponentials`, one batch per chunk of rows).
 * - ν: a ~ Gamma(d/2, rate c) = q/(2c), c = 1 + 2/d; W ~ Gamma(j + 1, rate c), j − 2 ~ Geometric(2/(d + 2)).
 * - D: a ~ Gamma((d + 1)/2, rate 1 + 1/d) = (q + g²)/(2(1 + 1/d)); W = d·E₁ + E₂/(1 + 1/d).
 *
 * Precision: ς is formed from log(4πς) = −2(a + W)/d, never from a difference; ζ is G scaled by
 * 2√(ςa/q), so |ζ|² = 4ςa to a few ulps; W is stored as drawn, so log Φ needs no cancellation-prone
 * recomputation (at d = 4096 both −(d/2)log(4πς) and |ζ|²/(4ς) are ≈ 2050).
 */

const INV_4PI = 1 / (4 * Math.PI);
/** Normals generated per `fillNormals` call: 32 KB of doubles, so a chunk stays in L1 for the next passes. */
const CHUNK = 4096;

/**
 * Redraws the row at `off` while its squared norm is 0: a null event of the exact law, but the ziggurat returns an
 * exact 0 with probability ≈ 2^−32 per normal, which matters for d = 1 over billions of draws. Returns q = |G|².
 */
function redrawZeroRow(stream: RandomStream, zeta: Float64Array, off: number, dim: number): number {
  let q = 0;
  while (q === 0) {
    fillNormals(stream, zeta.subarray(off, off + dim));
    q = 0;
    for (let j = off; j < off + dim; j++) q += zeta[j]! * zeta[j]!;
  }
  return q;
}

// The squared-norm and scaling loops are written out in each kernel (not helper calls): V8 does not always inline
// them into the larger kernel, and at d = 2 the call overhead was ≈ 15 % of the sample cost. The norm uses four
// accumulators so the adds pipeline at large d.

export type Kernel = (stream: RandomStream, out: KappaSamples, start: number, end: number) => void;

/** Rows [start, end) of `out` from κ. */
export const kappaKernel: Kernel = (stream, out, start, end) => {
  const { dim, zeta, sigma, a, w } = out;
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK / dim));
  const twoOverD = 2 / dim;
  const dim4 = dim & ~3;
  // the chunk's 2 exponentials per row, drawn in one batch (a tight loop beats a call per variate at small d)
  const exps = new Float64Array(2 * Math.min(rowsPerChunk, end - start));
  for (let r0 = start; r0 < end; r0 += rowsPerChunk) {
    const r1 = Math.min(end, r0 + rowsPerChunk);
    fillNormals(stream, zeta.subarray(r0 * dim, r1 * dim));
    fillExponentials(stream, 2 * (r1 - r0) === exps.length ? exps : exps.subarray(0, 2 * (r1 - r0)));
    for (let i = r0; i < r1; i++) {
      const off = i * dim;
      const e = off + dim;
      const e4 = off + dim4;
      let q0 = 0;
      let q1 = 0;
      let q2 = 0;
      let q3 = 0;
      let j = off;
      for (; j < e4; j += 4) {
        const x0 = zeta[j]!;
        const x1 = zeta[j + 1]!;
        const x2 = zeta[j + 2]!;
        const x3 = zeta[j + 3]!;
        q0 += x0 * x0;
        q1 += x1 * x1;
        q2 += x2 * x2;
        q3 += x3 * x3;
      }
      for (; j < e; j++) q0 += zeta[j]! * zeta[j]!;
      let q = q0 + q1 + (q2 + q3);
      if (q === 0) q = redrawZeroRow(stream, zeta, off, dim);
      const k = 2 * (i - r0);
      const ai = 0.5 * q + exps[k]!;
      const wi = exps[k + 1]!;
      const sig = Math.exp(-twoOverD * (ai + wi)) * INV_4PI;
      const f = 2 * Math.sqrt((sig * ai) / q);
      for (j = off; j < e4; j += 4) {
        zeta[j] = zeta[j]! * f;
        zeta[j + 1] = zeta[j + 1]! * f;
        zeta[j + 2] = zeta[j + 2]! * f;
        zeta[j + 3] = zeta[j + 3]! * f;
      }
      for (; j < e; j++) zeta[j] = zeta[j]! * f;
      sigma[i] = sig;
      a[i] = ai;
      w[i] = wi;
    }
  }
};

/** Rows [start, end) of `out` from the source measure ν = k/E_κ[ς]. */
export const nuKernel: Kernel = (stream, out, start, end) => {
  const { dim, zeta, sigma, a, w } = out;
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK / dim));
  const twoOverD = 2 / dim;
  const dim4 = dim & ~3;
  const c = 1 + 2 / dim;
  const invC = 1 / c;
  const p = 2 / (dim + 2);
  for (let r0 = start; r0 < end; r0 += rowsPerChunk) {
    const r1 = Math.min(end, r0 + rowsPerChunk);
    fillNormals(stream, zeta.subarray(r0 * dim, r1 * dim));
    for (let i = r0; i < r1; i++) {
      const off = i * dim;
      const e = off + dim;
      const e4 = off + dim4;
      let q0 = 0;
      let q1 = 0;
      let q2 = 0;
      let q3 = 0;
      let j = off;
      for (; j < e4; j += 4) {
        const x0 = zeta[j]!;
        const x1 = zeta[j + 1]!;
        const x2 = zeta[j + 2]!;
        const x3 = zeta[j + 3]!;
        q0 += x0 * x0;
        q1 += x1 * x1;
        q2 += x2 * x2;
        q3 += x3 * x3;
      }
      for (; j < e; j++) q0 += zeta[j]! * zeta[j]!;
      let q = q0 + q1 + (q2 + q3);
      if (q === 0) q = redrawZeroRow(stream, zeta, off, dim);
      const ai = 0.5 * q * invC;
      const jj = 2 + nextGeometric(stream, p);
      const wi = nextGamma(stream, jj + 1) * invC;
      const sig = Math.exp(-twoOverD * (ai + wi)) * INV_4PI;
      const f = 2 * Math.sqrt((sig * ai) / q);
      for (j = off; j < e4; j += 4) {
        zeta[j] = zeta[j]! * f;
        zeta[j + 1] = zeta[j + 1]! * f;
        zeta[j + 2] = zeta[j + 2]! * f;
        zeta[j + 3] = zeta[j + 3]! * f;
      }
      for (; j < e; j++) zeta[j] = zeta[j]! * f;
      sigma[i] = sig;
      a[i] = ai;
      w[i] = wi;
    }
  }
};

/** Rows [start, end) of `out` from the drift measure D = |∇_ζ k|/C₁(d). */
export const driftKernel: Kernel = (stream, out, start, end) => {
  const { dim, zeta, sigma, a, w } = out;
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK / dim));
  const twoOverD = 2 / dim;
  const dim4 = dim & ~3;
  const invRate = 1 / (1 + 1 / dim);
  // per row: one extra normal (the χ²₁ part of a) and two exponentials, drawn in batches per chunk
  const extra = new Float64Array(3 * Math.min(rowsPerChunk, end - start));
  for (let r0 = start; r0 < end; r0 += rowsPerChunk) {
    const r1 = Math.min(end, r0 + rowsPerChunk);
    const rows = r1 - r0;
    fillNormals(stream, zeta.subarray(r0 * dim, r1 * dim));
    fillNormals(stream, extra.subarray(0, rows));
    fillExponentials(stream, extra.subarray(rows, 3 * rows));
    for (let i = r0; i < r1; i++) {
      const off = i * dim;
      const e = off + dim;
      const e4 = off + dim4;
      let q0 = 0;
      let q1 = 0;
      let q2 = 0;
      let q3 = 0;
      let j = off;
      for (; j < e4; j += 4) {
        const x0 = zeta[j]!;
        const x1 = zeta[j + 1]!;
        const x2 = zeta[j + 2]!;
        const x3 = zeta[j + 3]!;
        q0 += x0 * x0;
        q1 += x1 * x1;
        q2 += x2 * x2;
        q3 += x3 * x3;
      }
      for (; j < e; j++) q0 += zeta[j]! * zeta[j]!;
      let q = q0 + q1 + (q2 + q3);
      if (q === 0) q = redrawZeroRow(stream, zeta, off, dim);
      const g = extra[i - r0]!;
      const ai = 0.5 * (q + g * g) * invRate;
      const wi = dim * extra[rows + 2 * (i - r0)]! + extra[rows + 2 * (i - r0) + 1]! * invRate;
      const sig = Math.exp(-twoOverD * (ai + wi)) * INV_4PI;
      const f = 2 * Math.sqrt((sig * ai) / q);
      for (j = off; j < e4; j += 4) {
        zeta[j] = zeta[j]! * f;
        zeta[j + 1] = zeta[j + 1]! * f;
        zeta[j + 2] = zeta[j + 2]! * f;
        zeta[j + 3] = zeta[j + 3]! * f;
      }
      for (; j < e; j++) zeta[j] = zeta[j]! * f;
      sigma[i] = sig;
      a[i] = ai;
      w[i] = wi;
    }
  }
};
