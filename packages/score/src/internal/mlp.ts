import * as tf from "@tensorflow/tfjs-core";
import { fillNormals, randomStream, split, invalidArgument, assertPositiveInteger, type Key } from "@parabolic/core";
import { gelu, silu, softplus, tanh } from "@parabolic/core/activations";
import type { NamedVariable } from "../parameters.js";

/** Names of the activations (all with correct higher-order gradients). */
export type ActivationName = "silu" | "softplus" | "tanh" | "gelu";

const ACTIVATIONS: Readonly<Record<ActivationName, (x: tf.Tensor) => tf.Tensor>> = { silu, softplus, tanh, gelu };

export function resolveActivation(fn: string, name: unknown): ActivationName {
  if (typeof name === "string" && Object.prototype.hasOwnProperty.call(ACTIVATIONS, name)) return name as ActivationName;
  throw invalidArgument(fn, "activation", `be one of ${Object.keys(ACTIVATIONS).join(", ")}`, name);
}

export type MlpSpec = Readonly<{
  inputs: number;
  outputs: number;
  width: number;
  depth: number;
  residual: boolean;
  activation: ActivationName;
  outputGain: number;
}>;

export type Mlp = Readonly<{
  spec: MlpSpec;
  parameters: readonly NamedVariable[];
  apply(x: tf.Tensor2D): tf.Tensor2D;
}>;

export function validateMlpShape(fn: string, width: unknown, depth: unknown): void {
  assertPositiveInteger(fn, "width", width, 1 << 16);
  assertPositiveInteger(fn, "depth", depth, 64);
}

/** LeCun-normal kernel [fanIn, fanOut] from a key, as a float32 array. */
function kernelValues(k: Key, fanIn: number, fanOut: number, gain: number): Float32Array {
  const buffer = new Float64Array(fanIn * fanOut);
  fillNormals(randomStream(k), buffer);
  const scale = gain / Math.sqrt(fanIn);
  const out = new Float32Array(buffer.length);
  for (let i = 0; i < buffer.length; i++) out[i] = buffer[i]! * scale;
  return out;
}

/**
 * A trainable variable from an initial tensor, which is released (the variable shares its data). Variables get
 * engine-generated unique names; the stable checkpoint name lives in {@link NamedVariable}.
 */
export function makeVariable(initial: tf.Tensor): tf.Variable {
  const v = tf.variable(initial, true);
  initial.dispose();
  return v;
}

/**
 * An MLP `inputs → width (× depth) → outputs` with forward layout `matMul(x, W)` (x is [batch, in], W is
 * [in, out]): the wasm fast path, with no fused matmul. Residual blocks are `h ← h + act(hW + b)` after the input
 * projection.
 */
export function createMlp(k: Key, spec: MlpSpec, prefix: string): Mlp {
  const { inputs, outputs, width, depth, residual } = spec;
  const act = ACTIVATIONS[spec.activation];
  const keys = split(k, depth + 1);
  const layers: { kernel: tf.Variable; bias: tf.Variable }[] = [];
  const parameters: NamedVariable[] = [];
  for (let i = 0; i <= depth; i++) {
    const fanIn = i === 0 ? inputs : width;
    const fanOut = i === depth ? outputs : width;
    const gain = i === depth ? spec.outputGain : 1;
    const kernel = makeVariable(tf.tensor2d(kernelValues(keys[i]!, fanIn, fanOut, gain), [fanIn, fanOut]));
    const bias = makeVariable(tf.zeros([fanOut]));
    layers.push({ kernel, bias });
    parameters.push({ name: `${prefix}/${i}/kernel`, variable: kernel }, { name: `${prefix}/${i}/bias`, variable: bias });
  }
  return {
    spec,
    parameters,
    apply(x) {
      return tf.tidy(() => {
        let h: tf.Tensor = x;
        for (let i = 0; i < depth; i++) {
          const layer = layers[i]!;
          const z = act(tf.add(tf.matMul(h as tf.Tensor2D, layer.kernel as tf.Tensor2D), layer.bias));
          h = residual && i > 0 ? tf.add(h, z) : z;
        }
        const last = layers[depth]!;
        return tf.add(tf.matMul(h as tf.Tensor2D, last.kernel as tf.Tensor2D), last.bias) as tf.Tensor2D;
      });
    },
  };
}
