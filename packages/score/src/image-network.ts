import * as tf from "@tensorflow/tfjs-core";
import { ParabolicError, assertFiniteNumber, assertPositiveInteger, invalidArgument, split, type Key } from "@parabolic/core";
import { gelu, silu, softplus, tanh } from "@parabolic/core/activations";
import { resolveActivation, type ActivationName } from "./internal/mlp.js";
import { ParameterBuilder, conv2dSame, layerNorm, patchify, unpatchify } from "./internal/image-layers.js";
import type { NamedVariable } from "./parameters.js";
import { assemblePotentialNetwork, resolvePotentialBase, type PotentialNetwork } from "./potential-network.js";
import { checkPointsAndTimes, type NetworkConfig, type ScoreNetwork } from "./score-network.js";
import { resolveTimeFeatures, timeFeatureCount, timeFeatures, type ResolvedTimeFeatures, type TimeFeatureOptions } from "./time-features.js";

const ACTIVATIONS: Readonly<Record<ActivationName, (x: tf.Tensor) => tf.Tensor>> = { silu, softplus, tanh, gelu };

/**
 * Backbone of an image network: `"conv"` (residual 3×3 convolutions, each one XNNPACK conv2d forward with custom gradients, FiLM time
 * conditioning) or `"mixer"` (an MLP-Mixer on p×p patches: token-mixing and channel-mixing MLPs, FiLM).
 * @example
 * ```ts
 * const architecture: ImageArchitecture = "conv";
 * ```
 */
export type ImageArchitecture = "conv" | "mixer";

/**
 * Options of {@link createImageScoreNetwork} (and the backbone part of {@link ImagePotentialNetworkOptions}).
 *
 * Points are flat rows `[batch, height·width·channels]` in row-major HWC order (pixel (i, j), channel c at column
 * `(i·width + j)·channels + c`), so every objective, the trainer and the reverse samplers of this package work
 * unchanged.
 * @example
 * ```ts
 * const options: ImageScoreNetworkOptions = { height: 16, width: 16, channels: 1, architecture: "conv", features: 32, depth: 3, time: { min: 1e-3, max: 1 } };
 * ```
 */
export type ImageScoreNetworkOptions = Readonly<{
  /** Image height in pixels. */
  height: number;
  /** Image width in pixels. */
  width: number;
  /** Channels per pixel. @defaultValue 1 */
  channels?: number;
  /** Backbone. @defaultValue "mixer" (≈ 6× more DSM steps/s than "conv" on wasm at equal size, ≈ 7.6× for |∇ψ|² parameter gradients; README "Image models") */
  architecture?: ImageArchitecture;
  /** Hidden channels (conv) or token embedding width (mixer). @defaultValue 32 (conv), 48 (mixer) */
  features?: number;
  /** Residual blocks (conv: two 3×3 convolutions each; mixer: token + channel mixing). @defaultValue 3 (conv), 4 (mixer) */
  depth?: number;
  /** Conv kernel size (odd). @defaultValue 3 */
  kernelSize?: number;
  /** Mixer patch size p (must divide height and width). @defaultValue 4 */
  patchSize?: number;
  /** Mixer token-mixing hidden width. @defaultValue 2 × number of tokens */
  tokenHidden?: number;
  /** Mixer channel-mixing hidden width. @defaultValue 2 × features */
  channelHidden?: number;
  /** Hidden activation (always one with correct higher-order gradients). @defaultValue "silu" */
  activation?: ActivationName;
  /** Fourier time features, fed to FiLM (per-block scale and shift). */
  time: TimeFeatureOptions;
  /** Optional preconditioning: the network sees `x · inputScale(t)`; `[batch]` → `[batch]`, differentiable tfjs ops. */
  inputScale?: (t: tf.Tensor1D) => tf.Tensor1D;
  /** Optional preconditioning: the output is multiplied by `outputScale(t)` (e.g. 1/σ(t)). */
  outputScale?: (t: tf.Tensor1D) => tf.Tensor1D;
  /** Scale of the output layer's initial weights. @defaultValue 1 */
  outputGain?: number;
}>;

/**
 * Options of {@link createImagePotentialNetwork}: the image backbone plus the Gaussian-base options of
 * `createPotentialNetwork`.
 * @example
 * ```ts
 * const options: ImagePotentialNetworkOptions = { height: 16, width: 16, dataVariance: 1, time: { scale: "log", min: 1e-2, max: 1e3 } };
 * ```
 */
export type ImagePotentialNetworkOptions = Omit<ImageScoreNetworkOptions, "inputScale" | "outputScale"> &
  Readonly<{
    /** Per-coordinate data variance v: the input becomes y/√(v + 2s) and a caloric Gaussian base can be added. */
    dataVariance?: number;
    /** Add log N(y; 0, (v + 2s)I). Requires `dataVariance`. @defaultValue true when `dataVariance` is given */
    gaussianBase?: boolean;
    /** `"noise"`: correction × √((v + 2s)/(2s)); `"unit"`: as is. @defaultValue "noise" with a base, else "unit" */
    correctionScale?: "noise" | "unit";
  }>;

type Resolved = {
  height: number;
  width: number;
  channels: number;
  architecture: ImageArchitecture;
  features: number;
  depth: number;
  kernelSize: number;
  patchSize: number;
  tokenHidden: number;
  channelHidden: number;
  activation: ActivationName;
  outputGain: number;
  time: ResolvedTimeFeatures;
};

function resolveImageOptions(fn: string, options: ImageScoreNetworkOptions): Resolved {
  if (options === null || typeof options !== "object") throw invalidArgument(fn, "options", "be an options object", options);
  assertPositiveInteger(fn, "height", options.height, 4096);
  assertPositiveInteger(fn, "width", options.width, 4096);
  const channels = options.channels ?? 1;
  assertPositiveInteger(fn, "channels", channels, 4096);
  const architecture = options.architecture ?? "mixer";
  if (architecture !== "conv" && architecture !== "mixer") throw invalidArgument(fn, "architecture", 'be "conv" or "mixer"', architecture);
  const features = options.features ?? (architecture === "conv" ? 32 : 48);
  assertPositiveInteger(fn, "features", features, 1 << 14);
  const depth = options.depth ?? (architecture === "conv" ? 3 : 4);
  assertPositiveInteger(fn, "depth", depth, 64);
  const kernelSize = options.kernelSize ?? 3;
  assertPositiveInteger(fn, "kernelSize", kernelSize, 15);
  if (kernelSize % 2 !== 1) throw invalidArgument(fn, "kernelSize", "be odd (a 'same' convolution needs a centre)", kernelSize);
  const patchSize = options.patchSize ?? 4;
  assertPositiveInteger(fn, "patchSize", patchSize, 4096);
  if (architecture === "mixer" && (options.height % patchSize !== 0 || options.width % patchSize !== 0)) {
    throw invalidArgument(fn, "patchSize", `divide height (${options.height}) and width (${options.width})`, patchSize);
  }
  const tokens = (options.height / patchSize) * (options.width / patchSize);
  const tokenHidden = options.tokenHidden ?? Math.max(1, 2 * Math.floor(tokens));
  assertPositiveInteger(fn, "tokenHidden", tokenHidden, 1 << 16);
  const channelHidden = options.channelHidden ?? 2 * features;
  assertPositiveInteger(fn, "channelHidden", channelHidden, 1 << 16);
  const outputGain = options.outputGain ?? 1;
  assertFiniteNumber(fn, "outputGain", outputGain);
  if (options.inputScale !== undefined && typeof options.inputScale !== "function") throw invalidArgument(fn, "inputScale", "be a function", options.inputScale);
  if (options.outputScale !== undefined && typeof options.outputScale !== "function") throw invalidArgument(fn, "outputScale", "be a function", options.outputScale);
  return {
    height: options.height,
    width: options.width,
    channels,
    architecture,
    features,
    depth,
    kernelSize,
    patchSize,
    tokenHidden,
    channelHidden,
    activation: resolveActivation(fn, options.activation ?? "silu"),
    outputGain,
    time: resolveTimeFeatures(fn, options.time),
  };
}

/** A backbone: flat images `[B, HWC]` and times `[B]` → a field `[B, H·W·outChannels]`. */
type Backbone = { parameters: NamedVariable[]; apply(x: tf.Tensor2D, t: tf.Tensor1D): tf.Tensor2D };

/** FiLM: x · (1 + γ(t)) + β(t) with γ, β linear in the shared time embedding; `shape` broadcasts over the rest. */
function film(x: tf.Tensor, embedding: tf.Tensor2D, kernel: tf.Variable, bias: tf.Variable, features: number, shape: number[]): tf.Tensor {
  const gb = tf.add(tf.matMul(embedding, kernel as tf.Tensor2D), bias);
  const gamma = tf.reshape(tf.slice(gb, [0, 0], [-1, features]), shape);
  const beta = tf.reshape(tf.slice(gb, [0, features], [-1, features]), shape);
  return tf.add(tf.mul(x, tf.add(gamma, 1)), beta);
}

function createBackbone(k: Key, c: Resolved, outChannels: number, prefix: string): Backbone {
  const p = new ParameterBuilder(k, prefix);
  const act = ACTIVATIONS[c.activation];
  const { height: H, width: W, channels: C, features: F, depth, kernelSize: ks } = c;
  const nTime = timeFeatureCount(c.time);
  // Shared time embedding: Fourier(t) → act(dense) → F features; each block maps it to (γ, β).
  const timeKernel = p.kernel("time/kernel", nTime, F);
  const timeBias = p.zeros("time/bias", [F]);
  const embed = (t: tf.Tensor1D): tf.Tensor2D => act(tf.add(tf.matMul(timeFeatures(t, c.time), timeKernel as tf.Tensor2D), timeBias)) as tf.Tensor2D;
  const residualGain = 1 / Math.sqrt(2 * depth);
  const filmGain = 0.1;

  if (c.architecture === "conv") {
    const stem = { kernel: p.kernel("stem/kernel", ks * ks * C, F), bias: p.zeros("stem/bias", [F]) };
    const blocks = Array.from({ length: depth }, (_, i) => ({
      conv1: p.kernel(`block${i}/conv1/kernel`, ks * ks * F, F),
      bias1: p.zeros(`block${i}/conv1/bias`, [F]),
      filmKernel: p.kernel(`block${i}/film/kernel`, F, 2 * F, filmGain),
      filmBias: p.zeros(`block${i}/film/bias`, [2 * F]),
      conv2: p.kernel(`block${i}/conv2/kernel`, ks * ks * F, F, residualGain),
      bias2: p.zeros(`block${i}/conv2/bias`, [F]),
    }));
    // Head: Kaiming with gain outputGain/√2 ≈ LeCun scale times outputGain (a linear output layer).
    const head = { kernel: p.kernel("head/kernel", ks * ks * F, outChannels, c.outputGain / Math.SQRT2), bias: p.zeros("head/bias", [outChannels]) };
    // NHWC throughout; every convolution is one tf.conv2d forward (wasm: XNNPACK) with recursive custom gradients.
    const conv = (z: tf.Tensor, kernel: tf.Variable, cin: number, bias: tf.Variable): tf.Tensor4D => {
      const filter = tf.reshape(kernel, [ks, ks, cin, kernel.shape[1]!]) as tf.Tensor4D;
      return tf.add(conv2dSame(z as tf.Tensor4D, filter), bias) as tf.Tensor4D;
    };
    return {
      parameters: p.parameters,
      apply(x, t) {
        return tf.tidy(() => {
          const b = x.shape[0];
          const e = embed(t);
          let h: tf.Tensor = conv(tf.reshape(x, [b, H, W, C]), stem.kernel, C, stem.bias);
          for (const blk of blocks) {
            const z = film(conv(act(h), blk.conv1, F, blk.bias1), e, blk.filmKernel, blk.filmBias, F, [b, 1, 1, F]);
            h = tf.add(h, conv(act(z), blk.conv2, F, blk.bias2));
          }
          return tf.reshape(conv(act(h), head.kernel, F, head.bias), [b, H * W * outChannels]) as tf.Tensor2D;
        });
      },
    };
  }

  const ps = c.patchSize;
  const T = (H / ps) * (W / ps);
  const patchIn = ps * ps * C;
  const patchOut = ps * ps * outChannels;
  const stem = { kernel: p.kernel("embed/kernel", patchIn, F, 1 / Math.SQRT2), bias: p.zeros("embed/bias", [F]) };
  const blocks = Array.from({ length: depth }, (_, i) => ({
    token1: p.kernel(`block${i}/token1/kernel`, T, c.tokenHidden),
    tokenBias1: p.zeros(`block${i}/token1/bias`, [c.tokenHidden]),
    token2: p.kernel(`block${i}/token2/kernel`, c.tokenHidden, T, residualGain),
    tokenBias2: p.zeros(`block${i}/token2/bias`, [T]),
    filmKernel: p.kernel(`block${i}/film/kernel`, F, 2 * F, filmGain),
    filmBias: p.zeros(`block${i}/film/bias`, [2 * F]),
    channel1: p.kernel(`block${i}/channel1/kernel`, F, c.channelHidden),
    channelBias1: p.zeros(`block${i}/channel1/bias`, [c.channelHidden]),
    channel2: p.kernel(`block${i}/channel2/kernel`, c.channelHidden, F, residualGain),
    channelBias2: p.zeros(`block${i}/channel2/bias`, [F]),
  }));
  const head = { kernel: p.kernel("head/kernel", F, patchOut, c.outputGain / Math.SQRT2), bias: p.zeros("head/bias", [patchOut]) };
  return {
    parameters: p.parameters,
    apply(x, t) {
      return tf.tidy(() => {
        const b = x.shape[0];
        const e = embed(t);
        const tokens = tf.reshape(patchify(tf.reshape(x, [b, H, W, C]) as tf.Tensor4D, ps), [b * T, patchIn]);
        let h: tf.Tensor = tf.reshape(tf.add(tf.matMul(tokens as tf.Tensor2D, stem.kernel as tf.Tensor2D), stem.bias), [b, T, F]);
        for (const blk of blocks) {
          // token mixing: an MLP along the token axis, shared across features
          let z = tf.reshape(tf.transpose(layerNorm(h), [0, 2, 1]), [b * F, T]) as tf.Tensor2D;
          z = act(tf.add(tf.matMul(z, blk.token1 as tf.Tensor2D), blk.tokenBias1)) as tf.Tensor2D;
          z = tf.add(tf.matMul(z, blk.token2 as tf.Tensor2D), blk.tokenBias2) as tf.Tensor2D;
          h = tf.add(h, tf.transpose(tf.reshape(z, [b, F, T]), [0, 2, 1]));
          // channel mixing with FiLM time conditioning
          const u = film(layerNorm(h), e, blk.filmKernel, blk.filmBias, F, [b, 1, F]);
          let y = act(tf.add(tf.matMul(tf.reshape(u, [b * T, F]) as tf.Tensor2D, blk.channel1 as tf.Tensor2D), blk.channelBias1)) as tf.Tensor2D;
          y = tf.add(tf.matMul(y, blk.channel2 as tf.Tensor2D), blk.channelBias2) as tf.Tensor2D;
          h = tf.add(h, tf.reshape(y, [b, T, F]));
        }
        const out = tf.add(tf.matMul(tf.reshape(layerNorm(h), [b * T, F]) as tf.Tensor2D, head.kernel as tf.Tensor2D), head.bias);
        const image = unpatchify(tf.reshape(out, [b, T, patchOut]) as tf.Tensor3D, ps, H, W, outChannels);
        return tf.reshape(image, [b, H * W * outChannels]) as tf.Tensor2D;
      });
    },
  };
}

function imageConfig(kind: string, c: Resolved): Record<string, string | number | boolean | null> {
  return {
    kind,
    dim: c.height * c.width * c.channels,
    height: c.height,
    width: c.width,
    channels: c.channels,
    architecture: c.architecture,
    features: c.features,
    depth: c.depth,
    kernelSize: c.architecture === "conv" ? c.kernelSize : null,
    patchSize: c.architecture === "mixer" ? c.patchSize : null,
    tokenHidden: c.architecture === "mixer" ? c.tokenHidden : null,
    channelHidden: c.architecture === "mixer" ? c.channelHidden : null,
    activation: c.activation,
    timeMin: c.time.min,
    timeMax: c.time.max,
    timeScale: c.time.scale,
    frequencies: c.time.frequencies,
  };
}

/**
 * Creates a score network s_θ(x, t) for images of `height × width × channels` pixels, taking and returning flat
 * rows `[batch, H·W·C]` (HWC order), with weights initialised deterministically from `k` (Kaiming-normal kernels,
 * zero biases; residual branches scaled by 1/√(2·depth), FiLM kernels by 0.1).
 *
 * @remarks
 * Every op trains on the wasm backend and is differentiable to any order: each convolution is ONE `tf.conv2d`
 * forward (wasm: XNNPACK) whose input and filter gradients are again `tf.conv2d` forwards (a 'valid' conv with the
 * batch as channels for the filter gradient), defined as mutually recursive custom gradients — wasm has no conv2d
 * filter-gradient kernel —; the mixer uses reshape/transpose/matMul and an affine-free layer norm. Returns the
 * existing {@link ScoreNetwork}, so `dsmObjective`, `train` and the reverse samplers apply unchanged.
 *
 * Measured (bench/src/image-model.bench.ts, wasm, 16×16×1, batch 128, shared 2-core machine, 2026-11-23): the
 * mixer default (63 008 parameters) runs 8.7 DSM steps/s, the conv net (features 32, depth 3, 63 009 parameters)
 * 1.44 — 6× fewer (PyTorch, 1 thread: 43 and 6.2). Until 2026-11-23 the conv was built from slices and matMuls
 * (≈ 2.5× slower per CPU second in an interleaved A/B); the MNIST16 comparison below predates the XNNPACK conv. On MNIST16 with 10 minutes
 * of training each (scripts/mnist16.ts) the conv net's 194 steps reached a held-out DSM loss of 0.0970/dim and the
 * mixer's 2 856 steps 0.1001/dim; the mixer is the default because its step rate decides once the network is
 * differentiated again (potential networks, ISM, heat-ball objectives: ∂θ|∇_yψ|² at batch 128 runs 3.9 steps/s
 * for the mixer, 0.51 for the conv). Prefer `"conv"` for DSM-only training (README "Image models").
 * @throws ParabolicError `INVALID_ARGUMENT` for invalid options (naming the offending value).
 * @example
 * ```ts
 * const net = createImageScoreNetwork(key(0), { height: 16, width: 16, architecture: "conv", time: { min: 1e-3, max: 1 } });
 * const s = net.score(tf.zeros([8, 256]), tf.fill([8], 0.5) as tf.Tensor1D); // [8, 256], caller disposes
 * s.dispose(); net.dispose();
 * ```
 */
export function createImageScoreNetwork(k: Key, options: ImageScoreNetworkOptions): ScoreNetwork {
  const fn = "createImageScoreNetwork";
  const c = resolveImageOptions(fn, options);
  const dim = c.height * c.width * c.channels;
  const backbone = createBackbone(k, c, c.channels, "image-score");
  const { inputScale, outputScale } = options;
  let disposed = false;
  const config: NetworkConfig = { ...imageConfig("image-score", c), inputScale: inputScale !== undefined, outputScale: outputScale !== undefined };
  return {
    kind: "score",
    dim,
    config,
    parameters: backbone.parameters,
    score(x, t) {
      if (disposed) throw new ParabolicError("INVALID_ARGUMENT", "ScoreNetwork.score: the network has been disposed.");
      checkPointsAndTimes("ScoreNetwork.score", dim, x, t);
      return tf.tidy(() => {
        const xin = inputScale === undefined ? x : (tf.mul(x, tf.reshape(inputScale(t), [-1, 1])) as tf.Tensor2D);
        const out = backbone.apply(xin, t);
        return (outputScale === undefined ? out : tf.mul(out, tf.reshape(outputScale(t), [-1, 1]))) as tf.Tensor2D;
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const p of backbone.parameters) p.variable.dispose();
    },
  };
}

/**
 * Creates a potential network ψ_θ(y, s) ≈ log w(y, s) for flat images `[batch, H·W·C]`: the image backbone
 * produces a field that a dense layer reduces to a scalar; the score is ∇_yψ_θ by autodiff. With `dataVariance`,
 * ψ = log N(y; 0, (v + 2s)I) + √((v + 2s)/(2s))·h_θ(y/√(v + 2s), s), exactly as `createPotentialNetwork`.
 *
 * @remarks All ops have correct derivatives of every order on cpu and wasm, so Laplacians, |∇ψ|² and ∂ψ/∂s can
 * be differentiated again w.r.t. the parameters (checked against finite differences in the tests).
 * @throws ParabolicError `INVALID_ARGUMENT` for invalid options (e.g. a Gaussian base without `dataVariance`).
 * @example
 * ```ts
 * const net = createImagePotentialNetwork(key(1), { height: 8, width: 8, dataVariance: 1, time: { scale: "log", min: 0.01, max: 100 } });
 * const y = tf.zeros([4, 64]) as tf.Tensor2D; const s = tf.fill([4], 0.5) as tf.Tensor1D;
 * const score = net.score(y, s); // ∇_y ψ, [4, 64]
 * tf.dispose([y, s, score]); net.dispose();
 * ```
 */
export function createImagePotentialNetwork(k: Key, options: ImagePotentialNetworkOptions): PotentialNetwork {
  const fn = "createImagePotentialNetwork";
  const c = resolveImageOptions(fn, options);
  const dim = c.height * c.width * c.channels;
  const base = resolvePotentialBase(fn, options);
  const [kb, kh] = split(k, 2) as [Key, Key];
  const backbone = createBackbone(kb, c, c.channels, "image-potential");
  const readout = new ParameterBuilder(kh, "image-potential");
  const readoutKernel = readout.kernel("readout/kernel", dim, 1, c.outputGain / Math.SQRT2);
  const readoutBias = readout.zeros("readout/bias", [1]);
  const config: NetworkConfig = { ...imageConfig("image-potential", c), dataVariance: base.dataVariance ?? null, gaussianBase: base.gaussianBase, correctionScale: base.correctionScale };
  return assemblePotentialNetwork({
    dim,
    config,
    parameters: [...backbone.parameters, ...readout.parameters],
    base,
    head: (yin, s) => tf.reshape(tf.add(tf.matMul(backbone.apply(yin, s), readoutKernel as tf.Tensor2D), readoutBias), [-1]) as tf.Tensor1D,
  });
}
