import { invalidArgument } from "../errors.js";
import { assertLength } from "../validate.js";

/**
 * Streaming mean and variance (Welford's algorithm), numerically stable for long runs with large offsets.
 *
 * @remarks `variance` is the unbiased sample variance (divisor n − 1); `standardError` = √(variance / n), the
 * standard error of the mean. Both are NaN until two values have been pushed; `mean` is NaN before the first.
 *
 * @example
 * ```ts
 * const m: RunningMoments = runningMoments();
 * m.pushAll([1, 2, 3]);
 * m.variance; // 1
 * ```
 */
export type RunningMoments = {
  /** Adds one observation. */
  push(x: number): void;
  /** Adds every entry of `xs`. */
  pushAll(xs: ArrayLike<number>): void;
  /** Number of observations so far. */
  readonly count: number;
  /** Sample mean. */
  readonly mean: number;
  /** Unbiased sample variance. */
  readonly variance: number;
  /** Standard error of the mean, √(variance / count). */
  readonly standardError: number;
};

/**
 * Creates an empty Welford accumulator of mean, variance and standard error.
 *
 * @example
 * ```ts
 * const m = runningMoments();
 * for (const x of samples) m.push(x);
 * console.log(`${m.mean} ± ${m.standardError}`);
 * ```
 */
export function runningMoments(): RunningMoments {
  // Welford on x − shift, with the shift set to the first value: the running mean then stays small and does not
  // accumulate rounding relative to a large common offset.
  let n = 0;
  let shift = 0;
  let mu = 0;
  let m2 = 0;
  const push = (x: number): void => {
    if (n === 0) shift = x;
    const y = x - shift;
    n += 1;
    const delta = y - mu;
    mu += delta / n;
    m2 += delta * (y - mu);
  };
  return {
    push,
    pushAll(xs: ArrayLike<number>): void {
      for (let i = 0; i < xs.length; i++) push(xs[i]!);
    },
    get count() {
      return n;
    },
    get mean() {
      return n > 0 ? shift + mu : Number.NaN;
    },
    get variance() {
      return n > 1 ? m2 / (n - 1) : Number.NaN;
    },
    get standardError() {
      return n > 1 ? Math.sqrt(m2 / (n - 1) / n) : Number.NaN;
    },
  };
}

function compensatedMean(xs: ArrayLike<number>): number {
  const n = xs.length;
  let sum = 0;
  let comp = 0;
  for (let i = 0; i < n; i++) {
    const v = xs[i]!;
    const t = sum + v;
    comp += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return (sum + comp) / n;
}

/**
 * Arithmetic mean (compensated summation).
 *
 * @throws ParabolicError `INVALID_ARGUMENT` for an empty array.
 * @example
 * ```ts
 * mean([1, 2, 3, 4]); // 2.5
 * ```
 */
export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) throw invalidArgument("mean", "xs", "have at least one element", xs);
  return compensatedMean(xs);
}

/**
 * Unbiased sample variance (two-pass with the Björck correction term).
 *
 * @throws ParabolicError `INVALID_ARGUMENT` for fewer than two values.
 * @example
 * ```ts
 * variance([1, 2, 3, 4]); // 1.6666666666666667
 * ```
 */
export function variance(xs: ArrayLike<number>): number {
  if (xs.length < 2) throw invalidArgument("variance", "xs", "have at least two elements", xs);
  return centredSums(xs, compensatedMean(xs)).ss / (xs.length - 1);
}

function centredSums(xs: ArrayLike<number>, mu: number): { ss: number } {
  let ss = 0;
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = xs[i]! - mu;
    ss += d * d;
    s += d;
  }
  return { ss: ss - (s * s) / xs.length };
}

/**
 * Pearson correlation coefficient of two equal-length samples (two-pass, centred).
 *
 * @returns a number in [−1, 1], or NaN when either sample is constant.
 * @throws ParabolicError `SHAPE_MISMATCH` for different lengths; `INVALID_ARGUMENT` for fewer than two pairs.
 * @example
 * ```ts
 * pearsonCorrelation([1, 2, 3], [2, 4, 6.5]); // ≈ 0.9986
 * ```
 */
export function pearsonCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assertLength("pearsonCorrelation", "b", b, a.length);
  if (a.length < 2) throw invalidArgument("pearsonCorrelation", "a", "have at least two elements", a);
  const ma = compensatedMean(a);
  const mb = compensatedMean(b);
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  for (let i = 0; i < a.length; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    saa += da * da;
    sbb += db * db;
    sab += da * db;
  }
  if (saa === 0 || sbb === 0) return Number.NaN;
  const r = sab / Math.sqrt(saa * sbb);
  return Math.max(-1, Math.min(1, r));
}
