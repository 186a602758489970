import { invalidArgument, type Key } from "@parabolic/core";
import { cast, oneHot, tensor, tensor1d, tidy, type Tensor, type Tensor1D } from "@tensorflow/tfjs-core";
import { batches, type BatchOptions, type BatchSource } from "../batches.js";

/**
 * A batch as tfjs tensors, owned by the iterator (see {@link tensorBatches}).
 *
 * @example
 * ```ts
 * for await (const { inputs, labels } of tensorBatches(key(0), dataset, { batchSize: 64 })) console.log(inputs.shape);
 * ```
 */
export type TensorBatch = {
  /** `[size, ...exampleShape]`, float32. */
  inputs: Tensor;
  /** `[size]` int32 class labels, or `[size, classes]` float32 one-hot when `oneHotClasses` is set. */
  labels: Tensor | undefined;
  /** Dataset row of each batch row. */
  indices: Uint32Array;
  size: number;
  epoch: number;
  step: number;
};

/**
 * Options of {@link tensorBatches}: those of `batches` plus the tensor layout.
 *
 * @example
 * ```ts
 * const options: TensorBatchOptions = { batchSize: 128, exampleShape: [16, 16, 1], oneHotClasses: 10 };
 * ```
 */
export type TensorBatchOptions = BatchOptions &
  Readonly<{
    /** Shape of one example, e.g. `[16, 16, 1]` for a conv net. @defaultValue `[dim]` */
    exampleShape?: readonly number[];
    /** Emit one-hot float32 labels with this many classes instead of int32 class indices. */
    oneHotClasses?: number;
  }>;

/**
 * The tfjs adapter of `batches`: the same deterministic, key-shuffled, prefetching, abortable iteration, yielding
 * float32 tensors.
 *
 * @remarks Tensor ownership: the iterator owns every tensor it yields and disposes a batch's tensors when the
 * next batch is requested and when the loop ends (normally, by `break`, or by an error/abort), so a
 * `for await` loop leaks nothing. To keep a tensor beyond its loop turn, `clone()` it (and dispose the clone).
 * Float64 or byte inputs are converted to float32 (tfjs has no float64). Peer dependency:
 * `@tensorflow/tfjs-core` (register a backend, e.g. with `initBackend` from `@parabolic/core/backend`).
 * @throws ParabolicError as `batches`; `INVALID_ARGUMENT` if `exampleShape` does not match the row size.
 * @example
 * ```ts
 * import { tensorBatches } from "@parabolic/datasets/tfjs";
 * for await (const { inputs, labels } of tensorBatches(key(0), dataset, { batchSize: 128, exampleShape: [16, 16, 1] })) {
 *   optimizer.minimize(() => loss(model.apply(inputs), labels));   // no dispose needed
 * }
 * ```
 */
export function tensorBatches(k: Key, source: BatchSource, options: TensorBatchOptions): AsyncIterable<TensorBatch> {
  const fn = "tensorBatches";
  const inner = batches(k, source, options);
  const exampleShape = options.exampleShape;
  const classes = options.oneHotClasses;
  if (exampleShape !== undefined && (!Array.isArray(exampleShape) || !exampleShape.every((d) => Number.isInteger(d) && d > 0))) {
    throw invalidArgument(fn, "exampleShape", "be an array of positive integers", exampleShape);
  }
  if (classes !== undefined && (!Number.isInteger(classes) || classes < 1)) throw invalidArgument(fn, "oneHotClasses", "be a positive integer", classes);
  return {
    [Symbol.asyncIterator](): AsyncIterator<TensorBatch> {
      const it = inner[Symbol.asyncIterator]();
      let current: TensorBatch | undefined;
      const release = () => {
        if (current !== undefined) {
          current.inputs.dispose();
          current.labels?.dispose();
          current = undefined;
        }
      };
      return {
        async next(): Promise<IteratorResult<TensorBatch>> {
          release();
          let r: IteratorResult<Awaited<ReturnType<typeof it.next>>["value"]>;
          try {
            r = await it.next();
          } catch (e) {
            await it.return?.();
            throw e;
          }
          if (r.done === true) return { done: true, value: undefined };
          const b = r.value;
          const dim = b.size === 0 ? 0 : b.inputs.length / b.size;
          const shape = exampleShape ?? [dim];
          if (shape.reduce((a, c) => a * c, 1) !== dim) {
            await it.return?.();
            throw invalidArgument(fn, "exampleShape", `have ${dim} elements per example (the row size)`, exampleShape);
          }
          const values = b.inputs instanceof Float32Array ? b.inputs : Float32Array.from(b.inputs);
          const inputs = tensor(values, [b.size, ...shape], "float32");
          let labels: Tensor | undefined;
          if (b.labels !== undefined) {
            const ints = Int32Array.from(b.labels);
            labels = classes === undefined ? tensor1d(ints, "int32") : tidy(() => cast(oneHot(tensor1d(ints, "int32") as Tensor1D, classes), "float32"));
          }
          current = { inputs, labels, indices: b.indices, size: b.size, epoch: b.epoch, step: b.step };
          return { done: false, value: current };
        },
        async return(): Promise<IteratorResult<TensorBatch>> {
          release();
          await it.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
