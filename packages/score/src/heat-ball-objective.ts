import * as tf from "@tensorflow/tfjs-core";
import {
  ParabolicError,
  assertPositiveInteger,
  assertPositiveNumber,
  fillNormals,
  foldIn,
  invalidArgument,
  randomStream,
  type Key,
} from "@parabolic/core";
import { anchorLoss, heatBallResidualLoss, scoreConsistencyLoss } from "./heat-ball-residual.js";
import { groupTensors, heatBallGroupTensors, sampleHeatBallGroups, type HeatDrift } from "./heat-ball-groups.js";
import { posteriorMeanTarget } from "./internal/posterior-mean.js";
import { checkData, drawIndex } from "./internal/sampling.js";
import { gaussianBasePotential, type PotentialNetwork } from "./potential-network.js";
import type { Objective } from "./types.js";

/**
 * Centres in heat coordinates: points y₀ (`count × dim`), heat times s₀, and for Gaussian transitions the noise ε.
 * @example
 * ```ts
 * const { points, times, noise } = gaussianCenters({ data, dim: 2 }).sample(key(0), 128, { min: 0.1, max: 10 });
 * ```
 */
export type CenterBatch = Readonly<{
  points: Float64Array;
  times: Float64Array;
  /** ε with y₀ = x₀ + √(2s₀)ε (enables the DSM term); absent for simulated centres. */
  noise?: Float64Array;
}>;

/**
 * Draws `count` centres with heat times in [min, max] (min = max asks for one level), deterministically from `k`.
 * `levels` (when present) are the only heat times the sampler can produce (e.g. the saved times of a simulation
 * pool); the anchor term then uses them.
 * @example
 * ```ts
 * const sampler: CenterSampler = pooledCenters(simulateCenterPool(key(1), process, poolOptions));
 * ```
 */
export type CenterSampler = Readonly<{
  dim: number;
  sample(k: Key, count: number, range: Readonly<{ min: number; max: number }>): CenterBatch;
  levels?: readonly number[];
}>;

/**
 * Centres for a linear forward process in heat coordinates: x₀ from `data`, s₀ log-uniform in the range, and
 * y₀ = x₀ + √(2s₀)ε — the exact heat-coordinate transition of every linear SDE (heat-ball.md §2).
 *
 * @example
 * ```ts
 * const centers = gaussianCenters({ data, dim: 2 });
 * ```
 */
export function gaussianCenters(options: Readonly<{ data: ArrayLike<number>; dim: number }>): CenterSampler {
  const { data, dim } = options;
  const n = checkData("gaussianCenters", data, dim);
  return {
    dim,
    sample(k, count, { min, max }) {
      const stream = randomStream(k);
      const noise = fillNormals(stream, new Float64Array(count * dim));
      const points = new Float64Array(count * dim);
      const times = new Float64Array(count);
      const logRatio = Math.log(max / min);
      for (let i = 0; i < count; i++) {
        const s = min === max ? min : min * Math.exp(stream.nextDouble() * logRatio);
        const row = drawIndex(stream, n);
        const sd = Math.sqrt(2 * s);
        for (let j = 0; j < dim; j++) points[i * dim + j] = data[row * dim + j]! + sd * noise[i * dim + j]!;
        times[i] = s;
      }
      return { points, times, noise };
    },
  };
}

/**
 * Centres drawn from a pool of forward-simulated states in heat coordinates (for nonlinear drifts, which have no
 * closed-form transition): `points` is `count × dim`, `times` the heat time of each row. The pool's distinct times
 * become the anchor levels.
 *
 * @throws ParabolicError `SHAPE_MISMATCH` for inconsistent arrays.
 * @example
 * ```ts
 * const pool = simulateCenterPool(key(1), process, { data, dim: 2, times: [0.1, 0.2, 0.4, 0.8], paths: 4000, steps: 400 });
 * const centers = pooledCenters(pool);
 * ```
 */
export function pooledCenters(pool: Readonly<{ dim: number; points: Float64Array; times: Float64Array }>): CenterSampler {
  const { dim, points, times } = pool;
  if (points.length !== times.length * dim || times.length === 0) {
    throw new ParabolicError("SHAPE_MISMATCH", `pooledCenters: 'points' must have ${times.length} × ${dim} entries; got ${points.length}.`);
  }
  const order = Array.from(times.keys()).sort((a, b) => times[a]! - times[b]!);
  const sorted = Float64Array.from(order, (i) => times[i]!);
  const levels = [...new Set(sorted)];
  const lowerBound = (x: number): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const upperBound = (x: number): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return {
    dim,
    levels,
    sample(k, count, { min, max }) {
      const lo = lowerBound(min);
      const hi = upperBound(max);
      if (hi <= lo) throw invalidArgument("pooledCenters.sample", "range", `contain pool times (pool spans [${sorted[0]}, ${sorted.at(-1)}])`, [min, max]);
      const stream = randomStream(k);
      const out = new Float64Array(count * dim);
      const t = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const row = order[lo + drawIndex(stream, hi - lo)]!;
        for (let j = 0; j < dim; j++) out[i * dim + j] = points[row * dim + j]!;
        t[i] = times[row]!;
      }
      return { points: out, times: t };
    },
  };
}

/**
 * A loss weight: constant or a function of the step (see `rampWeight`).
 * @example
 * ```ts
 * const w: LossWeight = rampWeight({ weight: 0.3, delay: 1000 });
 * ```
 */
export type LossWeight = number | ((step: number) => number);

/**
 * Options of {@link heatBallObjective}; the defaults follow the 2-D reference hyper-parameters (heat-ball.md §11.1).
 * @example
 * ```ts
 * const options: HeatBallObjectiveOptions = { centers, batchSize: 128, time: { min: 1e-3, max: 1e4 }, dsm: { weight: 1 } };
 * ```
 */
export type HeatBallObjectiveOptions = Readonly<{
  centers: CenterSampler;
  /** Centres per step for the DSM term (and the default for the heat-ball terms). */
  batchSize: number;
  /** Heat-time range [s_min, S_MAX] of the DSM term and the anchor levels. */
  time: Readonly<{ min: number; max: number }>;
  /** DSM term (2s₀ ∧ cap)/d · ‖∇ψ(y₀, s₀) − target‖²; needs centres with noise. */
  dsm?: Readonly<{
    weight: LossWeight;
    /** @defaultValue 50 */
    weightCap?: number;
    /**
     * Lower-variance target −(y₀ − Σ ω_m x_m)/(2s₀), ω = softmax(−|y₀ − x_m|²/(4s₀)) over reference data, used for
     * s₀ ≥ `minTime` (the reference scripts: M = 4096, s₀ ≥ 0.3).
     */
    exactTarget?: Readonly<{ references: ArrayLike<number>; minTime: number }>;
  }>;
  /** Heat-ball log-residual term (independent halves). */
  heatBall?: Readonly<{
    weight: LossWeight;
    /** Smallest centre time. @defaultValue 0.1 */
    minTime?: number;
    /** @defaultValue 0.125 */
    radiusFraction?: number;
    /** @defaultValue 2 */
    jitter?: number;
    /** κ-points per centre (multiple of 4). @defaultValue 64 */
    samples?: number;
    /** @defaultValue the objective's batchSize */
    batchSize?: number;
    /** Subtract the Gaussian base's residual. @defaultValue true when the network has a Gaussian base */
    controlVariate?: boolean;
    /** Divide residuals (and the consistency differences) by r²E_κ[ς]. @defaultValue false */
    normalise?: boolean;
    /** Nonlinear drift in heat coordinates (e.g. `timeChange(process).heatDrift`) and D-points per centre. */
    drift?: Readonly<{ field: HeatDrift; samples: number }>;
  }>;
  /** Score heat-ball consistency on the heat-ball points (needs `heatBall`; linear drift only). */
  consistency?: Readonly<{ weight: LossWeight }>;
  /** Per-level MLE anchor with an SNIS normaliser (proposal N(0, (v + 2s)I)). */
  anchor?: Readonly<{
    weight: LossWeight;
    /** Number of levels (log-spaced in [minTime, time.max], or taken from the sampler's `levels`). @defaultValue 8 */
    levels?: number;
    /**
     * Smallest anchor level (the SNIS proposal N(0, (v + 2s)I) degenerates as s → 0 for concentrated data; the
     * reference scripts use 0.05). @defaultValue max(0.05, time.min)
     */
    minTime?: number;
    /** Data points per level. @defaultValue 64 */
    perLevel?: number;
    /** SNIS proposals per level. @defaultValue 256 */
    proposals?: number;
  }>;
  /** Push the non-Gaussian correction to 0 at s = time.max (needs a Gaussian base). */
  boundary?: Readonly<{
    weight: LossWeight;
    /** @defaultValue 64 */
    samples?: number;
  }>;
}>;

function weightAt(w: LossWeight | undefined, step: number): number {
  if (w === undefined) return 0;
  return typeof w === "number" ? w : w(step);
}

/**
 * Values of the individual terms of the last call of {@link HeatBallObjective.loss} (unweighted).
 * @example
 * ```ts
 * const terms: HeatBallTerms = await objective.lastTerms(); // { dsm: 0.09, heatBall: 0.2, ... }
 * ```
 */
export type HeatBallTerms = { dsm?: number; heatBall?: number; consistency?: number; anchor?: number; boundary?: number };

/**
 * The heat-ball training objective: an {@link Objective} plus access to the last terms (for logging).
 * @example
 * ```ts
 * const objective: HeatBallObjective = heatBallObjective(net, options);
 * await train(net, objective, trainOptions);
 * objective.dispose();
 * ```
 */
export type HeatBallObjective = Objective &
  Readonly<{
    /** Tensors of the last step's individual terms (scalars, owned by the objective; read them before the next step). */
    lastTerms(): Promise<HeatBallTerms>;
    /** Frees the retained term tensors. */
    dispose(): void;
  }>;

/**
 * The heat-ball training objective of heat-ball.md §11 for a potential network ψ_θ(y, s):
 * L = w_DSM·L_DSM + w_HB·L_HB + w_SHB·L_SHB + w_A·L_anchor + w_bnd·L_bnd, each term optional and with a weight
 * that may depend on the step (warm-ups and delays).
 *
 * @remarks
 * - L_HB uses independent halves (unbiased square), the caloric Gaussian base as control variate and, for a
 *   nonlinear drift, the §7.2 drift correction with exact D-measure samples.
 * - With simulated centres (nonlinear drift) there is no DSM target; the anchor (per-level MLE on the simulated
 *   states) is then the data term and the drift-corrected heat-ball residual couples the levels.
 * - Everything random is drawn on the host from the step key; a term whose weight is 0 at a step is skipped.
 * @throws ParabolicError `INVALID_ARGUMENT` for inconsistent options (e.g. a DSM term with simulated centres).
 * @example
 * ```ts
 * const objective = heatBallObjective(net, {
 *   centers: gaussianCenters({ data, dim: 2 }), batchSize: 128, time: { min: 0.05, max: 1.158e4 },
 *   dsm: { weight: 0.1 }, heatBall: { weight: 2 }, consistency: { weight: rampWeight({ weight: 0.3, delay: 1000 }) },
 *   anchor: { weight: rampWeight({ weight: 1, delay: 1000, ramp: 2000 }) }, boundary: { weight: 0.01 },
 * });
 * ```
 */
export function heatBallObjective(net: PotentialNetwork, options: HeatBallObjectiveOptions): HeatBallObjective {
  const fn = "heatBallObjective";
  const dim = net.dim;
  const sampler = options.centers;
  if (sampler.dim !== dim) throw invalidArgument(fn, "centers.dim", `equal the network dimension ${dim}`, sampler.dim);
  assertPositiveInteger(fn, "batchSize", options.batchSize);
  const { min: sMin, max: sMax } = options.time;
  if (!(sMin > 0 && sMax > sMin && Number.isFinite(sMax))) throw invalidArgument(fn, "time", "satisfy 0 < min < max < ∞", options.time);
  const hb = options.heatBall;
  const hbMin = hb?.minTime ?? 0.1;
  assertPositiveNumber(fn, "heatBall.minTime", hbMin);
  if (!(hbMin < sMax)) throw invalidArgument(fn, "heatBall.minTime", `be < time.max (${sMax})`, hbMin);
  const hbBatch = hb?.batchSize ?? options.batchSize;
  const hbSamples = hb?.samples ?? 64;
  assertPositiveInteger(fn, "heatBall.batchSize", hbBatch);
  assertPositiveInteger(fn, "heatBall.samples", hbSamples);
  const controlVariate = hb?.controlVariate ?? net.hasGaussianBase;
  if (controlVariate && net.dataVariance === undefined) throw invalidArgument(fn, "heatBall.controlVariate", "need a network with dataVariance", controlVariate);
  if (options.consistency !== undefined && hb === undefined) throw invalidArgument(fn, "consistency", "need the heatBall term (it shares its points)", options.consistency);
  if (options.consistency !== undefined && hb?.drift !== undefined) {
    throw invalidArgument(fn, "consistency", "be omitted with a nonlinear drift (the gradient form needs a caloric ∇w)", options.consistency);
  }
  if (options.boundary !== undefined && !net.hasGaussianBase) throw invalidArgument(fn, "boundary", "need a network with a Gaussian base", options.boundary);
  const variance = net.dataVariance ?? 1;
  const dsmCap = options.dsm?.weightCap ?? 50;
  assertPositiveNumber(fn, "dsm.weightCap", dsmCap);
  const exact = options.dsm?.exactTarget;
  const referenceCount = exact === undefined ? 0 : checkData(fn, exact.references, dim);
  const anchorLevelsCount = options.anchor?.levels ?? 8;
  assertPositiveInteger(fn, "anchor.levels", anchorLevelsCount);
  if (options.anchor?.minTime !== undefined) assertPositiveNumber(fn, "anchor.minTime", options.anchor.minTime);
  const anchorMin = Math.max(options.anchor?.minTime ?? 0.05, sMin);
  if (!(anchorMin < sMax)) throw invalidArgument(fn, "anchor.minTime", `be < time.max (${sMax})`, anchorMin);
  const anchorLevels: number[] =
    sampler.levels !== undefined
      ? pickLevels(sampler.levels.filter((s) => s >= anchorMin && s <= sMax), anchorLevelsCount)
      : Array.from({ length: anchorLevelsCount }, (_, i) => anchorMin * Math.pow(sMax / anchorMin, anchorLevelsCount === 1 ? 0 : i / (anchorLevelsCount - 1)));
  if (options.anchor !== undefined && anchorLevels.length === 0) throw invalidArgument(fn, "anchor", "have sampler levels inside time", sampler.levels);
  const perLevel = options.anchor?.perLevel ?? 64;
  const proposals = options.anchor?.proposals ?? 256;
  const boundarySamples = options.boundary?.samples ?? 64;
  assertPositiveInteger(fn, "anchor.perLevel", perLevel);
  assertPositiveInteger(fn, "anchor.proposals", proposals);
  assertPositiveInteger(fn, "boundary.samples", boundarySamples);
  const base = (y: tf.Tensor2D, s: tf.Tensor1D): tf.Tensor1D => gaussianBasePotential(y, s, variance);

  let last: Partial<Record<keyof HeatBallTerms, tf.Scalar>> = {};
  const keepTerm = (name: keyof HeatBallTerms, value: tf.Scalar): void => {
    last[name]?.dispose();
    last[name] = tf.keep(tf.clone(value));
  };

  const dsmTerm = (k: Key): tf.Scalar => {
    const c = sampler.sample(k, options.batchSize, { min: sMin, max: sMax });
    if (c.noise === undefined) throw invalidArgument(fn, "dsm", "need centres with Gaussian noise (use gaussianCenters)", "simulated centres");
    const b = c.times.length;
    const target = new Float32Array(b * dim);
    const weights = new Float32Array(b);
    for (let i = 0; i < b; i++) {
      const s = c.times[i]!;
      weights[i] = Math.min(2 * s, dsmCap) / dim;
      if (exact !== undefined && s >= exact.minTime) {
        posteriorMeanTarget(c.points, i, s, exact.references, referenceCount, dim, target);
      } else {
        const sd = Math.sqrt(2 * s);
        for (let j = 0; j < dim; j++) target[i * dim + j] = -c.noise[i * dim + j]! / sd;
      }
    }
    const y = tf.tensor2d(Float32Array.from(c.points), [b, dim]);
    const s = tf.tensor1d(Float32Array.from(c.times));
    const score = net.score(y, s);
    const per = tf.sum(tf.square(tf.sub(score, tf.tensor2d(target, [b, dim]))), 1);
    return tf.mean(tf.mul(per, tf.tensor1d(weights))) as tf.Scalar;
  };

  const anchorTerm = (k: Key): tf.Scalar => {
    const kLevels = anchorLevels.length;
    const data = new Float32Array(kLevels * perLevel * dim);
    const prop = new Float32Array(kLevels * proposals * dim);
    const logq = new Float32Array(kLevels * proposals);
    const stream = randomStream(foldIn(k, 1 << 20));
    const z = fillNormals(stream, new Float64Array(kLevels * proposals * dim));
    anchorLevels.forEach((level, li) => {
      const c = sampler.sample(foldIn(k, li), perLevel, { min: level, max: level });
      for (let i = 0; i < perLevel * dim; i++) data[li * perLevel * dim + i] = c.points[i]!;
      const q = variance + 2 * level;
      const sd = Math.sqrt(q);
      for (let i = 0; i < proposals; i++) {
        let r2 = 0;
        for (let j = 0; j < dim; j++) {
          const v = z[(li * proposals + i) * dim + j]!;
          r2 += v * v;
          prop[(li * proposals + i) * dim + j] = sd * v;
        }
        logq[li * proposals + i] = -0.5 * r2 - 0.5 * dim * Math.log(2 * Math.PI * q);
      }
    });
    return anchorLoss(net.potential, {
      levels: tf.tensor1d(anchorLevels),
      dataPoints: tf.tensor2d(data, [kLevels * perLevel, dim]),
      proposalPoints: tf.tensor2d(prop, [kLevels * proposals, dim]),
      proposalLogDensity: tf.tensor1d(logq),
    });
  };

  const boundaryTerm = (k: Key): tf.Scalar => {
    const z = fillNormals(randomStream(k), new Float64Array(boundarySamples * dim));
    const sd = Math.sqrt(variance + 2 * sMax);
    const y = tf.tensor2d(Float32Array.from(z, (v) => sd * v), [boundarySamples, dim]);
    const s = tf.fill([boundarySamples], sMax) as tf.Tensor1D;
    return tf.mean(tf.square(net.correction(y, s))) as tf.Scalar;
  };

  const objective: HeatBallObjective = {
    name: "heat-ball",
    loss(k, step) {
      return tf.tidy(() => {
        const w = {
          dsm: weightAt(options.dsm?.weight, step),
          heatBall: weightAt(hb?.weight, step),
          consistency: weightAt(options.consistency?.weight, step),
          anchor: weightAt(options.anchor?.weight, step),
          boundary: weightAt(options.boundary?.weight, step),
        };
        const terms: tf.Scalar[] = [];
        const add = (name: keyof HeatBallTerms, weight: number, value: tf.Scalar): void => {
          keepTerm(name, value);
          terms.push(tf.mul(value, weight));
        };
        if (w.dsm > 0) add("dsm", w.dsm, dsmTerm(foldIn(k, 0)));
        if ((w.heatBall > 0 || w.consistency > 0) && hb !== undefined) {
          const c = sampler.sample(foldIn(k, 1), hbBatch, { min: Math.max(hbMin, sMin), max: sMax });
          const host = sampleHeatBallGroups(foldIn(k, 2), {
            dim,
            centers: c.points,
            centerTimes: c.times,
            radiusFraction: hb.radiusFraction ?? 0.125,
            jitter: hb.jitter ?? 2,
            samples: hbSamples,
            normalise: hb.normalise ?? false,
            ...(hb.drift === undefined ? {} : { drift: hb.drift }),
          });
          const groups = heatBallGroupTensors(host);
          if (w.heatBall > 0) {
            add("heatBall", w.heatBall, heatBallResidualLoss(net.potential, groups, controlVariate ? { controlVariate: base } : {}));
          }
          if (w.consistency > 0) {
            const b = host.count;
            const y = tf.concat([groups.centers, groups.ballPoints]);
            const s = tf.concat([groups.centerTimes, groups.ballTimes]);
            const { potential, score } = net.potentialAndScore(y as tf.Tensor2D, s as tf.Tensor1D);
            const ballValues = tf.reshape(tf.slice(potential, [b], [b * hbSamples]), [b, hbSamples]) as tf.Tensor2D;
            add(
              "consistency",
              w.consistency,
              scoreConsistencyLoss(
                tf.slice(score, [0, 0], [b, dim]) as tf.Tensor2D,
                ballValues,
                tf.slice(score, [b, 0], [b * hbSamples, dim]) as tf.Tensor2D,
                groups.scale,
              ),
            );
          }
          tf.dispose(groupTensors(groups));
        }
        if (w.anchor > 0) add("anchor", w.anchor, anchorTerm(foldIn(k, 3)));
        if (w.boundary > 0) add("boundary", w.boundary, boundaryTerm(foldIn(k, 4)));
        if (terms.length === 0) return tf.scalar(0);
        return (terms.length === 1 ? terms[0]! : tf.addN(terms)) as tf.Scalar;
      });
    },
    async lastTerms() {
      const out: HeatBallTerms = {};
      for (const [name, t] of Object.entries(last) as [keyof HeatBallTerms, tf.Scalar][]) out[name] = (await t.data())[0]!;
      return out;
    },
    dispose() {
      for (const t of Object.values(last)) t?.dispose();
      last = {};
    },
  };
  return objective;
}

/** Evenly picks up to `count` entries of a sorted list (all when it is short). */
function pickLevels(levels: readonly number[], count: number): number[] {
  if (levels.length <= count) return levels.slice();
  return Array.from({ length: count }, (_, i) => levels[Math.round((i * (levels.length - 1)) / Math.max(1, count - 1))]!);
}
