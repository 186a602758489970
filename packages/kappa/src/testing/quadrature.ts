import { assertPositiveInteger, integrate, invalidArgument, logGamma, regularizedGammaP } from "@parabolic/core";
import type { KappaMeasure, KappaSamples } from "../kappa-samples.js";
import { checkKappaSamples } from "../internal/validate.js";

/**
 * Quadrature oracles for the measures on the unit heat ball, built from their *definitions*, not from the
 * factorisation the samplers use (so tests against them are not circular):
 *
 * - κ = ¼|ζ|²/ς²,  ν ∝ k = Φ − 1 − log Φ,  D ∝ |∇_ζ k| = (Φ − 1)|ζ|/(2ς), all on E₁ = {Φ(ζ, ς) ≥ 1}.
 *
 * Coordinates: μ = −(d/2)log(4πς) ≥ 0 (so ς = e^{−2μ/d}/(4π), dς = (2/d)ς dμ), the ball radius at lag ς is
 * R(ς)² = 4ςμ, and on the sphere |ζ| = ρ we write y = ρ²/(4ς) ∈ [0, μ], so log Φ = μ − y. The ζ-integral over the
 * ball |ζ| ≤ R is done in closed form (Gaussian integrals of Φ give regularised incomplete gammas; the polynomial
 * parts are elementary), written in a cancellation-free series form where the two parts nearly cancel, and the
 * remaining 1-D integral over μ is done by adaptive Gauss–Kronrod quadrature.
 */

const LOG_4PI = Math.log(4 * Math.PI);

/** log of the sum Σ_{n ≥ m} xⁿ/∏_{i=1}^{n}(b + i), for 0 < x < b + 1 (terms decrease monotonically). */
function logSeriesTail(b: number, x: number, m: number): number {
  let logTerm = 0;
  for (let n = 1; n <= m; n++) logTerm += Math.log(x / (b + n));
  let sum = 1;
  let t = 1;
  for (let n = m + 1; n < 1_000_000; n++) {
    t *= x / (b + n);
    sum += t;
    if (t < 1e-17 * sum) break;
  }
  return logTerm + Math.log(sum);
}

/** The three unnormalised μ-densities: g(μ) with ∫g dμ = 1 (κ), E_κ[ς] (ν) and C₁(d) (D). */
function logDensityMu(measure: KappaMeasure, dim: number): (mu: number) => number {
  const d = dim;
  const a = d / 2;
  const logSphere = Math.LN2 + a * Math.log(Math.PI) - logGamma(a); // log |S^{d−1}|
  const lgA1 = logGamma(a + 1);
  const b = a + 0.5;
  const lgB1 = logGamma(b + 1);
  const lgRatio = logGamma(b) - logGamma(a);
  const lgA = logGamma(a);
  if (measure === "kappa") {
    // g = (2/d)·ς·∫_{|ζ|≤R} ¼|ζ|²/ς² dζ = (2/d)·|S|·R^{d+2}/(4(d+2)ς)
    return (mu) => {
      const logSig = (-2 * mu) / d - LOG_4PI;
      const logR2 = Math.log(4 * mu) + logSig;
      return Math.log(2 / d) + logSphere + (a + 1) * logR2 - Math.log(4 * (d + 2)) - logSig;
    };
  }
  if (measure === "nu") {
    // ∫_{|ζ|≤R} Φ = P(a, μ) (Φ is the N(0, 2ςI) density), ∫ 1 = V R^d = μ^a e^{−μ}/Γ(a+1),
    // ∫ log Φ = V R^d·μ/(a+1); so ∫k = V R^d·Σ_{n≥2} μⁿ/((a+1)…(a+n)), or P(a,μ) − V R^d(1 + μ/(a+1)).
    return (mu) => {
      const logSig = (-2 * mu) / d - LOG_4PI;
      const logVRd = a * Math.log(mu) - mu - lgA1;
      const logK =
        mu < a + 1
          ? logVRd + logSeriesTail(a, mu, 2)
          : Math.log(regularizedGammaP(a, mu) - Math.exp(logVRd) * (1 + mu / (a + 1)));
      return Math.log(2 / d) + logSig + logK;
    };
  }
  // D: (2/d)·ς·(1/(2ς))·∫_{|ζ|≤R}(Φ − 1)|ζ| dζ, with ∫|ζ|Φ = 2√ς·Γ(b)/Γ(a)·P(b, μ), b = a + ½, and
  // ∫|ζ| = 2√ς·μ^b e^{−μ}/(bΓ(a)); so the difference is 2√ς·μ^b e^{−μ}/(bΓ(a))·Σ_{n≥1} μⁿ/((b+1)…(b+n)).
  return (mu) => {
    const logSqrtSig = 0.5 * ((-2 * mu) / d - LOG_4PI);
    const logPre = Math.LN2 + logSqrtSig + b * Math.log(mu) - mu - Math.log(b) - lgA;
    const logJ =
      mu < b + 1
        ? logPre + logSeriesTail(b, mu, 1)
        : Math.LN2 + logSqrtSig + lgRatio + Math.log(regularizedGammaP(b, mu) - Math.exp(b * Math.log(mu) - mu - lgB1));
    return -Math.log(d) + logJ;
  };
}

/** Locates [lo, hi] outside which log g is below its maximum − 60, by a scan on a log-spaced grid of μ. */
function locate(logG: (mu: number) => number, dim: number): { lo: number; hi: number } {
  const n = 6000;
  const uMin = Math.log(1e-9);
  const uMax = Math.log(400 * (dim + 4) + 400);
  const vals = new Float64Array(n + 1);
  let best = Number.NEGATIVE_INFINITY;
  for (let i = 0; i <= n; i++) {
    const v = logG(Math.exp(uMin + ((uMax - uMin) * i) / n));
    vals[i] = Number.isFinite(v) ? v : Number.NEGATIVE_INFINITY;
    if (vals[i]! > best) best = vals[i]!;
  }
  let first = n;
  let last = 0;
  for (let i = 0; i <= n; i++) {
    if (vals[i]! > best - 60) {
      first = Math.min(first, i);
      last = i;
    }
  }
  const lo = first <= 1 ? 0 : Math.exp(uMin + ((uMax - uMin) * (first - 1)) / n);
  const hi = Math.exp(uMin + ((uMax - uMin) * Math.min(n, last + 1)) / n);
  return { lo, hi };
}

const QUAD = { tolerance: 0, relativeTolerance: 1e-12, maxIntervals: 400 } as const;
/** Per-sample conditional CDFs only feed KS tests of N ≤ 10⁴ points: 1e−9 is ample. */
const RADIAL_QUAD = { tolerance: 0, relativeTolerance: 1e-9, maxIntervals: 200 } as const;

function expOf(logG: (mu: number) => number): (mu: number) => number {
  return (mu) => {
    if (!(mu > 0)) return 0;
    const v = Math.exp(logG(mu));
    return Number.isFinite(v) ? v : 0;
  };
}

/** ∫ g over (0, ∞), split into `panels` equal panels of the located support. */
function integrateMu(g: (mu: number) => number, lo: number, hi: number, panels: number): number {
  let total = 0;
  const h = (hi - lo) / panels;
  for (let p = 0; p < panels; p++) total += integrate(g, lo + p * h, lo + (p + 1) * h, QUAD).value;
  return total;
}

/**
 * The ς-marginal of one of the measures, by quadrature of its definition (see the module notes).
 *
 * @example
 * ```ts
 * const m: SigmaMarginal = sigmaMarginal("kappa", 2);
 * m.cdfSigma(1 / (8 * Math.PI)); // P(ς ≤ 1/(8π))
 * ```
 */
export type SigmaMarginal = {
  readonly measure: KappaMeasure;
  readonly dim: number;
  /** Total mass of the unnormalised density: 1 for κ, ∬k = E_κ[ς] for ν, ∬|∇_ζ k| = C₁(d) for D. */
  readonly mass: number;
  /** Interval of μ = −(d/2)log(4πς) outside which the density is below e^{−60} × its maximum. */
  readonly support: readonly [number, number];
  /** Normalised density of μ. */
  readonly densityMu: (mu: number) => number;
  /** CDF of μ (cubic Hermite interpolation of quadrature values on a fine grid; absolute error ≲ 1e−7). */
  readonly cdfMu: (mu: number) => number;
  /** CDF of ς: F_ς(s) = 1 − F_μ(−(d/2)log(4πs)). */
  readonly cdfSigma: (sigma: number) => number;
};

/**
 * Builds the marginal law of the time lag ς under κ, ν or D by quadrature from the measure's definition.
 *
 * @remarks Reference oracle for tests and studies (independent of Theorem K and of the samplers' factorisation).
 * Costs ≈ 10⁴–10⁵ density evaluations (tens of milliseconds to a second).
 * @throws ParabolicError `INVALID_ARGUMENT` for an unknown measure or a bad `dim`.
 * @example
 * ```ts
 * const m = sigmaMarginal("nu", 16);
 * const { pValue } = ksTest(sampleNu(key(1), { dim: 16, count: 5000 }).sigma, m.cdfSigma);
 * ```
 */
export function sigmaMarginal(measure: KappaMeasure, dim: number, options: Readonly<{ nodes?: number }> = {}): SigmaMarginal {
  checkMeasure("sigmaMarginal", measure);
  assertPositiveInteger("sigmaMarginal", "dim", dim);
  const nodes = options.nodes ?? 1500;
  assertPositiveInteger("sigmaMarginal", "options.nodes", nodes);
  const logG = logDensityMu(measure, dim);
  const g = expOf(logG);
  const { lo, hi } = locate(logG, dim);
  const h = (hi - lo) / nodes;
  const cum = new Float64Array(nodes + 1);
  const dens = new Float64Array(nodes + 1);
  for (let i = 0; i <= nodes; i++) dens[i] = g(lo + i * h);
  for (let i = 0; i < nodes; i++) cum[i + 1] = cum[i]! + integrate(g, lo + i * h, lo + (i + 1) * h, QUAD).value;
  const mass = cum[nodes]!;
  for (let i = 0; i <= nodes; i++) {
    cum[i] = cum[i]! / mass;
    dens[i] = dens[i]! / mass;
  }
  const cdfMu = (mu: number): number => {
    if (!(mu > lo)) return 0;
    if (mu >= hi) return 1;
    const i = Math.min(nodes - 1, Math.floor((mu - lo) / h));
    const t = (mu - (lo + i * h)) / h;
    // cubic Hermite on [x_i, x_{i+1}] with values F and slopes f
    const t2 = t * t;
    const t3 = t2 * t;
    const v =
      (2 * t3 - 3 * t2 + 1) * cum[i]! +
      (t3 - 2 * t2 + t) * h * dens[i]! +
      (-2 * t3 + 3 * t2) * cum[i + 1]! +
      (t3 - t2) * h * dens[i + 1]!;
    return Math.min(1, Math.max(0, v));
  };
  return {
    measure,
    dim,
    mass,
    support: [lo, hi],
    densityMu: (mu) => g(mu) / mass,
    cdfMu,
    cdfSigma: (sigma) => (sigma >= 1 / (4 * Math.PI) ? 1 : sigma <= 0 ? 0 : 1 - cdfMu(-(dim / 2) * Math.log(4 * Math.PI * sigma))),
  };
}

/**
 * Constants of §5 recomputed by 1-D quadrature of the definitions (oracle for `kappaConstants`).
 *
 * @example
 * ```ts
 * const q: QuadratureConstants = kappaConstantsByQuadrature(2); // q.meanSigma ≈ 1/(32π)
 * ```
 */
export type QuadratureConstants = {
  /** ∬ κ (must be 1). */
  readonly kappaMass: number;
  /** E_κ[ς]. */
  readonly meanSigma: number;
  /** E_κ[ζ₁²] = E_κ[|ζ|²]/d. */
  readonly m2: number;
  /** ∬ k, k = Φ − 1 − log Φ (must equal E_κ[ς]). */
  readonly nuMass: number;
  /** C₁(d) = ∬ |∇_ζ k|. */
  readonly c1: number;
};

/**
 * E_κ[ς], m₂, ∬k and C₁(d) by 1-D quadrature of the measures' definitions (the ζ-integral in closed form).
 *
 * @throws ParabolicError `INVALID_ARGUMENT` for a bad `dim`.
 * @example
 * ```ts
 * const q = kappaConstantsByQuadrature(16);
 * Math.abs(q.c1 / kappaConstants(16).c1 - 1) < 1e-9; // true
 * ```
 */
export function kappaConstantsByQuadrature(dim: number, options: Readonly<{ panels?: number }> = {}): QuadratureConstants {
  assertPositiveInteger("kappaConstantsByQuadrature", "dim", dim);
  const panels = options.panels ?? 200;
  const d = dim;
  const logK = logDensityMu("kappa", d);
  const { lo, hi } = locate(logK, d);
  const kappaMass = integrateMu(expOf(logK), lo, hi, panels);
  const meanSigma = integrateMu(expOf((mu) => logK(mu) + (-2 * mu) / d - LOG_4PI), lo, hi, panels);
  // ∫_{|ζ|≤R} |ζ|²·¼|ζ|²/ς² dζ = |S| R^{d+4}/(4(d+4)ς²): relative to κ's integrand, a factor R²(d+2)/(d+4)
  const m2 = integrateMu(
    expOf((mu) => logK(mu) + Math.log(4 * mu) + (-2 * mu) / d - LOG_4PI + Math.log((d + 2) / (d + 4)) - Math.log(d)),
    lo,
    hi,
    panels,
  );
  const logNu = logDensityMu("nu", d);
  const nuRange = locate(logNu, d);
  const nuMass = integrateMu(expOf(logNu), nuRange.lo, nuRange.hi, panels);
  const logD = logDensityMu("drift", d);
  const dRange = locate(logD, d);
  const c1 = integrateMu(expOf(logD), dRange.lo, dRange.hi, panels);
  return { kappaMass, meanSigma, m2, nuMass, c1 };
}

/**
 * The conditional CDF of the radial coordinate t = |ζ|²/R(ς)² ∈ [0, 1] given the lag, for κ, ν or D, by quadrature
 * of the definition. With y = tμ the conditional density is ∝ y^{a−1}·h(μ − y) on [0, μ] (a = d/2), where h is
 * the integrand's dependence on log Φ = μ − y: y (κ), e^{ℓ} − 1 − ℓ (ν), √y·(e^{ℓ} − 1) (D).
 *
 * @remarks Used for a Rosenblatt test of the joint law: if (ς, ζ) ~ the measure then F(tᵢ | μᵢ) ~ U(0, 1)
 * independently of μᵢ. Each call costs two adaptive quadratures.
 * @returns `(t, mu) => F(t | μ)`, where μ = −(d/2)log(4πς).
 * @example
 * ```ts
 * const F = radialConditionalCdf("drift", 2);
 * const { t, mu } = heatBallCoordinates(sampleDrift(key(1), { dim: 2, count: 1000 }));
 * const u = Float64Array.from(t, (ti, i) => F(ti, mu[i]!)); // ~ U(0, 1)
 * ```
 */
export function radialConditionalCdf(measure: KappaMeasure, dim: number): (t: number, mu: number) => number {
  checkMeasure("radialConditionalCdf", measure);
  assertPositiveInteger("radialConditionalCdf", "dim", dim);
  const a = dim / 2;
  // integrand in z = μ − y = log Φ ∈ [0, μ], divided by the constant μ^{a−1} (or μ^a, μ^{a−½})
  const yPower = measure === "kappa" ? a : measure === "nu" ? a - 1 : a - 0.5;
  // log of the integrand in z = μ − y = log Φ ∈ [0, μ], up to a constant
  const logH = (z: number, mu: number): number => {
    const y = mu - z;
    if (!(y > 0)) return Number.NEGATIVE_INFINITY;
    const logY = Math.log(y);
    if (measure === "kappa") return yPower * logY;
    if (measure === "nu") {
      // log(e^z − 1 − z), without cancellation for small z and without overflow for large z
      const logK =
        z < 1e-3
          ? Math.log(z * z * (0.5 + z * (1 / 6 + z / 24)))
          : z < 30
            ? Math.log(Math.expm1(z) - z)
            : z + Math.log1p(-(1 + z) * Math.exp(-z));
      return yPower * logY + logK;
    }
    const logE = z < 30 ? Math.log(Math.expm1(z)) : z + Math.log1p(-Math.exp(-z)); // log(e^z − 1)
    return yPower * logY + logE;
  };
  const piecewise = (mu: number, z0: number): number => {
    // ∫_{z0}^{μ} e^{logH − shift} dz. The mass sits near z = 0 (y ≈ μ) when μ ≲ a and near y ≈ a (z ≈ μ − a) when
    // μ > a (ν, D), with width ≈ √a: put breakpoints at both, so the adaptive rule cannot step over the peak.
    const yPeak = Math.min(mu, Math.max(yPower, 0));
    const zPeak = mu - yPeak;
    const shift = Math.max(logH(Math.min(1e-3, mu / 2), mu), logH(Math.min(mu * (1 - 1e-12), Math.max(zPeak, 1e-3)), mu));
    const f = (z: number): number => Math.exp(logH(z, mu) - shift);
    const width = Math.sqrt(Math.max(1, yPower));
    const cuts = [z0, mu];
    for (let k = 0; k < 12; k++) cuts.push(z0 + 0.5 * 4 ** k);
    for (let j = -12; j <= 12; j += 2) cuts.push(zPeak + j * width);
    const sorted = cuts.filter((c) => c >= z0 && c <= mu).sort((p, q) => p - q);
    let total = 0;
    for (let i = 0; i + 1 < sorted.length; i++) {
      const left = sorted[i]!;
      const right = sorted[i + 1]!;
      if (!(right > left)) continue;
      if (right === mu && yPower < 0) {
        // y^{yPower} with yPower ∈ (−1, 0) is singular at y = 0 (z = μ): substitute y = s², dy = 2s ds
        const g = (sv: number): number => 2 * sv * f(mu - sv * sv);
        total += integrate(g, 0, Math.sqrt(mu - left), RADIAL_QUAD).value;
      } else {
        total += integrate(f, left, right, RADIAL_QUAD).value;
      }
    }
    return total;
  };
  return (t, mu) => {
    if (!(t > 0) || !(mu > 0)) return 0;
    if (t >= 1) return 1;
    const whole = piecewise(mu, 0);
    const upper = piecewise(mu, (1 - t) * mu); // y ∈ [0, tμ] ⇔ z ∈ [(1−t)μ, μ]
    return Math.min(1, Math.max(0, upper / whole));
  };
}

/**
 * The heat-ball coordinates of samples: μ = −(d/2)log(4πς) and t = |ζ|²/R(ς)² with R² = 4ςμ (recomputed from
 * `zeta` and `sigma`).
 *
 * @example
 * ```ts
 * const { mu, t } = heatBallCoordinates(sampleKappa(key(1), { dim: 3, count: 10 }));
 * ```
 */
export function heatBallCoordinates(samples: KappaSamples): { readonly mu: Float64Array; readonly t: Float64Array } {
  checkKappaSamples("heatBallCoordinates", "samples", samples);
  const { dim, count, zeta, sigma } = samples;
  const mu = new Float64Array(count);
  const t = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let q = 0;
    for (let j = 0; j < dim; j++) q += zeta[i * dim + j]! * zeta[i * dim + j]!;
    const s = sigma[i]!;
    mu[i] = -(dim / 2) * Math.log(4 * Math.PI * s);
    t[i] = q / (4 * s * mu[i]!);
  }
  return { mu, t };
}

function checkMeasure(fn: string, measure: unknown): asserts measure is KappaMeasure {
  if (measure !== "kappa" && measure !== "nu" && measure !== "drift") {
    throw invalidArgument(fn, "measure", 'be "kappa", "nu" or "drift"', measure);
  }
}
