import { ParabolicError, assertAllFinite, assertPositiveInteger, mean, variance } from "@parabolic/core";

/**
 * Effective sample size of one scalar quantity from one or more Markov chains (autocorrelation method).
 *
 * @remarks `draws` is row-major `chains × length` (each row one chain's trace of the scalar). Uses the Stan /
 * Vehtari et al. (2021) multi-chain estimator without rank normalisation: autocovariances per chain (direct sums,
 * O(length × lags)), combined as ρ̂_t = 1 − (W − mean_c γ̂_{c,t})/var⁺, then Geyer's initial positive sequence
 * with the monotone correction; ESS = chains·length/τ̂, τ̂ = −1 + 2Σ P̂_t, capped at chains·length·log10(chains·length).
 * For an AR(1) chain with coefficient φ the limit is length·(1 − φ)/(1 + φ). For importance weights use Kish's
 * ESS (`effectiveSampleSize` in `@parabolic/core`) instead.
 * @throws ParabolicError `SHAPE_MISMATCH` if `draws.length` is not `chains × length` with length ≥ 4;
 * `NON_FINITE` for NaN draws.
 * @example
 * ```ts
 * chainEffectiveSampleSize(trace, { chains: 4 }); // trace: 4 × 1000 values
 * ```
 */
export function chainEffectiveSampleSize(draws: Float64Array, options: Readonly<{ chains?: number }> = {}): number {
  const fn = "chainEffectiveSampleSize";
  const chains = options.chains ?? 1;
  assertPositiveInteger(fn, "chains", chains);
  if (draws.length % chains !== 0 || draws.length / chains < 4) {
    throw new ParabolicError(
      "SHAPE_MISMATCH",
      `${fn}: 'draws' must be chains × length with length >= 4 (chains = ${chains}); got length ${draws.length}.`,
      { chains, length: draws.length },
    );
  }
  assertAllFinite(fn, "draws", draws);
  const n = draws.length / chains;
  const means = new Float64Array(chains);
  const variances = new Float64Array(chains); // unbiased within-chain variances
  for (let c = 0; c < chains; c++) {
    const chain = draws.subarray(c * n, (c + 1) * n);
    means[c] = mean(chain);
    variances[c] = variance(chain);
  }
  let w = 0;
  for (let c = 0; c < chains; c++) w += variances[c]!;
  w /= chains;
  let grand = 0;
  for (let c = 0; c < chains; c++) grand += means[c]!;
  grand /= chains;
  let b = 0;
  if (chains > 1) {
    for (let c = 0; c < chains; c++) b += (means[c]! - grand) ** 2;
    b = (b * n) / (chains - 1);
  }
  const varPlus = ((n - 1) / n) * w + b / n;
  if (!(varPlus > 0)) return chains * n; // constant chains: nothing to correlate
  // Mean over chains of the biased autocovariance at lag t (divided by n, as in Stan).
  const acov = (lag: number): number => {
    let s = 0;
    for (let c = 0; c < chains; c++) {
      const o = c * n;
      const m = means[c]!;
      let a = 0;
      for (let t = 0; t + lag < n; t++) a += (draws[o + t]! - m) * (draws[o + t + lag]! - m);
      s += a / n;
    }
    return s / chains;
  };
  const rho = (lag: number): number => 1 - (w - acov(lag)) / varPlus;
  // Geyer: pairs P_k = ρ_{2k} + ρ_{2k+1}, keep while positive, enforce monotone decrease.
  let tau = 0;
  let previousPair = Infinity;
  const rho0 = rho(0);
  let rhoEven = rho0;
  for (let k = 0; 2 * k + 1 < n; k++) {
    const rhoOdd = rho(2 * k + 1);
    let pair = rhoEven + rhoOdd;
    if (!(pair > 0)) break;
    if (pair > previousPair) pair = previousPair;
    previousPair = pair;
    tau += 2 * pair;
    if (2 * k + 2 >= n) break;
    rhoEven = rho(2 * k + 2);
  }
  tau -= 1; // τ̂ = −1 + 2 Σ_k P̂_k (Stan)
  const total = chains * n;
  const ess = total / tau;
  const cap = total * Math.log10(total);
  return Math.min(ess, cap);
}
