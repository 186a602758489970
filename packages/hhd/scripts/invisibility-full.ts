/**
 * Full-size S1–S3 and B2 (hhd.md §10.2–10.4 / §11).
 * Run: node --conditions=@parabolic/source --import tsx packages/hhd/scripts/invisibility-full.ts
 * Env: PARTS ("S1,S2,S3,B2"), NS1 (20000), NS2 (10000), NB (60000), STEPS_B (1000).
 */
import { key, split } from "@parabolic/core";
import { forwardMarginal } from "@parabolic/datasets";
import { maximumMeanDiscrepancy, slicedWasserstein } from "@parabolic/metrics";
import { klBounds, perturbedScore, simulateLangevin, simulateProbabilityFlow, simulateReverseSde, smoothedKLOnGrid, vpSchedule, type VectorField } from "../src/index.js";
import { referenceMarginal, referenceMixture, referenceScore } from "../test/support/mixture.js";

const PARTS = (process.env.PARTS ?? "S1,S2,S3,B2").split(",");
const vp = vpSchedule();
const p0 = referenceMixture();
const sw2 = (x: Float64Array, y: Float64Array, seed: number): number => slicedWasserstein(key(seed), x, y, { dim: 2, projections: 200 }) ** 2;
const mmd2 = (x: Float64Array, y: Float64Array, seed: number): number => maximumMeanDiscrepancy(x, y, { dim: 2, bandwidth: 0.5, subsample: { key: key(seed), size: 3000 } }).mmdSquared;
function floor(n: number, seed: number): { sw: number; mmd: number } {
  let sw = 0;
  let mmd = 0;
  for (let r = 0; r < 4; r++) {
    const [a, b] = split(key(seed + 1000 * r), 2);
    const x = p0.sample(a!, n);
    const y = p0.sample(b!, n);
    sw += sw2(x, y, seed + r) / 4;
    mmd += mmd2(x, y, seed + r) ** 2 / 4;
  }
  return { sw, mmd: Math.sqrt(mmd) };
}
const marginalScore: VectorField = (x, t) => referenceScore(t)(x);
const LAMBDA_STAR = 4.2828;
const verdicts: string[] = [];
const fmt = (v: number): string => v.toExponential(2);

if (PARTS.includes("S1")) {
  const n = Number(process.env.NS1 ?? 20_000);
  const fl = floor(n, 7);
  const fast = referenceScore(0);
  const score: VectorField = (x) => fast(x);
  const [kInit, kRun, kA] = split(key(606), 3);
  const initial = p0.sample(kInit!, n);
  const exact = p0.sample(kA!, n);
  const lambda = 2.2875;
  console.log(`S1 Langevin init = p, h = 1e-3, T = 2, N = ${n}: floor SW2 ${fmt(fl.sw)}, MMD² ${fmt(fl.mmd)}`);
  for (const [name, model] of [
    ["baseline", score],
    ["solenoidal", perturbedScore({ dim: 2, score, rotationScale: lambda })],
    ["gradient", perturbedScore({ dim: 2, score, gradientScale: lambda })],
  ] as const) {
    const r = simulateLangevin(kRun!, { score: model, dim: 2, initial, stepSize: 1e-3, steps: 2000 });
    const s = sw2(r.positions, exact, 9);
    const m = mmd2(r.positions, exact, 9);
    console.log(`  ${name.padEnd(10)} SW2 ${fmt(s)} (${(s / fl.sw).toFixed(1)}× floor)  MMD² ${fmt(m)} (${(m / fl.mmd).toFixed(1)}× floor)`);
    if (name === "solenoidal") verdicts.push(`S1 solenoidal ≤ 3× floor: ${s <= 3 * fl.sw && m <= 3 * fl.mmd ? "pass" : "FAIL"}`);
    if (name === "gradient") verdicts.push(`S1 gradient ≥ 20× floor: ${s >= 20 * fl.sw ? "pass" : "FAIL"}`);
  }
}

if (PARTS.includes("S2") || PARTS.includes("S3")) {
  const n = Number(process.env.NS2 ?? 10_000);
  const fl = floor(n, 3);
  const [kA, kRun] = split(key(202), 2);
  const exact = p0.sample(kA!, n);
  console.log(`S2/S3 reverse VP, λ* = ${LAMBDA_STAR}, N = ${n}: floor SW2 ${fmt(fl.sw)}`);
  const models = {
    baseline: marginalScore,
    solenoidal: perturbedScore({ dim: 2, score: marginalScore, rotationScale: LAMBDA_STAR }),
    gradient: perturbedScore({ dim: 2, score: marginalScore, gradientScale: LAMBDA_STAR }),
  };
  const runs: [string, number][] = [];
  if (PARTS.includes("S3")) runs.push(["euler-maruyama", 250], ["euler-maruyama", 1000]);
  if (PARTS.includes("S2")) runs.push(["heun", 250], ["heun", 1000], ["ode", 100], ["ode", 250], ["ode", 1000]);
  for (const [method, steps] of runs) {
    const row: string[] = [];
    for (const [name, model] of Object.entries(models)) {
      const out =
        method === "ode"
          ? simulateProbabilityFlow(kRun!, { score: model, schedule: vp, dim: 2, count: n, steps }).positions
          : simulateReverseSde(kRun!, { score: model, schedule: vp, dim: 2, count: n, steps, method: method as "heun" | "euler-maruyama" }).positions;
      const s = sw2(out, exact, 3);
      row.push(`${name} ${fmt(s)} (${(s / fl.sw).toFixed(1)}×)`);
      if (name === "solenoidal" && method === "heun" && steps === 1000) verdicts.push(`S2 SDE-Heun-1000 solenoidal ≤ 3× floor: ${s <= 3 * fl.sw ? "pass" : "FAIL"}`);
      if (name === "gradient" && method === "heun" && steps === 1000) verdicts.push(`S2 SDE-Heun-1000 gradient ≥ 100× floor: ${s >= 100 * fl.sw ? "pass" : "FAIL"}`);
      if (name === "solenoidal" && method === "ode" && steps === 250) verdicts.push(`S2 ODE-Heun-250 solenoidal ≤ 5× floor: ${s <= 5 * fl.sw ? "pass" : "FAIL"}`);
      if (name === "gradient" && method === "ode" && steps === 250) verdicts.push(`S2 ODE-Heun-250 gradient ≥ 100× floor: ${s >= 100 * fl.sw ? "pass" : "FAIL"}`);
      if (name === "solenoidal" && method === "euler-maruyama" && steps === 250) verdicts.push(`S3 EM-250 solenoidal ≥ 10× floor (leak): ${s >= 10 * fl.sw ? "pass" : "FAIL"}`);
    }
    console.log(`  ${method.padEnd(15)} ${String(steps).padStart(5)} steps: ${row.join(" | ")}`);
  }
}

if (PARTS.includes("B2")) {
  const n = Number(process.env.NB ?? 60_000);
  const steps = Number(process.env.STEPS_B ?? 1000);
  const BW = 0.1;
  const times = Array.from({ length: 201 }, (_, i) => i / 200);
  const fisher = times.map((t, i) => {
    const pt = referenceMarginal(t);
    const s = pt.score(pt.sample(key(1000 + i), 20_000));
    let acc = 0;
    for (let k = 0; k < s.length; k++) acc += s[k]! ** 2;
    return acc / 20_000;
  });
  const terminalKL = 1.26e-6; // hhd.md §7 (quadrature; the CI test recomputes it)
  const smoothed = forwardMarginal(p0, { alpha: 1, variance: BW * BW });
  const klS = (x: Float64Array): number => smoothedKLOnGrid({ samples: x, logDensity: (q) => smoothed.logDensity(q), bandwidth: BW }).value;
  const fl = [0, 1, 2].map((r) => klS(p0.sample(key(999 + r), n)));
  console.log(`B2 reverse SDE Heun ${steps} steps, N = ${n}; KL_s floor (3 exact sets): ${fl.map(fmt).join(", ")}`);
  for (const kappa of [0, 0.2, 0.5]) {
    for (const lambda of [0, LAMBDA_STAR]) {
      const b = klBounds({ times, errorNorms: fisher.map((f) => (lambda ** 2 + kappa ** 2) * f), gradientNorms: fisher.map((f) => kappa ** 2 * f), diffusionSquared: vp.beta, terminalKL, rule: "simpson" });
      const out = simulateReverseSde(key(4242), { score: perturbedScore({ dim: 2, score: marginalScore, gradientScale: kappa, rotationScale: lambda }), schedule: vp, dim: 2, count: n, steps });
      const k = klS(out.positions);
      console.log(`  λ=${lambda} κ=${kappa}: B_Gir=${b.girsanov.toFixed(3)} B_grad=${b.gradientOnly.toExponential(3)} KL_s=${k.toExponential(3)}`);
      verdicts.push(`B2 λ=${lambda} κ=${kappa}: KL_s ≤ B_grad + 5e-3: ${k <= b.gradientOnly + 5e-3 ? "pass" : "FAIL"}; B_grad ≤ B_Gir: ${b.gradientOnly <= b.girsanov ? "pass" : "FAIL"}`);
    }
  }
}
console.log(verdicts.join("\n"));
