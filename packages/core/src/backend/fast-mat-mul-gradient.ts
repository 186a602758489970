import {
  BatchMatMul,
  getGradient,
  matMul,
  registerGradient,
  reshape,
  sum,
  transpose,
  unregisterGradient,
  type GradConfig,
  type NamedAttrMap,
  type Tensor,
} from "@tensorflow/tfjs-core";

/** Marks our gradient configuration so that a second install (even from another copy of core) is a no-op. */
const FAST_MARK = Symbol.for("@parabolic/core/fast-mat-mul-gradient");

/** Swaps the last two axes (a matrix transpose of every batch member). */
function transposeLastTwo(t: Tensor): Tensor {
  if (t.rank === 2) return transpose(t);
  const perm = Array.from({ length: t.rank }, (_, i) => i);
  perm[t.rank - 2] = t.rank - 1;
  perm[t.rank - 1] = t.rank - 2;
  return transpose(t, perm);
}

/** `op(a)·op(b)` with the transposes materialised, so `matMul` itself runs without transpose flags. */
function plainProduct(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  return matMul(transposeA ? transposeLastTwo(a) : a, transposeB ? transposeLastTwo(b) : b);
}

/**
 * g·bᵀ for matrices. On wasm every product whose right operand is a fresh tensor pays for packing that operand
 * (XNNPACK caches the packed form per tensor), so when b is large compared with g (a weight matrix against a
 * small batch) it is cheaper to pack gᵀ and compute (b·gᵀ)ᵀ: measured 4.3 vs 5.6 CPU-ms for g 128×512,
 * b 512×512, the other way round (1.6 vs 0.85 ms) for g 512×128, b 128×128.
 */
function productWithTransposedRight(g: Tensor, b: Tensor): Tensor {
  if (g.rank === 2 && b.rank === 2) {
    const [m, n] = g.shape as [number, number];
    const k = b.shape[0]!;
    if (n * k > m * (2 * n + k)) return transpose(matMul(b, transpose(g)));
  }
  return matMul(g, transposeLastTwo(b));
}

/**
 * Sums a gradient over the batch axes that were broadcast in the forward product, so that it has the shape of
 * the input (the stock gradient does not do this and fails on broadcast batch dimensions).
 */
function reduceToShape(grad: Tensor, shape: readonly number[]): Tensor {
  if (grad.rank === shape.length && grad.shape.every((n, i) => n === shape[i])) return grad;
  const extra = grad.rank - shape.length;
  let reduced = extra > 0 ? sum(grad, Array.from({ length: extra }, (_, i) => i)) : grad;
  const axes: number[] = [];
  for (let i = 0; i < shape.length - 2; i++) {
    if (shape[i] === 1 && reduced.shape[i] !== 1) axes.push(i);
  }
  if (axes.length > 0) reduced = sum(reduced, axes, true);
  return reshape(reduced, [...shape]);
}

function fastBatchMatMulGradient(): GradConfig {
  const config: GradConfig = {
    kernelName: BatchMatMul,
    inputsToSave: ["a", "b"],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs?: NamedAttrMap) => {
      const g = dy as Tensor;
      const [a, b] = saved as [Tensor, Tensor];
      const transposeA = attrs?.["transposeA"] === true;
      const transposeB = attrs?.["transposeB"] === true;
      // C = op(A)·op(B):  d op(A) = dC·op(B)ᵀ and d op(B) = op(A)ᵀ·dC, transposed back where op is a transpose.
      return {
        a: () => {
          if (transposeA) return reduceToShape(plainProduct(b, g, transposeB, true), a.shape);
          return reduceToShape(transposeB ? matMul(g, b) : productWithTransposedRight(g, b), a.shape);
        },
        b: () =>
          reduceToShape(transposeB ? plainProduct(g, a, true, transposeA) : plainProduct(a, g, !transposeA, false), b.shape),
      };
    },
  };
  Object.defineProperty(config, FAST_MARK, { value: true });
  return config;
}

/**
 * Re-registers the gradient of the `BatchMatMul` kernel so that every gradient product runs as a plain
 * `matMul` of explicitly transposed operands.
 *
 * @remarks
 * The stock gradient uses `matMul`'s transpose flags; the wasm backend sends only flag-free products to its
 * fast XNNPACK path and runs every other combination in a scalar loop 10–25× slower, so backward passes of dense
 * layers dominate training (toolchain.md §3.1). The replacement computes the same values (the products are
 * re-associated, so results agree to float32 rounding), supports every rank, sums broadcast batch axes back to
 * the input shape (which the stock gradient does not), and is itself built from differentiable ops, so
 * higher-order gradients keep working. `registerGradient` is global, so the fix also applies to other backends
 * (harmless on `cpu`, where all variants cost the same). {@link initBackend} calls it when it selects `wasm`.
 *
 * Installing twice is a no-op; the second call returns a no-op restore function.
 *
 * @returns A function that restores the gradient configuration registered before this call.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { installFastMatMulGradient } from "@parabolic/core/backend";
 *
 * const restore = installFastMatMulGradient();
 * const dW = tf.grad((w: tf.Tensor) => tf.matMul(x, w).square().sum())(w); // flag-free products on wasm
 * restore(); // back to the stock gradient (tests only; applications keep the fix)
 * ```
 */
export function installFastMatMulGradient(): () => void {
  const previous = getGradient(BatchMatMul) as GradConfig | undefined;
  if (previous !== undefined && FAST_MARK in previous) return () => {};
  registerGradient(fastBatchMatMulGradient());
  return () => {
    if (previous === undefined) unregisterGradient(BatchMatMul);
    else registerGradient(previous);
  };
}

/**
 * Whether the gradient currently registered for `BatchMatMul` is the one {@link installFastMatMulGradient}
 * installs.
 *
 * @example
 * ```ts
 * const { name } = await initBackend();
 * if (name === "wasm") console.assert(isFastMatMulGradientInstalled());
 * ```
 */
export function isFastMatMulGradientInstalled(): boolean {
  const current = getGradient(BatchMatMul) as GradConfig | undefined;
  return current !== undefined && FAST_MARK in current;
}
