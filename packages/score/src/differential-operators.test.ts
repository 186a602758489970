import { beforeAll, describe, expect, it } from "vitest";
import { setupBackend, tf } from "../test/backend.js";
import { exactDivergence, gradient, hutchinsonDivergence } from "./differential-operators.js";

beforeAll(async () => {
  await setupBackend();
});

// f(x) = (x0²·x1, sin(x1)·x2, x0·x2³): ∇·f = 2x0x1 + cos(x1)x2 + 3x0x2²
const field = (x: tf.Tensor2D): tf.Tensor2D =>
  tf.tidy(() => {
    const [a, b, c] = tf.split(x, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
    return tf.concat([tf.mul(tf.square(a), b), tf.mul(tf.sin(b), c), tf.mul(a, tf.pow(c, 3))], 1) as tf.Tensor2D;
  });
const rows = [
  [0.3, -1.2, 0.7],
  [1.1, 0.4, -0.5],
];
const exactDiv = rows.map(([a, b, c]) => 2 * a! * b! + Math.cos(b!) * c! + 3 * a! * c! * c!);

describe("differential operators", () => {
  it("exactDivergence matches the analytic divergence and returns f(x)", async () => {
    const x = tf.tensor2d(rows);
    const { value, divergence } = exactDivergence(field, x);
    const div = await divergence.data();
    for (let i = 0; i < 2; i++) expect(div[i]!).toBeCloseTo(exactDiv[i]!, 5);
    const f = await value.array();
    expect(f[0]![0]).toBeCloseTo(0.09 * -1.2, 6);
    tf.dispose([x, value, divergence]);
  });

  it("Hutchinson with all 2^d Rademacher sign patterns averages to the exact trace", async () => {
    const x = tf.tensor2d(rows);
    const sums = [0, 0];
    for (let pattern = 0; pattern < 8; pattern++) {
      const v = [0, 1, 2].map((j) => ((pattern >> j) & 1 ? 1 : -1));
      const probe = tf.tensor2d([v, v]);
      const { value, divergence } = hutchinsonDivergence(field, x, probe);
      const d = await divergence.data();
      sums[0]! += d[0]! / 8;
      sums[1]! += d[1]! / 8;
      tf.dispose([probe, value, divergence]);
    }
    for (let i = 0; i < 2; i++) expect(sums[i]!).toBeCloseTo(exactDiv[i]!, 5);
    expect(() => hutchinsonDivergence(field, x, tf.zeros([2, 2]) as tf.Tensor2D)).toThrow(/'probe' must have the shape/);
    x.dispose();
  });

  it("gradient of a scalar field", async () => {
    const g = gradient((x) => tf.sum(tf.mul(tf.square(x), tf.tensor1d([1, 3])), 1) as tf.Tensor1D, tf.tensor2d([[1, 2]]));
    expect(Array.from(await g.data())).toEqual([2, 12]);
  });
});
