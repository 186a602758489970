/**
 * Two side checks quoted in results/acceptance-gmm.md (≈ 1 min):
 *
 *   node --conditions=@parabolic/source --import tsx packages/score/scripts/acceptance-gmm-checks.ts
 *
 * 1. Sampler alone: the experiment's reverse SDE (same prior, grid, sample count and keys as runGmmExperiment) driven
 *    by the exact score of the heat-flow marginal; its SW₁ to held-out data is what a perfect score would reach.
 * 2. Probe residual at initialisation vs the last layer's initial gain (caloric and plain networks, seed 1).
 */
import { key, split, type Key } from "@parabolic/core";
import { initBackend } from "@parabolic/core/backend";
import { forwardMarginal, gaussianMixture, heatTransition, sparseDenseMixture } from "@parabolic/datasets";
import { modeProportions, slicedWasserstein } from "@parabolic/metrics";
import { heatTimeSde, sampleReverseSde } from "../src/index.js";
import { GMM_DEFAULTS, S_MAX, logThenUniformGrid, runGmmExperiment } from "../test/experiments.js";

await initBackend({ prefer: "wasm" });
const p0 = sparseDenseMixture();
const n = GMM_DEFAULTS.samples;
for (const seed of [1, 2, 3]) {
  // the key layout of runGmmExperiment: [data, net, train, eval, sample, probe]
  const [dataKey, , , , sampleKey] = split(key(seed), 6) as [Key, Key, Key, Key, Key, Key];
  const [priorKey, runKey, heldKey, floorKey, swKey] = split(sampleKey, 5) as [Key, Key, Key, Key, Key];
  const data = p0.sample(dataKey, 20_000);
  let m0 = 0;
  let m1 = 0;
  for (let i = 0; i < 20_000; i++) {
    m0 += data[2 * i]! / 20_000;
    m1 += data[2 * i + 1]! / 20_000;
  }
  let v = 0;
  for (let i = 0; i < 20_000; i++) v += ((data[2 * i]! - m0) ** 2 + (data[2 * i + 1]! - m1) ** 2) / 40_000;
  const prior = gaussianMixture({ weights: [1], means: [[m0, m1]], scales: Math.sqrt(v + 2 * S_MAX) }).sample(priorKey, n);
  const score = (x: Float64Array, s: number): Float64Array => forwardMarginal(p0, heatTransition(s)).score(x);
  const grid = logThenUniformGrid(S_MAX, 1e-3, GMM_DEFAULTS.sampleSteps);
  const { points } = sampleReverseSde(runKey, { sde: heatTimeSde(2), score, initial: prior, grid: { times: grid }, method: "heun", denoiseLastStep: true });
  const held = p0.sample(heldKey, n);
  const sw = (a: Float64Array, b: Float64Array): number => slicedWasserstein(swKey, a, b, { dim: 2, p: 1, projections: 256 });
  const props = modeProportions(points, { dim: 2, modes: Float64Array.from([0, 0, 4, 3, -4, 3]), radius: 1.5 });
  console.log(
    JSON.stringify({ check: "exact-score sampler", seed, slicedW1: sw(points, held), floor: sw(p0.sample(floorKey, n), held), modeProportions: Array.from(props.proportions) }),
  );
}
for (const init of ["caloric", "plain"] as const) {
  for (const outputGain of [1, 3, 10, 30]) {
    const r = await runGmmExperiment({ ...GMM_DEFAULTS, seed: 1, method: "dsm", steps: 1, samples: 100, sampleSteps: 10, init, outputGain });
    console.log(JSON.stringify({ check: "probe at init", init, outputGain, probeResidualInit: r.probeResidualInit, exact: r.probeResidualExact }));
  }
}
