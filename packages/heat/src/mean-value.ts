import { assertPositiveInteger, invalidArgument } from "@parabolic/core";
import { kappaConstants, type KappaSamples } from "@parabolic/kappa";
import type { DriftField } from "./drift-field.js";
import type { HeatBallOptions } from "./heat-ball.js";
import {
  ballPoints,
  centreBatch,
  centreKeys,
  checkDrift,
  checkReturned,
  checkSampling,
  drawSamples,
  evaluateDrift,
  meanVar,
  type Request,
} from "./internal/ball.js";

/**
 * A batched real-valued (signed) function u(y, s) of heat coordinates.
 *
 * @example
 * ```ts
 * const u: ScalarField = { dim: 1, evaluate: (y, s) => s.map((si, n) => y[n]! ** 2 + 2 * si) }; // caloric
 * ```
 */
export type ScalarField = Readonly<{
  dim: number;
  evaluate(points: Float64Array, times: Float64Array): Float64Array;
}>;

/**
 * Options of {@link heatBallMean}.
 *
 * @example
 * ```ts
 * const options: HeatBallMeanOptions = { radius: 1, samples: 10000, key: key(1), source: (y, s) => s.map(() => 1) };
 * ```
 */
export type HeatBallMeanOptions = HeatBallOptions &
  Readonly<{
    /** The source f = u_s − Δu (absolute values): adds r²E_κ[ς]·E_ν[f]. */
    source?: (points: Float64Array, times: Float64Array) => Float64Array;
    /** Drift form for u_s = Δu − ∇·(c u): adds r·C1(d)·E_D[(c u)(y0 − rζ)·ζ/|ζ|]. */
    drift?: DriftField;
    /** ±ζ antithetic pairs for the κ mean. @defaultValue false */
    antithetic?: boolean;
  }>;

/**
 * Result of {@link heatBallMean}: value = meanPart + correctionPart.
 *
 * @example
 * ```ts
 * const { value, standardError, correctionPart } = heatBallMean(u, y0, 1, { radius: 1, samples: 10000, key: key(2) });
 * ```
 */
export type HeatBallMeanEstimate = Readonly<{
  value: number;
  standardError: number;
  /** E_κ[u(y0 + rζ, s0 − r²ς)]. */
  meanPart: number;
  /** The source and/or drift correction. */
  correctionPart: number;
}>;

function evaluate(fn: string, f: (points: Float64Array, times: Float64Array) => Float64Array, req: Request, what: string): Float64Array {
  return checkReturned(fn, what, f(req.points, req.times), req.times.length);
}

/**
 * The inhomogeneous heat-ball mean-value identity for a signed function (heat-ball.md §7.1–§7.2):
 * u(y0, s0) = E_κ[u(y0 + rζ, s0 − r²ς)] + r²E_κ[ς]·E_ν[f] (+ the drift term), estimated by Monte Carlo.
 *
 * @remarks The linear, signed counterpart of {@link estimateDensity}: use it for caloric test functions,
 * sources given in absolute units, or any quantity that is not a positive density. With neither `source`
 * nor `drift` it is Evans' mean-value formula for caloric u.
 *
 * @throws ParabolicError as {@link estimateDensity}.
 * @example
 * ```ts
 * // u = |y|² + 2ds is caloric: the κ mean reproduces it exactly in expectation
 * const u: ScalarField = { dim: 2, evaluate: (y, s) => s.map((si, n) => y[2 * n]! ** 2 + y[2 * n + 1]! ** 2 + 4 * si) };
 * heatBallMean(u, new Float64Array([1, 0]), 1, { radius: 1, samples: 10000, key: key(1) }).value; // ≈ 5
 * ```
 */
export function heatBallMean(u: ScalarField, center: Float64Array, s0: number, options: HeatBallMeanOptions): HeatBallMeanEstimate {
  const fn = "heatBallMean";
  if (u === null || typeof u !== "object" || typeof u.evaluate !== "function") throw invalidArgument(fn, "u", "be a ScalarField ({ dim, evaluate })", u);
  assertPositiveInteger(fn, "u.dim", u.dim);
  checkSampling(fn, options);
  const batch = centreBatch(fn, u.dim, center, s0, options.radius);
  if (batch.count !== 1) throw invalidArgument(fn, "center", `have length dim = ${u.dim}`, center);
  checkDrift(fn, options.drift, u.dim, {});
  const d = u.dim;
  const uAt = (points: Float64Array, times: Float64Array): Float64Array => u.evaluate(points, times);
  const N = options.samples;
  const r = options.radius;
  const { meanSigma, c1 } = kappaConstants(d);
  const keys = centreKeys(options.key, 0);
  const antithetic = options.antithetic ?? false;
  const kappa = evaluate(fn, uAt, ballPoints(batch, 0, drawSamples("kappa", keys.kappa, d, N), { antithetic }), "u.evaluate");
  const mk = new Float64Array(N);
  for (let j = 0; j < N; j++) mk[j] = antithetic ? 0.5 * (kappa[j]! + kappa[N + j]!) : kappa[j]!;
  const meanK = meanVar(mk);
  let correction = 0;
  let variance = meanK.variance / N;
  if (options.source) {
    const src = options.source;
    const f = evaluate(fn, src, ballPoints(batch, 0, drawSamples("nu", keys.nu, d, N)), "source");
    const mf = meanVar(f);
    const coef = r * r * meanSigma;
    correction += coef * mf.mean;
    variance += (coef * coef * mf.variance) / N;
  }
  if (options.drift) {
    const ds: KappaSamples = drawSamples("drift", keys.drift, d, N);
    const pts = ballPoints(batch, 0, ds, { sign: -1 });
    const values = evaluate(fn, uAt, pts, "u.evaluate");
    const c = evaluateDrift(fn, options.drift, [pts], {}).c[0]!;
    const term = new Float64Array(N);
    for (let j = 0; j < N; j++) {
      let dot = 0;
      let zz = 0;
      for (let k = 0; k < d; k++) {
        dot += c[j * d + k]! * ds.zeta[j * d + k]!;
        zz += ds.zeta[j * d + k]! ** 2;
      }
      term[j] = (values[j]! * dot) / Math.sqrt(zz);
    }
    const mt = meanVar(term);
    correction += r * c1 * mt.mean;
    variance += (r * c1) ** 2 * (mt.variance / N);
  }
  return { value: meanK.mean + correction, standardError: Math.sqrt(variance), meanPart: meanK.mean, correctionPart: correction };
}
