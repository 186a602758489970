import * as tf from "@tensorflow/tfjs-core";
import { ParabolicError, assertInRange, assertNonNegativeNumber, assertPositiveNumber, invalidArgument } from "@parabolic/core";
import { readParameters, writeParameters, type NamedVariable, type ParameterValues, type Trainable } from "./parameters.js";
import { learningRateAt, type LearningRate } from "./schedules.js";

/**
 * Options of {@link createAdam}: Adam, or AdamW when `weightDecay` > 0 (decoupled decay).
 * @example
 * ```ts
 * const options: AdamOptions = { learningRate: cosineSchedule({ initial: 1e-3, steps: 1000 }), weightDecay: 1e-5 };
 * ```
 */
export type AdamOptions = Readonly<{
  /** A constant rate > 0, or a schedule whose value is finite and ≥ 0 at every step (checked when applied). */
  learningRate: LearningRate;
  /** @defaultValue 0.9 */
  beta1?: number;
  /** @defaultValue 0.999 */
  beta2?: number;
  /** @defaultValue 1e-8 */
  epsilon?: number;
  /** Decoupled weight decay λ (AdamW): θ ← θ − lr·λ·θ each step. @defaultValue 0 */
  weightDecay?: number;
}>;

/**
 * The serialisable part of an Adam optimizer: hyper-parameters (without the schedule), update count and moments.
 * @example
 * ```ts
 * const state: AdamState = await adam.state(); // host copy, e.g. for a checkpoint
 * ```
 */
export type AdamState = Readonly<{
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  /** Number of updates applied so far. */
  updates: number;
  firstMoments: ParameterValues;
  secondMoments: ParameterValues;
}>;

/**
 * An Adam/AdamW optimizer over a model's named parameters, with its moments in tfjs variables.
 *
 * @remarks A stateful resource (call `dispose()`); deterministic: the same gradients in the same order give
 * bit-identical parameters on the same backend. Bias corrections are computed in float64 on the host.
 * @example
 * ```ts
 * const adam: Adam = createAdam(net, { learningRate: 1e-3 });
 * ```
 */
export type Adam = {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  /** Number of updates applied so far. */
  readonly updates: number;
  /**
   * Applies one update with the learning rate at step `updates`; gradients are in parameter order (`null` means
   * zero) and multiplied by `gradientScale` (for clipping). Does not dispose the gradients.
   */
  apply(gradients: ReadonlyArray<tf.Tensor | null>, gradientScale?: number): void;
  /** Host copy of the state, for checkpoints. */
  state(): Promise<AdamState>;
  /** Restores a state read by `state()` (hyper-parameters must match). */
  load(state: AdamState): void;
  dispose(): void;
};

/**
 * A non-trainable zero variable shaped like `like` (the initial tensor is released; the variable keeps the data).
 * @internal
 */
export function zeroStateVariable(like: tf.Tensor): tf.Variable {
  const zeros = tf.zerosLike(like);
  const variable = tf.variable(zeros, false);
  zeros.dispose();
  return variable;
}

/**
 * Creates an Adam (or AdamW) optimizer for `model`'s parameters.
 *
 * @throws ParabolicError `INVALID_ARGUMENT` for invalid hyper-parameters.
 * @example
 * ```ts
 * const adam = createAdam(net, { learningRate: 1e-3, weightDecay: 1e-5 });
 * const { grads } = tf.variableGrads(() => loss(), net.parameters.map((p) => p.variable));
 * adam.apply(net.parameters.map((p) => grads[p.variable.name] ?? null));
 * ```
 */
export function createAdam(model: Trainable, options: AdamOptions): Adam {
  const fn = "createAdam";
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  const epsilon = options.epsilon ?? 1e-8;
  const weightDecay = options.weightDecay ?? 0;
  assertInRange(fn, "beta1", beta1, { min: 0, max: 1, maxExclusive: true });
  assertInRange(fn, "beta2", beta2, { min: 0, max: 1, maxExclusive: true });
  assertPositiveNumber(fn, "epsilon", epsilon);
  assertNonNegativeNumber(fn, "weightDecay", weightDecay);
  const rate = options.learningRate;
  if (typeof rate === "number") assertPositiveNumber(fn, "learningRate", rate);
  else if (typeof rate !== "function") throw invalidArgument(fn, "learningRate", "be a number or a function of the step", rate);
  const params: readonly NamedVariable[] = model.parameters;
  const m = params.map((p) => ({ name: p.name, variable: zeroStateVariable(p.variable) }));
  const v = params.map((p) => ({ name: p.name, variable: zeroStateVariable(p.variable) }));
  let updates = 0;
  let disposed = false;
  const checkAlive = (method: string): void => {
    if (disposed) throw new ParabolicError("INVALID_ARGUMENT", `Adam.${method}: the optimizer has been disposed.`);
  };
  return {
    beta1,
    beta2,
    epsilon,
    weightDecay,
    get updates() {
      return updates;
    },
    apply(gradients, gradientScale = 1) {
      checkAlive("apply");
      if (gradients.length !== params.length) {
        throw new ParabolicError("SHAPE_MISMATCH", `Adam.apply: expected ${params.length} gradients; got ${gradients.length}.`);
      }
      const lr = learningRateAt(rate, updates);
      // a schedule may reach 0 (e.g. a cosine decay to 0), but never a negative or non-finite rate
      if (!(Number.isFinite(lr) && lr >= 0)) throw invalidArgument("Adam.apply", `learningRate(${updates})`, "be a finite number >= 0 at every step", lr);
      const t = updates + 1;
      const c1 = 1 / (1 - Math.pow(beta1, t));
      const c2 = 1 / (1 - Math.pow(beta2, t));
      for (let i = 0; i < params.length; i++) {
        const p = params[i]!.variable;
        const g0 = gradients[i] ?? null;
        const [mNew, vNew, pNew] = tf.tidy(() => {
          const g = g0 === null ? tf.zerosLike(p) : gradientScale === 1 ? g0 : tf.mul(g0, gradientScale);
          const mi = tf.add(tf.mul(m[i]!.variable, beta1), tf.mul(g, 1 - beta1));
          const vi = tf.add(tf.mul(v[i]!.variable, beta2), tf.mul(tf.square(g), 1 - beta2));
          const step = tf.div(tf.mul(mi, c1), tf.add(tf.sqrt(tf.mul(vi, c2)), epsilon));
          let next = tf.sub(p, tf.mul(step, lr));
          if (weightDecay > 0) next = tf.sub(next, tf.mul(p, lr * weightDecay));
          return [mi, vi, next];
        });
        m[i]!.variable.assign(mNew!);
        v[i]!.variable.assign(vNew!);
        p.assign(pNew!);
        tf.dispose([mNew!, vNew!, pNew!]);
      }
      updates = t;
    },
    async state() {
      checkAlive("state");
      return {
        beta1,
        beta2,
        epsilon,
        weightDecay,
        updates,
        firstMoments: await readParameters({ parameters: m }),
        secondMoments: await readParameters({ parameters: v }),
      };
    },
    load(state) {
      checkAlive("load");
      for (const [name, a, b] of [
        ["beta1", state.beta1, beta1],
        ["beta2", state.beta2, beta2],
        ["epsilon", state.epsilon, epsilon],
        ["weightDecay", state.weightDecay, weightDecay],
      ] as const) {
        if (a !== b) throw invalidArgument("Adam.load", name, `match the optimizer's ${name} (${b})`, a);
      }
      writeParameters({ parameters: m }, state.firstMoments, "Adam.load");
      writeParameters({ parameters: v }, state.secondMoments, "Adam.load");
      updates = state.updates;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const x of [...m, ...v]) x.variable.dispose();
    },
  };
}
