import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend/index.js";
import { centralDifference, expectNoLeaks, float64Activations, relativeError } from "../testing/index.js";
import { gelu, geluTanh, sigmoid, silu, softplus, tanh } from "./index.js";

type Unary = (x: tf.Tensor) => tf.Tensor;
const ACTIVATIONS: ReadonlyArray<[keyof typeof float64Activations, Unary]> = [
  ["sigmoid", sigmoid],
  ["tanh", tanh],
  ["softplus", softplus],
  ["silu", silu],
  ["gelu", gelu],
  ["geluTanh", geluTanh],
];
const POINTS = [-3, -1.7, -0.6, -0.1, 0.25, 0.9, 1.8, 3.2];

/** Element-wise derivative of order `order` by nested tf.grad (elements are independent, so Σ is fine). */
function nthDerivative(f: Unary, order: number): Unary {
  let g = f;
  for (let k = 0; k < order; k++) {
    const inner = g;
    g = (x) => tf.grad((y: tf.Tensor) => tf.sum(inner(y)))(x);
  }
  return g;
}

function evaluate(f: Unary, order: number): Float32Array {
  const result = tf.tidy(() => nthDerivative(f, order)(tf.tensor1d(POINTS)));
  const values = result.dataSync() as Float32Array;
  result.dispose();
  return values;
}

function oracle(name: keyof typeof float64Activations, order: 0 | 1 | 2 | 3): number[] {
  const f = float64Activations[name];
  return POINTS.map((x) => (order === 0 ? f(x) : centralDifference(f, x, { order })));
}

/**
 * Element-wise relative error with a floor of 1 % of the largest reference magnitude (derivatives cross zero),
 * which implies the norm-wise relative error is below the same bound up to a factor √n.
 */
function worstRelative(actual: Float32Array, expected: number[]): number {
  const floor = 0.01 * Math.max(...expected.map(Math.abs));
  return Math.max(...expected.map((e, i) => Math.abs(actual[i]! - e) / Math.max(Math.abs(e), floor)));
}

beforeAll(async () => {
  await initBackend({ prefer: "wasm", environment: {} });
});

describe.each(["cpu", "wasm"] as const)("activations on %s", (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it.each(ACTIVATIONS)("%s: values and 1st–3rd derivatives match float64 central differences (≤ 1e-4)", (name, f) => {
    expectNoLeaks(() => {
      for (const order of [0, 1, 2, 3] as const) {
        const actual = evaluate(f, order);
        const expected = oracle(name, order);
        // Acceptance is 1e-3; measured ≤ 1e-5 element-wise (float32 rounding), so assert the tighter 1e-4.
        expect(relativeError(actual, expected), `${name} order ${order} (norm-wise)`).toBeLessThan(1e-4);
        expect(worstRelative(actual, expected), `${name} order ${order} (element-wise)`).toBeLessThan(1e-4);
      }
    });
  });

  it("returns tensors of the input's shape and leaves the input alive", () => {
    expectNoLeaks(() => {
      const x = tf.tensor2d([[0.5, -1], [2, 0]]);
      for (const [, f] of ACTIVATIONS) {
        const y = f(x);
        expect(y.shape).toEqual([2, 2]);
        y.dispose();
      }
      expect(x.isDisposed).toBe(false);
      x.dispose();
    });
  });

  // Why this module exists: the stock kernels save their output, which the next order treats as a constant.
  describe("stock tfjs activations at higher order (documenting the trap)", () => {
    it("tf.tanh and tf.sigmoid: the second derivative throws", () => {
      for (const stock of [tf.tanh, tf.sigmoid] as Unary[]) {
        expect(() => evaluate(stock, 2)).toThrow(/Cannot compute gradient of y=f\(x\) with respect to x/);
      }
    });

    it("composite SiLU x·tf.sigmoid(x) and GELU-tanh with tf.tanh: second derivatives silently wrong", () => {
      const stockSilu: Unary = (x) => tf.mul(x, tf.sigmoid(x));
      const stockGeluTanh: Unary = (x) =>
        tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI)))));
      expect(relativeError(evaluate(stockSilu, 1), oracle("silu", 1))).toBeLessThan(1e-5); // first order is fine
      expect(relativeError(evaluate(stockSilu, 2), oracle("silu", 2))).toBeGreaterThan(0.05);
      expect(relativeError(evaluate(stockGeluTanh, 2), oracle("geluTanh", 2))).toBeGreaterThan(0.05);
    });

    it("tf.softplus: second order is fine (its gradient is the stock sigmoid) but the third derivative throws", () => {
      expect(relativeError(evaluate(tf.softplus, 2), oracle("softplus", 2))).toBeLessThan(1e-4);
      expect(() => evaluate(tf.softplus, 3)).toThrow(/Cannot compute gradient of y=f\(x\) with respect to x/);
    });
  });
});
