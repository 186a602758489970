import {
  assertFiniteNumber,
  assertNonNegativeNumber,
  assertPositiveInteger,
  assertPositiveNumber,
  integrate,
  invalidArgument,
} from "@parabolic/core";
import type { DriftField } from "./drift-field.js";
import { checkSkew, defaultGenerator } from "./internal/skew.js";
import { invertMonotone } from "./internal/invert-monotone.js";

/**
 * ∫_0^t f by core's adaptive Gauss–Kronrod quadrature, to 1e−13 relative (the time-change integrals of smooth
 * user schedules; non-finite integrands throw `NON_FINITE` naming the time).
 */
function integrateFromZero(f: (u: number) => number, t: number): number {
  return integrate(f, 0, t, { tolerance: 0, relativeTolerance: 1e-13 }).value;
}

/**
 * Which family a {@link ForwardProcess} belongs to.
 *
 * @example
 * ```ts
 * vpProcess().kind; // "vp"
 * ```
 */
export type ProcessKind = "ou" | "vp" | "ve" | "sub-vp" | "custom";

/**
 * A skew linear part J(t) = rate(t)·J0 of the forward drift, absorbed exactly by the time change through
 * R(t) = exp(P(t)·J0), P(t) = ∫_0^t rate.
 *
 * @example
 * ```ts
 * ouProcess({ rotation: { dim: 2, rate: 1.5 } }).rotation!.integratedRate(2); // 3
 * ```
 */
export type Rotation = Readonly<{
  dim: number;
  /** J0, row-major dim × dim, skew-symmetric. */
  generator: Float64Array;
  rate: (t: number) => number;
  integratedRate: (t: number) => number;
}>;

/**
 * A forward SDE dX = F(X,t)dt + g(t)dW with F = −β(t)x + J(t)x + b(x,t) (heat-ball.md §1–§2), together with
 * the closed forms (or quadratures) of its time change.
 *
 * @remarks Build one with {@link ouProcess}, {@link vpProcess}, {@link veProcess}, {@link subVpProcess} or
 * {@link customProcess}; do not assemble it by hand. `integratedBeta` is B(t) = ∫_0^t β, `heatTime` is the
 * cumulative-variance coordinate s(t) = ∫_0^t e^{2B} g²/2 and `time` its inverse. `dim` is fixed only when a
 * rotation or a nonlinear drift fixes it.
 *
 * @example
 * ```ts
 * const p: ForwardProcess = ouProcess();
 * p.heatTime(0.3); // (e^{0.6} − 1)/2
 * ```
 */
export type ForwardProcess = Readonly<{
  kind: ProcessKind;
  dim: number | undefined;
  beta: (t: number) => number;
  diffusion: (t: number) => number;
  integratedBeta: (t: number) => number;
  heatTime: (t: number) => number;
  time: (s: number) => number;
  rotation: Rotation | undefined;
  drift: DriftField | undefined;
  parameters: Readonly<Record<string, number>>;
}>;

/**
 * Options shared by every process constructor: a nonlinear drift b and/or an absorbed rotation J.
 *
 * @example
 * ```ts
 * const p = ouProcess({ drift: doubleWellDrift({ dim: 2 }), rotation: { dim: 2, rate: 0.5 } });
 * ```
 */
export type ProcessExtras = Readonly<{
  /** Nonlinear state-dependent drift b(x, t) (batched). */
  drift?: DriftField;
  /**
   * Skew linear part J(t) = rate(t)·J0. `generator` defaults to the pairwise rotation (dim even), `rate` to 1,
   * `integratedRate` to a quadrature of `rate` (or `rate·t` when `rate` is a number).
   */
  rotation?: Readonly<{
    dim: number;
    generator?: Float64Array;
    rate?: number | ((t: number) => number);
    integratedRate?: (t: number) => number;
  }>;
}>;

function buildRotation(fn: string, spec: ProcessExtras["rotation"]): Rotation | undefined {
  if (spec === undefined) return undefined;
  assertPositiveInteger(fn, "rotation.dim", spec.dim);
  const generator = spec.generator ? Float64Array.from(spec.generator) : defaultGenerator(fn, spec.dim);
  checkSkew(fn, "rotation.generator", generator, spec.dim);
  const r = spec.rate ?? 1;
  if (typeof r === "number") {
    assertFiniteNumber(fn, "rotation.rate", r);
    return { dim: spec.dim, generator, rate: () => r, integratedRate: spec.integratedRate ?? ((t) => r * t) };
  }
  if (typeof r !== "function") throw invalidArgument(fn, "rotation.rate", "be a number or a function of t", r);
  return { dim: spec.dim, generator, rate: r, integratedRate: spec.integratedRate ?? ((t) => integrateFromZero(r, t)) };
}

function finish(
  fn: string,
  kind: ProcessKind,
  core: Omit<ForwardProcess, "kind" | "dim" | "rotation" | "drift">,
  extras: ProcessExtras,
): ForwardProcess {
  const rotation = buildRotation(fn, extras.rotation);
  const drift = extras.drift;
  if (drift !== undefined && (typeof drift !== "object" || typeof drift.evaluate !== "function")) {
    throw invalidArgument(fn, "drift", "be a DriftField ({ dim, evaluate })", drift);
  }
  if (drift && rotation && drift.dim !== rotation.dim) {
    throw invalidArgument(fn, "rotation.dim", `equal drift.dim (${drift.dim})`, rotation.dim);
  }
  return { kind, dim: drift?.dim ?? rotation?.dim, rotation, drift, ...core };
}

/**
 * The Ornstein–Uhlenbeck process dX = −θX dt + σ dW (defaults θ = 1, σ = √2, the spec's OU).
 *
 * @remarks B(t) = θt and s(t) = σ²(e^{2θt} − 1)/(4θ) (σ²t/2 when θ = 0); with the defaults y = e^t x and
 * s = (e^{2t} − 1)/2 (heat-ball.md §2(c)). θ may be negative (an expanding linear drift).
 *
 * @throws ParabolicError `INVALID_ARGUMENT` for a non-finite rate or a non-positive diffusion.
 * @example
 * ```ts
 * const ou = ouProcess();
 * ou.heatTime(0.3); // (e^{0.6} − 1)/2
 * ```
 */
export function ouProcess(options: Readonly<{ rate?: number; diffusion?: number }> & ProcessExtras = {}): ForwardProcess {
  const fn = "ouProcess";
  const theta = options.rate ?? 1;
  const sigma = options.diffusion ?? Math.SQRT2;
  assertFiniteNumber(fn, "rate", theta);
  assertPositiveNumber(fn, "diffusion", sigma);
  const v = sigma * sigma;
  const heatTime = (t: number): number => (theta === 0 ? (v * t) / 2 : (v * Math.expm1(2 * theta * t)) / (4 * theta));
  const time = (s: number): number => (theta === 0 ? (2 * s) / v : Math.log1p((4 * theta * s) / v) / (2 * theta));
  return finish(
    fn,
    "ou",
    {
      beta: () => theta,
      diffusion: () => sigma,
      integratedBeta: (t) => theta * t,
      heatTime,
      time,
      parameters: { rate: theta, diffusion: sigma },
    },
    options,
  );
}

function linearScheduleInverse(betaMin: number, betaMax: number, target: number): number {
  // solve betaMin·t + ½(betaMax − betaMin)t² = target for t ≥ 0
  const a = 0.5 * (betaMax - betaMin);
  if (a <= 1e-15 * Math.max(1, betaMin)) return target / betaMin;
  return (2 * target) / (betaMin + Math.sqrt(betaMin * betaMin + 4 * a * target));
}

/** The validated linear schedule β_VP(t) = β_min + t(β_max − β_min) shared by VP and sub-VP, with ∫_0^t β_VP. */
function linearSchedule(
  fn: string,
  betaMin: number,
  betaMax: number,
): { betaVp: (t: number) => number; integral: (t: number) => number; inverse: (target: number) => number } {
  assertNonNegativeNumber(fn, "betaMin", betaMin);
  assertPositiveNumber(fn, "betaMax", betaMax);
  if (betaMax < betaMin) throw invalidArgument(fn, "betaMax", `be >= betaMin (${betaMin})`, betaMax);
  return {
    betaVp: (t) => betaMin + t * (betaMax - betaMin),
    integral: (t) => betaMin * t + 0.5 * (betaMax - betaMin) * t * t,
    inverse: (target) => linearScheduleInverse(betaMin, betaMax, target),
  };
}

/**
 * The variance-preserving SDE dX = −½β(t)X dt + √β(t) dW with β(t) = β_min + t(β_max − β_min).
 *
 * @remarks B(t) = ½∫β and s = (e^{2B} − 1)/2 (heat-ball.md §2(c)). The defaults (0.1, 20) on t ∈ [0, 1] give
 * S_MAX = (e^{10.05} − 1)/2 ≈ 1.158·10⁴.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` unless 0 ≤ β_min ≤ β_max and β_max > 0.
 * @example
 * ```ts
 * const vp = vpProcess({ betaMin: 0.1, betaMax: 20 });
 * vp.heatTime(1); // ≈ 1.158e4
 * ```
 */
export function vpProcess(options: Readonly<{ betaMin?: number; betaMax?: number }> & ProcessExtras = {}): ForwardProcess {
  const fn = "vpProcess";
  const betaMin = options.betaMin ?? 0.1;
  const betaMax = options.betaMax ?? 20;
  const { betaVp, integral, inverse } = linearSchedule(fn, betaMin, betaMax);
  return finish(
    fn,
    "vp",
    {
      beta: (t) => 0.5 * betaVp(t),
      diffusion: (t) => Math.sqrt(Math.max(0, betaVp(t))),
      integratedBeta: (t) => 0.5 * integral(t),
      heatTime: (t) => 0.5 * Math.expm1(integral(t)),
      time: (s) => inverse(Math.log1p(2 * s)),
      parameters: { betaMin, betaMax },
    },
    options,
  );
}

/**
 * The sub-VP SDE dX = −½β(t)X dt + √(β(t)(1 − e^{−2∫β})) dW (Song et al. 2021), linear β schedule.
 *
 * @remarks B(t) = ½∫β and, in closed form, s(t) = cosh(∫_0^t β) − 1. g(0) = 0, so s'(0) = 0.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` unless 0 ≤ β_min ≤ β_max and β_max > 0.
 * @example
 * ```ts
 * const sub = subVpProcess();
 * sub.heatTime(0.5) === Math.cosh(0.1 * 0.5 + 0.5 * 19.9 * 0.25) - 1;
 * ```
 */
export function subVpProcess(options: Readonly<{ betaMin?: number; betaMax?: number }> & ProcessExtras = {}): ForwardProcess {
  const fn = "subVpProcess";
  const betaMin = options.betaMin ?? 0.1;
  const betaMax = options.betaMax ?? 20;
  const { betaVp, integral, inverse } = linearSchedule(fn, betaMin, betaMax);
  return finish(
    fn,
    "sub-vp",
    {
      beta: (t) => 0.5 * betaVp(t),
      diffusion: (t) => Math.sqrt(Math.max(0, betaVp(t) * -Math.expm1(-2 * integral(t)))),
      integratedBeta: (t) => 0.5 * integral(t),
      heatTime: (t) => {
        const b = integral(t);
        // cosh(b) − 1 = 2 sinh²(b/2), exact for small b
        const sh = Math.sinh(0.5 * b);
        return 2 * sh * sh;
      },
      time: (s) => inverse(2 * Math.asinh(Math.sqrt(0.5 * s))),
      parameters: { betaMin, betaMax },
    },
    options,
  );
}

/**
 * The variance-exploding SDE dX = √(dσ²/dt) dW with σ(t) = σ_min (σ_max/σ_min)^t.
 *
 * @remarks β = 0, y = x and s(t) = (σ(t)² − σ_min²)/2, so X_t | X_0 ~ N(X_0, (σ(t)² − σ_min²) I).
 *
 * @throws ParabolicError `INVALID_ARGUMENT` unless 0 < σ_min < σ_max.
 * @example
 * ```ts
 * const ve = veProcess({ sigmaMin: 0.01, sigmaMax: 50 });
 * ```
 */
export function veProcess(options: Readonly<{ sigmaMin?: number; sigmaMax?: number }> & ProcessExtras = {}): ForwardProcess {
  const fn = "veProcess";
  const sigmaMin = options.sigmaMin ?? 0.01;
  const sigmaMax = options.sigmaMax ?? 50;
  assertPositiveNumber(fn, "sigmaMin", sigmaMin);
  assertPositiveNumber(fn, "sigmaMax", sigmaMax);
  if (sigmaMax <= sigmaMin) throw invalidArgument(fn, "sigmaMax", `be > sigmaMin (${sigmaMin})`, sigmaMax);
  const logRatio = Math.log(sigmaMax / sigmaMin);
  const sigma = (t: number): number => sigmaMin * Math.exp(t * logRatio);
  return finish(
    fn,
    "ve",
    {
      beta: () => 0,
      diffusion: (t) => sigma(t) * Math.sqrt(2 * logRatio),
      integratedBeta: () => 0,
      heatTime: (t) => 0.5 * sigmaMin * sigmaMin * Math.expm1(2 * t * logRatio),
      time: (s) => Math.log1p((2 * s) / (sigmaMin * sigmaMin)) / (2 * logRatio),
      parameters: { sigmaMin, sigmaMax },
    },
    options,
  );
}

/**
 * A forward process with user-supplied β(t) and g(t) (and optionally their integrals in closed form).
 *
 * @remarks Missing integrals are computed by adaptive Gauss–Kronrod quadrature (B(t) = ∫β; s(t) = ∫e^{2B}g²/2,
 * a nested quadrature) and the inverse time map by bisection, so supply `integratedBeta`, `heatTime` and
 * `time` in closed form when you have them. g must be ≥ 0.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` if `beta` or `diffusion` is not a function.
 * @example
 * ```ts
 * const p = customProcess({ beta: () => 1, diffusion: () => Math.SQRT2 }); // the OU process, by quadrature
 * ```
 */
export function customProcess(
  options: Readonly<{
    beta: (t: number) => number;
    diffusion: (t: number) => number;
    integratedBeta?: (t: number) => number;
    heatTime?: (t: number) => number;
    time?: (s: number) => number;
  }> &
    ProcessExtras,
): ForwardProcess {
  const fn = "customProcess";
  if (typeof options.beta !== "function") throw invalidArgument(fn, "beta", "be a function of t", options.beta);
  if (typeof options.diffusion !== "function") throw invalidArgument(fn, "diffusion", "be a function of t", options.diffusion);
  const { beta, diffusion } = options;
  const integratedBeta = options.integratedBeta ?? ((t: number) => integrateFromZero(beta, t));
  const heatTime =
    options.heatTime ??
    ((t: number) =>
      integrateFromZero((u) => {
        const g = diffusion(u);
        return 0.5 * Math.exp(2 * integratedBeta(u)) * g * g;
      }, t));
  const time = options.time ?? ((s: number) => (s <= 0 ? 0 : invertMonotone(heatTime, s, 0, 1)));
  return finish(fn, "custom", { beta, diffusion, integratedBeta, heatTime, time, parameters: {} }, options);
}
