/**
 * Full-size version of the score-estimator checks (heat-ball.md §8.1, §14 E-2D): OU from the sparse/dense
 * mixture, 150 query points per t, relative RMSE (all / high / low density) vs N for the gradient,
 * first-moment and derivative-free forms, log-log slopes and ESS/N.
 *
 *   node --conditions=@parabolic/source --import tsx packages/heat/scripts/score-convergence.ts [--quick]
 */
import { key } from "@parabolic/core";
import { forwardMarginal, heatTransition, lowDensitySubset, ouTransition, sparseDenseMixture } from "@parabolic/datasets";
import { estimateScoreBatch, ouProcess, timeChange, type ScoreMethod } from "../src/index.js";
import { mixtureHeatField } from "../src/testing/index.js";

const quick = process.argv.includes("--quick");
const p0 = sparseDenseMixture();
const field = mixtureHeatField(p0);
const tc = timeChange(ouProcess(), { dim: 2 });
const Ns = quick ? [16, 256, 4096] : [16, 64, 256, 1024, 4096, 16384];
const points = quick ? 50 : 150;

function slope(xs: number[], ys: number[]): number {
  const lx = xs.map(Math.log), ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b) / lx.length, my = ly.reduce((a, b) => a + b) / ly.length;
  let n = 0, d = 0;
  for (let i = 0; i < lx.length; i++) { n += (lx[i]! - mx) * (ly[i]! - my); d += (lx[i]! - mx) ** 2; }
  return n / d;
}

for (const t of [0.05, 0.3, 0.8]) {
  const x = forwardMarginal(p0, ouTransition(t)).sample(key(100 + Math.round(100 * t)), points);
  const { points: y, times } = tc.toHeat(x, t);
  const s = times[0]!;
  const oracle = forwardMarginal(p0, heatTransition(s));
  const exact = oracle.score(y);
  const logp = oracle.logDensity(y);
  const threshold = lowDensitySubset(y, logp, { dim: 2, quantile: 0.2 }).threshold;
  const low = new Set(Array.from(logp.keys()).filter((n) => logp[n]! <= threshold));
  for (const rFrac of [0.02, 0.125, 0.5, 2, 8]) {
    const row: Record<string, unknown> = { t, s, rFrac };
    for (const method of ["gradient", "first-moment", "derivative-free"] as ScoreMethod[]) {
      const errs: number[] = [];
      const detail: string[] = [];
      for (const N of Ns) {
        const est = estimateScoreBatch(field, y, s, { radius: Math.sqrt(rFrac * s), samples: N, key: key(N + 7), method });
        const acc = [0, 0, 0], nrm = [0, 0, 0];
        for (let n = 0; n < points; n++) {
          const e = (est.scores[2 * n]! - exact[2 * n]!) ** 2 + (est.scores[2 * n + 1]! - exact[2 * n + 1]!) ** 2;
          const g = exact[2 * n]! ** 2 + exact[2 * n + 1]! ** 2;
          for (const j of [0, low.has(n) ? 2 : 1]) { acc[j] += e; nrm[j] += g; }
        }
        const rel = acc.map((a, j) => Math.sqrt(a / nrm[j]!));
        errs.push(rel[0]!);
        let ess = 0;
        for (const e of est.ess) ess += e / (method === "gradient" ? N : 2 * N); // antithetic forms evaluate 2N points
        detail.push(`N=${N}: ${rel.map((v) => v.toExponential(1)).join("/")} ESS/N=${(ess / points).toFixed(3)}`);
      }
      row[method] = { slope: Number(slope(Ns, errs).toFixed(3)), relRmse: errs };
      console.log(`t=${t} r_frac=${rFrac} ${method.padEnd(15)} slope=${slope(Ns, errs).toFixed(3)} | ${detail.join(" | ")}`);
    }
    console.log(JSON.stringify(row));
  }
}
