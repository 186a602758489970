import { forwardMarginal, heatTransition, sparseDenseMixture } from "@parabolic/datasets";
const p0 = sparseDenseMixture();
const n = 100000; const y = new Float64Array(2); let acc = 0;
const t = performance.now();
for (let i = 0; i < n; i++) { y[0] = Math.sin(i); y[1] = Math.cos(i); const m = forwardMarginal(p0, heatTransition(0.3 + 1e-6 * i)); const r = m.logDensityAndScore(y); acc += r.logDensity[0]!; }
console.log(((performance.now() - t) / n * 1000).toFixed(2), "µs per point", acc);
