import { assertInRange, assertPositiveInteger, assertPositiveNumber, invalidArgument } from "@parabolic/core";
import { gaussianMixture, type GaussianMixture } from "./gaussian-mixture.js";

/**
 * The sparse/dense 2-D mixture of the heat-ball reference scripts: weights 0.7 / 0.2 / 0.1, means (0, 0),
 * (4, 3), (−4, 3), isotropic σ = 0.35.
 *
 * @remarks One dense mode and two sparse ones; the score-estimation tests evaluate errors separately on the
 * low-density set between them (see {@link lowDensityQueries}).
 * @example
 * ```ts
 * const p = sparseDenseMixture();
 * const x = p.sample(key(0), 512);
 * ```
 */
export function sparseDenseMixture(): GaussianMixture {
  return gaussianMixture(
    { weights: [0.7, 0.2, 0.1], means: [[0, 0], [4, 3], [-4, 3]], scales: 0.35 },
    { name: "sparse-dense-mixture" },
  );
}

/**
 * REF, the 2-D reference mixture of the Helmholtz–Hodge specification (hhd.md §7): weights 0.40 / 0.35 / 0.25,
 * means (−1.5, 0), (1.5, 0.6), (0.2, −1.8), covariances [[.30, .12], [.12, .20]], [[.20, −.08], [−.08, .35]],
 * diag(.25, .15).
 *
 * @remarks The exact test problem behind the grid decomposition, dual-Sobolev and invisibility acceptance numbers
 * of `@parabolic/hhd` and the `hhd` / `hhd-training` studies.
 * @example
 * ```ts
 * const p0 = hhdReferenceMixture();
 * const pt = forwardMarginal(p0, vpTransition(0.1));
 * ```
 */
export function hhdReferenceMixture(): GaussianMixture {
  return gaussianMixture(
    {
      weights: [0.4, 0.35, 0.25],
      means: [
        [-1.5, 0.0],
        [1.5, 0.6],
        [0.2, -1.8],
      ],
      covariances: [
        [0.3, 0.12, 0.12, 0.2],
        [0.2, -0.08, -0.08, 0.35],
        [0.25, 0, 0, 0.15],
      ],
    },
    { name: "hhd-ref" },
  );
}

function rotatedCovariance(sigmaMajor: number, sigmaMinor: number, angleDegrees: number): number[][] {
  const a = (angleDegrees * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const l1 = sigmaMajor * sigmaMajor;
  const l2 = sigmaMinor * sigmaMinor;
  // R diag(l1, l2) Rᵀ with R = [[c, −s], [s, c]]
  return [
    [c * c * l1 + s * s * l2, c * s * (l1 - l2)],
    [c * s * (l1 - l2), s * s * l1 + c * c * l2],
  ];
}

/**
 * An anisotropic 2-D mixture with full, rotated covariances (Parabolic's own choice; the reference scripts' "asym"
 * mixture is not specified anywhere we could read).
 *
 * @remarks Three components R(θ) diag(a², b²) R(θ)ᵀ:
 * | weight | mean | (a, b) | θ |
 * |---|---|---|---|
 * | 0.5 | (−2, 0) | (1.0, 0.2) | 45° |
 * | 0.3 | (2, 1) | (0.8, 0.15) | −30° |
 * | 0.2 | (0.5, −2.5) | (0.6, 0.3) | 90° |
 *
 * Elongated, tilted modes make isotropic-kernel estimators (and samplers without preconditioning) visibly wrong.
 * @example
 * ```ts
 * const p = anisotropicMixture();
 * p.covariances.subarray(0, 4); // [0.52, 0.48, 0.48, 0.52]
 * ```
 */
export function anisotropicMixture(): GaussianMixture {
  return gaussianMixture(
    {
      weights: [0.5, 0.3, 0.2],
      means: [[-2, 0], [2, 1], [0.5, -2.5]],
      covariances: [rotatedCovariance(1.0, 0.2, 45), rotatedCovariance(0.8, 0.15, -30), rotatedCovariance(0.6, 0.3, 90)],
    },
    { name: "anisotropic-mixture" },
  );
}

/**
 * The "8 Gaussians" toy: equal weights, means on a circle at angles kπ/4, isotropic σ.
 *
 * @remarks Defaults follow FFJORD's `8gaussians` generator after its final division (radius 4/√2 = 2√2,
 * σ = 0.5/√2 ≈ 0.354).
 * @param options - `radius` (default 2√2), `scale` σ (default 1/(2√2)).
 * @throws ParabolicError `INVALID_ARGUMENT` for a non-positive radius or scale.
 * @example
 * ```ts
 * const p = eightGaussians({ radius: 4, scale: 0.5 });
 * ```
 */
export function eightGaussians(options: Readonly<{ radius?: number; scale?: number }> = {}): GaussianMixture {
  const radius = options.radius ?? 2 * Math.SQRT2;
  const scale = options.scale ?? 0.5 / Math.SQRT2;
  assertPositiveNumber("eightGaussians", "radius", radius);
  assertPositiveNumber("eightGaussians", "scale", scale);
  const means: number[][] = [];
  for (let k = 0; k < 8; k++) means.push([radius * Math.cos((k * Math.PI) / 4), radius * Math.sin((k * Math.PI) / 4)]);
  return gaussianMixture({ weights: new Array<number>(8).fill(1), means, scales: scale }, { name: "eight-gaussians" });
}

/**
 * A grid mixture with equal weights on `levels × levels` (default the 16 modes {−6, −2, 2, 6}²), isotropic σ.
 *
 * @remarks Default σ = 1: this is exactly the SBTM study's `gaussians_near_2d` target (16 unit-variance
 * components, weights 1/16); neighbouring modes are 4σ apart, so the density between them is low but not
 * negligible. `levels: [-15, -5, 5, 15]` gives `gaussians_far_2d`.
 * @throws ParabolicError `INVALID_ARGUMENT` for empty or non-finite levels or a non-positive scale.
 * @example
 * ```ts
 * const near = gridMixture();                                  // 16 modes, σ = 1
 * const far = gridMixture({ levels: [-15, -5, 5, 15] });
 * ```
 */
export function gridMixture(options: Readonly<{ levels?: ReadonlyArray<number>; scale?: number }> = {}): GaussianMixture {
  const levels = options.levels ?? [-6, -2, 2, 6];
  const scale = options.scale ?? 1;
  assertPositiveNumber("gridMixture", "scale", scale);
  if (!Array.isArray(levels) || levels.length === 0) throw invalidArgument("gridMixture", "levels", "be a non-empty array of numbers", levels);
  const means: number[][] = [];
  for (const a of levels) for (const b of levels) means.push([a, b]);
  return gaussianMixture({ weights: new Array<number>(means.length).fill(1), means, scales: scale }, { name: "grid-mixture" });
}

/**
 * The ring (radius R = 2.5, σ = 0.12), realised as an exact equal-weight mixture of `components` isotropic
 * Gaussians with means equally spaced on the circle.
 *
 * @remarks The continuous ring (angle uniform, point = R(cos θ, sin θ) + σε) is the limit K → ∞. By Poisson
 * summation the K-component mixture differs from it by a relative ripple of about 2·exp(−2π²σ²/h²) along the
 * ring, where h = 2πR/K is the spacing of the means. The default K = 128 gives h = 0.1227 ≈ σ and a ripple of
 * about 1.3e−8, far below any Monte Carlo error, while the mixture stays exact (sampling, log-density, score and
 * the forward marginal at every time). K = 64 would give ripple ≈ 2e−2, too coarse.
 * @throws ParabolicError `INVALID_ARGUMENT` for a non-positive radius or scale, or K < 3.
 * @example
 * ```ts
 * const ring = ringMixture();              // R 2.5, σ 0.12, 128 components
 * ring.componentCount;                     // 128
 * ```
 */
export function ringMixture(options: Readonly<{ radius?: number; scale?: number; components?: number }> = {}): GaussianMixture {
  const radius = options.radius ?? 2.5;
  const scale = options.scale ?? 0.12;
  const components = options.components ?? 128;
  assertPositiveNumber("ringMixture", "radius", radius);
  assertPositiveNumber("ringMixture", "scale", scale);
  assertPositiveInteger("ringMixture", "components", components, 1 << 20);
  if (components < 3) throw invalidArgument("ringMixture", "components", "be at least 3", components);
  const means: number[][] = [];
  for (let k = 0; k < components; k++) {
    const a = (2 * Math.PI * k) / components;
    means.push([radius * Math.cos(a), radius * Math.sin(a)]);
  }
  return gaussianMixture({ weights: new Array<number>(components).fill(1), means, scales: scale }, { name: "ring-mixture" });
}

/**
 * The SBTM study's 1-D two-mode target w_left·N(−a, 1) + (1 − w_left)·N(a, 1).
 *
 * @remarks Default `leftWeight` 0.25 gives 0.25 N(−a, 1) + 0.75 N(a, 1); `offset` a = 2 is the "near" target
 * (π(x < 0) = 0.26137), a = 4 the "far" one (π(x < 0) = 0.25002). `leftWeight: 0.75` gives the mirrored mixture
 * 0.25·N(a, 1) + 0.75·N(−a, 1).
 * @throws ParabolicError `INVALID_ARGUMENT` for a non-positive offset or a weight outside (0, 1).
 * @example
 * ```ts
 * const near = sbtmBimodal({ offset: 2 });
 * const far = sbtmBimodal({ offset: 4 });
 * ```
 */
export function sbtmBimodal(options: Readonly<{ offset?: number; leftWeight?: number }> = {}): GaussianMixture {
  const offset = options.offset ?? 2;
  const leftWeight = options.leftWeight ?? 0.25;
  assertPositiveNumber("sbtmBimodal", "offset", offset);
  assertInRange("sbtmBimodal", "leftWeight", leftWeight, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  return gaussianMixture(
    { weights: [leftWeight, 1 - leftWeight], means: [[-offset], [offset]], scales: 1 },
    { name: `sbtm-bimodal-${offset}` },
  );
}
