import { integrate, key, normals } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { dualAveraging, mala, malaWarmup } from "./mala.js";
import { sampleChains } from "./sample-chains.js";
import { gaussianMixtureTarget, gaussianTarget } from "./target.js";
import { variance } from "../test/moments.js";


/**
 * Exact mean acceptance probability of MALA at stationarity for π = N(0, 1): x ~ N(0, 1), y = (1 − h)x + √(2h)ξ.
 * For this target log α = −(y² − x²)/2 − [(x − (1 − h)y)² − (y − (1 − h)x)²]/(4h) simplifies to h(x² − y²)/4, so
 * E min(1, α) is a 2-D Gaussian integral (nested adaptive Gauss–Kronrod).
 */
function stationaryAcceptance(h: number): number {
  const phi = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  const inner = (x: number): number =>
    integrate((xi) => {
      const y = (1 - h) * x + Math.sqrt(2 * h) * xi;
      return phi(xi) * Math.min(1, Math.exp((h * (x * x - y * y)) / 4));
    }, -12, 12, { tolerance: 1e-9 }).value;
  return integrate((x) => phi(x) * inner(x), -12, 12, { tolerance: 1e-8 }).value;
}

describe("MALA", () => {
  it("B2 (CI size): N(0,1) variance within ±0.3 % of 1 at h ∈ {0.1, 0.5, 1, 1.9}; acceptance = its quadrature value (±0.003)", () => {
    // Full size (N = 100,000, 1,000 averaged steps): packages/samplers/scripts/acceptance.ts b2
    for (const h of [0.1, 0.5, 1, 1.9] as const) {
      const kernel = mala({ ...(gaussianTarget({ dim: 1 }) as Required<ReturnType<typeof gaussianTarget>>), stepSize: h });
      const burn = Math.max(60, Math.round(15 / h));
      const averaged = 300;
      let sumVar = 0;
      let sumAcc = 0;
      let sumProbability = 0;
      sampleChains(key(11), {
        kernel,
        initialState: kernel.init(normals(key(12), { count: 100_000 }).map((z) => Math.sqrt(10) * z)),
        steps: burn + averaged,
        onStep: ({ state, info }) => {
          if (state.step > burn) {
            sumVar += variance(state.position);
            sumAcc += info.acceptanceRate;
            sumProbability += info.meanAcceptanceProbability;
          }
        },
      });
      expect(Math.abs(sumVar / averaged - 1), `h = ${h}`).toBeLessThan(0.003);
      // binomial noise of one step's rate over 100,000 chains is ≤ 0.0016; 300 (correlated) steps average it down
      const exact = stationaryAcceptance(h);
      expect(Math.abs(sumAcc / averaged - exact), `h = ${h}`).toBeLessThan(0.003);
      expect(Math.abs(sumProbability / averaged - exact), `h = ${h}`).toBeLessThan(0.003);
    }
  });

  it("the acceptance oracle reproduces the spec's observed rates 0.99 / 0.92 / 0.78 / 0.52 (2 digits)", () => {
    const spec = { 0.1: 0.99, 0.5: 0.92, 1: 0.78, 1.9: 0.52 } as const;
    for (const h of [0.1, 0.5, 1, 1.9] as const) expect(Math.abs(stationaryAcceptance(h) - spec[h])).toBeLessThan(0.005);
  });

  it("a chain with a non-finite proposal is rejected alone; the others keep moving", () => {
    // π ∝ exp(−x⁴/4): score −x³ overflows to −∞ at x = 1e103, so that chain's proposal is −∞
    const target = {
      dim: 1,
      score: (x: Float64Array) => x.map((z) => -(z ** 3)),
      logDensity: (x: Float64Array) => x.map((z) => -(z ** 4) / 4),
    };
    const kernel = mala({ ...target, stepSize: 0.1 });
    const x0 = new Float64Array(101).fill(0.5);
    x0[0] = 1e103;
    const { state, info } = kernel.step(key(3), kernel.init(x0));
    expect(state.position[0]).toBe(1e103);
    expect(info.accepted[0]).toBe(0);
    // acceptance ≈ 1 at h = 0.1 near the mode (before the fix every chain was rejected)
    expect(info.accepted.subarray(1).reduce((a, b) => a + b, 0)).toBeGreaterThan(80);
    for (let r = 1; r < 101; r++) expect(Number.isFinite(state.logDensity[r]!)).toBe(true);
  });

  it("leaves a bimodal target invariant (mass and variance of 0.3N(−1.5, 0.5²) + 0.7N(1.5, 0.5²), 4 standard errors)", () => {
    const target = gaussianMixtureTarget({ dim: 1, means: [-1.5, 1.5], sds: 0.5, weights: [0.3, 0.7] });
    const kernel = mala({ dim: 1, score: target.score, logDensity: target.logDensity!, stepSize: 0.3 });
    // start from exact draws: invariance means the law stays put
    const N = 40000;
    const z = normals(key(13), { count: N });
    const u = normals(key(14), { count: N });
    const x0 = z.map((v, i) => (u[i]! < -0.5244005127080407 ? -1.5 : 1.5) + 0.5 * v); // P(u < q) = 0.3
    const result = sampleChains(key(15), { kernel, initialState: kernel.init(x0), steps: 200 });
    let left = 0;
    for (const v of result.state.position) if (v < 0) left++;
    expect(Math.abs(left / N - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / N) * 1.5);
    const exactVar = 0.25 + 4 * 0.3 * 0.7 * 1.5 * 1.5;
    expect(Math.abs(variance(result.state.position) - exactVar) / exactVar).toBeLessThan(0.03);
  });

  it("dual averaging adapts the step size to acceptance ≈ 0.57", () => {
    const target = gaussianTarget({ dim: 2, variance: [1, 9] });
    const warm = malaWarmup(key(16), {
      dim: 2,
      score: target.score,
      logDensity: target.logDensity!,
      positions: normals(key(17), { count: 2 * 2000 }),
      initialStepSize: 0.01,
      steps: 400,
    });
    const kernel = mala({ dim: 2, score: target.score, logDensity: target.logDensity!, stepSize: warm.stepSize });
    let acc = 0;
    sampleChains(key(18), { kernel, initialState: warm.state, steps: 100, onStep: ({ info }) => void (acc += info.meanAcceptanceProbability) });
    expect(Math.abs(acc / 100 - 0.57)).toBeLessThan(0.05);
    expect(warm.stepSize).toBeGreaterThan(0.1);
  });

  it("dualAveraging moves the step size in the right direction", () => {
    const da = dualAveraging();
    let s = da.init(1);
    for (let i = 0; i < 20; i++) s = da.update(s, 0.1); // too few acceptances → smaller steps
    expect(da.finalStepSize(s)).toBeLessThan(1);
    let r = da.init(1);
    for (let i = 0; i < 20; i++) r = da.update(r, 1); // always accepted → larger steps
    expect(da.finalStepSize(r)).toBeGreaterThan(1);
  });
});
