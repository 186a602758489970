import { forwardMarginal, ouTransition, sparseDenseMixture } from "@parabolic/datasets";
import { doubleWellDrift, ouProcess } from "../../src/index.js";
import { gridPoints, solveFokkerPlanck2d, grid2d, gridScore } from "../../src/fokker-planck-2d.js";
const n = Number(process.argv[2] ?? 128);
const p0 = sparseDenseMixture();
const ta = Number(process.argv[3] ?? 0.1), tb = Number(process.argv[4] ?? 0.5);
const spec = { xMin: -7.5, xMax: 7.5, yMin: -4.5, yMax: 7.5, nx: n, ny: Math.round(n * 12 / 15) };
let t = performance.now();
const res = solveFokkerPlanck2d(ouProcess(), { grid: spec, t0: ta, t1: tb, initial: (x) => forwardMarginal(p0, ouTransition(ta)).logDensity(x) });
const g = res.grid; const pts = gridPoints(g);
const exact = forwardMarginal(p0, ouTransition(tb)); const lp = exact.logDensity(pts); const sc = exact.score(pts);
const d = res.densities.at(-1)!; let l1 = 0, norm = 0;
for (let c = 0; c < d.length; c++) { l1 += Math.abs(d[c]! - Math.exp(lp[c]!)); norm += Math.exp(lp[c]!); }
const s = gridScore(g, d); let se = 0, sn = 0;
for (let c = 0; c < d.length; c++) { const w = Math.exp(lp[c]!); se += w * ((s[2*c]! - sc[2*c]!)**2 + (s[2*c+1]! - sc[2*c+1]!)**2); sn += w * (sc[2*c]!**2 + sc[2*c+1]!**2); }
console.log(`OU n=${n} relL1=${(l1/norm).toExponential(3)} weighted rel score err=${Math.sqrt(se/sn).toExponential(3)} steps=${res.stats.steps} matvecs=${res.stats.matvecs} massErr=${res.stats.massError.toExponential(2)} min=${res.stats.minDensity} ms=${(performance.now()-t).toFixed(0)}`);
// double well stationary
t = performance.now();
const m = Number(process.argv[5] ?? 64);
const dw = doubleWellDrift({ dim: 2 });
const spec2 = { xMin: -2.6, xMax: 2.6, yMin: -2.6, yMax: 2.6, nx: m, ny: m };
const res2 = solveFokkerPlanck2d(ouProcess({ rate: 0, drift: dw }), { grid: spec2, t1: Number(process.argv[6] ?? 10), initial: (x) => { const o = new Float64Array(x.length / 2); for (let i = 0; i < o.length; i++) o[i] = -((x[2*i]! - 1)**2 + x[2*i+1]!**2) / (2*0.25); return o; } });
const g2 = res2.grid; const pts2 = gridPoints(g2); const U = dw.potential!(pts2, new Float64Array(pts2.length/2));
// exact normalisation: Z = ∫ e^{-U} over R^2 = π ∫_0^∞ e^{-(r^2-1)^2/2} d(r^2) = π ∫_{-1}^∞ e^{-u^2/2} du
const Z = Math.PI * Math.sqrt(2*Math.PI) * (1 - 0.5 * (1 + erf(-1/Math.SQRT2)));
function erf(x: number) { // A&S 7.1.26 is too crude; use series
  let s = 0, term = x, k = 0; while (Math.abs(term) > 1e-17 && k < 200) { s += term / (2*k+1); k++; term *= -x*x/k; } return 2/Math.sqrt(Math.PI)*s; }
const d2 = res2.densities.at(-1)!; let l1b = 0, nb = 0;
for (let c = 0; c < d2.length; c++) { const e = Math.exp(-U[c]!)/Z; l1b += Math.abs(d2[c]! - e); nb += e; }
console.log(`DW m=${m} relL1=${(l1b/nb).toExponential(3)} gridmass of exact=${(nb*g2.hx*g2.hy).toFixed(8)} steps=${res2.stats.steps} matvecs=${res2.stats.matvecs} massErr=${res2.stats.massError.toExponential(2)} ms=${(performance.now()-t).toFixed(0)}`);
