import * as tf from "@tensorflow/tfjs-core";
import {
  ParabolicError,
  assertInRange,
  assertNonNegativeInteger,
  assertPositiveInteger,
  assertPositiveNumber,
  foldIn,
  invalidArgument,
  keyToJSON,
  throttleProgress,
  type Key,
  type ProgressCallback,
} from "@parabolic/core";
import type { Checkpoint } from "./checkpoint.js";
import { createAdam, zeroStateVariable, type AdamOptions } from "./optimizer.js";
import { readParameters, writeParameters, type NamedVariable, type ParameterValues, type Trainable } from "./parameters.js";
import type { NetworkConfig } from "./score-network.js";
import type { Objective } from "./types.js";

/**
 * What an evaluation callback receives.
 * @example
 * ```ts
 * const evaluate = { every: 500, callback: ({ step, ema }: EvaluationContext) => ({ step, hasEma: ema ? 1 : 0 }) };
 * ```
 */
export type EvaluationContext = Readonly<{
  /** Completed steps. */
  step: number;
  /** The model with its current (raw) parameters. */
  model: Trainable;
  /** Host copy of the EMA parameters, when EMA is enabled. */
  ema: ParameterValues | undefined;
}>;

/**
 * Options of {@link train}.
 * @example
 * ```ts
 * const options: TrainOptions = { key: key(1), steps: 1000, optimizer: { learningRate: 1e-3 }, gradientClipNorm: 10 };
 * ```
 */
export type TrainOptions = Readonly<{
  /** Run key: the batch of step k is drawn from `foldIn(key, k)`. */
  key: Key;
  /** Total number of optimisation steps of the run (a resumed run continues up to this count). */
  steps: number;
  /** Adam/AdamW settings (learning rate or schedule, betas, weight decay). */
  optimizer: AdamOptions;
  /** Clip the global gradient norm to this value. @defaultValue no clipping */
  gradientClipNorm?: number;
  /** Keep an exponential moving average of the parameters with this decay (e.g. 0.999). */
  emaDecay?: number;
  /** Periodic evaluation: called after every `every` steps and at the end; returned numbers are recorded. */
  evaluate?: Readonly<{
    every: number;
    callback: (context: EvaluationContext) => Readonly<Record<string, number>> | Promise<Readonly<Record<string, number>>>;
  }>;
  /**
   * Periodic checkpoints after every `every` steps (and when aborted). `write` must store atomically (see
   * `writeCheckpointFile` in `@parabolic/score/node`, which writes a temporary file and renames it).
   */
  checkpoint?: Readonly<{ every: number; write: (checkpoint: Checkpoint) => void | Promise<void> }>;
  /** Continue from this checkpoint (its key must equal `key`). */
  resumeFrom?: Checkpoint;
  /** Free-form JSON stored in checkpoints. */
  metadata?: Readonly<Record<string, unknown>>;
  onProgress?: ProgressCallback;
  /** Stops between steps; the result then has status `"aborted"` (a checkpoint is written first if configured). */
  signal?: AbortSignal;
}>;

/**
 * Result of {@link train}.
 * @example
 * ```ts
 * const { status, losses, ema } = await train(net, objective, options);
 * ```
 */
export type TrainResult = Readonly<{
  status: "completed" | "aborted";
  /** Completed steps (including those before a resume). */
  step: number;
  /** Loss of each step run by this call, in order (float64 copies of the float32 losses). */
  losses: Float64Array;
  /** The first step number of `losses`. */
  firstStep: number;
  /** Recorded evaluations. */
  evaluations: ReadonlyArray<Readonly<{ step: number; metrics: Readonly<Record<string, number>> }>>;
  /** Host copy of the EMA parameters at the end (apply with `writeParameters`), when EMA is enabled. */
  ema: ParameterValues | undefined;
  /** Step of the last checkpoint written, if any. */
  lastCheckpointStep: number | undefined;
}>;

function modelConfigOf(model: Trainable): NetworkConfig | null {
  const config = (model as { config?: unknown }).config;
  return config !== null && typeof config === "object" ? (config as NetworkConfig) : null;
}

function sameConfig(a: NetworkConfig, b: NetworkConfig): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

const YIELD_INTERVAL_MS = 50;

/**
 * Trains `model` on `objective` with Adam/AdamW, gradient clipping, EMA weights, periodic evaluation, atomic
 * checkpoints, resume, progress reports and an AbortSignal.
 *
 * @remarks
 * - Determinism: the batch of step k depends only on `foldIn(key, k)`, the learning rate only on k, and the
 *   checkpoint holds parameters, Adam moments, EMA and the update count; resuming gives bit-identical results to
 *   never stopping, on the same backend.
 * - Memory: every step runs in `tf.tidy`; the trainer creates no tensors that outlive the call (Adam/EMA state is
 *   disposed at the end).
 * - Failure: if a step's loss or gradient norm is NaN/±∞, no update is applied and the call throws `NON_FINITE`
 *   naming the step; the parameters and the last checkpoint stay at the last good step.
 *
 * @throws ParabolicError `NON_FINITE` (details: `step`, `loss`, `gradientNorm`, `lastCheckpointStep`),
 * `INVALID_ARGUMENT` for invalid options or a mismatched checkpoint, `SHAPE_MISMATCH` for a checkpoint of another
 * architecture.
 * @example
 * ```ts
 * const result = await train(net, dsmObjective(net.score, { data, dim: 2, batchSize: 256, transition, time }), {
 *   key: key(1), steps: 2000, optimizer: { learningRate: cosineSchedule({ initial: 1e-3, final: 1e-4, steps: 2000 }) },
 *   gradientClipNorm: 10, emaDecay: 0.999,
 * });
 * ```
 */
export async function train(model: Trainable, objective: Objective, options: TrainOptions): Promise<TrainResult> {
  const fn = "train";
  assertNonNegativeInteger(fn, "steps", options.steps);
  if (options.gradientClipNorm !== undefined) assertPositiveNumber(fn, "gradientClipNorm", options.gradientClipNorm);
  if (options.emaDecay !== undefined) assertInRange(fn, "emaDecay", options.emaDecay, { min: 0, max: 1, maxExclusive: true });
  if (options.evaluate !== undefined) assertPositiveInteger(fn, "evaluate.every", options.evaluate.every);
  if (options.checkpoint !== undefined) assertPositiveInteger(fn, "checkpoint.every", options.checkpoint.every);
  if (objective === null || typeof objective !== "object" || typeof objective.loss !== "function") {
    throw invalidArgument(fn, "objective", "be an Objective { name, loss(key, step) }", objective);
  }
  keyToJSON(options.key); // validates the key
  const params: readonly NamedVariable[] = model.parameters;
  const vars = params.map((p) => p.variable);
  const modelConfig = modelConfigOf(model);
  const resume = options.resumeFrom;
  if (resume !== undefined) {
    if (resume.key[0] !== options.key[0] || resume.key[1] !== options.key[1]) {
      throw invalidArgument(fn, "resumeFrom.key", `equal the run key [${options.key.join(", ")}]`, resume.key);
    }
    if (resume.step > options.steps) throw invalidArgument(fn, "resumeFrom.step", `be <= steps (${options.steps})`, resume.step);
    if (resume.modelConfig !== null && modelConfig !== null && !sameConfig(resume.modelConfig, modelConfig)) {
      throw new ParabolicError("SHAPE_MISMATCH", `${fn}: the checkpoint was written for a different architecture.`, {
        checkpoint: resume.modelConfig,
        model: modelConfig,
      });
    }
    if ((resume.ema === null) !== (options.emaDecay === undefined) || (resume.ema !== null && resume.ema.decay !== options.emaDecay)) {
      throw invalidArgument(fn, "emaDecay", "match the checkpoint's EMA setting", options.emaDecay);
    }
  }

  const adam = createAdam(model, options.optimizer);
  const ema = options.emaDecay === undefined ? undefined : params.map((p) => ({ name: p.name, variable: zeroStateVariable(p.variable) }));
  const report = throttleProgress(options.onProgress, 100);
  let step = 0;
  let lastCheckpointStep: number | undefined;
  try {
    if (resume !== undefined) {
      writeParameters(model, resume.parameters, "train (resume)");
      adam.load(resume.optimizer);
      if (ema !== undefined && resume.ema !== null) writeParameters({ parameters: ema }, resume.ema.values, "train (resume)");
      step = resume.step;
      lastCheckpointStep = resume.step;
    } else if (ema !== undefined) {
      for (let i = 0; i < ema.length; i++) ema[i]!.variable.assign(vars[i]!);
    }
    const firstStep = step;
    const losses = new Float64Array(options.steps - firstStep);
    const evaluations: { step: number; metrics: Readonly<Record<string, number>> }[] = [];

    const makeCheckpoint = async (): Promise<Checkpoint> => ({
      step,
      key: options.key,
      parameters: await readParameters(model),
      optimizer: await adam.state(),
      ema: ema === undefined ? null : { decay: options.emaDecay!, values: await readParameters({ parameters: ema }) },
      modelConfig,
      metadata: { objective: objective.name, ...(options.metadata ?? {}) },
    });
    const writeCheckpoint = async (): Promise<void> => {
      if (options.checkpoint === undefined || lastCheckpointStep === step) return;
      await options.checkpoint.write(await makeCheckpoint());
      lastCheckpointStep = step;
    };
    const runEvaluation = async (): Promise<void> => {
      if (options.evaluate === undefined || evaluations.at(-1)?.step === step) return;
      const emaValues = ema === undefined ? undefined : await readParameters({ parameters: ema });
      const metrics = await options.evaluate.callback({ step, model, ema: emaValues });
      evaluations.push({ step, metrics: { ...metrics } });
    };

    let lastYield = performance.now();
    let status: "completed" | "aborted" = "completed";
    while (step < options.steps) {
      if (options.signal?.aborted) {
        status = "aborted";
        break;
      }
      const stepKey = foldIn(options.key, step);
      const { value, grads } = tf.variableGrads(() => objective.loss(stepKey, step), vars);
      const gradList = vars.map((v) => grads[v.name] ?? null);
      const statsTensor = tf.tidy(() => {
        const squares = gradList.filter((g): g is tf.Tensor => g !== null).map((g) => tf.sum(tf.square(g)));
        const norm = squares.length === 0 ? tf.scalar(0) : tf.sqrt(tf.addN(squares));
        return tf.stack([tf.reshape(value, []), norm]);
      });
      const stats = await statsTensor.data();
      statsTensor.dispose();
      const loss = stats[0]!;
      const gradientNorm = stats[1]!;
      if (!Number.isFinite(loss) || !Number.isFinite(gradientNorm)) {
        tf.dispose([value, ...gradList.filter((g): g is tf.Tensor => g !== null)]);
        throw new ParabolicError(
          "NON_FINITE",
          `train: non-finite ${Number.isFinite(loss) ? "gradient norm" : "loss"} at step ${step} (loss ${loss}, gradient norm ${gradientNorm}); no update was applied${
            lastCheckpointStep === undefined ? "" : `; the last checkpoint is at step ${lastCheckpointStep}`
          }.`,
          { step, loss, gradientNorm, lastCheckpointStep },
        );
      }
      const clip = options.gradientClipNorm;
      const scale = clip !== undefined && gradientNorm > clip ? clip / gradientNorm : 1;
      adam.apply(gradList, scale);
      tf.dispose([value, ...gradList.filter((g): g is tf.Tensor => g !== null)]);
      if (ema !== undefined) {
        const decay = options.emaDecay!;
        for (let i = 0; i < ema.length; i++) {
          const next = tf.tidy(() => tf.add(tf.mul(ema[i]!.variable, decay), tf.mul(vars[i]!, 1 - decay)));
          ema[i]!.variable.assign(next);
          next.dispose();
        }
      }
      losses[step - firstStep] = loss;
      step += 1;
      report?.({ label: objective.name, completed: step, total: options.steps, detail: { loss } });
      if (options.evaluate !== undefined && step % options.evaluate.every === 0) await runEvaluation();
      if (options.checkpoint !== undefined && step % options.checkpoint.every === 0) await writeCheckpoint();
      if (performance.now() - lastYield > YIELD_INTERVAL_MS) {
        // let timers (and AbortController callbacks) run
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
      }
    }
    if (status === "aborted") await writeCheckpoint();
    else await runEvaluation();
    return {
      status,
      step,
      losses: losses.subarray(0, step - firstStep),
      firstStep,
      evaluations,
      ema: ema === undefined ? undefined : await readParameters({ parameters: ema }),
      lastCheckpointStep,
    };
  } finally {
    adam.dispose();
    if (ema !== undefined) for (const e of ema) e.variable.dispose();
  }
}
