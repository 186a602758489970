import { ParabolicError, assertAllFinite, assertNonNegativeNumber, assertPositiveInteger, invalidArgument } from "@parabolic/core";
import { checkPoints, squaredDistance } from "./internal/points.js";

/**
 * Particle counts per mode after nearest-mode assignment.
 *
 * @example
 * ```ts
 * const { proportions, unassigned } = modeProportions(x, { dim: 1, modes: new Float64Array([-4, 4]), radius: 3 });
 * ```
 */
export type ModeProportions = Readonly<{
  /** Particles assigned to each mode (length = number of modes). */
  counts: Float64Array;
  /** counts / (number of assigned particles); all zeros if none is assigned. */
  proportions: Float64Array;
  /** Particles farther than `radius` from every mode. */
  unassigned: number;
}>;

type ModeOptions = Readonly<{
  dim: number;
  /** Mode centres, row-major `modes × dim`. */
  modes: Float64Array;
  /** Only particles within this Euclidean distance of their nearest mode count. @defaultValue ∞ */
  radius?: number;
}>;

/**
 * Assigns every particle to its nearest mode centre and counts them.
 *
 * @remarks With modes at ±a in 1-D, `proportions[0]` is the particle mass on x < 0 (the mode-weight statistic of
 * the SBTM spec). Ties go to the lower-indexed mode. Cost O(N K d).
 * @example
 * ```ts
 * modeProportions(x, { dim: 1, modes: new Float64Array([-4, 4]) }).proportions; // ≈ [0.25, 0.75] when mixed
 * ```
 */
export function modeProportions(points: Float64Array, options: ModeOptions): ModeProportions {
  const fn = "modeProportions";
  const dim = options.dim;
  const count = checkPoints(fn, "points", points, dim);
  const k = checkPoints(fn, "modes", options.modes, dim);
  assertAllFinite(fn, "modes", options.modes);
  const radius = options.radius ?? Infinity;
  if (radius !== Infinity) assertNonNegativeNumber(fn, "radius", radius);
  const r2 = radius * radius;
  const counts = new Float64Array(k);
  let unassigned = 0;
  for (let i = 0; i < count; i++) {
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < k; j++) {
      const d = squaredDistance(points, i, options.modes, j, dim);
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    if (best >= 0 && bestD <= r2) counts[best] = counts[best]! + 1;
    else unassigned++;
  }
  const assigned = count - unassigned;
  const proportions = counts.map((c) => (assigned > 0 ? c / assigned : 0));
  return { counts, proportions, unassigned };
}

/**
 * Mode coverage: the fraction of modes that received at least `minCount` particles (nearest-mode assignment).
 *
 * @remarks The "fraction of components reached" statistic for multi-modal targets (spec R4, R8). Cost O(N K d).
 * @defaultValue minCount 1.
 * @example
 * ```ts
 * modeCoverage(x, { dim: 2, modes: grid16, radius: 2 }); // 1 when every one of the 16 modes is visited
 * ```
 */
export function modeCoverage(points: Float64Array, options: ModeOptions & Readonly<{ minCount?: number }>): number {
  const minCount = options.minCount ?? 1;
  assertPositiveInteger("modeCoverage", "minCount", minCount);
  const { counts } = modeProportions(points, options);
  let covered = 0;
  for (let j = 0; j < counts.length; j++) if (counts[j]! >= minCount) covered++;
  return covered / counts.length;
}

/**
 * Mode-proportion KL: KL(p̂ ‖ w) = Σ_j p̂_j log(p̂_j / w_j) between the particles' mode proportions and the
 * target's mode weights (0 log 0 = 0).
 *
 * @remarks Measures mis-weighted modes (the metastability of non-annealed samplers on separated mixtures) and
 * is +∞ only if a mode with weight 0 receives particles. The statistical floor for N exact draws is
 * ≈ (K − 1)/(2N). Cost O(N K d).
 * @throws ParabolicError `SHAPE_MISMATCH` if `weights` does not have one entry per mode; `INVALID_ARGUMENT` for
 * negative weights or no assigned particle.
 * @example
 * ```ts
 * modeProportionKl(x, { dim: 1, modes: new Float64Array([-4, 4]), weights: new Float64Array([0.25, 0.75]) });
 * ```
 */
export function modeProportionKl(
  points: Float64Array,
  options: ModeOptions & Readonly<{ weights: ArrayLike<number> }>,
): number {
  const fn = "modeProportionKl";
  const { proportions, counts } = modeProportions(points, options);
  const w = options.weights;
  if (w.length !== counts.length) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'weights' must have one entry per mode (${counts.length}); got ${w.length}.`, {
      expected: counts.length,
      actual: w.length,
    });
  }
  let total = 0;
  for (let j = 0; j < w.length; j++) {
    if (!(w[j]! >= 0) || !Number.isFinite(w[j]!)) throw invalidArgument(fn, "weights", "be finite and non-negative", w[j]);
    total += w[j]!;
  }
  if (!(total > 0)) throw invalidArgument(fn, "weights", "have a positive sum", total);
  let assigned = 0;
  for (let j = 0; j < counts.length; j++) assigned += counts[j]!;
  if (assigned === 0) throw invalidArgument(fn, "points", "have at least one particle within 'radius' of a mode", assigned);
  let kl = 0;
  for (let j = 0; j < w.length; j++) {
    const p = proportions[j]!;
    if (p > 0) kl += p * Math.log(p / (w[j]! / total));
  }
  return kl;
}
