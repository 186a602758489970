import { assertPositiveInteger, chiSquareCdf, logGamma, normalCdf } from "@parabolic/core";
import { checkKappaSamples } from "./internal/validate.js";
import type { KappaSamples } from "./kappa-samples.js";

/**
 * Names of the transformed statistics of a κ sample whose laws are known (spec heat-ball §4, Theorem K).
 *
 * @example
 * ```ts
 * const id: KappaLawId = "twoW"; // 2 log Φ ~ χ²₂
 * ```
 */
export type KappaLawId = "twoW" | "twoA" | "timeLog" | "heatRadius" | "radial" | "timeNormal" | "radialDeficit";

/**
 * A transformed statistic of κ samples and its reference law.
 *
 * @example
 * ```ts
 * const law: KappaLaw = kappaLaws(16).find((l) => l.id === "timeLog")!; // χ²₂₀
 * law.cdf(20); // ≈ 0.542
 * ```
 */
export type KappaLaw = {
  readonly id: KappaLawId;
  /** The statistic, in the spec's notation. */
  readonly statistic: string;
  /** The reference law, e.g. "χ²₂" or "U(0,1)". */
  readonly reference: string;
  /** `true` for exact laws (every d); `false` for the d → ∞ limits, which have O(d^{−1/2}) or O(1/d) errors. */
  readonly exact: boolean;
  /** Interval containing the support of the reference law. */
  readonly support: readonly [number, number];
  /** The reference CDF. */
  readonly cdf: (x: number) => number;
  /** The reference density. */
  readonly density: (x: number) => number;
};

function chiSquareDensity(x: number, k: number): number {
  if (!(x > 0)) return x === 0 && k === 2 ? 0.5 : 0;
  return Math.exp((k / 2 - 1) * Math.log(x) - x / 2 - (k / 2) * Math.LN2 - logGamma(k / 2));
}

function chiSquareLaw(id: KappaLawId, statistic: string, k: number, exact: boolean): KappaLaw {
  return {
    id,
    statistic,
    reference: `χ²_${k}`,
    exact,
    support: [0, Number.POSITIVE_INFINITY],
    cdf: (x) => (x <= 0 ? 0 : chiSquareCdf(x, k)),
    density: (x) => chiSquareDensity(x, k),
  };
}

function uniformLaw(id: KappaLawId, statistic: string): KappaLaw {
  return {
    id,
    statistic,
    reference: "U(0,1)",
    exact: true,
    support: [0, 1],
    cdf: (x) => Math.min(1, Math.max(0, x)),
    density: (x) => (x >= 0 && x <= 1 ? 1 : 0),
  };
}

/**
 * The laws of the transformed statistics of κ in dimension `dim` (Theorem K): five exact laws and two d → ∞ limits.
 *
 * @remarks
 * | id | statistic | law |
 * |---|---|---|
 * | `twoW` | 2W = 2 log Φ(ζ, ς) | χ²₂ (every d: the "χ²₂ radial concentration") |
 * | `twoA` | 2A = \|ζ\|²/(2ς) | χ²_{d+2} |
 * | `timeLog` | −d·log(4πς) | χ²_{d+4} (the time marginal) |
 * | `heatRadius` | ρ*^d = Φ^{−1} = e^{−W} | U(0,1) |
 * | `radial` | t^{(d+2)/2}, t = \|ζ\|²/R(ς)², R² = 2dς·log(1/(4πς)) | U(0,1) |
 * | `timeNormal` | √(d/2)(4πeς − 1) | → N(0,1), not exact |
 * | `radialDeficit` | d(1 − 2πe\|ζ\|²/d) | → χ²₃, not exact |
 *
 * Pair with {@link kappaLawStatistics}, which computes these statistics from sample points.
 * @throws ParabolicError `INVALID_ARGUMENT` unless `dim` is a positive integer.
 * @example
 * ```ts
 * const s = sampleKappa(key(1), { dim: 16, count: 10_000 });
 * const stats = kappaLawStatistics(s);
 * for (const law of kappaLaws(16).filter((l) => l.exact)) {
 *   const { pValue } = ksTest(stats[law.id], law.cdf); // ≥ 0.01 except with probability 1 %
 * }
 * ```
 */
export function kappaLaws(dim: number): readonly KappaLaw[] {
  assertPositiveInteger("kappaLaws", "dim", dim);
  const d = dim;
  return [
    chiSquareLaw("twoW", "2 log Φ(ζ,ς)", 2, true),
    chiSquareLaw("twoA", "|ζ|²/(2ς)", d + 2, true),
    chiSquareLaw("timeLog", "−d log(4πς)", d + 4, true),
    uniformLaw("heatRadius", "ρ*^d = 1/Φ(ζ,ς)"),
    uniformLaw("radial", "t^{(d+2)/2}, t = |ζ|²/R(ς)²"),
    {
      id: "timeNormal",
      statistic: "√(d/2)(4πeς − 1)",
      reference: "N(0,1)",
      exact: false,
      support: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
      cdf: (x) => normalCdf(x),
      density: (x) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI),
    },
    chiSquareLaw("radialDeficit", "d(1 − 2πe|ζ|²/d)", 3, false),
  ];
}

/**
 * Computes the statistics of {@link kappaLaws} from the sample points (ζᵢ, ςᵢ).
 *
 * @remarks The statistics are recomputed from the geometry (|ζ|² summed from `zeta`, and `sigma`), not read
 * from the stored `a` and `w`, so a law test checks the points a user receives. 2 log Φ is formed as
 * −d log(4πς) − |ζ|²/(2ς); at d = 4096 both terms are ≈ 4100 and the float64 cancellation error is ≈ 1e−12.
 * Meaningful for κ samples; ν and D samples have other laws.
 * @returns one new Float64Array of length `count` per law id.
 * @throws ParabolicError `INVALID_ARGUMENT` / `SHAPE_MISMATCH` for inconsistent samples.
 * @example
 * ```ts
 * const stats = kappaLawStatistics(sampleKappa(key(2), { dim: 4096, count: 500 }));
 * stats.twoW; // ~ χ²₂
 * ```
 */
export function kappaLawStatistics(samples: KappaSamples): Readonly<Record<KappaLawId, Float64Array>> {
  checkKappaSamples("kappaLawStatistics", "samples", samples);
  const { dim: d, count, zeta, sigma } = samples;
  const out = {
    twoW: new Float64Array(count),
    twoA: new Float64Array(count),
    timeLog: new Float64Array(count),
    heatRadius: new Float64Array(count),
    radial: new Float64Array(count),
    timeNormal: new Float64Array(count),
    radialDeficit: new Float64Array(count),
  };
  const halfSqrtD = Math.sqrt(d / 2);
  const e = Math.E;
  for (let i = 0; i < count; i++) {
    let q = 0;
    const off = i * d;
    for (let j = 0; j < d; j++) q += zeta[off + j]! * zeta[off + j]!;
    const s = sigma[i]!;
    const lambda = -Math.log(4 * Math.PI * s); // log(1/(4πς)) ≥ 0
    const twoA = q / (2 * s);
    const timeLog = d * lambda;
    const twoW = timeLog - twoA;
    out.twoA[i] = twoA;
    out.timeLog[i] = timeLog;
    out.twoW[i] = twoW;
    out.heatRadius[i] = Math.exp(-0.5 * twoW);
    const t = q / (2 * d * s * lambda);
    out.radial[i] = Math.exp(((d + 2) / 2) * Math.log(t));
    out.timeNormal[i] = halfSqrtD * (4 * Math.PI * e * s - 1);
    out.radialDeficit[i] = d - 2 * Math.PI * e * q;
  }
  return out;
}

/**
 * Exact mean and standard deviation of a concentrating statistic, its d → ∞ limit and predicted spread.
 *
 * @example
 * ```ts
 * const m: ConcentrationMoments = kappaConcentration(256).fourPiSigma; // mean 0.3636, sd 0.0322
 * ```
 */
export type ConcentrationMoments = {
  readonly mean: number;
  readonly sd: number;
  /** The d → ∞ limit of the mean. */
  readonly limit: number;
  /** Leading-order prediction of the standard deviation. */
  readonly asymptoticSd: number;
};

/**
 * Exact moments of the two concentrating quantities of κ: the time lag 4πς and the squared radius |ζ|²/d.
 *
 * @remarks Derived from Theorem K (with a = d/2):
 * - 4πς = e^{−X/d}, X ~ χ²_{d+4}: E[(4πς)^k] = (1 + 2k/d)^{−(d+4)/2}; the mean tends to e^{−1} and the sd to
 *   e^{−1}√(2/d) (rate d^{−1/2}).
 * - |ζ|² = 4ςA: E|ζ|² = ((a+1)/π)(1+1/a)^{−(a+3)} (= d·m₂), E|ζ|⁴ = ((a+1)(a+2)/π²)(1+2/a)^{−(a+4)}; the mean of
 *   |ζ|²/d tends to 1/(2πe) and its sd to √6/(2πe·d) (rate 1/d, since d(1 − 2πe|ζ|²/d) → χ²₃).
 * @throws ParabolicError `INVALID_ARGUMENT` unless `dim` is a positive integer.
 * @example
 * ```ts
 * const c = kappaConcentration(4096);
 * c.fourPiSigma.mean; // 0.36770…, → e^{−1}
 * c.zetaSquaredOverDim.sd; // ≈ 3.5e−5
 * ```
 */
export function kappaConcentration(dim: number): {
  readonly fourPiSigma: ConcentrationMoments;
  readonly zetaSquaredOverDim: ConcentrationMoments;
} {
  assertPositiveInteger("kappaConcentration", "dim", dim);
  const d = dim;
  const a = d / 2;
  const logM1 = (-(d + 4) / 2) * Math.log1p(2 / d);
  const logM2 = (-(d + 4) / 2) * Math.log1p(4 / d);
  const mean1 = Math.exp(logM1);
  const sd1 = mean1 * Math.sqrt(Math.expm1(logM2 - 2 * logM1));
  const logZ1 = Math.log((a + 1) / Math.PI) - (a + 3) * Math.log1p(1 / a);
  const logZ2 = Math.log(((a + 1) * (a + 2)) / (Math.PI * Math.PI)) - (a + 4) * Math.log1p(2 / a);
  const meanZ = Math.exp(logZ1);
  const sdZ = meanZ * Math.sqrt(Math.expm1(logZ2 - 2 * logZ1));
  return {
    fourPiSigma: { mean: mean1, sd: sd1, limit: Math.exp(-1), asymptoticSd: Math.exp(-1) * Math.sqrt(2 / d) },
    zetaSquaredOverDim: {
      mean: meanZ / d,
      sd: sdZ / d,
      limit: 1 / (2 * Math.PI * Math.E),
      asymptoticSd: Math.sqrt(6) / (2 * Math.PI * Math.E * d),
    },
  };
}
