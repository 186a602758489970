import { fillNormals, randomStream, type Key } from "@parabolic/core";
import type { Trainable } from "../src/parameters.js";
import { tf } from "./backend.js";

/**
 * Directional derivative of a scalar loss w.r.t. all parameters of `model`: autodiff (tf.variableGrads) vs a
 * central finite difference in float32 along a random unit direction u drawn from `k`.
 */
export async function directionalDerivativeCheck(
  model: Trainable,
  loss: () => tf.Scalar,
  k: Key,
  step: number,
): Promise<{ analytic: number; numeric: number; lossValue: number }> {
  const vars = model.parameters.map((p) => p.variable);
  const stream = randomStream(k);
  const dirs = vars.map((v) => fillNormals(stream, new Float64Array(v.size)));
  let norm = 0;
  for (const d of dirs) for (const x of d) norm += x * x;
  norm = Math.sqrt(norm);
  const dirTensors = dirs.map((d, i) => tf.tensor(Float32Array.from(d, (x) => x / norm), vars[i]!.shape));
  const { value, grads } = tf.variableGrads(loss, vars);
  let analytic = 0;
  for (let i = 0; i < vars.length; i++) {
    const g = grads[vars[i]!.name];
    if (g === undefined || g === null) continue; // parameter without influence (e.g. the output bias under ∇_y)
    analytic += (await tf.sum(tf.mul(g, dirTensors[i]!)).data())[0]!;
  }
  const lossValue = (await value.data())[0]!;
  tf.dispose([value, ...Object.values(grads).filter((g) => g !== null)]);
  const originals = vars.map((v) => tf.clone(v));
  const evaluate = async (sign: number): Promise<number> => {
    vars.forEach((v, i) => {
      const t = tf.tidy(() => tf.add(originals[i]!, tf.mul(dirTensors[i]!, sign * step)));
      v.assign(t);
      t.dispose();
    });
    const l = loss();
    const x = (await l.data())[0]!;
    l.dispose();
    return x;
  };
  const plus = await evaluate(1);
  const minus = await evaluate(-1);
  vars.forEach((v, i) => v.assign(originals[i]!));
  tf.dispose([...originals, ...dirTensors]);
  return { analytic, numeric: (plus - minus) / (2 * step), lossValue };
}
