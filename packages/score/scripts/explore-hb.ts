// Exploration (not committed): heat-ball training speed/quality on the sparse/dense GMM.
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "@parabolic/core/backend";
import { key, split } from "@parabolic/core";
import { sparseDenseMixture, forwardMarginal, heatTransition } from "@parabolic/datasets";
import { createPotentialNetwork, heatBallObjective, gaussianCenters, train, cosineSchedule, rampWeight, writeParameters } from "../src/index.js";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split("=")) as [string, string][]);
const steps = Number(args.steps ?? 1000);
const width = Number(args.width ?? 64);
const batch = Number(args.batch ?? 128);
const N = Number(args.n ?? 32);
const mode = args.mode ?? "hb";
await initBackend({ prefer: "wasm" });
const p0 = sparseDenseMixture();
const data = p0.sample(key(1), 20000);
let m0 = 0, m1 = 0, v = 0;
for (let i = 0; i < 20000; i++) { m0 += data[2 * i]! / 20000; m1 += data[2 * i + 1]! / 20000; }
for (let i = 0; i < 20000; i++) v += ((data[2 * i]! - m0) ** 2 + (data[2 * i + 1]! - m1) ** 2) / 40000;
console.log("data variance", v, "mean", m0, m1);
const SMAX = 0.5 * Math.expm1(10.05);
const net = createPotentialNetwork(key(2), { dim: 2, width, depth: 3, dataVariance: v, time: { min: 0.01, max: SMAX, scale: "log", frequencies: 8 } });
const hbw = mode === "hb" ? 2 : 0;
const objective = heatBallObjective(net, {
  centers: gaussianCenters({ data, dim: 2 }),
  batchSize: batch,
  time: { min: 0.05, max: SMAX },
  dsm: { weight: 0.1 },
  ...(mode === "hb" ? { heatBall: { weight: hbw, samples: N }, consistency: { weight: rampWeight({ weight: 0.3, delay: Math.round(steps / 10) }) } } : {}),
  anchor: { weight: rampWeight({ weight: 1, delay: Math.round(steps / 10), ramp: Math.round(steps / 5) }) },
  boundary: { weight: 0.01 },
});
const evalScore = async (tau: number): Promise<{ all: number; low: number }> => {
  const s = 0.5 * Math.expm1(2 * tau);
  const pt = forwardMarginal(p0, heatTransition(s));
  const q = pt.sample(key(99), 4000);
  const exact = pt.score(q);
  const lp = pt.logDensity(q);
  const pred = await tf.tidy(() => net.score(tf.tensor2d(Float32Array.from(q), [4000, 2]), tf.fill([4000], s) as tf.Tensor1D)).data();
  const order = Array.from(lp.keys()).sort((a, b) => lp[a]! - lp[b]!);
  const rel = (idx: number[]) => { let e = 0, n = 0; for (const i of idx) { for (let j = 0; j < 2; j++) { e += (pred[2 * i + j]! - exact[2 * i + j]!) ** 2; n += exact[2 * i + j]! ** 2; } } return e / n; };
  return { all: rel(order), low: rel(order.slice(0, 800)) };
};
const t0 = performance.now();
const res = await train(net, objective, {
  key: key(3), steps, optimizer: { learningRate: cosineSchedule({ initial: 1e-3, final: 1e-4, steps }) }, gradientClipNorm: 10, emaDecay: 0.995,
  evaluate: { every: Math.max(1, Math.round(steps / 5)), callback: async ({ step }) => { const e = await evalScore(0.3); console.log(step, JSON.stringify(await objective.lastTerms()), e); return e; } },
});
const dt = (performance.now() - t0) / 1000;
console.log(`steps/s ${(steps / dt).toFixed(1)} (${dt.toFixed(1)} s)`);
writeParameters(net, res.ema!);
console.log("EMA", await evalScore(0.3), await evalScore(0.1), await evalScore(0.8));
