import * as tf from "@tensorflow/tfjs-core";
import { silu, softplus, tanh } from "@parabolic/core/activations";
import { ParabolicError, assertPositiveInteger, assertPositiveNumber, fillNormals, invalidArgument, randomStream, type Key } from "@parabolic/core";
import type { VpSchedule } from "../vp-schedule.js";

/**
 * A trainable scalar potential `ψ_η(x, t)` for the neural dual-Sobolev estimators (hhd.md §6.3).
 *
 * @remarks Contract: `potential(x, t)` maps `x` `[batch, dim]` and `t` `[batch]` to `[batch]`, returns a new tensor
 * owned by the caller and never disposes its inputs. It must act **row-wise** (no batch coupling such as batch
 * norm), because the estimators evaluate several perturbed copies of a batch in one call, and it must be twice
 * differentiable in `x` with correct tfjs derivatives (build it from `@parabolic/core/activations`, never from the
 * stock `tf.sigmoid`/`tf.tanh`/`tf.exp`-based activations). `variables` are the tensors the trainers update.
 * @example
 * ```ts
 * const w = tf.variable(tf.zeros([3, 1]));
 * const psi: TrainablePotential = {
 *   variables: [w],
 *   potential: (x, t) => tf.tidy(() => tf.reshape(tf.matMul(x, w), [-1]) as tf.Tensor1D),
 * };
 * ```
 */
export type TrainablePotential = Readonly<{
  variables: readonly tf.Variable[];
  potential(x: tf.Tensor2D, t: tf.Tensor1D): tf.Tensor1D;
}>;

/**
 * The shape of a potential whose parameters are named, e.g. `@parabolic/score`'s `PotentialNetwork`
 * (`parameters: { name, variable }[]`). Accepted wherever a {@link TrainablePotential} is.
 *
 * @example
 * ```ts
 * const net: NamedParameterPotential = createPotentialNetwork(key(1), { dim: 10, time: { min: 1e-3, max: 1 } });
 * ```
 */
export type NamedParameterPotential = Readonly<{
  parameters: readonly Readonly<{ name?: string; variable: tf.Variable }>[];
  potential(x: tf.Tensor2D, t: tf.Tensor1D): tf.Tensor1D;
}>;

/**
 * Adapts a potential with named parameters (such as `@parabolic/score`'s `PotentialNetwork`) to a
 * {@link TrainablePotential}; a `TrainablePotential` is returned unchanged.
 *
 * @remarks The result shares the variables (no copies): the original model still owns and disposes them. Note
 * that ψ is evaluated at `(x_t, t)` as given: a network written in other coordinates (e.g. heat time s) needs a
 * wrapper that converts `t` first.
 * @throws ParabolicError `INVALID_ARGUMENT` if `model` has neither `variables` nor `parameters`, or no `potential`.
 * @example
 * ```ts
 * const psi = asTrainablePotential(createPotentialNetwork(key(1), { dim: 10, time: { min: 1e-3, max: 1 } }));
 * psi.variables.length; // number of weight tensors
 * ```
 */
export function asTrainablePotential(model: TrainablePotential | NamedParameterPotential): TrainablePotential {
  return resolvePotential("asTrainablePotential", "model", model);
}

/** @internal */
export function resolvePotential(fn: string, argument: string, model: unknown): TrainablePotential {
  if (typeof model !== "object" || model === null || typeof (model as { potential?: unknown }).potential !== "function") {
    throw invalidArgument(fn, argument, "be a potential { variables | parameters, potential(x, t) }", model);
  }
  const m = model as Partial<TrainablePotential> & Partial<NamedParameterPotential>;
  const potential = (x: tf.Tensor2D, t: tf.Tensor1D): tf.Tensor1D => m.potential!(x, t);
  if (Array.isArray(m.variables)) {
    m.variables.forEach((v, i) => {
      if (!(v instanceof tf.Variable)) throw invalidArgument(fn, `${argument}.variables[${i}]`, "be a tf.Variable", v);
    });
    return model as TrainablePotential;
  }
  if (Array.isArray(m.parameters)) {
    const variables = m.parameters.map((p, i) => {
      const v = (p as { variable?: unknown } | null)?.variable;
      if (!(v instanceof tf.Variable)) throw invalidArgument(fn, `${argument}.parameters[${i}].variable`, "be a tf.Variable", v);
      return v;
    });
    return { variables, potential };
  }
  throw invalidArgument(fn, argument, "have 'variables' (tf.Variable[]) or 'parameters' ({ variable }[])", model);
}

/**
 * Options of {@link createMlpPotential}.
 *
 * @example
 * ```ts
 * const options: MlpPotentialOptions = { dim: 10, width: 64, depth: 2, schedule: vpSchedule() };
 * ```
 */
export type MlpPotentialOptions = Readonly<{
  /** Data dimension d. */
  dim: number;
  /** Hidden width. @defaultValue 64 */
  width?: number;
  /** Number of hidden layers. @defaultValue 2 */
  depth?: number;
  /** Hidden activation (recursive, correct to every order). @defaultValue "silu" */
  activation?: "silu" | "softplus" | "tanh";
  /**
   * VP preconditioning: with a schedule the input is `x̃ = x/c_t`, `c_t = √(α_t² v + σ_t²)` (unit variance at
   * every t), so `∇ψ` has the `1/c_t` scale of the score of p_t (recommended). Without it ψ = MLP(x, features(t)).
   */
  schedule?: VpSchedule;
  /**
   * With a schedule, `"noise"` also divides ψ by `σ_t`, so `∇ψ` has the `1/(c_t σ_t)` scale of the noise term
   * `ε/σ_t` (for errors that blow up like 1/σ_t at small t, e.g. image models); `"unit"` does not.
   * @defaultValue "unit"
   */
  outputScale?: "unit" | "noise";
  /** Per-coordinate data variance v used by the preconditioning. @defaultValue 1 */
  dataVariance?: number;
  /**
   * Add a learnable time-dependent quadratic `−½ a(t)|x̃|²` (a(t) linear in the time features, initially 0), so ψ
   * can grow like a log-density in the tails. @defaultValue true
   */
  quadratic?: boolean;
}>;

/**
 * A small MLP potential created by {@link createMlpPotential}: a {@link TrainablePotential} plus `dispose`.
 *
 * @example
 * ```ts
 * const psi: MlpPotential = createMlpPotential(key(1), { dim: 10 });
 * psi.dispose();
 * ```
 */
export type MlpPotential = TrainablePotential &
  Readonly<{
    dim: number;
    /** Number of scalar parameters. */
    parameterCount: number;
    /** Frees every variable (idempotent). */
    dispose(): void;
  }>;

const TIME_FEATURES = 6;

/**
 * Creates a small MLP potential `ψ_η(x, t)` (dense layers, recursive activations from
 * `@parabolic/core/activations`), with weights drawn deterministically from `k`.
 *
 * @remarks LeCun-normal hidden weights, zero biases, a zero-initialised output layer (ψ ≡ 0 at start, the safe
 * starting point for a lower bound). Time enters through 6 features of t and log σ_t. `potential` returns a new
 * `[batch]` tensor owned by the caller; inputs are not disposed. All derivatives in x of every order are correct,
 * so finite-difference and exact Laplacians can be differentiated again w.r.t. the weights.
 * @throws ParabolicError `INVALID_ARGUMENT` for invalid sizes.
 * @example
 * ```ts
 * const psi = createMlpPotential(key(3), { dim: 10, width: 64, schedule: vpSchedule() });
 * const x = tf.zeros([4, 10]) as tf.Tensor2D; const t = tf.fill([4], 0.5) as tf.Tensor1D;
 * const value = psi.potential(x, t); // [4]
 * tf.dispose([x, t, value]); psi.dispose();
 * ```
 */
export function createMlpPotential(k: Key, options: MlpPotentialOptions): MlpPotential {
  const fn = "createMlpPotential";
  if (typeof options !== "object" || options === null) throw invalidArgument(fn, "options", "be an object", options);
  const dim = options.dim;
  assertPositiveInteger(fn, "dim", dim, 1 << 20);
  const width = options.width ?? 64;
  assertPositiveInteger(fn, "width", width, 1 << 16);
  const depth = options.depth ?? 2;
  assertPositiveInteger(fn, "depth", depth, 64);
  const activationName = options.activation ?? "silu";
  const act = activationName === "silu" ? silu : activationName === "softplus" ? softplus : activationName === "tanh" ? tanh : undefined;
  if (act === undefined) throw invalidArgument(fn, "activation", 'be "silu", "softplus" or "tanh"', activationName);
  const schedule = options.schedule;
  if (schedule !== undefined && (typeof schedule !== "object" || typeof schedule.sigma !== "function")) {
    throw invalidArgument(fn, "schedule", "be a VpSchedule (vpSchedule())", schedule);
  }
  const dataVariance = options.dataVariance ?? 1;
  assertPositiveNumber(fn, "dataVariance", dataVariance);
  const quadratic = options.quadratic ?? true;
  const outputScale = options.outputScale ?? "unit";
  if (outputScale !== "unit" && outputScale !== "noise") throw invalidArgument(fn, "outputScale", 'be "unit" or "noise"', outputScale);

  const stream = randomStream(k);
  const dense = (fanIn: number, fanOut: number, gain: number): [tf.Variable, tf.Variable] => {
    const w = new Float64Array(fanIn * fanOut);
    if (gain !== 0) fillNormals(stream, w);
    const s = gain / Math.sqrt(fanIn);
    const w32 = Float32Array.from(w, (v) => v * s);
    const init = [tf.tensor2d(w32, [fanIn, fanOut]), tf.zeros([fanOut])] as const;
    const vars: [tf.Variable, tf.Variable] = [tf.variable(init[0]), tf.variable(init[1])];
    tf.dispose([...init]); // the variables keep their own reference to the data
    return vars;
  };
  const layers: [tf.Variable, tf.Variable][] = [];
  let fanIn = dim + TIME_FEATURES;
  for (let l = 0; l < depth; l++) {
    layers.push(dense(fanIn, width, 1));
    fanIn = width;
  }
  const out = dense(width, 1, 0);
  const quad = quadratic ? dense(TIME_FEATURES, 1, 0) : undefined;
  const variables: tf.Variable[] = [...layers.flat(), ...out, ...(quad ?? [])];
  let parameterCount = 0;
  for (const v of variables) parameterCount += v.size;
  let disposed = false;
  const bMin = schedule?.betaMin ?? 0.1;
  const bMax = schedule?.betaMax ?? 20;

  const potential = (x: tf.Tensor2D, t: tf.Tensor1D): tf.Tensor1D => {
    if (disposed) throw new ParabolicError("INVALID_ARGUMENT", `${fn}: potential called after dispose().`, { function: fn });
    if (x.rank !== 2 || x.shape[1] !== dim || t.rank !== 1 || t.shape[0] !== x.shape[0]) {
      throw new ParabolicError("SHAPE_MISMATCH", `${fn}: potential expects x [batch, ${dim}] and t [batch]; got [${x.shape}] and [${t.shape}].`, { function: fn });
    }
    return tf.tidy(() => {
      // B(t) = ∫β, α² = e^{−B}, σ² = 1 − e^{−B}; only x and the weights are differentiated, never t
      const b = tf.add(tf.mul(t, bMin), tf.mul(tf.square(t), 0.5 * (bMax - bMin)));
      const a2 = tf.exp(tf.neg(b));
      const s2 = tf.maximum(tf.sub(1, a2), 1e-12);
      const logSigma = tf.mul(tf.log(s2), 0.5);
      const feats = tf.stack(
        [tf.sub(tf.mul(t, 2), 1), tf.mul(logSigma, 0.25), tf.sin(tf.mul(t, Math.PI)), tf.cos(tf.mul(t, Math.PI)), tf.sin(tf.mul(t, 2 * Math.PI)), tf.cos(tf.mul(t, 2 * Math.PI))],
        1,
      ) as tf.Tensor2D;
      const xin = schedule === undefined ? x : tf.div(x, tf.reshape(tf.sqrt(tf.add(tf.mul(a2, dataVariance), s2)), [-1, 1]));
      let h: tf.Tensor2D = tf.concat([xin as tf.Tensor2D, feats], 1);
      for (const [w, bias] of layers) h = act(tf.add(tf.matMul(h, w), bias)) as tf.Tensor2D;
      let y = tf.reshape(tf.add(tf.matMul(h, out[0]), out[1]), [-1]);
      if (quad !== undefined) {
        const a = tf.reshape(tf.add(tf.matMul(feats, quad[0]), quad[1]), [-1]);
        y = tf.sub(y, tf.mul(tf.mul(a, tf.sum(tf.square(xin), 1)), 0.5));
      }
      return (schedule === undefined || outputScale === "unit" ? y : tf.div(y, tf.sqrt(s2))) as tf.Tensor1D;
    });
  };
  return {
    dim,
    parameterCount,
    variables,
    potential,
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const v of variables) v.dispose();
    },
  };
}
