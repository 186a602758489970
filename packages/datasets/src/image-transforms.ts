import { assertObject, assertPositiveInteger, assertPositiveNumber, invalidArgument, ParabolicError, randomStream, type Key } from "@parabolic/core";
import type { LabeledImages } from "./mnist.js";

/**
 * Float element type of transformed data.
 *
 * @example
 * ```ts
 * const dtype: FloatDType = "float64";
 * const x = scaleToUnit(images, { dtype }); // Float64Array
 * ```
 */
export type FloatDType = "float32" | "float64";

/**
 * An in-memory dataset of fixed-size examples: `count × dim` row-major inputs and optional labels.
 *
 * @example
 * ```ts
 * const { dataset } = prepareImages(await loadMnist({ split: "test" }));
 * dataset.shape; // [16, 16]
 * ```
 */
export type ArrayDataset = Readonly<{
  /** Row-major `count × dim`. */
  inputs: Float32Array | Float64Array;
  /** One label per example, if any. */
  labels?: Uint8Array | Int32Array | undefined;
  count: number;
  /** Elements per example (the product of `shape`). */
  dim: number;
  /** Shape of one example, e.g. `[16, 16]`. */
  shape: readonly number[];
}>;

function allocate(dtype: FloatDType, n: number): Float32Array | Float64Array {
  return dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
}

function checkDType(fn: string, dtype: unknown): asserts dtype is FloatDType {
  if (dtype !== "float32" && dtype !== "float64") throw invalidArgument(fn, "dtype", 'be "float32" or "float64"', dtype);
}

function imageCount(fn: string, images: ArrayLike<number>, pixels: number): number {
  if (images === null || typeof images !== "object" || typeof images.length !== "number") {
    throw invalidArgument(fn, "images", "be an array of pixels (count × height × width)", images);
  }
  if (images.length % pixels !== 0) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'images' must hold whole images of ${pixels} pixels; got length ${images.length}.`, {
      function: fn,
      argument: "images",
      pixels,
      actual: images.length,
    });
  }
  return images.length / pixels;
}

/**
 * Sparse 1-D area-average weights from `n` input cells to `m` output cells: output i averages the input
 * interval [i·n/m, (i+1)·n/m), each input cell j = [j, j+1) contributing its overlap length divided by n/m.
 */
function areaWeights(n: number, m: number): { start: Int32Array; weights: Float64Array[] } {
  const scale = n / m;
  const start = new Int32Array(m);
  const weights: Float64Array[] = [];
  for (let i = 0; i < m; i++) {
    // exact rational endpoints i·n/m, computed as (i·n)/m to avoid accumulating rounding
    const a = (i * n) / m;
    const b = ((i + 1) * n) / m;
    const j0 = Math.floor(a);
    const j1 = Math.min(n - 1, Math.ceil(b) - 1);
    start[i] = j0;
    const w = new Float64Array(j1 - j0 + 1);
    for (let j = j0; j <= j1; j++) w[j - j0] = (Math.min(b, j + 1) - Math.max(a, j)) / scale;
    weights.push(w);
  }
  return { start, weights };
}

/**
 * Exact area-average resampling of `count` images from `height × width` to `outHeight × outWidth` (default
 * 28 × 28 → 16 × 16, the 256-dimensional MNIST of the heat-ball study).
 *
 * @remarks Each output pixel is the mean of the input image over the output pixel's footprint, with fractional
 * overlaps weighted exactly (28/16 = 1.75 input pixels per output pixel, so one output pixel covers parts of two
 * or three input pixels per axis). The operator is separable, linear and preserves the mean and the range; it
 * commutes with scaling to [0, 1] and with dequantisation. Values keep the input's scale (0–255 for bytes).
 * Sizes need not divide each other; upsampling (out > in) is allowed and is exact area sampling too.
 * @returns `count × outHeight × outWidth`, `Float32Array` by default (`dtype: "float64"` for exact tests).
 * @throws ParabolicError `INVALID_ARGUMENT` for non-positive sizes; `SHAPE_MISMATCH` if the length is not a
 * multiple of `height × width`.
 * @example
 * ```ts
 * const test = await loadMnist({ split: "test" });
 * const x16 = areaDownsample(test.images);          // Float32Array(10 000 × 256), values 0–255
 * ```
 */
export function areaDownsample(
  images: ArrayLike<number>,
  options: Readonly<{ height?: number; width?: number; outHeight?: number; outWidth?: number; dtype?: FloatDType }> = {},
): Float32Array | Float64Array {
  const fn = "areaDownsample";
  const h = options.height ?? 28;
  const w = options.width ?? 28;
  const oh = options.outHeight ?? 16;
  const ow = options.outWidth ?? 16;
  const dtype = options.dtype ?? "float32";
  for (const [name, v] of [["height", h], ["width", w], ["outHeight", oh], ["outWidth", ow]] as const) assertPositiveInteger(fn, name, v, 1 << 16);
  checkDType(fn, dtype);
  const count = imageCount(fn, images, h * w);
  const rows = areaWeights(h, oh);
  const cols = areaWeights(w, ow);
  const out = allocate(dtype, count * oh * ow);
  const tmp = new Float64Array(oh * w); // rows resampled, columns not yet
  for (let c = 0; c < count; c++) {
    const base = c * h * w;
    tmp.fill(0);
    for (let i = 0; i < oh; i++) {
      const wi = rows.weights[i]!;
      const r0 = rows.start[i]!;
      for (let k = 0; k < wi.length; k++) {
        const weight = wi[k]!;
        const src = base + (r0 + k) * w;
        const dst = i * w;
        for (let x = 0; x < w; x++) tmp[dst + x] = tmp[dst + x]! + weight * images[src + x]!;
      }
    }
    const obase = c * oh * ow;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const wj = cols.weights[j]!;
        const c0 = cols.start[j]!;
        let s = 0;
        for (let k = 0; k < wj.length; k++) s += wj[k]! * tmp[i * w + c0 + k]!;
        out[obase + i * ow + j] = s;
      }
    }
  }
  return out;
}

/**
 * Scales byte pixels (0–255) to [0, 1] by dividing by 255.
 *
 * @example
 * ```ts
 * scaleToUnit(new Uint8Array([0, 255])); // Float32Array [0, 1]
 * ```
 */
export function scaleToUnit(values: ArrayLike<number>, options: Readonly<{ dtype?: FloatDType; maxValue?: number }> = {}): Float32Array | Float64Array {
  const dtype = options.dtype ?? "float32";
  const maxValue = options.maxValue ?? 255;
  checkDType("scaleToUnit", dtype);
  assertPositiveNumber("scaleToUnit", "maxValue", maxValue);
  const out = allocate(dtype, values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! / maxValue;
  return out;
}

/**
 * Uniform dequantisation: byte k becomes (k + u)/levels with u ~ U[0, 1) drawn from `key`, so the data have a
 * density on [0, 1) (the standard trick for likelihoods of 8-bit images).
 *
 * @remarks Note the divisor: `levels` (256), not 255, so the cells [k/256, (k+1)/256) tile [0, 1). Deterministic
 * for a given key; use a fresh key (e.g. `foldIn(key, epoch)`) per epoch.
 * @throws ParabolicError `INVALID_ARGUMENT` for non-integer or out-of-range levels.
 * @example
 * ```ts
 * const x = dequantize(key(1), test.images);   // Float32Array in [0, 1)
 * ```
 */
export function dequantize(k: Key, values: ArrayLike<number>, options: Readonly<{ levels?: number; dtype?: FloatDType }> = {}): Float32Array | Float64Array {
  const levels = options.levels ?? 256;
  const dtype = options.dtype ?? "float32";
  assertPositiveInteger("dequantize", "levels", levels, 1 << 24);
  checkDType("dequantize", dtype);
  const out = allocate(dtype, values.length);
  dequantizeInto(randomStream(k), values, 0, values.length, levels, out, 0);
  return out;
}

/** (values[from + i] + u_i)/levels → out[outOffset + i], clamped below 1 in the output precision. */
function dequantizeInto(
  stream: ReturnType<typeof randomStream>,
  values: ArrayLike<number>,
  from: number,
  length: number,
  levels: number,
  out: Float32Array | Float64Array,
  outOffset: number,
): void {
  const top = out instanceof Float32Array ? Math.fround(1 - 2 ** -24) : 1 - 2 ** -53;
  for (let i = 0; i < length; i++) {
    out[outOffset + i] = (values[from + i]! + stream.nextDouble()) / levels;
    if (out[outOffset + i]! >= 1) out[outOffset + i] = top; // rounding (float32) could reach 1.0
  }
}

/**
 * Per-coordinate mean and (floored) standard deviation.
 *
 * @example
 * ```ts
 * const stats: PixelStatistics = pixelStatistics(train16, { dim: 256, stdFloor: 0.05 });
 * const z = standardize(test16, { statistics: stats });
 * ```
 */
export type PixelStatistics = Readonly<{
  mean: Float64Array;
  /** max(population standard deviation, stdFloor), per coordinate. */
  std: Float64Array;
  stdFloor: number;
}>;

/**
 * Per-pixel mean and standard deviation of a `count × dim` dataset (float64 Welford accumulation), with the
 * standard deviation floored at `stdFloor` so always-blank border pixels do not blow up under standardisation.
 *
 * @remarks The heat-ball MNIST16 setting is `stdFloor: 0.05` on data scaled to [0, 1]. The standard deviation is
 * the population one (divisor `count`). Fit on the training split and reuse for the test split.
 * @throws ParabolicError `INVALID_ARGUMENT` for bad options, `SHAPE_MISMATCH` for a length not divisible by dim.
 * @example
 * ```ts
 * const stats = pixelStatistics(train16, { dim: 256, stdFloor: 0.05 });
 * ```
 */
export function pixelStatistics(inputs: ArrayLike<number>, options: Readonly<{ dim: number; stdFloor?: number }>): PixelStatistics {
  const fn = "pixelStatistics";
  assertObject(fn, "options", options, "{ dim, stdFloor? }");
  assertPositiveInteger(fn, "dim", options.dim);
  const floor = options.stdFloor ?? 0.05;
  if (typeof floor !== "number" || !(floor >= 0) || !Number.isFinite(floor)) throw invalidArgument(fn, "stdFloor", "be a finite number >= 0", floor);
  const d = options.dim;
  const n = imageCount(fn, inputs, d);
  if (n === 0) throw invalidArgument(fn, "inputs", "hold at least one example", inputs);
  const mean = new Float64Array(d);
  const m2 = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const base = i * d;
    for (let j = 0; j < d; j++) {
      const x = inputs[base + j]!;
      const delta = x - mean[j]!;
      mean[j] = mean[j]! + delta / (i + 1);
      m2[j] = m2[j]! + delta * (x - mean[j]!);
    }
  }
  const std = new Float64Array(d);
  for (let j = 0; j < d; j++) std[j] = Math.max(Math.sqrt(m2[j]! / n), floor);
  return Object.freeze({ mean, std, stdFloor: floor });
}

function checkStatistics(fn: string, statistics: PixelStatistics, dim: number): void {
  if (statistics === null || typeof statistics !== "object" || statistics.mean?.length !== dim || statistics.std?.length !== dim) {
    throw invalidArgument(fn, "statistics", `be PixelStatistics with mean and std of length ${dim}`, statistics);
  }
}

/**
 * Standardises each coordinate: (x − mean) / std with statistics from {@link pixelStatistics}.
 *
 * @example
 * ```ts
 * const z = standardize(test16, { statistics: stats });
 * ```
 */
export function standardize(inputs: ArrayLike<number>, options: Readonly<{ statistics: PixelStatistics; dtype?: FloatDType }>): Float32Array | Float64Array {
  const fn = "standardize";
  assertObject(fn, "options", options, "{ statistics, dtype? }");
  const { statistics } = options;
  const dtype = options.dtype ?? "float32";
  checkDType(fn, dtype);
  const d = statistics?.mean?.length ?? 0;
  checkStatistics(fn, statistics, d);
  const n = imageCount(fn, inputs, d);
  const out = allocate(dtype, n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = (inputs[i * d + j]! - statistics.mean[j]!) / statistics.std[j]!;
  return out;
}

/**
 * Inverts {@link standardize}: x = z · std + mean (e.g. to display generated samples).
 *
 * @example
 * ```ts
 * const x = unstandardize(samples, { statistics: stats });
 * ```
 */
export function unstandardize(inputs: ArrayLike<number>, options: Readonly<{ statistics: PixelStatistics; dtype?: FloatDType }>): Float32Array | Float64Array {
  const fn = "unstandardize";
  assertObject(fn, "options", options, "{ statistics, dtype? }");
  const { statistics } = options;
  const dtype = options.dtype ?? "float32";
  checkDType(fn, dtype);
  const d = statistics?.mean?.length ?? 0;
  checkStatistics(fn, statistics, d);
  const n = imageCount(fn, inputs, d);
  const out = allocate(dtype, n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = inputs[i * d + j]! * statistics.std[j]! + statistics.mean[j]!;
  return out;
}

/**
 * Options of {@link prepareImages}.
 *
 * @example
 * ```ts
 * const options: PrepareImagesOptions = { resize: { height: 16, width: 16 }, scaling: "standardize", stdFloor: 0.05 };
 * const { dataset } = prepareImages(await loadMnist({ split: "test" }), options);
 * ```
 */
export type PrepareImagesOptions = Readonly<{
  /** Output size; `null` keeps the original size. @defaultValue `{ height: 16, width: 16 }` */
  resize?: Readonly<{ height: number; width: number }> | null;
  /** If given, uniform dequantisation (k + u)/256 with this key instead of k/255. */
  dequantizeKey?: Key;
  /** `"unit"` ([0, 1]), or `"standardize"` (per pixel, after scaling to [0, 1]). @defaultValue "unit" */
  scaling?: "unit" | "standardize";
  /** Statistics to reuse (e.g. the training split's); fitted on this data when omitted. */
  statistics?: PixelStatistics;
  /** Floor of the per-pixel std when fitting. @defaultValue 0.05 */
  stdFloor?: number;
  /** @defaultValue "float32" */
  dtype?: FloatDType;
}>;

/**
 * The standard image pipeline: [dequantise or scale to [0, 1]] → area-resize (default 16 × 16) → [standardise],
 * keeping the labels. Returns the dataset and, when standardising, the statistics used.
 *
 * @remarks This is the "MNIST16" input of the heat-ball study (`scaling: "standardize"`, `stdFloor: 0.05`).
 * Scaling happens before resizing; both are linear, so the order does not change the result beyond rounding.
 * @example
 * ```ts
 * const train = await loadFashionMnist({ split: "train" });
 * const { dataset, statistics } = prepareImages(train, { scaling: "standardize" });  // 60 000 × 256
 * const test = prepareImages(await loadFashionMnist({ split: "test" }), { scaling: "standardize", statistics });
 * ```
 */
export function prepareImages(
  images: LabeledImages,
  options: PrepareImagesOptions = {},
): Readonly<{ dataset: ArrayDataset; statistics: PixelStatistics | undefined }> {
  const fn = "prepareImages";
  if (images === null || typeof images !== "object" || !(images.images instanceof Uint8Array)) {
    throw invalidArgument(fn, "images", "be LabeledImages from a loader", images);
  }
  const dtype = options.dtype ?? "float32";
  checkDType(fn, dtype);
  const scaling = options.scaling ?? "unit";
  if (scaling !== "unit" && scaling !== "standardize") throw invalidArgument(fn, "scaling", 'be "unit" or "standardize"', scaling);
  const resize = options.resize === undefined ? { height: 16, width: 16 } : options.resize;
  const height = resize === null ? images.height : resize.height;
  const width = resize === null ? images.width : resize.width;
  assertPositiveInteger(fn, "resize.height", height, 1 << 16);
  assertPositiveInteger(fn, "resize.width", width, 1 << 16);
  const dim = height * width;
  const pixels = images.height * images.width;
  // Chunked, so the float64 intermediate stays small (60 000 Fashion-MNIST images would need 376 MB at once).
  const inputs = allocate(dtype, images.count * dim);
  const stream = options.dequantizeKey !== undefined ? randomStream(options.dequantizeKey) : undefined;
  const chunk = 1024;
  const unit = new Float64Array(Math.min(chunk, Math.max(1, images.count)) * pixels);
  for (let c0 = 0; c0 < images.count; c0 += chunk) {
    const n = Math.min(chunk, images.count - c0);
    const part = unit.subarray(0, n * pixels);
    if (stream !== undefined) dequantizeInto(stream, images.images, c0 * pixels, n * pixels, 256, part, 0);
    else for (let i = 0; i < n * pixels; i++) part[i] = images.images[c0 * pixels + i]! / 255;
    const resized = resize === null ? part : areaDownsample(part, { height: images.height, width: images.width, outHeight: height, outWidth: width, dtype: "float64" });
    inputs.set(resized, c0 * dim);
  }
  let statistics: PixelStatistics | undefined;
  if (scaling === "standardize") {
    statistics = options.statistics ?? pixelStatistics(inputs, { dim, ...(options.stdFloor === undefined ? {} : { stdFloor: options.stdFloor }) });
    checkStatistics(fn, statistics, dim);
    for (let i = 0; i < images.count; i++) {
      for (let j = 0; j < dim; j++) inputs[i * dim + j] = (inputs[i * dim + j]! - statistics.mean[j]!) / statistics.std[j]!;
    }
  }
  return Object.freeze({
    dataset: Object.freeze({ inputs, labels: images.labels, count: images.count, dim, shape: Object.freeze([height, width]) }),
    statistics,
  });
}
