/**
 * Image layers that train on the wasm backend to any derivative order. {@link conv2dSame} is one `tf.conv2d`
 * forward (XNNPACK on wasm) with mutually recursive custom gradients built from conv2d forwards, reverse, transpose
 * and pad only (wasm has no Conv2DBackpropFilter, so tfjs's registered Conv2D gradient is never used). The
 * slice-based convolutions ({@link conv2dMatMul}, {@link conv2dShift}: slice / pad / concat / reshape / matMul only)
 * are kept as tested references. No gather on trainable tables, no stridedSlice, no fused ops. Images are NHWC,
 * float32.
 */
import * as tf from "@tensorflow/tfjs-core";
import { fillNormals, randomStream, type Key } from "@parabolic/core";
import type { NamedVariable } from "../parameters.js";
import { makeVariable } from "./mlp.js";

/** Kaiming-normal values (std = gain·√(2/fanIn)) for a kernel with `fanIn · fanOut` entries, drawn from `k`. */
export function kaimingValues(k: Key, fanIn: number, fanOut: number, gain: number): Float32Array {
  const buffer = new Float64Array(fanIn * fanOut);
  fillNormals(randomStream(k), buffer);
  const scale = gain * Math.sqrt(2 / fanIn);
  const out = new Float32Array(buffer.length);
  for (let i = 0; i < buffer.length; i++) out[i] = buffer[i]! * scale;
  return out;
}

/**
 * Patches of a 'same'-padded k×k convolution: `[B, H, W, C]` → `[B·H·W, k²C]`, column order (dy, dx, c), i.e. the
 * row-major flattening of a conv2d filter `[k, k, C, C_out]`.
 */
export function im2col(x: tf.Tensor4D, size: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape;
    if (size === 1) return tf.reshape(x, [b * h * w, c]) as tf.Tensor2D;
    const p = (size - 1) / 2;
    const padded = tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]);
    const parts: tf.Tensor4D[] = [];
    for (let dy = 0; dy < size; dy++) {
      for (let dx = 0; dx < size; dx++) parts.push(tf.slice(padded, [0, dy, dx, 0], [b, h, w, c]) as tf.Tensor4D);
    }
    return tf.reshape(tf.concat(parts, 3), [b * h * w, size * size * c]) as tf.Tensor2D;
  });
}

/**
 * 'same' convolution with stride 1 and odd kernel size as im2col + one plain `matMul` (the wasm XNNPACK path).
 * `filter` is `[k²C, C_out]` or the conv2d layout `[k, k, C, C_out]`; returns `[B, H, W, C_out]`.
 */
export function conv2dMatMul(x: tf.Tensor4D, filter: tf.Tensor, size: number, bias?: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape;
    const cout = filter.shape[filter.rank - 1]!;
    const kernel = filter.rank === 2 ? filter : tf.reshape(filter, [size * size * c, cout]);
    let y: tf.Tensor = tf.matMul(im2col(x, size), kernel as tf.Tensor2D);
    if (bias !== undefined) y = tf.add(y, bias);
    return tf.reshape(y, [b, h, w, cout]) as tf.Tensor4D;
  });
}

/**
 * Geometry of the "padded flat" layout used by {@link shiftConv}: an image `[B, H, W, C]` zero-padded by
 * p = (k − 1)/2 on each side (padded width Wp = W + 2p) and flattened to rows of P = (H + 2p)·Wp + 2p pixels.
 * A k×k 'same' convolution then reads, for output pixel m = i·Wp + j of a `H × Wp` grid, the input pixels
 * m + dy·Wp + dx: every tap is ONE contiguous slice per image (the wasm slice kernel copies whole rows, while
 * NHWC window slices and channel concats copy C floats at a time and dominate the step time).
 */
export type PaddedGeometry = Readonly<{ height: number; width: number; size: number; pad: number; paddedWidth: number; pixels: number; grid: number }>;

export function paddedGeometry(height: number, width: number, size: number): PaddedGeometry {
  const pad = (size - 1) / 2;
  const paddedWidth = width + 2 * pad;
  return { height, width, size, pad, paddedWidth, pixels: (height + 2 * pad) * paddedWidth + 2 * pad, grid: height * paddedWidth };
}

/** `[B, H, W, C]` → padded flat rows `[B, P·C]` (zeros outside the image). */
export function toPaddedFlat(x: tf.Tensor4D, g: PaddedGeometry): tf.Tensor2D {
  return tf.tidy(() => {
    const [b, , , c] = x.shape;
    const p = g.pad;
    const padded = tf.reshape(tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]), [b, (g.height + 2 * p) * g.paddedWidth * c]);
    return (p === 0 ? padded : tf.pad(padded, [[0, 0], [0, 2 * p * c]])) as tf.Tensor2D;
  });
}

/** 1 at image pixels, 0 at padding, as `[1, P·C]` (float32, caller owns). */
export function paddedMask(g: PaddedGeometry, channels: number): tf.Tensor2D {
  const m = new Float32Array(g.pixels * channels);
  for (let i = 0; i < g.height; i++) {
    for (let j = 0; j < g.width; j++) {
      const q = ((i + g.pad) * g.paddedWidth + j + g.pad) * channels;
      m.fill(1, q, q + channels);
    }
  }
  return tf.tensor2d(m, [1, g.pixels * channels]);
}

/**
 * k×k 'same' convolution (stride 1) on padded flat rows `[B, P·C]` as a sum of k² plain matMuls of contiguous
 * slices: returns the `[B·H·Wp, C_out]` output grid (columns j ≥ W are junk). `kernel` is `[k²C, C_out]` in
 * conv2d filter order (dy, dx, c). The padding of `x` must be zero (see {@link paddedMask}).
 */
export function shiftConv(x: tf.Tensor2D, kernel: tf.Tensor2D, g: PaddedGeometry, bias?: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const b = x.shape[0];
    const c = x.shape[1] / g.pixels;
    const cout = kernel.shape[1];
    let y: tf.Tensor | undefined;
    for (let dy = 0; dy < g.size; dy++) {
      for (let dx = 0; dx < g.size; dx++) {
        const tap = dy * g.size + dx;
        const offset = (dy * g.paddedWidth + dx) * c;
        const rows = tf.reshape(tf.slice(x, [0, offset], [b, g.grid * c]), [b * g.grid, c]) as tf.Tensor2D;
        const w = g.size === 1 ? kernel : (tf.slice(kernel, [tap * c, 0], [c, cout]) as tf.Tensor2D);
        const term = tf.matMul(rows, w);
        y = y === undefined ? term : tf.add(y, term);
      }
    }
    if (bias !== undefined) y = tf.add(y!, bias);
    return y as tf.Tensor2D;
  });
}

/** Output grid `[B·H·Wp, C]` → padded flat rows `[B, P·C]` (junk columns land on the padding; mask before use). */
export function gridToPaddedFlat(y: tf.Tensor2D, g: PaddedGeometry, batch: number): tf.Tensor2D {
  return tf.tidy(() => {
    const c = y.shape[1];
    const shift = g.pad * (g.paddedWidth + 1) * c;
    return tf.pad(tf.reshape(y, [batch, g.grid * c]), [[0, 0], [shift, shift]]) as tf.Tensor2D;
  });
}

/** Output grid `[B·H·Wp, C]` → flat images `[B, H·W·C]` (drops the junk columns). */
export function gridToImage(y: tf.Tensor2D, g: PaddedGeometry, batch: number): tf.Tensor2D {
  return tf.tidy(() => {
    const c = y.shape[1];
    const rows = tf.reshape(y, [batch * g.height, g.paddedWidth * c]);
    return tf.reshape(tf.slice(rows, [0, 0], [batch * g.height, g.width * c]), [batch, g.height * g.width * c]) as tf.Tensor2D;
  });
}

/** 'same' k×k convolution of NHWC images via {@link shiftConv}; `filter` `[k, k, C, C_out]` or `[k²C, C_out]`. */
export function conv2dShift(x: tf.Tensor4D, filter: tf.Tensor, size: number, bias?: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape;
    const cout = filter.shape[filter.rank - 1]!;
    const g = paddedGeometry(h, w, size);
    const kernel = tf.reshape(filter, [size * size * c, cout]) as tf.Tensor2D;
    const image = gridToImage(shiftConv(toPaddedFlat(x, g), kernel, g, bias), g, b);
    return tf.reshape(image, [b, h, w, cout]) as tf.Tensor4D;
  });
}

/**
 * `[k, k, C_in, C_out]` → `[k, k, C_out, C_in]` with both spatial axes reversed: the filter whose 'same'
 * convolution is the adjoint (input gradient) of the 'same' convolution with `w`.
 */
export function flipTranspose(w: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D);
}

let conv2dSameKernel: ((x: tf.Tensor, w: tf.Tensor) => tf.Tensor) | undefined;

/**
 * 'same' convolution, stride 1, odd k, as ONE `tf.conv2d` forward (the wasm XNNPACK kernel) with derivatives of
 * every order: `x` `[B, H, W, C_in]`, `w` `[k, k, C_in, C_out]` → `[B, H, W, C_out]`,
 * y[b,i,j,o] = Σ_{p,q,c} xpad[b, i+p, j+q, c]·w[p, q, c, o].
 *
 * @remarks tfjs's registered Conv2D gradient needs Conv2DBackpropFilter, which wasm lacks. Here the gradient is
 * itself built from this function and {@link conv2dFilterGrad} (mutually recursive `tf.customGrad`s):
 * dx = conv2dSame(dy, flipTranspose(w)), dw = conv2dFilterGrad(x, dy). Both save their INPUTS, so every order of
 * differentiation is linked to the original tensors on the tape (as in `@parabolic/core/activations`).
 */
export function conv2dSame(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  conv2dSameKernel ??= tf.customGrad((xi: tf.Tensor | tf.GradSaveFunc, wi: tf.Tensor | tf.GradSaveFunc, save: tf.Tensor | tf.GradSaveFunc) => {
    const [a, f] = [xi as tf.Tensor4D, wi as tf.Tensor4D];
    (save as tf.GradSaveFunc)([a, f]);
    return {
      value: tf.conv2d(a, f, 1, "same"),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
        return [conv2dSame(dy as tf.Tensor4D, flipTranspose(sw)), conv2dFilterGrad(sx, dy as tf.Tensor4D, sw.shape[0])];
      },
    };
  });
  return conv2dSameKernel(x, w) as tf.Tensor4D;
}

/**
 * Filter gradient of {@link conv2dSame}: g[p,q,c,o] = Σ_{b,i,j} xpad[b, i+p, j+q, c]·dy[b, i, j, o] for x
 * `[B, H, W, C_in]`, dy `[B, H, W, C_out]` → `[k, k, C_in, C_out]` (k = the odd size with (k−1)/2 = pad), as ONE
 * 'valid' `tf.conv2d` of xpad `[C_in, H+k−1, W+k−1, B]` with the filter dy `[H, W, B, C_out]`.
 *
 * @remarks Bilinear, so its gradients for an upstream G `[k, k, C_in, C_out]` are conv2dSame(x, G) (w.r.t. dy) and
 * conv2dSame(dy, flipTranspose(G)) (w.r.t. x) — again with every order.
 */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, size: number): tf.Tensor4D {
  const p = (size - 1) / 2;
  // A fresh customGrad per call (a closure, no kernel registration) carries the size.
  const op = tf.customGrad((xi: tf.Tensor | tf.GradSaveFunc, di: tf.Tensor | tf.GradSaveFunc, save: tf.Tensor | tf.GradSaveFunc) => {
    const [a, d] = [xi as tf.Tensor4D, di as tf.Tensor4D];
    (save as tf.GradSaveFunc)([a, d]);
    const xp = tf.transpose(tf.pad(a, [[0, 0], [p, p], [p, p], [0, 0]]), [3, 1, 2, 0]) as tf.Tensor4D;
    const filter = tf.transpose(d, [1, 2, 0, 3]) as tf.Tensor4D;
    return {
      value: tf.transpose(tf.conv2d(xp, filter, 1, "valid"), [1, 2, 0, 3]),
      gradFunc: (g: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sd] = saved as [tf.Tensor4D, tf.Tensor4D];
        const gk = g as tf.Tensor4D;
        return [conv2dSame(sd, flipTranspose(gk)), conv2dSame(sx, gk)];
      },
    };
  });
  return op(x, dy) as tf.Tensor4D;
}

/** Layer normalisation over the last axis, without affine parameters (mean/square/sqrt only: any order). */
export function layerNorm(x: tf.Tensor, epsilon = 1e-5): tf.Tensor {
  return tf.tidy(() => {
    const axis = x.rank - 1;
    const centred = tf.sub(x, tf.mean(x, axis, true));
    const variance = tf.mean(tf.square(centred), axis, true);
    return tf.div(centred, tf.sqrt(tf.add(variance, epsilon)));
  });
}

/** Splits `[B, H, W, C]` into non-overlapping p×p patches: `[B, T, p²C]` with T = (H/p)(W/p), row-major tokens. */
export function patchify(x: tf.Tensor4D, p: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape;
    const six = tf.reshape(x, [b, h / p, p, w / p, p, c]);
    return tf.reshape(tf.transpose(six, [0, 1, 3, 2, 4, 5]), [b, (h / p) * (w / p), p * p * c]) as tf.Tensor3D;
  });
}

/** Inverse of {@link patchify}. */
export function unpatchify(tokens: tf.Tensor3D, p: number, h: number, w: number, c: number): tf.Tensor4D {
  return tf.tidy(() => {
    const b = tokens.shape[0];
    const six = tf.reshape(tokens, [b, h / p, w / p, p, p, c]);
    return tf.reshape(tf.transpose(six, [0, 1, 3, 2, 4, 5]), [b, h, w, c]) as tf.Tensor4D;
  });
}

/** Collects variables with stable names and draws their initial values from consecutive subkeys. */
export class ParameterBuilder {
  readonly parameters: NamedVariable[] = [];
  private readonly stream;
  constructor(k: Key, private readonly prefix: string) {
    this.stream = randomStream(k);
  }
  private nextKey(): Key {
    return [this.stream.nextUint32(), this.stream.nextUint32()];
  }
  /** A `[fanIn, fanOut]` Kaiming-normal kernel scaled by `gain`. */
  kernel(name: string, fanIn: number, fanOut: number, gain = 1): tf.Variable {
    const values = kaimingValues(this.nextKey(), fanIn, fanOut, gain);
    return this.add(name, makeVariable(tf.tensor2d(values, [fanIn, fanOut])));
  }
  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(name, makeVariable(tf.zeros(shape)));
  }
  private add(name: string, variable: tf.Variable): tf.Variable {
    this.parameters.push({ name: `${this.prefix}/${name}`, variable });
    return variable;
  }
}
