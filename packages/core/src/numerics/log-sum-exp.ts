import { ParabolicError, invalidArgument } from "../errors.js";

/**
 * log Σᵢ exp(vᵢ), computed without overflow or underflow (shifted by the maximum, compensated summation).
 *
 * @remarks Empty input or all −∞ gives −∞; any +∞ gives +∞; any NaN gives NaN (no throw: this is used inside
 * hot loops, validate the inputs up front where it matters).
 * @example
 * ```ts
 * logSumExp([1e4, 1e4]);   // 1e4 + log 2 (no overflow)
 * logSumExp([-1e4, -1e4]); // −1e4 + log 2 (no underflow)
 * ```
 */
export function logSumExp(values: ArrayLike<number>): number {
  const n = values.length;
  let max = Number.NEGATIVE_INFINITY;
  let argmax = -1;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v !== v) return Number.NaN;
    if (v > max) {
      max = v;
      argmax = i;
    }
  }
  if (argmax < 0 || max === Number.POSITIVE_INFINITY || max === Number.NEGATIVE_INFINITY) return max;
  // max + log(1 + Σ_{i≠argmax} exp(vᵢ − max)); Neumaier-compensated sum of the rest.
  let sum = 0;
  let comp = 0;
  for (let i = 0; i < n; i++) {
    if (i === argmax) continue;
    const term = Math.exp(values[i]! - max);
    const t = sum + term;
    comp += Math.abs(sum) >= term ? sum - t + term : term - t + sum;
    sum = t;
  }
  return max + Math.log1p(sum + comp);
}

/**
 * log((1/n) Σᵢ exp(vᵢ)): the log of a Monte Carlo mean of exp-values (e.g. a log-likelihood estimate).
 *
 * @throws ParabolicError `INVALID_ARGUMENT` for an empty array.
 * @example
 * ```ts
 * logMeanExp([Math.log(1), Math.log(3)]); // log 2
 * ```
 */
export function logMeanExp(values: ArrayLike<number>): number {
  if (values.length === 0) throw invalidArgument("logMeanExp", "values", "have at least one element", values);
  return logSumExp(values) - Math.log(values.length);
}

function checkLogWeights(fn: string, logWeights: ArrayLike<number>): number {
  if (logWeights.length === 0) throw invalidArgument(fn, "logWeights", "have at least one element", logWeights);
  for (let i = 0; i < logWeights.length; i++) {
    const v = logWeights[i]!;
    if (v !== v || v === Number.POSITIVE_INFINITY) {
      throw new ParabolicError("NON_FINITE", `${fn}: 'logWeights' must be finite or −∞; got ${v} at index ${i}.`, {
        function: fn,
        argument: "logWeights",
        index: i,
        value: v,
      });
    }
  }
  const lse = logSumExp(logWeights);
  if (lse === Number.NEGATIVE_INFINITY) {
    throw invalidArgument(fn, "logWeights", "contain at least one finite log-weight (all are −∞)", logWeights);
  }
  return lse;
}

/**
 * Normalised weights wᵢ = exp(ℓᵢ) / Σⱼ exp(ℓⱼ) from log-weights ℓ (a stable softmax), as a new Float64Array.
 *
 * @remarks −∞ log-weights give weight 0.
 * @throws ParabolicError `NON_FINITE` for NaN or +∞ entries; `INVALID_ARGUMENT` if empty or all −∞.
 * @example
 * ```ts
 * softmaxWeights([0, Math.log(3)]); // Float64Array [0.25, 0.75]
 * ```
 */
export function softmaxWeights(logWeights: ArrayLike<number>): Float64Array {
  checkLogWeights("softmaxWeights", logWeights);
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logWeights.length; i++) if (logWeights[i]! > max) max = logWeights[i]!;
  const out = new Float64Array(logWeights.length);
  let sum = 0;
  for (let i = 0; i < out.length; i++) {
    const w = Math.exp(logWeights[i]! - max);
    out[i] = w;
    sum += w;
  }
  const inv = 1 / sum;
  for (let i = 0; i < out.length; i++) out[i] = out[i]! * inv;
  return out;
}

/**
 * Kish's effective sample size (Σw)² / Σw² of importance weights given as log-weights, computed in log space
 * as exp(2·logSumExp(ℓ) − logSumExp(2ℓ)) so that it neither overflows nor underflows.
 *
 * @returns a number in [1, n].
 * @throws ParabolicError `NON_FINITE` for NaN or +∞ entries; `INVALID_ARGUMENT` if empty or all −∞.
 * @example
 * ```ts
 * effectiveSampleSize([0, 0, 0, 0]);          // 4
 * effectiveSampleSize([0, -Infinity, -1e300]); // 1
 * ```
 */
export function effectiveSampleSize(logWeights: ArrayLike<number>): number {
  checkLogWeights("effectiveSampleSize", logWeights);
  // ESS = exp(2·lse(ℓ) − lse(2ℓ)); shift by the maximum first so both sums are O(1)
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logWeights.length; i++) if (logWeights[i]! > max) max = logWeights[i]!;
  const shifted = new Float64Array(logWeights.length);
  const doubled = new Float64Array(logWeights.length);
  for (let i = 0; i < shifted.length; i++) {
    shifted[i] = logWeights[i]! - max;
    doubled[i] = 2 * shifted[i]!;
  }
  const ess = Math.exp(2 * logSumExp(shifted) - logSumExp(doubled));
  return Math.min(logWeights.length, Math.max(1, ess));
}
