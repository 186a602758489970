import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { key } from "../key.js";
import { randomStream } from "../random-stream.js";
import { fillNormals } from "../variates.js";
import { expectNoLeaks, relativeError } from "../testing/index.js";
import { installFastMatMulGradient, isFastMatMulGradientInstalled } from "./fast-mat-mul-gradient.js";
import { initBackend } from "./init-backend.js";

const stream = randomStream(key(20240611));
function normalTensor(shape: number[]): tf.Tensor {
  const values = new Float64Array(shape.reduce((a, b) => a * b, 1));
  fillNormals(stream, values);
  return tf.tensor(Float32Array.from(values), shape);
}

type Grads = [Float32Array, Float32Array];
/** Gradients of Σ R ⊙ (op(a)·op(b)) with respect to a and b, with whatever BatchMatMul gradient is registered. */
function gradients(a: tf.Tensor, b: tf.Tensor, weights: tf.Tensor, transposeA: boolean, transposeB: boolean): Grads {
  const grads = tf.tidy(() =>
    tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(weights, tf.matMul(x, y, transposeA, transposeB))))([a, b]),
  );
  return readPair(grads);
}

/** Reads two gradient tensors and disposes them (values are never returned from tidy: tfjs would walk them). */
function readPair(grads: tf.Tensor[]): Grads {
  const values: Grads = [grads[0]!.dataSync() as Float32Array, grads[1]!.dataSync() as Float32Array];
  tf.dispose(grads);
  return values;
}

/** Max-norm relative difference, the "within 1e-5" of the acceptance criterion. */
function maxRelative(actual: Float32Array, expected: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / scale;
}

beforeAll(async () => {
  // Capture the stock configuration (registered by the union package) before initBackend installs the fix.
  await import("@tensorflow/tfjs");
  expect(isFastMatMulGradientInstalled()).toBe(false);
  stockConfig = tf.getGradient(tf.BatchMatMul);
  await initBackend({ prefer: "wasm", environment: {} });
  expect(isFastMatMulGradientInstalled()).toBe(true);
});

describe.each(["cpu", "wasm"] as const)("installFastMatMulGradient on %s", (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  /** Computes `compute` once with the stock gradient and once with the fix. */
  function stockAndFast<T>(compute: () => T): { stock: T; fast: T } {
    const restore = reinstallStock();
    const stock = compute();
    restore();
    expect(isFastMatMulGradientInstalled()).toBe(true);
    const fast = compute();
    return { stock, fast };
  }

  it.each([
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ])("equals the stock gradient within 1e-5 (transposeA=%s, transposeB=%s)", (transposeA, transposeB) => {
    expectNoLeaks(() => {
      const [m, k, n] = [7, 5, 6]; // here dA = g·Bᵀ is computed as matMul(g, transpose(B))
      const a = normalTensor(transposeA ? [k, m] : [m, k]);
      const b = normalTensor(transposeB ? [n, k] : [k, n]);
      const r = normalTensor([m, n]);
      const { stock, fast } = stockAndFast(() => gradients(a, b, r, transposeA, transposeB));
      expect(maxRelative(fast[0], stock[0])).toBeLessThan(1e-5);
      expect(maxRelative(fast[1], stock[1])).toBeLessThan(1e-5);
      tf.dispose([a, b, r]);
    });
  });

  it.each([
    [false, false],
    [false, true],
  ])("equals the stock gradient when B is large against a small batch (transposeA=%s, transposeB=%s)", (transposeA, transposeB) => {
    // m·(2n + k) < n·k: dA = g·Bᵀ is computed as (B·gᵀ)ᵀ when transposeB is false.
    expectNoLeaks(() => {
      const [m, k, n] = [3, 24, 20];
      const a = normalTensor([m, k]);
      const b = normalTensor(transposeB ? [n, k] : [k, n]);
      const r = normalTensor([m, n]);
      const { stock, fast } = stockAndFast(() => gradients(a, b, r, transposeA, transposeB));
      expect(maxRelative(fast[0], stock[0])).toBeLessThan(1e-5);
      expect(maxRelative(fast[1], stock[1])).toBeLessThan(1e-5);
      tf.dispose([a, b, r]);
    });
  });

  it.each([
    [false, false],
    [true, true],
  ])("equals the stock gradient for a batched rank-3 product (transposeA=%s, transposeB=%s)", (transposeA, transposeB) => {
    expectNoLeaks(() => {
      const a = normalTensor(transposeA ? [3, 4, 5] : [3, 5, 4]);
      const b = normalTensor(transposeB ? [3, 6, 4] : [3, 4, 6]);
      const r = normalTensor([3, 5, 6]);
      const { stock, fast } = stockAndFast(() => gradients(a, b, r, transposeA, transposeB));
      expect(maxRelative(fast[0], stock[0])).toBeLessThan(1e-5);
      expect(maxRelative(fast[1], stock[1])).toBeLessThan(1e-5);
      tf.dispose([a, b, r]);
    });
  });

  it("sums broadcast batch axes back to the input shape (the stock gradient throws there)", () => {
    const a = normalTensor([2, 3, 4]);
    const b = normalTensor([4, 5]);
    const r = normalTensor([2, 3, 5]);
    const restoreAfterThrow = reinstallStock();
    // (tfjs itself leaks the tape's saved tensors when a gradient throws, so this stays outside expectNoLeaks.)
    expect(() => gradients(a, b, r, false, false)).toThrow(/gradient of input 'b' has shape '2,4,5'/);
    restoreAfterThrow();
    expectNoLeaks(() => {
      const restore = reinstallStock();
      // Reference: the stock gradient of the same product with b tiled explicitly.
      const reference = readPair(
        tf.tidy(() =>
          tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(r, tf.matMul(x, tf.tile(tf.expandDims(y, 0), [2, 1, 1])))))([
            a,
            b,
          ]),
        ),
      );
      restore();
      const fast = gradients(a, b, r, false, false);
      expect(maxRelative(fast[0], reference[0])).toBeLessThan(1e-5);
      expect(maxRelative(fast[1], reference[1])).toBeLessThan(1e-5);
    });
    tf.dispose([a, b, r]);
  });

  it("keeps second-order gradients equal to the stock ones (gradient of a gradient norm)", () => {
    expectNoLeaks(() => {
      const x = normalTensor([8, 3]);
      const w1 = normalTensor([3, 6]);
      const w2 = normalTensor([6, 1]);
      // ∂/∂(w1, w2) of ‖∇ₓ Σ tanh-free net(x)‖²: needs the BatchMatMul gradient differentiated once more.
      const loss = (p: tf.Tensor, q: tf.Tensor): tf.Tensor => {
        const gx = tf.grad((z: tf.Tensor) => tf.sum(tf.matMul(tf.sin(tf.matMul(z, p)), q)))(x);
        return tf.sum(tf.square(gx));
      };
      const compute = (): Grads => readPair(tf.tidy(() => tf.grads(loss)([w1, w2])));
      const { stock, fast } = stockAndFast(compute);
      expect(relativeError(fast[0], stock[0])).toBeLessThan(1e-5);
      expect(relativeError(fast[1], stock[1])).toBeLessThan(1e-5);
      tf.dispose([x, w1, w2]);
    });
  });
});

describe("installFastMatMulGradient bookkeeping", () => {
  it("is idempotent and its restore function reinstates the previous configuration", () => {
    const restore = reinstallStock();
    const stock = tf.getGradient(tf.BatchMatMul);
    const undo = installFastMatMulGradient();
    expect(isFastMatMulGradientInstalled()).toBe(true);
    const fixed = tf.getGradient(tf.BatchMatMul);
    const noop = installFastMatMulGradient();
    expect(tf.getGradient(tf.BatchMatMul)).toBe(fixed);
    noop();
    expect(tf.getGradient(tf.BatchMatMul)).toBe(fixed);
    undo();
    expect(tf.getGradient(tf.BatchMatMul)).toBe(stock);
    expect(isFastMatMulGradientInstalled()).toBe(false);
    restore();
    expect(isFastMatMulGradientInstalled()).toBe(true);
  });
});

/** The stock configuration, captured before the fix is installed. */
let stockConfig: tf.GradConfig | undefined;
/** Re-registers the stock gradient; returns a function that puts back what was registered before. */
function reinstallStock(): () => void {
  const current = tf.getGradient(tf.BatchMatMul);
  tf.registerGradient(stockConfig!);
  return () => tf.registerGradient(current);
}
