/**
 * Full-size mean-value identity checks (heat-ball.md §7, §9; spec N = 4e5 for d ≤ 16, 4e4 for d = 256):
 * caloric and inhomogeneous test functions with z-scores (and the z without the source term), the drift form
 * for constant drift and the double-well Langevin, and the r → 0 residual.
 *
 *   node --conditions=@parabolic/source --import tsx packages/heat/scripts/mean-value-identities.ts [--quick]
 */
import { key } from "@parabolic/core";
import { constantDrift, doubleWellDrift, estimateDensity, heatBallMean, heatBallResidual, ouProcess, timeChange, type HeatField, type ScalarField } from "../src/index.js";

const quick = process.argv.includes("--quick");
const samplesFor = (d: number) => (quick ? (d >= 256 ? 4000 : 40000) : d >= 256 ? 40000 : 400000);
const centre = (d: number) => Float64Array.from({ length: d }, (_, i) => 0.7 * Math.cos(1.3 * i + 0.4));
const sq = (y: Float64Array, n: number, d: number) => { let q = 0; for (let i = 0; i < d; i++) q += y[n * d + i]! ** 2; return q; };
const logHeat = (y: Float64Array, n: number, d: number, s: number) => -(d / 2) * Math.log(4 * Math.PI * s) - sq(y, n, d) / (4 * s);
const field = (d: number, f: (y: Float64Array, n: number, s: number) => number): ScalarField => ({ dim: d, evaluate: (y, s) => s.map((si, n) => f(y, n, si)) });
let worst = 0;
let worstNaive = 0;

for (const d of [1, 2, 16, 256]) {
  const y0 = centre(d);
  const l0 = logHeat(y0, 0, d, 1.5);
  const caloric: Array<[string, ScalarField]> = [
    ["Φ(y,s+½)/Φ0", field(d, (y, n, s) => Math.exp(logHeat(y, n, d, s + 0.5) - l0))],
    ["|y|²+2ds", field(d, (y, n, s) => sq(y, n, d) + 2 * d * s)],
    ["y1³+6y1s", field(d, (y, n, s) => y[n * d]! ** 3 + 6 * y[n * d]! * s)],
    ["y1⁴+12y1²s+12s²", field(d, (y, n, s) => y[n * d]! ** 4 + 12 * y[n * d]! ** 2 * s + 12 * s * s)],
    ["y1y2+y1", field(d, (y, n) => (d >= 2 ? y[n * d]! * y[n * d + 1]! : 0) + y[n * d]!)],
  ];
  for (const r of [0.3, 1, 2]) {
    for (const [name, u] of caloric) {
      const exact = u.evaluate(y0, new Float64Array([1]))[0]!;
      const est = heatBallMean(u, y0, 1, { radius: r, samples: samplesFor(d), key: key(31 * d + Math.round(100 * r)) });
      const z = (est.value - exact) / est.standardError;
      worst = Math.max(worst, Math.abs(z));
      console.log(`caloric d=${d} r=${r} ${name.padEnd(18)} est=${est.value.toPrecision(7)} exact=${exact.toPrecision(7)} se=${est.standardError.toExponential(1)} z=${z.toFixed(2)}`);
    }
  }
  const inhom: Array<[string, (y: Float64Array, n: number, s: number) => number, (y: Float64Array, n: number, s: number) => number]> = [
    ["u=s", (_y, _n, s) => s, () => 1],
    ["u=|y|²", (y, n) => sq(y, n, d), () => -2 * d],
    ["u=sin y1", (y, n) => Math.sin(y[n * d]!), (y, n) => Math.sin(y[n * d]!)],
    ["u=e^s cos y1", (y, n, s) => Math.exp(s) * Math.cos(y[n * d]!), (y, n, s) => 2 * Math.exp(s) * Math.cos(y[n * d]!)],
    ["u=y1⁴", (y, n) => y[n * d]! ** 4, (y, n) => -12 * y[n * d]! ** 2],
    ["ψ=log Φ", (y, n, s) => logHeat(y, n, d, s + 0.5), (y, n, s) => sq(y, n, d) / (4 * (s + 0.5) ** 2)],
    ["η=−w log w", (y, n, s) => { const l = logHeat(y, n, d, s + 0.5); return -Math.exp(l - l0) * l; }, (y, n, s) => (Math.exp(logHeat(y, n, d, s + 0.5) - l0) * sq(y, n, d)) / (4 * (s + 0.5) ** 2)],
  ];
  for (const r of [0.5, 1.5]) {
    for (const [name, uf, ff] of inhom) {
      const u = field(d, uf);
      const exact = u.evaluate(y0, new Float64Array([1]))[0]!;
      const est = heatBallMean(u, y0, 1, { radius: r, samples: samplesFor(d), key: key(1 + d * 13 + Math.round(r * 10)), source: (y, s) => s.map((si, n) => ff(y, n, si)) });
      const z = (est.value - exact) / est.standardError;
      const zn = (est.meanPart - exact) / est.standardError;
      worst = Math.max(worst, Math.abs(z));
      worstNaive = Math.max(worstNaive, Math.abs(zn));
      console.log(`inhomogeneous d=${d} r=${r} ${name.padEnd(13)} est=${est.value.toPrecision(7)} exact=${exact.toPrecision(7)} z=${z.toFixed(2)} (without source z=${zn.toFixed(1)})`);
    }
  }
}
console.log(`max |z| over caloric+inhomogeneous = ${worst.toFixed(2)}; max |z| without the source term = ${worstNaive.toFixed(0)}`);

for (const d of [1, 2, 16, 64]) {
  const c = Float64Array.from({ length: d }, (_, i) => (i % 2 ? -0.6 : 0.9) / Math.sqrt(Math.max(1, d / 4)));
  const f: HeatField = { dim: d, logDensity: (y, s) => s.map((si, n) => { let q = 0; for (let i = 0; i < d; i++) q += (y[n * d + i]! - c[i]! * si) ** 2; return -(d / 2) * Math.log(4 * Math.PI * (si + 0.5)) - q / (4 * (si + 0.5)); }) };
  const y0 = centre(d);
  const exact = f.logDensity(y0, new Float64Array([1]))[0]!;
  for (const r of [0.5, 1]) {
    const N = quick ? 40000 : d <= 16 ? 400000 : 100000;
    const a = estimateDensity(f, y0, 1, { radius: r, samples: N, key: key(5 + d), drift: constantDrift({ vector: c }) });
    const b = estimateDensity(f, y0, 1, { radius: r, samples: N, key: key(5 + d) });
    console.log(`constant drift d=${d} r=${r}: z=${((a.logDensity - exact) / a.standardError).toFixed(2)} (plain κ mean z=${((b.logDensity - exact) / b.standardError).toFixed(1)}) budget=${a.driftBudget.toFixed(3)} ${a.status}`);
  }
}
for (const d of [1, 2, 8]) {
  const U = doubleWellDrift({ dim: d });
  const c = timeChange(ouProcess({ rate: 0, drift: U })).heatDrift!;
  const f: HeatField = { dim: d, logDensity: (y, s) => U.potential!(y, s).map((v) => -v) };
  const y0 = Float64Array.from({ length: d }, (_, i) => 0.9 / Math.sqrt(d) + 0.1 * i);
  const exact = f.logDensity(y0, new Float64Array([1]))[0]!;
  const source = (y: Float64Array, s: Float64Array) => { const lap = U.divergence!(y, s); const g = U.evaluate(y, s); return lap.map((v, n) => { let g2 = 0; for (let i = 0; i < d; i++) g2 += g[n * d + i]! ** 2; return -v - g2; }); };
  for (const r of [0.1, 0.3, 0.6]) {
    const N = quick ? 40000 : 400000;
    const m = estimateDensity(f, y0, 1, { radius: r, samples: N, key: key(11 + d) });
    const a = estimateDensity(f, y0, 1, { radius: r, samples: N, key: key(11 + d), source });
    const b = estimateDensity(f, y0, 1, { radius: r, samples: N, key: key(11 + d), drift: c });
    console.log(`double well d=${d} r=${r}: E_κ[w]/w0=${Math.exp(m.logDensity - exact).toFixed(4)} source-form z=${((a.logDensity - exact) / a.standardError).toFixed(2)} drift-form z=${((b.logDensity - exact) / b.standardError).toFixed(2)} budget=${b.driftBudget.toFixed(2)} ${b.status}`);
  }
}
{
  const d = 16, a = 0.1, k = 4;
  const psi: HeatField = { dim: d, logDensity: (y, s) => s.map((si, n) => a * Math.sin(k * y[n * d]!) - 0.1 * si) };
  const y0 = centre(d);
  const exact = -0.1 + a * k * k * Math.sin(k * y0[0]!) - a * a * k * k * Math.cos(k * y0[0]!) ** 2;
  const values: number[] = [];
  const radii = [1, 0.5, 0.25, 0.125, 0.0625];
  for (const r of radii) {
    const res = heatBallResidual(psi, y0, 1, { radius: r, samples: quick ? 40000 : 400000, key: key(2024), form: "log" });
    values.push(res.residual);
    console.log(`r→0 d=16 r=${r}: R=${res.residual.toFixed(5)} pointwise=${exact.toFixed(5)} err=${(res.residual - exact).toExponential(2)} ±${res.standardError.toExponential(1)}`);
  }
  const diffs = values.slice(0, -1).map((v, i) => v - values[i + 1]!);
  console.log(`r→0 successive differences ${diffs.map((v) => v.toExponential(2)).join(", ")}; ratios ${diffs.slice(0, -1).map((v, i) => (v / diffs[i + 1]!).toFixed(2)).join(", ")}`);
}
