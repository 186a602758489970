import { forwardMarginal, gaussianMixture, ouTransition, sparseDenseMixture } from "@parabolic/datasets";
import { ouProcess, rotationDrift } from "../../src/index.js";
import { gridPoints, solveFokkerPlanck2d } from "../../src/fokker-planck-2d.js";
const omega = Number(process.argv[2]); const n = Number(process.argv[3]);
const q0 = forwardMarginal(sparseDenseMixture(), ouTransition(0.1));
const t1 = 0.4, a = Math.exp(-t1), v = -Math.expm1(-2 * t1), c = Math.cos(omega * t1), s = Math.sin(omega * t1);
const means: number[][] = [], scales: number[] = [];
for (let k = 0; k < q0.componentCount; k++) { const mx = q0.means[2*k]!, my = q0.means[2*k+1]!; means.push([a*(c*mx - s*my), a*(s*mx + c*my)]); scales.push(Math.sqrt(a*a*q0.isotropicVariances[k]! + v)); }
const exact = gaussianMixture({ weights: q0.weights, means, scales });
const t = performance.now();
const r = solveFokkerPlanck2d(ouProcess({ drift: rotationDrift({ dim: 2, rate: omega }) }), { grid: { xMin: -6, xMax: 6, yMin: -6, yMax: 6, nx: n, ny: n }, t1, initial: (x) => q0.logDensity(x) });
const lp = exact.logDensity(gridPoints(r.grid)); const d = r.densities[1]!; let l1 = 0, nn = 0;
for (let i = 0; i < d.length; i++) { const q = Math.exp(lp[i]!); l1 += Math.abs(d[i]! - q); nn += q; }
console.log(`omega=${omega} n=${n} relL1=${(l1/nn).toExponential(3)} matvecs=${r.stats.matvecs} ms=${(performance.now()-t).toFixed(0)}`);
