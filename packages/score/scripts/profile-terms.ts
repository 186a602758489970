import * as tf from "@tensorflow/tfjs";
import { initBackend } from "@parabolic/core/backend";
import { key } from "@parabolic/core";
import { sparseDenseMixture } from "@parabolic/datasets";
import { createPotentialNetwork, heatBallObjective, gaussianCenters } from "../src/index.js";
const { name } = await initBackend({ prefer: (process.env.BK as "wasm") ?? "wasm" });
const p0 = sparseDenseMixture();
const data = p0.sample(key(1), 20000);
const SMAX = 0.5 * Math.expm1(10.05);
const width = Number(process.env.W ?? 64);
const net = createPotentialNetwork(key(2), { dim: 2, width, depth: 3, dataVariance: 3.4, time: { min: 0.01, max: SMAX, scale: "log", frequencies: 8 } });
const vars = net.parameters.map((p) => p.variable);
const configs: Record<string, object> = {
  dsm: { dsm: { weight: 1 } },
  hb: { heatBall: { weight: 1, samples: 32 } },
  shb: { heatBall: { weight: 0, samples: 32 }, consistency: { weight: 1 } },
  anchor: { anchor: { weight: 1 } },
  boundary: { boundary: { weight: 1 } },
};
for (const [label, cfg] of Object.entries(configs)) {
  const obj = heatBallObjective(net, { centers: gaussianCenters({ data, dim: 2 }), batchSize: Number(process.env.B ?? 128), time: { min: 0.05, max: SMAX }, ...cfg } as never);
  const run = (i: number) => { const { value, grads } = tf.variableGrads(() => obj.loss(key(i), 100000), vars); value.dataSync(); tf.dispose([value, ...Object.values(grads)]); };
  for (let i = 0; i < 3; i++) run(i);
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const n = 10;
  for (let i = 0; i < n; i++) run(i);
  const c = process.cpuUsage(c0);
  console.log(name, label, "cpu ms/step", ((c.user + c.system) / 1000 / n).toFixed(1), "wall", ((performance.now() - t0) / n).toFixed(1));
  obj.dispose();
}
