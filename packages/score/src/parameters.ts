import * as tf from "@tensorflow/tfjs-core";
import { ParabolicError } from "@parabolic/core";

/**
 * One trainable tensor of a model, with a stable name used by checkpoints (e.g. `"mlp/0/kernel"`).
 *
 * @remarks The variable is owned by the model that created it; the model's `dispose()` frees it.
 * @example
 * ```ts
 * for (const { name, variable } of net.parameters) console.log(name, variable.shape);
 * ```
 */
export type NamedVariable = Readonly<{ name: string; variable: tf.Variable }>;

/**
 * Anything with named trainable parameters: every network of this package, and user models that follow the shape.
 * @example
 * ```ts
 * const model: Trainable = { parameters: [{ name: "w", variable: tf.variable(tf.zeros([3])) }] };
 * ```
 */
export type Trainable = Readonly<{ parameters: readonly NamedVariable[] }>;

/**
 * A host copy of parameter values: name → (shape, float32 values). Used by checkpoints and EMA snapshots.
 * @example
 * ```ts
 * const values: ParameterValues = await readParameters(net);
 * ```
 */
export type ParameterValues = ReadonlyArray<Readonly<{ name: string; shape: readonly number[]; values: Float32Array }>>;

/**
 * Total number of scalar parameters of a model.
 *
 * @example
 * ```ts
 * const n = parameterCount(network); // e.g. 4 481 for a 2-D MLP with width 64
 * ```
 */
export function parameterCount(model: Trainable): number {
  let n = 0;
  for (const p of model.parameters) n += p.variable.size;
  return n;
}

/**
 * Reads all parameter values to host memory (float32 copies; no tensors are created that outlive the call).
 *
 * @example
 * ```ts
 * const snapshot = await readParameters(network);
 * ```
 */
export async function readParameters(model: Trainable): Promise<ParameterValues> {
  const out: { name: string; shape: readonly number[]; values: Float32Array }[] = [];
  for (const p of model.parameters) {
    const data = await p.variable.data();
    out.push({ name: p.name, shape: p.variable.shape.slice(), values: Float32Array.from(data as Float32Array) });
  }
  return out;
}

/**
 * Writes parameter values (from {@link readParameters} or a checkpoint) into a model, matching by name.
 *
 * @throws ParabolicError `SHAPE_MISMATCH` if a name is missing or a shape differs (nothing is written then).
 * @example
 * ```ts
 * writeParameters(freshNetwork, await readParameters(trainedNetwork));
 * ```
 */
export function writeParameters(model: Trainable, values: ParameterValues, fn = "writeParameters"): void {
  const byName = new Map(values.map((v) => [v.name, v]));
  for (const p of model.parameters) {
    const v = byName.get(p.name);
    if (v === undefined) {
      throw new ParabolicError("SHAPE_MISMATCH", `${fn}: no values for parameter '${p.name}'.`, { parameter: p.name });
    }
    const shape = p.variable.shape;
    if (v.shape.length !== shape.length || v.shape.some((s, i) => s !== shape[i]) || v.values.length !== p.variable.size) {
      throw new ParabolicError(
        "SHAPE_MISMATCH",
        `${fn}: parameter '${p.name}' has shape [${shape.join(",")}]; got values of shape [${v.shape.join(",")}].`,
        { parameter: p.name, expected: shape.slice(), received: v.shape.slice() },
      );
    }
  }
  for (const p of model.parameters) {
    const v = byName.get(p.name)!;
    const t = tf.tensor(v.values, p.variable.shape, "float32");
    p.variable.assign(t);
    t.dispose();
  }
}

/**
 * Copies parameters tensor-to-tensor from one model to another of the same architecture (e.g. EMA weights into a
 * sampling copy).
 *
 * @throws ParabolicError `SHAPE_MISMATCH` when names or shapes differ.
 * @example
 * ```ts
 * copyParameters(emaModel, samplingModel);
 * ```
 */
export function copyParameters(from: Trainable, to: Trainable): void {
  const byName = new Map(from.parameters.map((p) => [p.name, p.variable]));
  for (const p of to.parameters) {
    const src = byName.get(p.name);
    if (src === undefined || src.shape.length !== p.variable.shape.length || src.shape.some((s, i) => s !== p.variable.shape[i])) {
      throw new ParabolicError("SHAPE_MISMATCH", `copyParameters: parameter '${p.name}' is missing or has a different shape in the source.`, {
        parameter: p.name,
      });
    }
  }
  for (const p of to.parameters) p.variable.assign(byName.get(p.name)!);
}
