/**
 * Kolmogorov–Smirnov tests (one- and two-sample) with p-values from the exact finite-n distribution where that is
 * affordable and from a finite-n asymptotic expansion otherwise.
 *
 * One-sample p-value P(Dₙ ≥ d), following the decision rules of Simard & L'Ecuyer (2011, J. Stat. Softw. 39(11)):
 * - n·d ≤ 1 and n·d ≥ n − 1: the exact closed forms of Ruben & Gambino (1982);
 * - d ≥ ½, and the upper tail (n·d² > 4 for n ≤ 140, n·d² ≥ 2.2 for n > 140): 2·P(Dₙ⁺ ≥ d) with the exact
 *   Birnbaum–Tingey (1951) one-sided formula (exact for d ≥ ½; otherwise Miller's approximation, relative error
 *   < e^{−6nd²} ≤ 2e-6 there);
 * - n ≤ 140 (where Simard & L'Ecuyer use Pomeranz's recursion), and n ≤ 1e5 with n·d^{3/2} ≤ 1.4: the exact
 *   Durbin matrix formula as evaluated by Marsaglia, Tsang & Wang (2003, J. Stat. Softw. 8(18)), exact up to
 *   rounding (≈ 1e-13 absolute);
 * - otherwise (large n, centre of the distribution): the Pelz–Good (1976) asymptotic series to order n^{−3/2},
 *   absolute error ≲ 1e-5 for n > 140 and smaller as n grows.
 * The two-sample p-value is exact (lattice-path probability, see {@link ksTwoSample}) unless that is too
 * expensive, then the one-sample distribution with n = round(nm/(n+m)) (as SciPy does).
 */
import { ParabolicError, invalidArgument } from "../errors.js";
import { assertPositiveInteger } from "../validate.js";
import { logGamma } from "./log-gamma.js";

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const PI2 = Math.PI * Math.PI;
const PI4 = PI2 * PI2;
const PI6 = PI4 * PI2;
const TWO_POW_128 = 2 ** 128;
const TWO_POW_M128 = 2 ** -128;

/** Exact one-sided upper tail P(Dₙ⁺ ≥ d), 0 < d < 1 (Birnbaum & Tingey 1951), summed in log space. */
/** @internal */
export function smirnovSf(n: number, d: number): number {
  const jmax = Math.floor(n * (1 - d) + 1e-12 * n);
  const logD = Math.log(d);
  const logNFact = logGamma(n + 1);
  let logC = 0; // log C(n, j)
  let sum = 0;
  for (let j = 0; j <= jmax; j++) {
    if (j > 0) {
      logC = j % 256 === 0 ? logNFact - logGamma(j + 1) - logGamma(n - j + 1) : logC + Math.log((n - j + 1) / j);
    }
    const a = (n - j - n * d) / n; // 1 − d − j/n
    if (a <= 0) continue;
    const b = d + j / n;
    const logTerm = logC + (n - j) * Math.log(a) + (j - 1) * Math.log(b) + logD;
    if (logTerm > -745) sum += Math.exp(logTerm);
  }
  return Math.min(1, sum);
}

/** m×m row-major product C = A·B. */
function matMul(a: Float64Array, b: Float64Array, c: Float64Array, m: number): void {
  c.fill(0);
  for (let i = 0; i < m; i++) {
    const ci = i * m;
    for (let k = 0; k < m; k++) {
      const aik = a[ci + k]!;
      if (aik === 0) continue;
      const bk = k * m;
      for (let j = 0; j < m; j++) c[ci + j] = c[ci + j]! + aik * b[bk + j]!;
    }
  }
}

/** Exact P(Dₙ < d): Durbin's matrix formula, evaluated as in Marsaglia, Tsang & Wang (2003). */
/** @internal */
export function durbinCdf(n: number, d: number): number {
  const k = Math.floor(n * d) + 1;
  const m = 2 * k - 1;
  const h = k - n * d;
  let hMat: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) hMat[i * m + j] = i - j + 1 >= 0 ? 1 : 0;
  for (let i = 0; i < m; i++) {
    hMat[i * m] = hMat[i * m]! - h ** (i + 1);
    hMat[(m - 1) * m + i] = hMat[(m - 1) * m + i]! - h ** (m - i);
  }
  if (2 * h - 1 > 0) hMat[(m - 1) * m] = hMat[(m - 1) * m]! + (2 * h - 1) ** m;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let f = 1;
      for (let g = 2; g <= i - j + 1; g++) f *= g;
      if (i - j + 1 > 0) hMat[i * m + j] = hMat[i * m + j]! / f;
    }
  }
  // result = H^n by binary powering, tracking a power-of-two scale on each factor.
  let result: Float64Array | undefined;
  let resultExp = 0;
  let hExp = 0;
  let tmp: Float64Array = new Float64Array(m * m);
  let power = n;
  const centre = (k - 1) * m + (k - 1);
  for (;;) {
    if (power & 1) {
      if (result === undefined) {
        result = hMat.slice();
      } else {
        matMul(result, hMat, tmp, m);
        [result, tmp] = [tmp, result];
      }
      resultExp += hExp;
      if (Math.abs(result[centre]!) > TWO_POW_128) {
        for (let i = 0; i < m * m; i++) result[i] = result[i]! * TWO_POW_M128;
        resultExp += 128;
      }
    }
    power = Math.floor(power / 2);
    if (power === 0) break;
    matMul(hMat, hMat, tmp, m);
    [hMat, tmp] = [tmp, hMat];
    hExp *= 2;
    if (Math.abs(hMat[centre]!) > TWO_POW_128) {
      for (let i = 0; i < m * m; i++) hMat[i] = hMat[i]! * TWO_POW_M128;
      hExp += 128;
    }
  }
  let s = result![centre]!;
  for (let i = 1; i <= n; i++) {
    s = (s * i) / n;
    if (s < TWO_POW_M128) {
      s *= TWO_POW_128;
      resultExp -= 128;
    }
  }
  return Math.min(1, Math.max(0, s * 2 ** resultExp));
}

/** Pelz & Good (1976) asymptotic expansion of P(Dₙ ≤ d) to order n^{−3/2}, for the centre of the law. */
/** @internal */
export function pelzGoodCdf(n: number, d: number): number {
  const z = Math.sqrt(n) * d;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const logQ = -PI2 / (8 * z2);
  if (logQ < -708) return 0;
  const q = Math.exp(logQ);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3a = -30 * z6 - 90 * z6 * z2;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3c = (PI4 * (212 * z4 - 60 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  // Σ_{k ≥ 1} c(m) q^{m²} over odd m = 2k − 1, by Horner in q^{8k} ((2k+1)² − (2k−1)² = 8k).
  const kMax = Math.max(1, Math.ceil((16 * z) / Math.PI));
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let k = kMax; k >= 1; k--) {
    const m2 = (2 * k - 1) * (2 * k - 1);
    const m4 = m2 * m2;
    const qp = q ** (8 * k);
    s0 = s0 * qp + 1;
    s1 = s1 * qp + (k1a + k1b * m2);
    s2 = s2 * qp + (k2a + k2b * m2 + k2c * m4);
    s3 = s3 * qp + (k3a + k3b * m2 + k3c * m4 + k3d * m4 * m2);
  }
  const f = q * SQRT_2PI;
  let k0 = (f * s0) / z;
  let k1 = (f * s1) / (6 * z4);
  let k2 = (f * s2) / (72 * z6 * z);
  let k3 = (f * s3) / (6480 * z6 * z4);
  // The sums over all integers k of k² q'^{k²} and (3z² − π²k²) k² q'^{k²}, q' = exp(−π²/(2z²)).
  const logQ2 = -PI2 / (2 * z2);
  let e2 = 0;
  let e3 = 0;
  for (let k = 1; k <= kMax; k++) {
    const w = Math.exp(logQ2 * k * k) * k * k;
    e2 += w;
    e3 += (3 * z2 - PI2 * k * k) * w;
  }
  k2 += (e2 * PI2 * SQRT_2PI) / (-36 * z2 * z);
  k3 += (e3 * PI2 * SQRT_2PI) / (216 * z6);
  const rn = Math.sqrt(n);
  k1 /= rn;
  k2 /= n;
  k3 /= n * rn;
  return Math.min(1, Math.max(0, k0 + k1 + k2 + k3));
}

/**
 * The p-value P(Dₙ ≥ d) of the two-sided one-sample Kolmogorov–Smirnov statistic, for callers that already have
 * the statistic (e.g. a supremum computed on a grid). Method as in {@link ksTest}.
 *
 * @param n - the sample size (a positive integer).
 * @param d - the observed statistic.
 * @example
 * ```ts
 * kolmogorovSmirnovSf(10, 0.274);     // 0.3715203845434957 (1 − MTW's published 0.6284796154565043)
 * kolmogorovSmirnovSf(1e6, 1.3581e-3); // ≈ 0.05
 * ```
 */
export function kolmogorovSmirnovSf(n: number, d: number): number {
  assertPositiveInteger("kolmogorovSmirnovSf", "n", n);
  if (typeof d !== "number" || Number.isNaN(d)) throw invalidArgument("kolmogorovSmirnovSf", "d", "be a number", d);
  return kolmogorovSf(n, d);
}

function kolmogorovSf(n: number, d: number): number {
  if (d >= 1) return 0;
  const t = n * d;
  if (t <= 0.5) return 1;
  if (t <= 1) {
    // Ruben–Gambino: P(Dₙ < d) = n!/nⁿ (2t − 1)ⁿ
    return 1 - Math.exp(logGamma(n + 1) - n * Math.log(n) + n * Math.log(2 * t - 1));
  }
  if (t >= n - 1) return Math.min(1, 2 * (1 - d) ** n);
  if (d >= 0.5) return Math.min(1, 2 * smirnovSf(n, d));
  const s = t * d;
  if (n <= 140) {
    if (s > 4) return Math.min(1, 2 * smirnovSf(n, d));
    return 1 - durbinCdf(n, d);
  }
  if (s >= 2.2) return Math.min(1, 2 * smirnovSf(n, d));
  if (n <= 100_000 && n * d ** 1.5 <= 1.4) return 1 - durbinCdf(n, d);
  return 1 - pelzGoodCdf(n, d);
}

/**
 * Result of a Kolmogorov–Smirnov test.
 *
 * @example
 * ```ts
 * const r: KsResult = ksTest(samples, normalCdf);
 * if (r.pValue < 0.01) console.warn(`KS rejects: D = ${r.statistic}`);
 * ```
 */
export type KsResult = Readonly<{
  /** The KS statistic D (sup-distance between distribution functions). */
  statistic: number;
  /** P(D ≥ observed) under the null hypothesis. */
  pValue: number;
}>;

function sortedCopy(fn: string, argument: string, xs: ArrayLike<number>): Float64Array {
  if (xs.length === 0) throw invalidArgument(fn, argument, "have at least one element", xs);
  const out = Float64Array.from(xs);
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i])) {
      throw new ParabolicError("NON_FINITE", `${fn}: '${argument}' must not contain NaN; got NaN at index ${i}.`, {
        function: fn,
        argument,
        index: i,
        value: Number.NaN,
      });
    }
  }
  return out.sort();
}

/**
 * One-sample two-sided Kolmogorov–Smirnov test of `samples` against a continuous CDF.
 *
 * @param samples - the data (not modified; a sorted copy is made).
 * @param cdf - the hypothesised continuous distribution function.
 * @remarks The p-value is exact (Durbin/Marsaglia–Tsang–Wang, Ruben–Gambino, Birnbaum–Tingey) for n ≤ 140 and
 * in both tails for any n; in the centre for large n it is the Pelz–Good asymptotic series (absolute error
 * ≲ 1e-5). See the module notes.
 * @throws ParabolicError `INVALID_ARGUMENT` for an empty sample or a `cdf` value outside [0, 1]; `NON_FINITE` for
 * NaN samples.
 * @example
 * ```ts
 * const { statistic, pValue } = ksTest(normals(key(1), { count: 1e5 }), normalCdf);
 * ```
 */
export function ksTest(samples: ArrayLike<number>, cdf: (x: number) => number): KsResult {
  const xs = sortedCopy("ksTest", "samples", samples);
  const n = xs.length;
  let dMax = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(xs[i]!);
    if (!(f >= 0 && f <= 1)) {
      throw invalidArgument("ksTest", "cdf", `return a probability in [0, 1] (at x = ${xs[i]})`, f);
    }
    const dPlus = (i + 1) / n - f;
    const dMinus = f - i / n;
    if (dPlus > dMax) dMax = dPlus;
    if (dMinus > dMax) dMax = dMinus;
  }
  return { statistic: dMax, pValue: kolmogorovSf(n, dMax) };
}

/**
 * Exact P(D ≥ observed) for the two-sample statistic with sizes n, m: the probability that a uniformly random
 * monotone lattice path from (0, 0) to (n, m) touches |i·m − j·n| ≥ `dInt`. Banded DP over the strip, pushing
 * transition probabilities (no binomial coefficients, so nothing overflows), O(n·(2·dInt/n + 1)) work.
 */
function twoSampleExactSf(n: number, m: number, dInt: number): number {
  if (dInt <= 0) return 1;
  let cur: Float64Array = new Float64Array(m + 2);
  let next: Float64Array = new Float64Array(m + 2);
  let p = 0;
  cur[0] = 1;
  // alive(i, j) ⇔ |i·m − j·n| < dInt
  const lo = (i: number): number => Math.max(0, Math.floor((i * m - dInt) / n) + 1);
  const hi = (i: number): number => Math.min(m, Math.ceil((i * m + dInt) / n) - 1);
  for (let i = 0; i <= n; i++) {
    const jlo = lo(i);
    const jhi = hi(i);
    const nlo = i < n ? lo(i + 1) : 0;
    const nhi = i < n ? hi(i + 1) : -1;
    for (let j = nlo; j <= nhi; j++) next[j] = 0;
    for (let j = jlo; j <= jhi; j++) {
      const mass = cur[j]!;
      if (mass === 0) continue;
      const remaining = n + m - i - j;
      if (remaining === 0) continue;
      const pa = (n - i) / remaining; // next observation from the first sample: (i + 1, j)
      const pb = (m - j) / remaining; // from the second: (i, j + 1)
      if (pb > 0) {
        if (j + 1 <= jhi) cur[j + 1] = cur[j + 1]! + mass * pb;
        else p += mass * pb;
      }
      if (pa > 0) {
        if (j >= nlo && j <= nhi) next[j] = next[j]! + mass * pa;
        else p += mass * pa;
      }
    }
    for (let j = jlo; j <= jhi; j++) cur[j] = 0;
    [cur, next] = [next, cur];
  }
  return Math.min(1, Math.max(0, p));
}

/**
 * Two-sample two-sided Kolmogorov–Smirnov test: are `a` and `b` drawn from the same continuous distribution?
 *
 * @param options - `method`: `"exact"` (lattice-path probability, exact for data without ties), `"asymptotic"`
 * (the one-sample law with n = round(nm/(n+m))), or `"auto"` (default: exact when the banded computation costs
 * ≤ 5e7 steps, e.g. n = m ≤ 10⁵ near the null).
 * @throws ParabolicError `INVALID_ARGUMENT` for an empty sample or a bad method; `NON_FINITE` for NaN.
 * @example
 * ```ts
 * const { pValue } = ksTwoSample(runA, runB);
 * ```
 */
export function ksTwoSample(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: Readonly<{ method?: "auto" | "exact" | "asymptotic" }> = {},
): KsResult {
  const method = options.method ?? "auto";
  if (method !== "auto" && method !== "exact" && method !== "asymptotic") {
    throw invalidArgument("ksTwoSample", "method", 'be "auto", "exact" or "asymptotic"', method);
  }
  const xa = sortedCopy("ksTwoSample", "a", a);
  const xb = sortedCopy("ksTwoSample", "b", b);
  const n = xa.length;
  const m = xb.length;
  // D·n·m as an exact integer: max |i·m − j·n| over the merged order, evaluated after each run of ties.
  let i = 0;
  let j = 0;
  let dInt = 0;
  while (i < n || j < m) {
    const v = i < n && (j >= m || xa[i]! <= xb[j]!) ? xa[i]! : xb[j]!;
    while (i < n && xa[i] === v) i++;
    while (j < m && xb[j] === v) j++;
    const diff = Math.abs(i * m - j * n);
    if (diff > dInt) dInt = diff;
  }
  const statistic = dInt / n / m;
  const cost = 2 * statistic * n * m + n;
  const exact = method === "exact" || (method === "auto" && cost <= 5e7);
  if (exact) return { statistic, pValue: twoSampleExactSf(n, m, dInt) };
  const en = Math.max(1, Math.round((n * m) / (n + m)));
  return { statistic, pValue: kolmogorovSf(en, statistic) };
}
