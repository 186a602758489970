/**
 * Full-size Fokker–Planck oracle checks: second-order spatial convergence to the exact OU marginal of the
 * sparse/dense mixture and to the rotated mixture (non-gradient drift), the stationary double well, and mass /
 * positivity, with wall times.
 *
 *   node --conditions=@parabolic/source --import tsx packages/heat/scripts/fokker-planck.ts
 */
import { erfc } from "@parabolic/core";
import { forwardMarginal, gaussianMixture, ouTransition, sparseDenseMixture } from "@parabolic/datasets";
import { doubleWellDrift, gridPoints, gridScore, ouProcess, rotationDrift, solveFokkerPlanck2d } from "../src/index.js";

function relL1(d: Float64Array, lp: Float64Array): number {
  let a = 0, b = 0;
  for (let c = 0; c < d.length; c++) { const q = Math.exp(lp[c]!); a += Math.abs(d[c]! - q); b += q; }
  return a / b;
}
const p0 = sparseDenseMixture();
const start = forwardMarginal(p0, ouTransition(0.1));
const exact = forwardMarginal(p0, ouTransition(0.5));
for (const nx of [50, 100, 200, 400]) {
  const t0 = performance.now();
  const ny = Math.round((nx * 9.5) / 12);
  const r = solveFokkerPlanck2d(ouProcess(), { grid: { xMin: -6, xMax: 6, yMin: -3.5, yMax: 6, nx, ny }, t0: 0.1, t1: 0.5, initial: (x) => start.logDensity(x) });
  const pts = gridPoints(r.grid);
  const { logDensity, score } = exact.logDensityAndScore(pts);
  const s = gridScore(r.grid, r.densities[1]!);
  let e = 0, n = 0;
  for (let c = 0; c < logDensity.length; c++) { const w = Math.exp(logDensity[c]!); e += w * ((s[2 * c]! - score[2 * c]!) ** 2 + (s[2 * c + 1]! - score[2 * c + 1]!) ** 2); n += w * (score[2 * c]! ** 2 + score[2 * c + 1]! ** 2); }
  console.log(`OU t 0.1→0.5 grid ${nx}×${ny} (h=${(12 / nx).toFixed(3)}): relL1=${relL1(r.densities[1]!, logDensity).toExponential(3)} weighted score err=${Math.sqrt(e / n).toExponential(3)} massError=${r.stats.massError.toExponential(2)} min=${r.stats.minDensity.toExponential(2)} matvecs=${r.stats.matvecs} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
{
  const omega = 2, t1 = 0.4, a = Math.exp(-t1), v = -Math.expm1(-2 * t1), c = Math.cos(omega * t1), s = Math.sin(omega * t1);
  const means: number[][] = [], scales: number[] = [];
  for (let k = 0; k < start.componentCount; k++) { const mx = start.means[2 * k]!, my = start.means[2 * k + 1]!; means.push([a * (c * mx - s * my), a * (s * mx + c * my)]); scales.push(Math.sqrt(a * a * start.isotropicVariances[k]! + v)); }
  const rotated = gaussianMixture({ weights: start.weights, means, scales });
  for (const nx of [80, 160, 320]) {
    const t0 = performance.now();
    const r = solveFokkerPlanck2d(ouProcess({ drift: rotationDrift({ dim: 2, rate: omega }) }), { grid: { xMin: -6, xMax: 6, yMin: -6, yMax: 6, nx, ny: nx }, t1, initial: (x) => start.logDensity(x) });
    console.log(`OU + rotation ω=2 grid ${nx}²: relL1=${relL1(r.densities[1]!, rotated.logDensity(gridPoints(r.grid))).toExponential(3)} massError=${r.stats.massError.toExponential(2)} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}
{
  const drift = doubleWellDrift({ dim: 2 });
  const logZ = Math.log(Math.PI * Math.sqrt(Math.PI / 2) * erfc(-Math.SQRT1_2));
  for (const [n, t1] of [[40, 8], [64, 12], [96, 16]] as const) {
    const t0 = performance.now();
    const r = solveFokkerPlanck2d(ouProcess({ rate: 0, drift }), {
      grid: { xMin: -2.6, xMax: 2.6, yMin: -2.6, yMax: 2.6, nx: n, ny: n },
      t1,
      initial: (x) => new Float64Array(x.length / 2).map((_, i) => -((x[2 * i]! - 1) ** 2 + x[2 * i + 1]! ** 2) / 0.5),
    });
    const pts = gridPoints(r.grid);
    const lp = drift.potential!(pts, new Float64Array(pts.length / 2)).map((u) => -u - logZ);
    console.log(`double well grid ${n}², t=${t1}: relL1 vs e^{−U}/Z = ${relL1(r.densities[1]!, lp).toExponential(3)} massError=${r.stats.massError.toExponential(2)} min=${r.stats.minDensity.toExponential(2)} matvecs=${r.stats.matvecs} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}
