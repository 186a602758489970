import * as tf from "@tensorflow/tfjs-core";
import { ParabolicError, assertPositiveInteger } from "@parabolic/core";
import { stopGradient } from "./internal/stop-gradient.js";
import type { TensorPotentialFn } from "./types.js";

/**
 * Heat-ball geometry for a batch of B centres as tensors: the centres (y₀, s₀), N κ-points per centre and,
 * for a nonlinear drift, M drift-measure points per centre.
 *
 * @remarks Row layout: the points of centre b are rows `b·N … b·N + N − 1` (`b·M …` for the drift points). For
 * {@link heatBallResidualLoss} the two halves (first N/2 and last N/2 rows of each centre) must be independent
 * draws — antithetic pairs must stay inside one half. Build these with {@link sampleHeatBallGroups}.
 * @example
 * ```ts
 * const groups: HeatBallGroups = heatBallGroupTensors(sampleHeatBallGroups(key(0), options));
 * ```
 */
export type HeatBallGroups = Readonly<{
  centers: tf.Tensor2D;
  centerTimes: tf.Tensor1D;
  /** κ-points y₀ + rζᵢ, s₀ − r²ςᵢ, `[B·N, d]`. */
  ballPoints: tf.Tensor2D;
  ballTimes: tf.Tensor1D;
  samplesPerCenter: number;
  /**
   * Drift correction (heat-ball.md §7.2): D-points y₀ − rζⱼ, s₀ − r²ςⱼ (`[B·M, d]`), the projections
   * c(yⱼ, sⱼ)·ζⱼ/|ζⱼ| (`[B·M]`) and the per-centre factor r·C₁(d) (`[B]`).
   */
  drift?: Readonly<{
    points: tf.Tensor2D;
    times: tf.Tensor1D;
    projections: tf.Tensor1D;
    samplesPerCenter: number;
    factors: tf.Tensor1D;
  }>;
  /** Per-centre multiplier of the residual, e.g. 1/(r²E_κ[ς]) for the r → 0-stable scale. */
  scale?: tf.Tensor1D;
}>;

function checkGroups(fn: string, g: HeatBallGroups): { b: number; n: number } {
  const b = g.centers.shape[0];
  const d = g.centers.shape[1];
  const n = g.samplesPerCenter;
  assertPositiveInteger(fn, "samplesPerCenter", n);
  const bad = (what: string, shape: readonly number[], expected: readonly number[]): never => {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: '${what}' must have shape [${expected.join(",")}]; got [${shape.join(",")}].`, {
      argument: what,
      expected: expected.slice(),
      received: shape.slice(),
    });
  };
  if (g.centerTimes.shape[0] !== b || g.centerTimes.rank !== 1) bad("centerTimes", g.centerTimes.shape, [b]);
  if (g.ballPoints.shape[0] !== b * n || g.ballPoints.shape[1] !== d) bad("ballPoints", g.ballPoints.shape, [b * n, d]);
  if (g.ballTimes.shape[0] !== b * n || g.ballTimes.rank !== 1) bad("ballTimes", g.ballTimes.shape, [b * n]);
  if (g.scale !== undefined && (g.scale.rank !== 1 || g.scale.shape[0] !== b)) bad("scale", g.scale.shape, [b]);
  if (g.drift !== undefined) {
    const m = g.drift.samplesPerCenter;
    assertPositiveInteger(fn, "drift.samplesPerCenter", m);
    if (g.drift.points.shape[0] !== b * m || g.drift.points.shape[1] !== d) bad("drift.points", g.drift.points.shape, [b * m, d]);
    if (g.drift.times.shape[0] !== b * m) bad("drift.times", g.drift.times.shape, [b * m]);
    if (g.drift.projections.shape[0] !== b * m) bad("drift.projections", g.drift.projections.shape, [b * m]);
    if (g.drift.factors.shape[0] !== b) bad("drift.factors", g.drift.factors.shape, [b]);
  }
  return { b, n };
}

/** ψ at centres, ball points and drift points from one network call. */
type GroupValues = { center: tf.Tensor1D; ball: tf.Tensor2D; drift: tf.Tensor2D | undefined };

function evaluateGroups(potential: TensorPotentialFn, g: HeatBallGroups, b: number, n: number): GroupValues {
  const parts: tf.Tensor2D[] = [g.centers, g.ballPoints];
  const times: tf.Tensor1D[] = [g.centerTimes, g.ballTimes];
  if (g.drift !== undefined) {
    parts.push(g.drift.points);
    times.push(g.drift.times);
  }
  const all = potential(tf.concat(parts, 0), tf.concat(times, 0));
  const center = tf.slice(all, [0], [b]) as tf.Tensor1D;
  const ball = tf.reshape(tf.slice(all, [b], [b * n]), [b, n]) as tf.Tensor2D;
  const drift = g.drift === undefined ? undefined : (tf.reshape(tf.slice(all, [b + b * n], [b * g.drift.samplesPerCenter]), [b, g.drift.samplesPerCenter]) as tf.Tensor2D);
  return { center, ball, drift };
}

/**
 * log of the heat-ball mean value of w = e^ψ, per centre: logmeanexp ψᵢ, or with the drift correction
 * log(mean e^{ψᵢ} + r·C₁·mean e^{ψⱼ} c_j·ζ̂ⱼ). Column ranges select a half.
 */
function logMeanValue(
  ball: tf.Tensor2D,
  from: number,
  count: number,
  drift: { values: tf.Tensor2D; projections: tf.Tensor2D; factors: tf.Tensor1D; from: number; count: number } | undefined,
): tf.Tensor1D {
  const b = ball.shape[0];
  const psi = count === ball.shape[1] ? ball : tf.slice(ball, [0, from], [b, count]);
  if (drift === undefined) return tf.sub(tf.logSumExp(psi, 1), Math.log(count)) as tf.Tensor1D;
  const dv = drift.count === drift.values.shape[1] ? drift.values : tf.slice(drift.values, [0, drift.from], [b, drift.count]);
  const dp = drift.count === drift.projections.shape[1] ? drift.projections : tf.slice(drift.projections, [0, drift.from], [b, drift.count]);
  const shift = stopGradient(tf.maximum(tf.max(psi, 1, true), tf.max(dv, 1, true))) as tf.Tensor2D;
  const kappaMean = tf.mean(tf.exp(tf.sub(psi, shift)), 1);
  const driftMean = tf.mul(tf.mean(tf.mul(tf.exp(tf.sub(dv, shift)), dp), 1), drift.factors);
  return tf.add(tf.log(tf.add(kappaMean, driftMean)), tf.reshape(shift, [-1])) as tf.Tensor1D;
}

function residualFromValues(v: GroupValues, g: HeatBallGroups, from: number, count: number, dFrom: number, dCount: number): tf.Tensor1D {
  const b = v.ball.shape[0];
  const drift =
    g.drift === undefined || v.drift === undefined
      ? undefined
      : {
          values: v.drift,
          projections: tf.reshape(g.drift.projections, [b, g.drift.samplesPerCenter]) as tf.Tensor2D,
          factors: g.drift.factors,
          from: dFrom,
          count: dCount,
        };
  const r = tf.sub(v.center, logMeanValue(v.ball, from, count, drift));
  return (g.scale === undefined ? r : tf.mul(r, g.scale)) as tf.Tensor1D;
}

/**
 * The heat-ball log residual R_r[ψ] = ψ(y₀, s₀) − log E_κ[e^{ψ(y₀ + rζ, s₀ − r²ς)}] per centre (with the §7.2
 * drift correction inside the log when `groups.drift` is given), times `groups.scale`.
 *
 * @remarks Zero for every r on exact log-densities of the forward process; with `scale = 1/(r²E_κ[ς])` it tends to
 * the pointwise Fokker–Planck residual ψ_s − Δψ − |∇ψ|² (+ ∇·c + c·∇ψ) as r → 0 (heat-ball.md §9), which the tests
 * check against {@link fokkerPlanckResidual}. Derivative-free in y and s: only ψ values are needed.
 * @returns a new `[B]` tensor owned by the caller.
 * @throws ParabolicError `SHAPE_MISMATCH` for inconsistent group shapes.
 * @example
 * ```ts
 * const groups = heatBallGroupTensors(sampleHeatBallGroups(key(0), { centers, centerTimes, radius: { fraction: 0.125 }, samples: 64 }));
 * const r = heatBallLogResidual(net.potential, groups);
 * ```
 */
export function heatBallLogResidual(potential: TensorPotentialFn, groups: HeatBallGroups): tf.Tensor1D {
  const { b, n } = checkGroups("heatBallLogResidual", groups);
  return tf.tidy(() => {
    const v = evaluateGroups(potential, groups, b, n);
    const m = groups.drift?.samplesPerCenter ?? 0;
    return residualFromValues(v, groups, 0, n, 0, m);
  });
}

/**
 * Options of {@link heatBallResidualLoss}.
 * @example
 * ```ts
 * heatBallResidualLoss(net.potential, groups, { controlVariate: (y, s) => gaussianBasePotential(y, s, 3.4) });
 * ```
 */
export type HeatBallResidualLossOptions = Readonly<{
  /**
   * An exactly caloric potential (e.g. the Gaussian base) whose residual, computed on the same points, is
   * subtracted: its expectation is zero, so the loss stays consistent while the shared Monte Carlo noise cancels.
   * The drift correction is not applied to it.
   */
  controlVariate?: TensorPotentialFn;
}>;

/**
 * The unbiased-square heat-ball residual loss mean_b R⁽ᵃ⁾_b·R⁽ᵇ⁾_b from two independent halves of each centre's
 * points (optionally minus the caloric control variate's residual in each half).
 *
 * @remarks E[R⁽ᵃ⁾R⁽ᵇ⁾ | centre] = E[R | centre]², so the Monte Carlo variance of the mean value does not bias the
 * loss upwards as (R⁽ᵃ⁾ + R⁽ᵇ⁾)²/4 would. `samplesPerCenter` (and the drift's) must be even.
 * @returns a new scalar owned by the caller.
 * @throws ParabolicError `SHAPE_MISMATCH` / `INVALID_ARGUMENT` for bad groups or an odd sample count.
 * @example
 * ```ts
 * const loss = heatBallResidualLoss(net.potential, groups, { controlVariate: (y, s) => gaussianBasePotential(y, s, v) });
 * ```
 */
export function heatBallResidualLoss(potential: TensorPotentialFn, groups: HeatBallGroups, options: HeatBallResidualLossOptions = {}): tf.Scalar {
  const fn = "heatBallResidualLoss";
  const { b, n } = checkGroups(fn, groups);
  const m = groups.drift?.samplesPerCenter ?? 0;
  if (n % 2 !== 0 || m % 2 !== 0) {
    throw new ParabolicError("INVALID_ARGUMENT", `${fn}: samples per centre must be even (two halves); got ${n} κ-points and ${m} drift points.`, {
      argument: "samplesPerCenter",
      value: n,
    });
  }
  return tf.tidy(() => {
    const v = evaluateGroups(potential, groups, b, n);
    let ra = residualFromValues(v, groups, 0, n / 2, 0, m / 2);
    let rb = residualFromValues(v, groups, n / 2, n / 2, m / 2, m / 2);
    if (options.controlVariate !== undefined) {
      const { drift: _drift, ...rest } = groups;
      void _drift;
      const plain: HeatBallGroups = rest;
      const c = evaluateGroups(options.controlVariate, plain, b, n);
      ra = tf.sub(ra, residualFromValues(c, plain, 0, n / 2, 0, 0));
      rb = tf.sub(rb, residualFromValues(c, plain, n / 2, n / 2, 0, 0));
    }
    return tf.mean(tf.mul(ra, rb)) as tf.Scalar;
  });
}

/**
 * Score heat-ball consistency: mean_b ‖∇ψ(y₀) − Σᵢ softmax(ψᵢ)∇ψ(yᵢ)‖² with the softmax weights held constant
 * (stop-gradient), from values and scores at the centres and ball points.
 *
 * @remarks The gradient form of the mean-value property (heat-ball.md §8 item 2): ∇w is caloric, so
 * ∇ψ(y₀) = E_κ[wᵢ∇ψᵢ]/E_κ[wᵢ] for exact log-densities (linear drift). Inputs are not disposed.
 * @param centerScores - ∇ψ at the centres, `[B, d]`.
 * @param ballValues - ψ at the ball points, `[B, N]`.
 * @param ballScores - ∇ψ at the ball points, `[B·N, d]`.
 * @param scale - optional per-centre multiplier of the difference (e.g. 1/(r²E_κ[ς]), making the term an
 *   r → 0-stable penalty on the gradient of the FP residual).
 * @returns a new scalar owned by the caller.
 * @example
 * ```ts
 * const { potential, score } = net.potentialAndScore(allPoints, allTimes);
 * ```
 */
export function scoreConsistencyLoss(centerScores: tf.Tensor2D, ballValues: tf.Tensor2D, ballScores: tf.Tensor2D, scale?: tf.Tensor1D): tf.Scalar {
  const [b, n] = ballValues.shape;
  const d = centerScores.shape[1];
  if (centerScores.shape[0] !== b || ballScores.shape[0] !== b * n || ballScores.shape[1] !== d) {
    throw new ParabolicError("SHAPE_MISMATCH", `scoreConsistencyLoss: expected centre scores [${b},${d}] and ball scores [${b * n},${d}]; got [${centerScores.shape.join(",")}] and [${ballScores.shape.join(",")}].`);
  }
  return tf.tidy(() => {
    const weights = stopGradient(tf.softmax(ballValues, 1)); // [B, N]
    const scores = tf.reshape(ballScores, [b, n, d]);
    const mean = tf.sum(tf.mul(tf.reshape(weights, [b, n, 1]), scores), 1);
    let difference = tf.sub(centerScores, mean);
    if (scale !== undefined) difference = tf.mul(difference, tf.reshape(scale, [b, 1]));
    return tf.mean(tf.sum(tf.square(difference), 1)) as tf.Scalar;
  });
}

/**
 * Anchor (per-level maximum likelihood with a self-normalised importance estimate of the normaliser):
 * mean_k [−mean_a ψ(y_a, s_k) + log mean_m e^{ψ(z_m, s_k) − log q_k(z_m)}], z_m ~ q_k.
 *
 * @remarks Pins the per-time normalisation that the heat-ball residual cannot see (it is invariant to ψ + const but
 * not to ψ + c(s), heat-ball.md §10), and is a data term by itself. Rows are grouped by level: `dataPoints` has
 * `K·A` rows, `proposalPoints` `K·M` rows.
 * @returns a new scalar owned by the caller.
 * @example
 * ```ts
 * const loss = anchorLoss(net.potential, { levels, dataPoints, proposalPoints, proposalLogDensity });
 * ```
 */
export function anchorLoss(
  potential: TensorPotentialFn,
  inputs: Readonly<{ levels: tf.Tensor1D; dataPoints: tf.Tensor2D; proposalPoints: tf.Tensor2D; proposalLogDensity: tf.Tensor1D }>,
): tf.Scalar {
  const k = inputs.levels.shape[0];
  const a = inputs.dataPoints.shape[0] / k;
  const m = inputs.proposalPoints.shape[0] / k;
  if (!Number.isInteger(a) || !Number.isInteger(m) || a < 1 || m < 1 || inputs.proposalLogDensity.shape[0] !== k * m) {
    throw new ParabolicError("SHAPE_MISMATCH", `anchorLoss: data and proposal rows must be whole multiples of the ${k} levels.`);
  }
  return tf.tidy(() => {
    const levelTimes = (per: number): tf.Tensor1D => tf.reshape(tf.tile(tf.reshape(inputs.levels, [k, 1]), [1, per]), [-1]) as tf.Tensor1D;
    const dataPsi = tf.reshape(potential(inputs.dataPoints, levelTimes(a)), [k, a]);
    const logW = tf.reshape(tf.sub(potential(inputs.proposalPoints, levelTimes(m)), inputs.proposalLogDensity), [k, m]);
    const logZ = tf.sub(tf.logSumExp(logW, 1), Math.log(m));
    return tf.mean(tf.sub(logZ, tf.mean(dataPsi, 1))) as tf.Scalar;
  });
}
