/**
 * A fast 2-D evaluation of a @parabolic/datasets Gaussian mixture's score (test-only hot path for the dynamics
 * tests, which evaluate ~10⁸ scores). It reads the mixture's own parameters, so the oracle stays the shared
 * datasets one; `fast-mixture-2d.test.ts` checks agreement to 1e-12.
 */
import type { GaussianMixture } from "@parabolic/datasets";

export type FastScore2D = (points: Float64Array) => Float64Array;

export function fastScore2D(mixture: GaussianMixture): FastScore2D {
  if (mixture.dim !== 2) throw new Error("fastScore2D: 2-D mixtures only");
  const K = mixture.componentCount;
  const mx = new Float64Array(K);
  const my = new Float64Array(K);
  const pa = new Float64Array(K);
  const pb = new Float64Array(K);
  const pc = new Float64Array(K);
  const ln = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const a = mixture.covariances[4 * k]!;
    const b = mixture.covariances[4 * k + 1]!;
    const c = mixture.covariances[4 * k + 3]!;
    const det = a * c - b * b;
    pa[k] = c / det;
    pb[k] = -b / det;
    pc[k] = a / det;
    mx[k] = mixture.means[2 * k]!;
    my[k] = mixture.means[2 * k + 1]!;
    ln[k] = Math.log(mixture.weights[k]!) - Math.log(2 * Math.PI) - 0.5 * Math.log(det);
  }
  const lw = new Float64Array(K);
  return (points) => {
    const n = points.length >> 1;
    const out = new Float64Array(points.length);
    for (let i = 0; i < n; i++) {
      const x = points[2 * i]!;
      const y = points[2 * i + 1]!;
      let max = -Infinity;
      for (let k = 0; k < K; k++) {
        const dx = x - mx[k]!;
        const dy = y - my[k]!;
        const v = ln[k]! - 0.5 * (pa[k]! * dx * dx + 2 * pb[k]! * dx * dy + pc[k]! * dy * dy);
        lw[k] = v;
        if (v > max) max = v;
      }
      let s = 0;
      let gx = 0;
      let gy = 0;
      for (let k = 0; k < K; k++) {
        const r = Math.exp(lw[k]! - max);
        const dx = x - mx[k]!;
        const dy = y - my[k]!;
        s += r;
        gx -= r * (pa[k]! * dx + pb[k]! * dy);
        gy -= r * (pb[k]! * dx + pc[k]! * dy);
      }
      out[2 * i] = gx / s;
      out[2 * i + 1] = gy / s;
    }
    return out;
  };
}
