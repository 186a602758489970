/**
 * `@parabolic/metrics`: Float64 sample-quality diagnostics for particle samplers. Particle sets are row-major
 * `count × dim` Float64Arrays; every randomised metric takes a PRNG key first; the O(N²) ones say so and accept
 * `subsample: { key, size }`.
 *
 * @packageDocumentation
 */
export { sampleMoments, type SampleMoments } from "./moments.js";
export { gaussianKl, gaussianFitKl, type Gaussian } from "./gaussian-kl.js";
export { relativeFisherInformation, annealedEntropyDissipation, type ScoreValues } from "./fisher.js";
export { gaussianKde1d, kdeKlVsSamples, kdeKlVsDensity, kdeResubstitutionKl, type Kde1d, type BandwidthRule } from "./kde.js";
export { maximumMeanDiscrepancy, type MmdResult } from "./mmd.js";
export { energyDistance } from "./energy-distance.js";
export { wasserstein1d, slicedWasserstein } from "./wasserstein.js";
export { kernelSteinDiscrepancy, type KsdResult } from "./stein.js";
export { modeProportions, modeCoverage, modeProportionKl, type ModeProportions } from "./modes.js";
export { chainEffectiveSampleSize } from "./ess.js";
