/**
 * Full-size D1–D3 (hhd.md §10.5 / §11): RFF dual-Sobolev estimator vs grid truth, N = 60 000, K = 169, 5 seeds.
 * Run: node --conditions=@parabolic/source --import tsx packages/hhd/scripts/dual-sobolev-full.ts
 * Env: SEEDS (5), N (60000), TIMES ("0,0.1"), GRID (512), SEED0 (9000), FEATURES (160 random Fourier features; the
 * basis adds 9 monomials).
 */
import { key, mean, split, variance } from "@parabolic/core";
import {
  createGrid2D,
  decomposeOnGrid,
  estimateGradientNorms,
  gradientField,
  noisedSamples,
  rffPotentialBasis,
  solenoidalField,
  sumFields,
  vpSchedule,
  type GradientNormTarget,
  type VectorField,
} from "../src/index.js";
import { referenceMarginal, referenceMixture } from "../test/support/mixture.js";
import { gradPhi0, uGradient, uValue } from "../test/support/reference-fields.js";

const SEEDS = Number(process.env.SEEDS ?? 5);
const N = Number(process.env.N ?? 60_000);
const TIMES = (process.env.TIMES ?? "0,0.1").split(",").map(Number);
const GRID = Number(process.env.GRID ?? 512);
const SEED0 = Number(process.env.SEED0 ?? 9000);
const FEATURES = Number(process.env.FEATURES ?? 160);
const vp = vpSchedule();
const sd = (a: number[]): number => (a.length < 2 ? 0 : Math.sqrt(variance(a)));
const fmt = (a: number[]): string => `${mean(a).toFixed(3)} ± ${sd(a).toFixed(3)}`;

const verdicts: string[] = [];
for (const t of TIMES) {
  const pt = referenceMarginal(t);
  const score: VectorField = (p) => pt.score(p);
  const fields: Record<string, VectorField> = {
    mixed: sumFields(gradientField({ dim: 2, gradient: gradPhi0, scale: 10.8788 }), solenoidalField({ dim: 2, score, potential: { value: uValue, gradient: uGradient }, scale: 3.12 })),
    solenoidal: solenoidalField({ dim: 2, score, potential: { value: uValue, gradient: uGradient }, scale: 3.12 }),
    gradient: gradientField({ dim: 2, gradient: gradPhi0, scale: 10.8788 }),
    rotational: solenoidalField({ dim: 2, score, scale: 2.2875 }),
  };
  const grid = createGrid2D({ cells: GRID, halfWidth: 7 });
  const truth = Object.fromEntries(Object.entries(fields).map(([n, e]) => [n, decomposeOnGrid({ grid, logDensity: (p) => pt.logDensity(p), field: e }).norms]));
  const forms = t === 0 ? ["oracle", "stein"] : ["oracle", "stein", "denoising"];
  const values: Record<string, number[]> = {};
  const inSample: Record<string, number[]> = {};
  for (let s = 0; s < SEEDS; s++) {
    const [kData, kNoise, kBasis] = split(key(SEED0 + s), 3);
    const x0 = referenceMixture().sample(kData!, N);
    const sigma = vp.sigma(t);
    const { points, noise } = t === 0 ? { points: x0, noise: new Float64Array(0) } : noisedSamples(kNoise!, { data: x0, dim: 2, alpha: vp.alpha(t), sigma });
    const targets: GradientNormTarget[] = [];
    const labels: string[] = [];
    for (const [name, e] of Object.entries(fields)) {
      const model = sumFields(score, e);
      for (const form of forms) {
        labels.push(`${name}|${form}`);
        targets.push(form === "oracle" ? { form: "oracle", error: e } : form === "stein" ? { form: "stein", score: model } : { form: "denoising", score: model, noise, sigma });
      }
    }
    const t0 = performance.now();
    const res = estimateGradientNorms({ basis: rffPotentialBasis(kBasis!, { dim: 2, features: FEATURES }), points, targets, time: t });
    console.error(`t=${t} seed ${s}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    res.forEach((r, i) => {
      (values[labels[i]!] ??= []).push(r.crossFit);
      (inSample[labels[i]!] ??= []).push(r.inSample);
    });
  }
  for (const name of Object.keys(fields)) {
    const tr = truth[name]!;
    const cells = forms.map((f) => `${f} ${fmt(values[`${name}|${f}`]!)}`).join(" | ");
    console.log(`t=${t} ${name.padEnd(10)} truth ‖Π_G e‖²=${tr.gradient.toExponential(4)} (‖e‖²=${tr.total.toFixed(3)}) | ${cells} | stein in-sample ${fmt(inSample[`${name}|stein`]!)}`);
    for (const f of forms) {
      const v = values[`${name}|${f}`]!;
      const ins = inSample[`${name}|${f}`]!;
      if (name === "mixed" || name === "gradient") {
        const ok1 = Math.abs(mean(v) - tr.gradient) <= 0.015 * tr.gradient && sd(v) <= 0.015 * tr.gradient;
        verdicts.push(`D1 t=${t} ${name} ${f}: ${ok1 ? "pass" : "FAIL"} (rel. dev ${((mean(v) - tr.gradient) / tr.gradient * 100).toFixed(2)} %, sd ${(sd(v) / tr.gradient * 100).toFixed(2)} %)`);
      } else {
        const ok2 = Math.abs(mean(v)) <= 0.02 * tr.total;
        verdicts.push(`D2 t=${t} ${name} ${f}: ${ok2 ? "pass" : "FAIL"} (|mean|/‖e‖² = ${(Math.abs(mean(v)) / tr.total * 100).toFixed(2)} %)`);
      }
      verdicts.push(`D3 t=${t} ${name} ${f}: ${mean(v) <= mean(ins) ? "pass" : "FAIL"}`);
    }
  }
}
console.log(verdicts.join("\n"));
