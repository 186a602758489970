import { effectiveSampleSize, invalidArgument, randomStream, type Key } from "@parabolic/core";
import { allocateKappaSamples, fillKappa, kappaConstants, type KappaSamples } from "@parabolic/kappa";
import type { DriftField } from "./drift-field.js";
import type { HeatField } from "./heat-field.js";
import {
  ballPoints,
  centreBatch,
  centreKeys,
  checkCommon,
  checkDrift,
  checkReturned,
  checkSingleCentre,
  chunks,
  combineParts,
  concat,
  drawSamples,
  evaluateDrift,
  evaluateField,
  logOk,
  maxOf,
  meanVar,
  splitBack,
  type CentreBatch,
  type Part,
  type Request,
} from "./internal/ball.js";

/**
 * Per-centre outcome of a heat-ball estimate. `"drift_budget_exceeded"`: the estimate is returned (the identity
 * is exact) but r·C1(d)·‖c‖·sup w/E w ≥ 1, so the drift correction is not a small perturbation (heat-ball.md
 * §7.2); `"non_positive"`: a corrected density estimate came out ≤ 0 (its log is NaN); `"non_finite"`: the
 * field or drift returned NaN/+∞ at a ball point.
 *
 * @example
 * ```ts
 * if (est.status === "drift_budget_exceeded") console.warn(est.warnings.join("; "));
 * ```
 */
export type HeatBallStatus = "success" | "drift_budget_exceeded" | "non_positive" | "non_finite";

/**
 * Options shared by every single-centre heat-ball estimator.
 *
 * @example
 * ```ts
 * const options: HeatBallOptions = { radius: Math.sqrt(0.125 * s0), samples: 1024, key: key(1) };
 * ```
 */
export type HeatBallOptions = Readonly<{
  /** Heat-ball radius r; must satisfy r² < 4π·s0. The spec's rule of thumb is r² = r_frac·s0. */
  radius: number;
  /** Number N of κ samples (and of ν/D samples for the correction terms). */
  samples: number;
  /** PRNG key; centre i of a batch uses `foldIn(key, i)`, so a single-centre call equals centre 0 of a batch. */
  key: Key;
}>;

/**
 * The same options for a batch of centres: one radius for all, or one per centre.
 *
 * @example
 * ```ts
 * const options: HeatBallBatchOptions = { radius: radii, samples: 256, key: key(2) }; // radii: one per centre
 * ```
 */
export type HeatBallBatchOptions = Readonly<{
  radius: number | Float64Array;
  samples: number;
  key: Key;
  /**
   * Upper bound on the point coordinates sent to the field in one call (centres are chunked to respect it).
   * @defaultValue 2^22
   */
  maxCoordinatesPerCall?: number;
}>;

/** A heat field that can return ψ and ∇ψ in one pass (used when present, e.g. by tfjs models). */
type FieldWithJoint = HeatField & {
  logDensityAndGradient?: (points: Float64Array, times: Float64Array) => { logDensity: Float64Array; gradient: Float64Array };
};

/**
 * Source term per unit density, ρ = f/w at each point: the right side of w_s − Δw = f divided by w (kept
 * relative so that the estimate stays in log space).
 *
 * @example
 * ```ts
 * // w_s − Δw = −∇·(c w) with c = −∇U:  f/w = ΔU − |∇U|²
 * const source: RelativeSource = (y, s) => laplacianU(y).map((l, n) => l - gradNormSq(y, n));
 * ```
 */
export type RelativeSource = (points: Float64Array, times: Float64Array) => Float64Array;

// ---------------------------------------------------------------------------------------------------------
// density (log space), source and drift forms

/**
 * Options of {@link estimateDensity}.
 *
 * @example
 * ```ts
 * const options: DensityOptions = { radius: 0.5, samples: 4096, key: key(3), drift: timeChange(process).heatDrift! };
 * ```
 */
export type DensityOptions = HeatBallOptions &
  Readonly<{
    /** Source form: w(y0,s0) = E_κ[w_i] + r²E_κ[ς]·E_ν[w ρ] with ρ = f/w (see {@link RelativeSource}). */
    source?: RelativeSource;
    /** Drift form with the heat-coordinate drift c: w0 = E_κ[w_i] + r·C1(d)·E_D[(c w)(y0 − rζ)·ζ/|ζ|]. */
    drift?: DriftField;
    /** Use ±ζ antithetic pairs for the κ mean (2N field evaluations). @defaultValue false */
    antithetic?: boolean;
  }>;

/**
 * Batched options of {@link estimateDensityBatch}.
 *
 * @example
 * ```ts
 * estimateDensityBatch(field, centers, s0s, { radius: 0.5, samples: 1024, key: key(4) } satisfies DensityBatchOptions);
 * ```
 */
export type DensityBatchOptions = HeatBallBatchOptions & Omit<DensityOptions, keyof HeatBallOptions>;

/**
 * Result of {@link estimateDensity}.
 *
 * @example
 * ```ts
 * const { logDensity, standardError, ess } = estimateDensity(field, y0, 1, { radius: 0.5, samples: 4096, key: key(5) });
 * ```
 */
export type DensityEstimate = Readonly<{
  /** log ŵ(y0, s0). */
  logDensity: number;
  /** Delta-method standard error of `logDensity`. */
  standardError: number;
  /** Kish ESS of the κ log-weights ψ_i (out of N, or 2N with antithetic pairs). */
  ess: number;
  /** r·C1(d)·max‖c‖·max w/mean w over the evaluated points (NaN without a drift). */
  driftBudget: number;
  status: HeatBallStatus;
  warnings: readonly string[];
}>;

/**
 * Struct-of-arrays result of {@link estimateDensityBatch} (one entry per centre).
 *
 * @example
 * ```ts
 * const est: DensityBatchEstimate = estimateDensityBatch(field, centers, 1, { radius: 0.5, samples: 512, key: key(6) });
 * est.logDensity[0];
 * ```
 */
export type DensityBatchEstimate = Readonly<{
  logDensity: Float64Array;
  standardError: Float64Array;
  ess: Float64Array;
  driftBudget: Float64Array;
  status: HeatBallStatus[];
  warnings: string[][];
}>;

type DensityInternal = DensityBatchEstimate & {
  /** log-density at the centre (only with includeCentre). */
  centreLogDensity: Float64Array;
  /** scaled total T (ŵ = T·e^M), its SE and the scale M. */
  total: Float64Array;
  totalSe: Float64Array;
  logScale: Float64Array;
};

function densityEngine(
  fn: string,
  field: FieldWithJoint,
  batch: CentreBatch,
  options: DensityBatchOptions,
  includeCentre: boolean,
): DensityInternal {
  const d = batch.dim;
  const N = options.samples;
  const m = batch.count;
  const { meanSigma, c1 } = kappaConstants(d);
  const antithetic = options.antithetic ?? false;
  const source = options.source;
  const drift = options.drift;
  const out: DensityInternal = {
    logDensity: new Float64Array(m),
    standardError: new Float64Array(m),
    ess: new Float64Array(m),
    driftBudget: new Float64Array(m).fill(Number.NaN),
    status: new Array<HeatBallStatus>(m).fill("success"),
    warnings: Array.from({ length: m }, () => []),
    centreLogDensity: new Float64Array(m).fill(Number.NaN),
    total: new Float64Array(m),
    totalSe: new Float64Array(m),
    logScale: new Float64Array(m),
  };
  const perCentre = N * (antithetic ? 2 : 1) + (source ? N : 0) + (drift ? N : 0) + 1;
  for (const [a, b] of chunks(m, perCentre * d, options.maxCoordinatesPerCall)) {
    const fieldRequests: Request[] = [];
    const driftRequests: Request[] = [];
    const sourceRequests: Request[] = [];
    const driftSamples: KappaSamples[] = [];
    for (let i = a; i < b; i++) {
      const keys = centreKeys(options.key, i);
      fieldRequests.push(ballPoints(batch, i, drawSamples("kappa", keys.kappa, d, N), { antithetic }));
      if (source) {
        const nu = ballPoints(batch, i, drawSamples("nu", keys.nu, d, N));
        fieldRequests.push(nu);
        sourceRequests.push(nu);
      }
      if (drift) {
        const ds = drawSamples("drift", keys.drift, d, N);
        driftSamples.push(ds);
        const pts = ballPoints(batch, i, ds, { sign: -1 });
        fieldRequests.push(pts);
        driftRequests.push(pts);
      }
      if (includeCentre) fieldRequests.push({ points: batch.centers.slice(i * d, (i + 1) * d), times: batch.s0.slice(i, i + 1) });
    }
    const psi = evaluateField(fn, field, fieldRequests, false).logDensity;
    const rho = source ? splitSource(fn, source, sourceRequests, d) : undefined;
    const cs = drift ? evaluateDrift(fn, drift, driftRequests, {}).c : undefined;
    const stride = 1 + (source ? 1 : 0) + (drift ? 1 : 0) + (includeCentre ? 1 : 0);
    for (let i = a; i < b; i++) {
      const local = i - a;
      let slot = local * stride;
      const psiK = psi[slot++]!;
      const psiN = source ? psi[slot++]! : undefined;
      const psiD = drift ? psi[slot++]! : undefined;
      if (includeCentre) out.centreLogDensity[i] = psi[slot++]![0]!;
      const r = batch.radius[i]!;
      let finite = true;
      for (const arr of [psiK, psiN, psiD]) if (arr) for (let j = 0; j < arr.length; j++) if (!logOk(arr[j]!)) finite = false;
      const M = Math.max(maxOf(psiK), psiN ? maxOf(psiN) : -Infinity, psiD ? maxOf(psiD) : -Infinity);
      if (!finite) {
        out.status[i] = "non_finite";
        out.logDensity[i] = Number.NaN;
        out.standardError[i] = Number.NaN;
        out.ess[i] = Number.NaN;
        out.warnings[i]!.push("the field returned NaN or +∞ at a heat-ball point");
        continue;
      }
      if (M === -Infinity) {
        out.status[i] = "non_positive";
        out.logDensity[i] = -Infinity;
        out.standardError[i] = Number.NaN;
        out.ess[i] = 0;
        out.warnings[i]!.push("every ball point has zero density");
        continue;
      }
      out.ess[i] = effectiveSampleSize(psiK);
      const parts: Part[] = [];
      const bK = new Float64Array(N);
      let wMax = 0;
      for (let j = 0; j < N; j++) {
        const wp = Math.exp(psiK[j]! - M);
        const wm = antithetic ? Math.exp(psiK[N + j]! - M) : wp;
        bK[j] = 0.5 * (wp + wm);
        wMax = Math.max(wMax, wp, wm);
      }
      parts.push({ a: undefined, b: bK, n: N, coef: 1 });
      if (psiN && rho) {
        const rhoI = rho[local]!;
        const bN = new Float64Array(N);
        for (let j = 0; j < N; j++) bN[j] = psiN[j]! === -Infinity ? 0 : Math.exp(psiN[j]! - M) * rhoI[j]!;
        parts.push({ a: undefined, b: bN, n: N, coef: r * r * meanSigma });
      }
      if (psiD && cs) {
        const c = cs[local]!;
        const z = driftSamples[local]!.zeta;
        const bD = new Float64Array(N);
        let cMax = 0;
        for (let j = 0; j < N; j++) {
          let dot = 0;
          let zz = 0;
          let cc = 0;
          for (let k = 0; k < d; k++) {
            dot += c[j * d + k]! * z[j * d + k]!;
            zz += z[j * d + k]! ** 2;
            cc += c[j * d + k]! ** 2;
          }
          const w = psiD[j]! === -Infinity ? 0 : Math.exp(psiD[j]! - M);
          bD[j] = (w * dot) / Math.sqrt(zz);
          cMax = Math.max(cMax, Math.sqrt(cc));
          wMax = Math.max(wMax, w);
          if (!Number.isFinite(bD[j]!)) finite = false;
        }
        parts.push({ a: undefined, b: bD, n: N, coef: r * c1 });
        const wMean = meanVar(bK).mean;
        const budget = (r * c1 * cMax * wMax) / wMean;
        out.driftBudget[i] = budget;
        if (budget >= 1) {
          out.status[i] = "drift_budget_exceeded";
          out.warnings[i]!.push(
            `drift budget r·C1(d)·‖c‖·sup w/E w = ${budget.toPrecision(3)} ≥ 1: the drift correction is not a small perturbation (reduce the radius)`,
          );
        }
      }
      const { denominator: T, denominatorSe: seT } = combineParts(parts, 0);
      out.total[i] = T;
      out.totalSe[i] = seT;
      out.logScale[i] = M;
      if (!finite || !Number.isFinite(T)) {
        out.status[i] = "non_finite";
        out.logDensity[i] = Number.NaN;
        out.standardError[i] = Number.NaN;
      } else if (!(T > 0) || M === -Infinity) {
        out.status[i] = "non_positive";
        out.logDensity[i] = Number.NaN;
        out.standardError[i] = Number.NaN;
        out.warnings[i]!.push("the corrected density estimate is not positive; its logarithm is undefined");
      } else {
        out.logDensity[i] = M + Math.log(T);
        out.standardError[i] = seT / T;
      }
    }
  }
  return out;
}

function splitSource(fn: string, source: RelativeSource, requests: readonly Request[], dim: number): Float64Array[] {
  const all = concat(requests, dim);
  return splitBack(checkReturned(fn, "source", source(all.points, all.times), all.times.length), requests, 1);
}

function pick(result: DensityBatchEstimate, i: number): DensityEstimate {
  return {
    logDensity: result.logDensity[i]!,
    standardError: result.standardError[i]!,
    ess: result.ess[i]!,
    driftBudget: result.driftBudget[i]!,
    status: result.status[i]!,
    warnings: result.warnings[i]!,
  };
}

function publicDensity(r: DensityInternal): DensityBatchEstimate {
  return { logDensity: r.logDensity, standardError: r.standardError, ess: r.ess, driftBudget: r.driftBudget, status: r.status, warnings: r.warnings };
}

/**
 * Heat-ball estimate of the density w(y0, s0) in log space: log ŵ = logmeanexp_i ψ(y0 + rζ_i, s0 − r²ς_i),
 * plus the source or drift correction when the field is not caloric (heat-ball.md §3, §7, §8 item 1).
 *
 * @remarks Works at any dimension: at d = 256 densities are ≈ e^{−1280} and everything stays in log space.
 * The drift form is exact whatever the radius; its `status` becomes `"drift_budget_exceeded"` (with a warning)
 * when r·C1(d)·‖c‖·sup w/E w ≥ 1 on the evaluated points.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` (radius² ≥ 4π·s0, s0 ≤ 0, bad key/samples/field),
 * `SHAPE_MISMATCH` (centre or callback lengths), `NON_FINITE` (non-finite centre) — before any field call.
 * @example
 * ```ts
 * const est = estimateDensity(field, new Float64Array([0.3, -0.2]), 1, { radius: 0.5, samples: 4096, key: key(1) });
 * est.logDensity; // ≈ ψ(y0, 1), with est.standardError
 * ```
 */
export function estimateDensity(field: HeatField, center: Float64Array, s0: number, options: DensityOptions): DensityEstimate {
  checkSingleCentre("estimateDensity", field, center);
  return pick(estimateDensityBatch(field, center, s0, options), 0);
}

/**
 * {@link estimateDensity} for many centres with one field call per chunk of centres.
 *
 * @param centers Row-major `count × dim`.
 * @param s0 One heat time for all centres, or one per centre.
 * @example
 * ```ts
 * const est = estimateDensityBatch(field, centers, 1, { radius: 0.5, samples: 1024, key: key(2) });
 * est.logDensity[3]; // centre 3
 * ```
 */
export function estimateDensityBatch(
  field: HeatField,
  centers: Float64Array,
  s0: number | Float64Array,
  options: DensityBatchOptions,
): DensityBatchEstimate {
  const fn = "estimateDensity";
  checkCommon(fn, field, options);
  const batch = centreBatch(fn, field.dim, centers, s0, options.radius);
  checkDrift(fn, options.drift, field.dim, {});
  if (options.source !== undefined && typeof options.source !== "function") throw invalidArgument(fn, "source", "be a function (points, times) => f/w", options.source);
  return publicDensity(densityEngine(fn, field, batch, options, false));
}

// ---------------------------------------------------------------------------------------------------------
// log-density: logmeanexp or Jensen + source

/**
 * Options of {@link estimateLogDensity}.
 *
 * @example
 * ```ts
 * const options: LogDensityOptions = { radius: 0.5, samples: 8192, key: key(7), form: "jensen" };
 * ```
 */
export type LogDensityOptions = HeatBallOptions &
  Readonly<{
    /**
     * `"logmeanexp"`: ψ0 = log E_κ[e^{ψ_i}] (biased by O(1/N) through the log); `"jensen"`: the unbiased
     * ψ0 = E_κ[ψ_i] + r²E_κ[ς]·E_ν[|∇ψ|² − ∇·c − c·∇ψ] (needs `gradLogDensity`, and the drift's divergence).
     * @defaultValue "logmeanexp"
     */
    form?: "logmeanexp" | "jensen";
    drift?: DriftField;
  }>;

/**
 * Batched options of {@link estimateLogDensityBatch}.
 *
 * @example
 * ```ts
 * estimateLogDensityBatch(field, centers, 1, { radius: 0.5, samples: 1024, key: key(8), form: "logmeanexp" } satisfies LogDensityBatchOptions);
 * ```
 */
export type LogDensityBatchOptions = HeatBallBatchOptions & Omit<LogDensityOptions, keyof HeatBallOptions>;

/**
 * Result of {@link estimateLogDensity}.
 *
 * @example
 * ```ts
 * const { logDensity, standardError } = estimateLogDensity(field, y0, 1, { radius: 0.5, samples: 4096, key: key(9), form: "jensen" });
 * ```
 */
export type LogDensityEstimate = DensityEstimate;

/**
 * Heat-ball estimate of the log-density ψ(y0, s0): the logmeanexp form or the Jensen + source form
 * (heat-ball.md §8 item 5; ψ_s − Δψ = |∇ψ|², and −∇·c − c·∇ψ more with a drift).
 *
 * @throws ParabolicError `UNSUPPORTED` for the Jensen form without `gradLogDensity` (or with a drift lacking
 * `divergence`); otherwise as {@link estimateDensity}.
 * @example
 * ```ts
 * const a = estimateLogDensity(field, y0, 1, { radius: 0.7, samples: 1 << 14, key: key(3), form: "jensen" });
 * ```
 */
export function estimateLogDensity(field: HeatField, center: Float64Array, s0: number, options: LogDensityOptions): LogDensityEstimate {
  checkSingleCentre("estimateLogDensity", field, center);
  return pick(estimateLogDensityBatch(field, center, s0, options), 0);
}

/**
 * {@link estimateLogDensity} for many centres.
 *
 * @example
 * ```ts
 * const est = estimateLogDensityBatch(field, centers, s0s, { radius: 0.5, samples: 4096, key: key(4), form: "jensen" });
 * ```
 */
export function estimateLogDensityBatch(
  field: HeatField,
  centers: Float64Array,
  s0: number | Float64Array,
  options: LogDensityBatchOptions,
): DensityBatchEstimate {
  const fn = "estimateLogDensity";
  checkCommon(fn, field, options);
  const form = options.form ?? "logmeanexp";
  if (form !== "logmeanexp" && form !== "jensen") throw invalidArgument(fn, "form", `be "logmeanexp" or "jensen"`, form);
  const batch = centreBatch(fn, field.dim, centers, s0, options.radius);
  if (form === "logmeanexp") {
    checkDrift(fn, options.drift, field.dim, {});
    const { form: _ignored, ...rest } = options;
    void _ignored;
    return publicDensity(densityEngine(fn, field, batch, rest, false));
  }
  checkDrift(fn, options.drift, field.dim, { divergence: true });
  return jensenEngine(fn, field, batch, options);
}

function jensenEngine(fn: string, field: FieldWithJoint, batch: CentreBatch, options: LogDensityBatchOptions): DensityBatchEstimate {
  const d = batch.dim;
  const N = options.samples;
  const m = batch.count;
  const { meanSigma } = kappaConstants(d);
  const drift = options.drift;
  const out = {
    logDensity: new Float64Array(m),
    standardError: new Float64Array(m),
    ess: new Float64Array(m),
    driftBudget: new Float64Array(m).fill(Number.NaN),
    status: new Array<HeatBallStatus>(m).fill("success"),
    warnings: Array.from({ length: m }, () => [] as string[]),
  };
  for (const [a, b] of chunks(m, 2 * N * d, options.maxCoordinatesPerCall)) {
    const kappaReq: Request[] = [];
    const nuReq: Request[] = [];
    for (let i = a; i < b; i++) {
      const keys = centreKeys(options.key, i);
      kappaReq.push(ballPoints(batch, i, drawSamples("kappa", keys.kappa, d, N)));
      nuReq.push(ballPoints(batch, i, drawSamples("nu", keys.nu, d, N)));
    }
    const psiK = evaluateField(fn, field, kappaReq, false).logDensity;
    const nuEval = evaluateField(fn, field, nuReq, true);
    const cs = drift ? evaluateDrift(fn, drift, nuReq, { divergence: true }) : undefined;
    for (let i = a; i < b; i++) {
      const local = i - a;
      const r = batch.radius[i]!;
      const pk = psiK[local]!;
      const g = nuEval.gradient![local]!;
      const f = new Float64Array(N);
      for (let j = 0; j < N; j++) {
        let g2 = 0;
        let cg = 0;
        for (let k = 0; k < d; k++) {
          const gk = g[j * d + k]!;
          g2 += gk * gk;
          if (cs) cg += cs.c[local]![j * d + k]! * gk;
        }
        f[j] = g2 - (cs ? cs.divergence![local]![j]! + cg : 0);
      }
      let finite = true;
      for (let j = 0; j < N; j++) if (!Number.isFinite(pk[j]!) || !Number.isFinite(f[j]!)) finite = false;
      out.ess[i] = finite ? effectiveSampleSize(pk) : Number.NaN;
      if (!finite) {
        out.status[i] = "non_finite";
        out.logDensity[i] = Number.NaN;
        out.standardError[i] = Number.NaN;
        out.warnings[i]!.push("ψ or its gradient is not finite at a heat-ball point (the Jensen form needs w > 0 on the ball)");
        continue;
      }
      const mk = meanVar(pk);
      const mf = meanVar(f);
      const coef = r * r * meanSigma;
      out.logDensity[i] = mk.mean + coef * mf.mean;
      out.standardError[i] = Math.sqrt(mk.variance / N + (coef * coef * mf.variance) / N);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// score

/**
 * Which heat-ball score estimator to use (heat-ball.md §8 items 2–4).
 *
 * @example
 * ```ts
 * const method: ScoreMethod = field.gradLogDensity ? "gradient" : "derivative-free";
 * ```
 */
export type ScoreMethod = "gradient" | "derivative-free" | "first-moment";

/**
 * Options of {@link estimateScore}.
 *
 * @example
 * ```ts
 * const options: ScoreOptions = { radius: 0.4, samples: 1024, key: key(10), method: "first-moment", richardson: true };
 * ```
 */
export type ScoreOptions = HeatBallOptions &
  Readonly<{
    /**
     * `"gradient"`: Ŝ = Σ softmax(ψ_i)∇ψ_i — exact, unbiased in r, needs `gradLogDensity`;
     * `"derivative-free"`: (2/r)E_κ[w(A − W)ζ/|ζ|²]/E_κ[w] with antithetic pairs — exact, values only, error
     * ≈ √(d/N); `"first-moment"`: Σ(w⁺ − w⁻)ζ/(r m2 Σ(w⁺ + w⁻)) — O(r²) biased, exact for caloric quadratics.
     * @defaultValue "gradient"
     */
    method?: ScoreMethod;
    /** First-moment form only: Richardson extrapolation (4S_{r/2} − S_r)/3 with the same samples. */
    richardson?: boolean;
    /** Heat-coordinate drift c (gradient form only; needs the drift's `jacobian`). */
    drift?: DriftField;
  }>;

/**
 * Batched options of {@link estimateScoreBatch}.
 *
 * @example
 * ```ts
 * estimateScoreBatch(field, centers, s0, { radius: 0.4, samples: 1024, key: key(11) } satisfies ScoreBatchOptions);
 * ```
 */
export type ScoreBatchOptions = HeatBallBatchOptions & Omit<ScoreOptions, keyof HeatBallOptions>;

/**
 * Result of {@link estimateScore}.
 *
 * @example
 * ```ts
 * const { score, standardError } = estimateScore(field, y0, s0, { radius: 0.4, samples: 1024, key: key(12) });
 * ```
 */
export type ScoreEstimate = Readonly<{
  /** Ŝ ≈ ∇_y ψ(y0, s0), length dim. */
  score: Float64Array;
  /** Delta-method standard error of each component. */
  standardError: Float64Array;
  ess: number;
  driftBudget: number;
  status: HeatBallStatus;
  warnings: readonly string[];
}>;

/**
 * Struct-of-arrays result of {@link estimateScoreBatch}.
 *
 * @example
 * ```ts
 * const est: ScoreBatchEstimate = estimateScoreBatch(field, centers, s0, { radius: 0.4, samples: 256, key: key(13) });
 * est.scores.subarray(0, dim); // centre 0
 * ```
 */
export type ScoreBatchEstimate = Readonly<{
  /** Row-major `count × dim`. */
  scores: Float64Array;
  standardErrors: Float64Array;
  ess: Float64Array;
  driftBudget: Float64Array;
  status: HeatBallStatus[];
  warnings: string[][];
}>;

/**
 * Heat-ball estimate of the score ∇_y ψ(y0, s0) (map it to x with `timeChange(...).scoreFromHeat`).
 *
 * @throws ParabolicError `UNSUPPORTED` for the gradient form without `gradLogDensity`, for a drift with a
 * derivative-free/first-moment method, or a drift without `jacobian`; otherwise as {@link estimateDensity}.
 * @example
 * ```ts
 * const s = estimateScore(field, y0, s0, { radius: Math.sqrt(0.125 * s0), samples: 1024, key: key(5), method: "gradient" });
 * s.score; // Float64Array(dim)
 * ```
 */
export function estimateScore(field: HeatField, center: Float64Array, s0: number, options: ScoreOptions): ScoreEstimate {
  checkSingleCentre("estimateScore", field, center);
  const r = estimateScoreBatch(field, center, s0, options);
  return {
    score: r.scores,
    standardError: r.standardErrors,
    ess: r.ess[0]!,
    driftBudget: r.driftBudget[0]!,
    status: r.status[0]!,
    warnings: r.warnings[0]!,
  };
}

/**
 * {@link estimateScore} for many centres, one field call per chunk of centres.
 *
 * @example
 * ```ts
 * const s = estimateScoreBatch(field, centers, s0, { radius: 0.3, samples: 1024, key: key(6) });
 * s.scores.subarray(2 * dim, 3 * dim); // centre 2
 * ```
 */
export function estimateScoreBatch(field: HeatField, centers: Float64Array, s0: number | Float64Array, options: ScoreBatchOptions): ScoreBatchEstimate {
  const fn = "estimateScore";
  checkCommon(fn, field, options);
  const method = options.method ?? "gradient";
  if (method !== "gradient" && method !== "derivative-free" && method !== "first-moment") {
    throw invalidArgument(fn, "method", `be "gradient", "derivative-free" or "first-moment"`, method);
  }
  if (options.richardson && method !== "first-moment") throw invalidArgument(fn, "richardson", `be used only with method "first-moment"`, options.richardson);
  const batch = centreBatch(fn, field.dim, centers, s0, options.radius);
  if (options.drift !== undefined) {
    if (method !== "gradient") {
      throw invalidArgument(fn, "drift", `be used only with method "gradient" (the drift form of the other estimators is not implemented)`, method);
    }
    checkDrift(fn, options.drift, field.dim, { jacobian: true });
  }
  return scoreEngine(fn, field, batch, { ...options, method });
}

function scoreEngine(fn: string, field: FieldWithJoint, batch: CentreBatch, options: ScoreBatchOptions & { method: ScoreMethod }): ScoreBatchEstimate {
  if (options.method === "gradient" && options.drift === undefined) return gradientScoreFast(fn, field, batch, options);
  const d = batch.dim;
  const N = options.samples;
  const m = batch.count;
  const { m2, c1 } = kappaConstants(d);
  const method = options.method;
  const drift = options.drift;
  const richardson = method === "first-moment" && (options.richardson ?? false);
  const out = {
    scores: new Float64Array(m * d),
    standardErrors: new Float64Array(m * d),
    ess: new Float64Array(m),
    driftBudget: new Float64Array(m).fill(Number.NaN),
    status: new Array<HeatBallStatus>(m).fill("success"),
    warnings: Array.from({ length: m }, () => [] as string[]),
  };
  const pointsPerCentre = method === "gradient" ? N * (drift ? 2 : 1) : 2 * N * (richardson ? 2 : 1);
  for (const [a, b] of chunks(m, pointsPerCentre * d * (method === "gradient" ? 2 : 1), options.maxCoordinatesPerCall)) {
    const requests: Request[] = [];
    const driftReq: Request[] = [];
    const kappa: KappaSamples[] = [];
    const dSamples: KappaSamples[] = [];
    for (let i = a; i < b; i++) {
      const keys = centreKeys(options.key, i);
      const ks = drawSamples("kappa", keys.kappa, d, N);
      kappa.push(ks);
      if (method === "gradient") {
        requests.push(ballPoints(batch, i, ks));
        if (drift) {
          const ds = drawSamples("drift", keys.drift, d, N);
          dSamples.push(ds);
          const pts = ballPoints(batch, i, ds, { sign: -1 });
          requests.push(pts);
          driftReq.push(pts);
        }
      } else {
        requests.push(ballPoints(batch, i, ks, { antithetic: true }));
        if (richardson) requests.push(ballPoints(batch, i, ks, { antithetic: true, radiusScale: 0.5 }));
      }
    }
    const ev = evaluateField(fn, field, requests, method === "gradient");
    const dev = drift ? evaluateDrift(fn, drift, driftReq, { jacobian: true }) : undefined;
    const stride = method === "gradient" ? (drift ? 2 : 1) : richardson ? 2 : 1;
    for (let i = a; i < b; i++) {
      const local = i - a;
      const r = batch.radius[i]!;
      const slot = local * stride;
      const psi = ev.logDensity[slot]!;
      let finite = true;
      for (let s = 0; s < stride; s++) for (const v of ev.logDensity[slot + s]!) if (!logOk(v)) finite = false;
      const M = Math.max(...Array.from({ length: stride }, (_, s) => maxOf(ev.logDensity[slot + s]!)));
      if (!finite || M === -Infinity) {
        out.status[i] = finite ? "non_positive" : "non_finite";
        out.scores.fill(Number.NaN, i * d, (i + 1) * d);
        out.standardErrors.fill(Number.NaN, i * d, (i + 1) * d);
        out.ess[i] = Number.NaN;
        out.warnings[i]!.push(finite ? "every ball point has zero density" : "the field returned NaN or +∞ at a heat-ball point");
        continue;
      }
      out.ess[i] = effectiveSampleSize(psi);
      const ks = kappa[local]!;
      let result: { value: Float64Array; standardError: Float64Array };
      if (method === "gradient") {
        const g = ev.gradient![slot]!;
        const aK = new Float64Array(N * d);
        const bK = new Float64Array(N);
        let wMax = 0;
        for (let j = 0; j < N; j++) {
          const w = Math.exp(psi[j]! - M);
          bK[j] = w;
          wMax = Math.max(wMax, w);
          // a zero-weight point contributes nothing, whatever its gradient (NaN where ψ = −∞ is common)
          if (w !== 0) for (let k = 0; k < d; k++) aK[j * d + k] = w * g[j * d + k]!;
        }
        const parts: Part[] = [{ a: aK, b: bK, n: N, coef: 1 }];
        if (drift && dev) {
          const psiD = ev.logDensity[slot + 1]!;
          const gD = ev.gradient![slot + 1]!;
          const c = dev.c[local]!;
          const J = dev.jacobian![local]!;
          const z = dSamples[local]!.zeta;
          const aD = new Float64Array(N * d);
          const bD = new Float64Array(N);
          let cMax = 0;
          const zh = new Float64Array(d);
          for (let j = 0; j < N; j++) {
            let zz = 0;
            for (let k = 0; k < d; k++) zz += z[j * d + k]! ** 2;
            const inv = 1 / Math.sqrt(zz);
            let cz = 0;
            let cc = 0;
            for (let k = 0; k < d; k++) {
              zh[k] = z[j * d + k]! * inv;
              cz += c[j * d + k]! * zh[k]!;
              cc += c[j * d + k]! ** 2;
            }
            cMax = Math.max(cMax, Math.sqrt(cc));
            const w = psiD[j]! === -Infinity ? 0 : Math.exp(psiD[j]! - M);
            wMax = Math.max(wMax, w);
            bD[j] = w * cz;
            // ∂_k Σ_l (c_l w) ζ̂_l = w (Σ_l ∂_k c_l ζ̂_l + (c·ζ̂) ∂_k ψ)
            if (w === 0) continue; // zero density: no contribution (its gradient may be NaN)
            for (let k = 0; k < d; k++) {
              let jt = 0;
              for (let l = 0; l < d; l++) jt += J[j * d * d + l * d + k]! * zh[l]!;
              aD[j * d + k] = w * (jt + cz * gD[j * d + k]!);
            }
          }
          parts.push({ a: aD, b: bD, n: N, coef: r * c1 });
          const budget = (r * c1 * cMax * wMax) / meanVar(bK).mean;
          out.driftBudget[i] = budget;
          if (budget >= 1) {
            out.status[i] = "drift_budget_exceeded";
            out.warnings[i]!.push(`drift budget r·C1(d)·‖c‖·sup w/E w = ${budget.toPrecision(3)} ≥ 1 (reduce the radius)`);
          }
        }
        result = combineParts(parts, d);
      } else {
        const full = antitheticParts(psi, ks, M, r, d, N, method, m2);
        if (!richardson) {
          result = combineParts([full], d);
        } else {
          const half = antitheticParts(ev.logDensity[slot + 1]!, ks, M, 0.5 * r, d, N, method, m2);
          result = richardsonCombine(full, half, d, N);
        }
      }
      let ok = true;
      for (let k = 0; k < d; k++) if (!Number.isFinite(result.value[k]!)) ok = false;
      if (!ok) {
        out.status[i] = "non_finite";
        out.warnings[i]!.push("the score estimate is not finite");
      }
      out.scores.set(result.value, i * d);
      out.standardErrors.set(result.standardError, i * d);
    }
  }
  return out;
}

/**
 * The gradient form without drift, fused for throughput: κ samples refilled into one reused buffer (the same
 * samples as `sampleKappa(centreKeys(key, i).kappa)`), ball points written straight into the batch arrays,
 * one field call per chunk, and one pass per centre for the softmax average, its delta-method standard error
 * (Σ(a − Ŝb)² from running sums, since Σ(a − Ŝb) = 0) and the Kish ESS (Σw)²/Σw².
 */
function gradientScoreFast(fn: string, field: FieldWithJoint, batch: CentreBatch, options: ScoreBatchOptions): ScoreBatchEstimate {
  const d = batch.dim;
  const N = options.samples;
  const m = batch.count;
  const out = {
    scores: new Float64Array(m * d),
    standardErrors: new Float64Array(m * d),
    ess: new Float64Array(m),
    driftBudget: new Float64Array(m).fill(Number.NaN),
    status: new Array<HeatBallStatus>(m).fill("success"),
    warnings: Array.from({ length: m }, () => [] as string[]),
  };
  const samples = allocateKappaSamples({ dim: d, count: N });
  const { zeta, sigma } = samples;
  const sa = new Float64Array(d);
  const saa = new Float64Array(d);
  const sab = new Float64Array(d);
  for (const [a, b] of chunks(m, 2 * N * d, options.maxCoordinatesPerCall)) {
    const total = (b - a) * N;
    const points = new Float64Array(total * d);
    const times = new Float64Array(total);
    for (let i = a; i < b; i++) {
      fillKappa(randomStream(centreKeys(options.key, i).kappa), samples);
      const r = batch.radius[i]!;
      const r2 = r * r;
      const s0 = batch.s0[i]!;
      const base = (i - a) * N;
      for (let j = 0; j < N; j++) {
        const o = (base + j) * d;
        for (let k = 0; k < d; k++) points[o + k] = batch.centers[i * d + k]! + r * zeta[j * d + k]!;
        times[base + j] = s0 - r2 * sigma[j]!;
      }
    }
    const ev = evaluateField(fn, field, [{ points, times }], true);
    const psi = ev.logDensity[0]!;
    const grad = ev.gradient![0]!;
    for (let i = a; i < b; i++) {
      const base = (i - a) * N;
      let M = -Infinity;
      let finite = true;
      for (let j = 0; j < N; j++) {
        const v = psi[base + j]!;
        if (!logOk(v)) finite = false;
        if (v > M) M = v;
      }
      if (!finite || M === -Infinity) {
        out.status[i] = finite ? "non_positive" : "non_finite";
        out.scores.fill(Number.NaN, i * d, (i + 1) * d);
        out.standardErrors.fill(Number.NaN, i * d, (i + 1) * d);
        out.ess[i] = Number.NaN;
        out.warnings[i]!.push(finite ? "every ball point has zero density" : "the field returned NaN or +∞ at a heat-ball point");
        continue;
      }
      sa.fill(0);
      saa.fill(0);
      sab.fill(0);
      let sw = 0;
      let sw2 = 0;
      for (let j = 0; j < N; j++) {
        const w = Math.exp(psi[base + j]! - M);
        if (w === 0) continue; // zero density (ψ = −∞ or underflow): no contribution, even with a NaN gradient
        sw += w;
        const w2 = w * w;
        sw2 += w2;
        const o = (base + j) * d;
        for (let k = 0; k < d; k++) {
          const g = grad[o + k]!;
          sa[k] = sa[k]! + w * g;
          saa[k] = saa[k]! + w2 * g * g;
          sab[k] = sab[k]! + w2 * g;
        }
      }
      out.ess[i] = (sw * sw) / sw2;
      let ok = true;
      for (let k = 0; k < d; k++) {
        const S = sa[k]! / sw;
        const ss = Math.max(0, saa[k]! - 2 * S * sab[k]! + S * S * sw2);
        out.scores[i * d + k] = S;
        out.standardErrors[i * d + k] = N > 1 ? Math.sqrt(ss / (N - 1) / N) / (sw / N) : Number.NaN;
        if (!Number.isFinite(S)) ok = false;
      }
      if (!ok) {
        out.status[i] = "non_finite";
        out.warnings[i]!.push("the score estimate is not finite");
      }
    }
  }
  return out;
}

/** Per-pair numerators/denominators of the derivative-free and first-moment estimators. */
function antitheticParts(
  psi: Float64Array,
  ks: KappaSamples,
  M: number,
  r: number,
  d: number,
  N: number,
  method: ScoreMethod,
  m2: number,
): Part {
  const a = new Float64Array(N * d);
  const b = new Float64Array(N);
  const z = ks.zeta;
  for (let j = 0; j < N; j++) {
    const wp = Math.exp(psi[j]! - M);
    const wm = Math.exp(psi[N + j]! - M);
    if (method === "derivative-free") {
      // (2/r)·½(w⁺ − w⁻)(A − W) ζ/|ζ|²,  |ζ|² = 4ςA
      const z2 = 4 * ks.sigma[j]! * ks.a[j]!;
      const f = (2 / r) * 0.5 * (wp - wm) * ((ks.a[j]! - ks.w[j]!) / z2);
      for (let k = 0; k < d; k++) a[j * d + k] = f * z[j * d + k]!;
      b[j] = 0.5 * (wp + wm);
    } else {
      const f = (wp - wm) / (r * m2);
      for (let k = 0; k < d; k++) a[j * d + k] = f * z[j * d + k]!;
      b[j] = wp + wm;
    }
  }
  return { a, b, n: N, coef: 1 };
}

/** (4S_{r/2} − S_r)/3 with a per-sample (paired) delta-method standard error. */
function richardsonCombine(full: Part, half: Part, d: number, N: number): { value: Float64Array; standardError: Float64Array } {
  const sf = combineParts([full], d);
  const sh = combineParts([half], d);
  const value = new Float64Array(d);
  const se = new Float64Array(d);
  const infl = new Float64Array(N);
  for (let k = 0; k < d; k++) {
    value[k] = (4 * sh.value[k]! - sf.value[k]!) / 3;
    for (let j = 0; j < N; j++) {
      const i1 = (full.a![j * d + k]! - sf.value[k]! * full.b[j]!) / sf.denominator;
      const i2 = (half.a![j * d + k]! - sh.value[k]! * half.b[j]!) / sh.denominator;
      infl[j] = (4 * i2 - i1) / 3;
    }
    se[k] = Math.sqrt(meanVar(infl).variance / N);
  }
  return { value, standardError: se };
}

// ---------------------------------------------------------------------------------------------------------
// entropy density

/**
 * Options of {@link estimateEntropyDensity}.
 *
 * @example
 * ```ts
 * const options: EntropyDensityOptions = { radius: 0.7, samples: 16384, key: key(14) };
 * ```
 */
export type EntropyDensityOptions = HeatBallOptions & Readonly<{ drift?: DriftField }>;

/**
 * Batched options of {@link estimateEntropyDensityBatch}.
 *
 * @example
 * ```ts
 * estimateEntropyDensityBatch(field, centers, 1, { radius: 0.7, samples: 4096, key: key(15) } satisfies EntropyDensityBatchOptions);
 * ```
 */
export type EntropyDensityBatchOptions = HeatBallBatchOptions & Readonly<{ drift?: DriftField }>;

/**
 * Result of {@link estimateEntropyDensity}.
 *
 * @example
 * ```ts
 * const e: EntropyDensityEstimate = estimateEntropyDensity(field, y0, 1, { radius: 0.7, samples: 8192, key: key(16) });
 * e.scaledEntropyDensity * Math.exp(e.logScale); // η̂
 * ```
 */
export type EntropyDensityEstimate = Readonly<{
  /** η̂(y0, s0) = −w log w (may underflow to 0 in high dimension; use the scaled value). */
  entropyDensity: number;
  /** η̂·e^{−logScale}, O(1) in any dimension. */
  scaledEntropyDensity: number;
  /** Standard error of `scaledEntropyDensity`. */
  standardError: number;
  logScale: number;
  /**
   * η̂/ŵ with ŵ the plain κ mean of w (≈ −ψ(y0, s0) for a caloric w), a self-normalised convenience ratio.
   * With a drift the plain κ mean is not w(y0, s0): divide by {@link estimateDensity} with the drift instead.
   */
  entropyPerDensity: number;
  status: HeatBallStatus;
  warnings: readonly string[];
}>;

/**
 * Struct-of-arrays result of {@link estimateEntropyDensityBatch}.
 *
 * @example
 * ```ts
 * const e = estimateEntropyDensityBatch(field, centers, 1, { radius: 0.7, samples: 2048, key: key(17) });
 * e.entropyPerDensity[0]; // ≈ −ψ(y0, 1)
 * ```
 */
export type EntropyDensityBatchEstimate = Readonly<{
  entropyDensity: Float64Array;
  scaledEntropyDensity: Float64Array;
  standardError: Float64Array;
  logScale: Float64Array;
  entropyPerDensity: Float64Array;
  status: HeatBallStatus[];
  warnings: string[][];
}>;

/**
 * Heat-ball estimate of the entropy density η = −w log w: η0 = E_κ[η_i] + r²E_κ[ς]·E_ν[w|∇ψ|²] (the local de
 * Bruijn identity, heat-ball.md §8 item 6), plus (1+ψ)w(∇·c + c·∇ψ) inside E_ν with a drift.
 *
 * @throws ParabolicError `UNSUPPORTED` without `gradLogDensity` (or a drift without `divergence`).
 * @example
 * ```ts
 * const e = estimateEntropyDensity(field, y0, 1, { radius: 0.7, samples: 1 << 14, key: key(7) });
 * e.entropyPerDensity; // ≈ −ψ(y0, 1)
 * ```
 */
export function estimateEntropyDensity(field: HeatField, center: Float64Array, s0: number, options: EntropyDensityOptions): EntropyDensityEstimate {
  checkSingleCentre("estimateEntropyDensity", field, center);
  const r = estimateEntropyDensityBatch(field, center, s0, options);
  return {
    entropyDensity: r.entropyDensity[0]!,
    scaledEntropyDensity: r.scaledEntropyDensity[0]!,
    standardError: r.standardError[0]!,
    logScale: r.logScale[0]!,
    entropyPerDensity: r.entropyPerDensity[0]!,
    status: r.status[0]!,
    warnings: r.warnings[0]!,
  };
}

/**
 * {@link estimateEntropyDensity} for many centres.
 *
 * @example
 * ```ts
 * const e = estimateEntropyDensityBatch(field, centers, 1, { radius: 0.5, samples: 4096, key: key(8) });
 * ```
 */
export function estimateEntropyDensityBatch(
  field: HeatField,
  centers: Float64Array,
  s0: number | Float64Array,
  options: EntropyDensityBatchOptions,
): EntropyDensityBatchEstimate {
  const fn = "estimateEntropyDensity";
  checkCommon(fn, field, options);
  const batch = centreBatch(fn, field.dim, centers, s0, options.radius);
  checkDrift(fn, options.drift, field.dim, { divergence: true });
  const d = batch.dim;
  const N = options.samples;
  const m = batch.count;
  const { meanSigma } = kappaConstants(d);
  const drift = options.drift;
  const out = {
    entropyDensity: new Float64Array(m),
    scaledEntropyDensity: new Float64Array(m),
    standardError: new Float64Array(m),
    logScale: new Float64Array(m),
    entropyPerDensity: new Float64Array(m),
    status: new Array<HeatBallStatus>(m).fill("success"),
    warnings: Array.from({ length: m }, () => [] as string[]),
  };
  for (const [a, b] of chunks(m, 3 * N * d, options.maxCoordinatesPerCall)) {
    const kappaReq: Request[] = [];
    const nuReq: Request[] = [];
    for (let i = a; i < b; i++) {
      const keys = centreKeys(options.key, i);
      kappaReq.push(ballPoints(batch, i, drawSamples("kappa", keys.kappa, d, N)));
      nuReq.push(ballPoints(batch, i, drawSamples("nu", keys.nu, d, N)));
    }
    const psiK = evaluateField(fn, field as FieldWithJoint, kappaReq, false).logDensity;
    const nuEval = evaluateField(fn, field as FieldWithJoint, nuReq, true);
    const cs = drift ? evaluateDrift(fn, drift, nuReq, { divergence: true }) : undefined;
    for (let i = a; i < b; i++) {
      const local = i - a;
      const r = batch.radius[i]!;
      const pk = psiK[local]!;
      const pn = nuEval.logDensity[local]!;
      const g = nuEval.gradient![local]!;
      let finite = true;
      for (const arr of [pk, pn]) for (const v of arr) if (!logOk(v)) finite = false;
      const M = Math.max(maxOf(pk), maxOf(pn));
      if (!finite || M === -Infinity) {
        out.status[i] = finite ? "non_positive" : "non_finite";
        for (const arr of [out.entropyDensity, out.scaledEntropyDensity, out.standardError, out.entropyPerDensity]) arr[i] = Number.NaN;
        out.warnings[i]!.push(finite ? "every ball point has zero density" : "the field returned NaN or +∞ at a heat-ball point");
        continue;
      }
      const eK = new Float64Array(N);
      const wK = new Float64Array(N);
      for (let j = 0; j < N; j++) {
        const w = Math.exp(pk[j]! - M);
        wK[j] = w;
        eK[j] = w === 0 ? 0 : -w * pk[j]!; // −w log w scaled by e^{−M} (the ψ factor is unscaled)
      }
      // −w log w = e^M·(−w̃ ψ) with w̃ = w e^{−M}: scaling is exact because ψ itself is not shifted
      const fN = new Float64Array(N);
      for (let j = 0; j < N; j++) {
        const w = pn[j]! === -Infinity ? 0 : Math.exp(pn[j]! - M);
        let g2 = 0;
        let cg = 0;
        for (let k = 0; k < d; k++) {
          const gk = g[j * d + k]!;
          g2 += gk * gk;
          if (cs) cg += cs.c[local]![j * d + k]! * gk;
        }
        const extra = cs ? (1 + pn[j]!) * (cs.divergence![local]![j]! + cg) : 0;
        fN[j] = w === 0 ? 0 : w * (g2 + extra);
      }
      const coef = r * r * meanSigma;
      const mk = meanVar(eK);
      const mf = meanVar(fN);
      const scaled = mk.mean + coef * mf.mean;
      out.scaledEntropyDensity[i] = scaled;
      out.standardError[i] = Math.sqrt(mk.variance / N + (coef * coef * mf.variance) / N);
      out.logScale[i] = M;
      out.entropyDensity[i] = scaled * Math.exp(M);
      out.entropyPerDensity[i] = scaled / meanVar(wK).mean;
      if (!Number.isFinite(scaled)) {
        out.status[i] = "non_finite";
        out.warnings[i]!.push("the entropy-density estimate is not finite");
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// residual

/**
 * Options of {@link heatBallResidual}.
 *
 * @example
 * ```ts
 * const options: ResidualOptions = { radius: 0.25, samples: 8192, key: key(18), form: "log", antithetic: true };
 * ```
 */
export type ResidualOptions = HeatBallOptions &
  Readonly<{
    /**
     * `"log"`: R = (ψ(y0,s0) − log ŵ)/(r²E_κ[ς]); `"linear"`: R = (1 − ŵ/w(y0,s0))/(r²E_κ[ς]). Both → the
     * pointwise residual (w_s − Δw + ∇·(cw))/w as r → 0 with O(r²) error, and vanish at every r on exact
     * solutions. @defaultValue "log"
     */
    form?: "linear" | "log";
    drift?: DriftField;
    /** ±ζ antithetic pairs (cancels the odd Taylor terms). @defaultValue true */
    antithetic?: boolean;
  }>;

/**
 * Batched options of {@link heatBallResidualBatch}.
 *
 * @example
 * ```ts
 * heatBallResidualBatch(model, probe, s0s, { radius: 0.3, samples: 256, key: key(19) } satisfies ResidualBatchOptions);
 * ```
 */
export type ResidualBatchOptions = HeatBallBatchOptions & Omit<ResidualOptions, keyof HeatBallOptions>;

/**
 * Result of {@link heatBallResidual}.
 *
 * @example
 * ```ts
 * const { residual, standardError } = heatBallResidual(model, y0, 1, { radius: 0.25, samples: 8192, key: key(20) });
 * ```
 */
export type ResidualEstimate = Readonly<{
  residual: number;
  standardError: number;
  ess: number;
  driftBudget: number;
  status: HeatBallStatus;
  warnings: readonly string[];
}>;

/**
 * Struct-of-arrays result of {@link heatBallResidualBatch}.
 *
 * @example
 * ```ts
 * const r: ResidualBatchEstimate = heatBallResidualBatch(model, probe, 1, { radius: 0.3, samples: 256, key: key(21) });
 * r.residual; // one per probe point
 * ```
 */
export type ResidualBatchEstimate = Readonly<{
  residual: Float64Array;
  standardError: Float64Array;
  ess: Float64Array;
  driftBudget: Float64Array;
  status: HeatBallStatus[];
  warnings: string[][];
}>;

/**
 * The heat-ball residual of a log-density model ψ: a nonlocal, derivative-free Fokker–Planck residual that
 * vanishes exactly on true solutions at every radius and tends to the pointwise residual as r → 0
 * (heat-ball.md §9), with the drift form for a nonlinear drift.
 *
 * @remarks Normalised by r²E_κ[ς] and (in the linear form) by w(y0, s0), so it is O(1) in any dimension.
 * A per-time normalisation error c(s) of ψ shows up as ≈ c'(s0) (heat-ball.md §10).
 * @example
 * ```ts
 * const res = heatBallResidual(model, y0, 1, { radius: 0.25, samples: 1 << 14, key: key(9), form: "log" });
 * ```
 */
export function heatBallResidual(field: HeatField, center: Float64Array, s0: number, options: ResidualOptions): ResidualEstimate {
  checkSingleCentre("heatBallResidual", field, center);
  const r = heatBallResidualBatch(field, center, s0, options);
  return {
    residual: r.residual[0]!,
    standardError: r.standardError[0]!,
    ess: r.ess[0]!,
    driftBudget: r.driftBudget[0]!,
    status: r.status[0]!,
    warnings: r.warnings[0]!,
  };
}

/**
 * {@link heatBallResidual} for many centres.
 *
 * @example
 * ```ts
 * const res = heatBallResidualBatch(model, probe, s0s, { radius: 0.3, samples: 256, key: key(10) });
 * ```
 */
export function heatBallResidualBatch(
  field: HeatField,
  centers: Float64Array,
  s0: number | Float64Array,
  options: ResidualBatchOptions,
): ResidualBatchEstimate {
  const fn = "heatBallResidual";
  checkCommon(fn, field, options);
  const form = options.form ?? "log";
  if (form !== "log" && form !== "linear") throw invalidArgument(fn, "form", `be "log" or "linear"`, form);
  const batch = centreBatch(fn, field.dim, centers, s0, options.radius);
  checkDrift(fn, options.drift, field.dim, {});
  const { form: _f, ...rest } = options;
  void _f;
  const est = densityEngine(fn, field, batch, { ...rest, antithetic: options.antithetic ?? true }, true);
  const { meanSigma } = kappaConstants(batch.dim);
  const m = batch.count;
  const residual = new Float64Array(m);
  const standardError = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const scale = batch.radius[i]! ** 2 * meanSigma;
    const psi0 = est.centreLogDensity[i]!;
    if (!Number.isFinite(psi0)) {
      residual[i] = Number.NaN;
      standardError[i] = Number.NaN;
      if (est.status[i] === "success") est.status[i] = "non_finite";
      est.warnings[i]!.push("ψ at the centre is not finite");
      continue;
    }
    if (form === "log") {
      residual[i] = (psi0 - est.logDensity[i]!) / scale;
      standardError[i] = est.standardError[i]! / scale;
    } else {
      const ratio = est.total[i]! * Math.exp(est.logScale[i]! - psi0);
      residual[i] = (1 - ratio) / scale;
      standardError[i] = (est.totalSe[i]! * Math.exp(est.logScale[i]! - psi0)) / scale;
    }
  }
  return { residual, standardError, ess: est.ess, driftBudget: est.driftBudget, status: est.status, warnings: est.warnings };
}
