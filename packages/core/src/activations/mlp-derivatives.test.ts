import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend/index.js";
import { key } from "../key.js";
import { randomStream } from "../random-stream.js";
import { centralDifference, centralGradient, centralLaplacian, expectNoLeaks, float64Activations, relativeError } from "../testing/index.js";
import { fillNormals } from "../variates.js";
import { gelu, geluTanh, sigmoid, silu, softplus, tanh } from "./index.js";

// A small MLP ℝ^D → ℝ^out with two hidden layers, evaluated (1) in tfjs float32 with the recursive activations and
// nested tf.grad, and (2) in plain TypeScript float64, differentiated by central finite differences (the oracle).
const D = 2;
const HIDDEN = 8;
const BATCH = 3;

type Name = keyof typeof float64Activations;
type Unary = (x: tf.Tensor) => tf.Tensor;
const ACTIVATIONS: ReadonlyArray<[Name, Unary]> = [
  ["sigmoid", sigmoid],
  ["tanh", tanh],
  ["softplus", softplus],
  ["silu", silu],
  ["gelu", gelu],
  ["geluTanh", geluTanh],
];

/** [fanIn, fanOut] per dense layer; parameters are laid out as W₁ (row-major fanIn×fanOut), b₁, W₂, b₂, … */
function layers(out: number): Array<[number, number]> {
  return [[D, HIDDEN], [HIDDEN, HIDDEN], [HIDDEN, out]];
}
function parameterCount(out: number): number {
  return layers(out).reduce((n, [i, o]) => n + i * o + o, 0);
}

/** Seeded float32-representable parameters and points, so both implementations see identical numbers. */
function float32Normals(seed: number, n: number, scale: (i: number) => number): Float64Array {
  const values = new Float64Array(n);
  fillNormals(randomStream(key(seed)), values);
  return values.map((v, i) => Math.fround(v * scale(i)));
}
function initialParameters(out: number, seed: number): Float64Array {
  const scales: number[] = [];
  for (const [i, o] of layers(out)) {
    for (let k = 0; k < i * o; k++) scales.push(1.5 / Math.sqrt(i));
    for (let k = 0; k < o; k++) scales.push(0.3);
  }
  return float32Normals(seed, scales.length, (i) => scales[i]!);
}
const POINTS = float32Normals(7, BATCH * D, () => 1);

function mlp64(theta: Float64Array, act: (x: number) => number, x: Float64Array, out: number): Float64Array {
  let h = x;
  let offset = 0;
  const shapes = layers(out);
  shapes.forEach(([fanIn, fanOut], layer) => {
    const next = new Float64Array(fanOut);
    for (let j = 0; j < fanOut; j++) {
      let z = theta[offset + fanIn * fanOut + j]!;
      for (let i = 0; i < fanIn; i++) z += h[i]! * theta[offset + i * fanOut + j]!;
      next[j] = layer < shapes.length - 1 ? act(z) : z;
    }
    offset += fanIn * fanOut + fanOut;
    h = next;
  });
  return h;
}

function mlpTf(params: tf.Tensor[], act: Unary, x: tf.Tensor): tf.Tensor {
  let h = x;
  for (let l = 0; l < params.length; l += 2) {
    const z = tf.add(tf.matMul(h, params[l]!), params[l + 1]!);
    h = l + 2 < params.length ? act(z) : z;
  }
  return h;
}

function splitParameters(theta: Float64Array, out: number): tf.Tensor[] {
  const tensors: tf.Tensor[] = [];
  let offset = 0;
  for (const [i, o] of layers(out)) {
    tensors.push(tf.tensor2d(Float32Array.from(theta.subarray(offset, offset + i * o)), [i, o]));
    tensors.push(tf.tensor1d(Float32Array.from(theta.subarray(offset + i * o, offset + i * o + o))));
    offset += i * o + o;
  }
  return tensors;
}

function column(t: tf.Tensor, i: number): tf.Tensor {
  return tf.reshape(tf.slice(t, [0, i], [-1, 1]), [-1]);
}

/** ∂f_i/∂x_i summed over i for f: [B, D] → [B, D] (rows independent, so the batch sum is harmless). */
function divergenceTf(f: Unary, x: tf.Tensor): tf.Tensor {
  let div = tf.zeros([BATCH]);
  for (let i = 0; i < D; i++) {
    div = tf.add(div, column(tf.grad((z: tf.Tensor) => tf.sum(column(f(z), i)))(x), i));
  }
  return div;
}
function gradientTf(phi: Unary): Unary {
  return (x) => tf.grad((z: tf.Tensor) => tf.sum(phi(z)))(x);
}

/** Div loss mean(½‖s‖² + ∇·s) of the score net s = MLP: ℝ^D → ℝ^D (2nd order in the parameters). */
function divLossTf(params: tf.Tensor[], act: Unary, x: tf.Tensor): tf.Tensor {
  const s = (z: tf.Tensor): tf.Tensor => mlpTf(params, act, z);
  return tf.mean(tf.add(tf.mul(tf.sum(tf.square(s(x)), 1), 0.5), divergenceTf(s, x)));
}
/** Laplacian loss mean(Δφ + ½‖∇φ‖²) of the potential φ = MLP: ℝ^D → ℝ (3rd order in the parameters). */
function laplacianLossTf(params: tf.Tensor[], act: Unary, x: tf.Tensor): tf.Tensor {
  const phi = (z: tf.Tensor): tf.Tensor => mlpTf(params, act, z);
  const grad = gradientTf(phi);
  return tf.mean(tf.add(divergenceTf(grad, x), tf.mul(tf.sum(tf.square(grad(x)), 1), 0.5)));
}

function pointAt(b: number): Float64Array {
  return POINTS.slice(b * D, b * D + D);
}
function divLoss64(theta: Float64Array, act: (x: number) => number): number {
  let total = 0;
  for (let b = 0; b < BATCH; b++) {
    const x = pointAt(b);
    const s = mlp64(theta, act, x, D);
    let div = 0;
    for (let i = 0; i < D; i++) {
      div += centralDifference((v) => mlp64(theta, act, Float64Array.from(x, (xj, j) => (j === i ? v : xj)), D)[i]!, x[i]!);
    }
    total += 0.5 * s.reduce((a, v) => a + v * v, 0) + div;
  }
  return total / BATCH;
}
function laplacianLoss64(theta: Float64Array, act: (x: number) => number): number {
  let total = 0;
  for (let b = 0; b < BATCH; b++) {
    const phi = (x: Float64Array): number => mlp64(theta, act, x, 1)[0]!;
    const grad = centralGradient(phi, pointAt(b));
    total += centralLaplacian(phi, pointAt(b)) + 0.5 * grad.reduce((a, v) => a + v * v, 0);
  }
  return total / BATCH;
}

function flatten(grads: tf.Tensor[]): tf.Tensor {
  return tf.concat(grads.map((g) => tf.reshape(g, [-1])));
}

/** Reads a tensor's values and disposes it (values are never returned from tidy: tfjs would walk them). */
function read(t: tf.Tensor): Float32Array {
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

/**
 * Parameter gradient of the Laplacian loss. The output bias does not enter ∇φ or Δφ, and tfjs throws for a
 * parameter without a path to the loss instead of returning zero, so it is left out and appended as 0.
 */
function laplacianLossGradientTf(theta: Float64Array, act: Unary): Float32Array {
  return read(tf.tidy(() => {
    const x = tf.tensor2d(Float32Array.from(POINTS), [BATCH, D]);
    const params = splitParameters(theta, 1);
    const outputBias = params.pop()!;
    const grads = tf.grads((...ps: tf.Tensor[]) => laplacianLossTf([...ps, outputBias], act, x))(params);
    return flatten([...grads, tf.zerosLike(outputBias)]);
  }));
}

// The float64 oracles do not depend on the backend: compute them once per activation.
const oracleCache = new Map<string, number[] | Float64Array>();
function cached<T extends number[] | Float64Array>(id: string, compute: () => T): T {
  if (!oracleCache.has(id)) oracleCache.set(id, compute());
  return oracleCache.get(id) as T;
}

beforeAll(async () => {
  await initBackend({ prefer: "wasm", environment: {} });
});

describe.each(["cpu", "wasm"] as const)("derivatives through an MLP on %s", (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  describe.each(ACTIVATIONS)("%s", (name, act) => {
    const act64 = float64Activations[name];

    it("Laplacian of φ = MLP(x) matches float64 finite differences (≤ 1e-4)", () => {
      const theta = initialParameters(1, 11);
      const expected = cached(`lap-${name}`, () =>
        Array.from({ length: BATCH }, (_, b) => centralLaplacian((x) => mlp64(theta, act64, x, 1)[0]!, pointAt(b))),
      );
      expectNoLeaks(() => {
        const actual = read(tf.tidy(() => {
          const params = splitParameters(theta, 1);
          const phi = (z: tf.Tensor): tf.Tensor => mlpTf(params, act, z);
          return divergenceTf(gradientTf(phi), tf.tensor2d(Float32Array.from(POINTS), [BATCH, D]));
        }));
        expect(relativeError(actual, expected)).toBeLessThan(1e-4); // acceptance 1e-3; measured ≤ 4e-6
      });
    });

    it("2nd-order parameter gradient of the div loss matches float64 finite differences (≤ 1e-4)", () => {
      const theta = initialParameters(D, 12);
      const expected = cached(`div-${name}`, () => centralGradient((t) => divLoss64(t, act64), theta));
      expectNoLeaks(() => {
        const actual = read(tf.tidy(() => {
          const x = tf.tensor2d(Float32Array.from(POINTS), [BATCH, D]);
          return flatten(tf.grads((...params: tf.Tensor[]) => divLossTf(params, act, x))(splitParameters(theta, D)));
        }));
        expect(actual).toHaveLength(parameterCount(D));
        expect(relativeError(actual, expected)).toBeLessThan(1e-4); // acceptance 1e-3; measured ≤ 4e-6
      });
    });

    it("3rd-order parameter gradient of the Laplacian loss matches float64 finite differences (≤ 1e-4)", () => {
      const theta = initialParameters(1, 13);
      const expected = cached(`laploss-${name}`, () => centralGradient((t) => laplacianLoss64(t, act64), theta));
      expect(Math.abs(expected[expected.length - 1]!)).toBeLessThan(1e-6); // output bias: no effect
      expectNoLeaks(() => {
        const actual = laplacianLossGradientTf(theta, act);
        expect(actual).toHaveLength(parameterCount(1));
        expect(relativeError(actual, expected)).toBeLessThan(1e-4); // acceptance 1e-3; measured ≤ 4e-6
      });
    });
  });

  it("the same 3rd-order gradient with the stock composite SiLU x·tf.sigmoid(x) is silently wrong (> 1 %)", () => {
    const theta = initialParameters(1, 13);
    const expected = cached("laploss-silu", () => centralGradient((t) => laplacianLoss64(t, float64Activations.silu), theta));
    const stockSilu: Unary = (z) => tf.mul(z, tf.sigmoid(z));
    const actual = laplacianLossGradientTf(theta, stockSilu);
    expect(relativeError(actual, expected)).toBeGreaterThan(0.01);
  });
});
