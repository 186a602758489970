import { assertNonNegativeInteger, assertPositiveInteger, foldIn, invalidArgument, ParabolicError, randomStream, type Key } from "@parabolic/core";

/**
 * Element arrays a batch can carry.
 *
 * @example
 * ```ts
 * const inputs: BatchArray = new Float32Array(64 * 256);
 * ```
 */
export type BatchArray = Float32Array | Float64Array | Uint8Array | Int32Array;

/**
 * One batch: copied rows (owned by the caller), the dataset indices they came from, and where it sits in the run.
 *
 * @example
 * ```ts
 * for await (const b of batches(key(0), dataset, { batchSize: 64 })) {
 *   const batch: Batch = b; // batch.inputs is size × dim, batch.indices the dataset rows
 * }
 * ```
 */
export type Batch = Readonly<{
  /** Row-major `size × dim`, same element type as the source. */
  inputs: BatchArray;
  /** Labels of the rows, if the source has labels. */
  labels: Uint8Array | Int32Array | undefined;
  /** Dataset row of each batch row. */
  indices: Uint32Array;
  /** Rows in this batch (the last batch of an epoch can be smaller unless `dropLast`). */
  size: number;
  /** Epoch number, from 0. */
  epoch: number;
  /** Batch number within the epoch, from 0. */
  step: number;
}>;

/**
 * What {@link batches} iterates over: an in-memory dataset (`inputs` row-major `count × dim`, optional
 * `labels`), or any source that can `take` rows by index (e.g. lazily decoded data).
 *
 * @example
 * ```ts
 * const lazy: BatchSource = { count: 1000, take: (rows) => ({ inputs: Float32Array.from(rows) }) };
 * ```
 */
export type BatchSource =
  | Readonly<{ inputs: BatchArray; labels?: Uint8Array | Int32Array | undefined; count: number; dim: number }>
  | Readonly<{ count: number; take: (indices: Uint32Array) => Readonly<{ inputs: BatchArray; labels?: Uint8Array | Int32Array | undefined }> }>;

/**
 * Options of {@link batches}.
 *
 * @example
 * ```ts
 * const options: BatchOptions = { batchSize: 128, epochs: 10, prefetch: 2, signal: controller.signal };
 * ```
 */
export type BatchOptions = Readonly<{
  /** Rows per batch. */
  batchSize: number;
  /** Reshuffle every epoch with a permutation drawn from `foldIn(key, epoch)`. @defaultValue true */
  shuffle?: boolean;
  /** Drop the last, smaller batch of each epoch. @defaultValue false */
  dropLast?: boolean;
  /** Number of epochs (`Infinity` for an endless stream). @defaultValue 1 */
  epochs?: number;
  /** Batches prepared ahead while the consumer works (0 = none). @defaultValue 2 */
  prefetch?: number;
  /** Stops the iteration: the pending or next `next()` rejects with `ABORTED`. */
  signal?: AbortSignal;
}>;

/** Uniform permutation of 0..n−1 (Fisher–Yates with exact rejection sampling on 32-bit words). */
function permutation(k: Key, n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const stream = randomStream(k);
  for (let i = n - 1; i > 0; i--) {
    const bound = i + 1;
    const limit = 0x100000000 - (0x100000000 % bound);
    let r: number;
    do r = stream.nextUint32();
    while (r >= limit);
    const j = r % bound;
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

function takeRows(source: Extract<BatchSource, { inputs: BatchArray }>, indices: Uint32Array): { inputs: BatchArray; labels: Uint8Array | Int32Array | undefined } {
  const d = source.dim;
  const src = source.inputs;
  const Ctor = src.constructor as new (n: number) => BatchArray;
  const inputs = new Ctor(indices.length * d);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r]!;
    inputs.set(src.subarray(i * d, (i + 1) * d), r * d);
  }
  let labels: Uint8Array | Int32Array | undefined;
  if (source.labels !== undefined) {
    const L = source.labels.constructor as new (n: number) => Uint8Array | Int32Array;
    labels = new L(indices.length);
    for (let r = 0; r < indices.length; r++) labels[r] = source.labels[indices[r]!]!;
  }
  return { inputs, labels };
}

/**
 * Iterates over a dataset in batches, asynchronously, with key-based shuffling per epoch, bounded prefetch and
 * cancellation.
 *
 * @remarks Deterministic: the permutation of epoch e is drawn from `foldIn(key, e)`, so the same key gives the
 * same batches whatever the prefetch depth or timing (and iterating the returned iterable again restarts at
 * epoch 0 with the same batches). Batches are produced in order; while the consumer awaits other work, up to
 * `prefetch` batches are prepared ahead on later event-loop turns (never more). Each batch owns fresh arrays.
 * Aborting `signal` makes the next `next()` reject with `ABORTED`; `break` (or `return()`) stops production.
 * @throws ParabolicError `INVALID_ARGUMENT` for bad options or a source whose sizes do not match.
 * @example
 * ```ts
 * const { dataset } = prepareImages(await loadMnist({ split: "test" }));
 * for await (const batch of batches(key(0), dataset, { batchSize: 128, epochs: 2 })) {
 *   train(batch.inputs, batch.labels);   // Float32Array(128 × 256), Uint8Array(128)
 * }
 * ```
 */
export function batches(k: Key, source: BatchSource, options: BatchOptions): AsyncIterable<Batch> {
  const fn = "batches";
  foldIn(k, 0); // validates the key up front
  if (source === null || typeof source !== "object") throw invalidArgument(fn, "source", "be a dataset { inputs, count, dim } or { count, take }", source);
  assertNonNegativeInteger(fn, "source.count", source.count);
  const count = source.count;
  let take: (indices: Uint32Array) => Readonly<{ inputs: BatchArray; labels?: Uint8Array | Int32Array | undefined }>;
  if ("take" in source && typeof source.take === "function") {
    take = source.take;
  } else if ("inputs" in source && ArrayBuffer.isView(source.inputs)) {
    assertPositiveInteger(fn, "source.dim", source.dim);
    if (source.inputs.length !== count * source.dim) {
      throw invalidArgument(fn, "source.inputs", `have count × dim = ${count * source.dim} elements`, source.inputs);
    }
    if (source.labels !== undefined && source.labels.length !== count) {
      throw invalidArgument(fn, "source.labels", `have one label per row (${count})`, source.labels);
    }
    const s = source;
    take = (indices) => takeRows(s, indices);
  } else {
    throw invalidArgument(fn, "source", "be a dataset { inputs, count, dim } or { count, take }", source);
  }
  if (options === null || typeof options !== "object") throw invalidArgument(fn, "options", "be an object with a 'batchSize'", options);
  assertPositiveInteger(fn, "batchSize", options.batchSize);
  const batchSize = options.batchSize;
  const shuffle = options.shuffle ?? true;
  const dropLast = options.dropLast ?? false;
  const epochs = options.epochs ?? 1;
  const prefetch = options.prefetch ?? 2;
  if (typeof shuffle !== "boolean") throw invalidArgument(fn, "shuffle", "be a boolean", shuffle);
  if (typeof dropLast !== "boolean") throw invalidArgument(fn, "dropLast", "be a boolean", dropLast);
  if (epochs !== Infinity) assertNonNegativeInteger(fn, "epochs", epochs);
  assertNonNegativeInteger(fn, "prefetch", prefetch);
  const signal = options.signal;
  const full = Math.floor(count / batchSize);
  const stepsPerEpoch = dropLast || count % batchSize === 0 ? full : full + 1;

  return {
    [Symbol.asyncIterator](): AsyncIterator<Batch> {
      let epoch = 0;
      let step = 0;
      let order: Uint32Array | undefined;
      let finished = stepsPerEpoch === 0 || epochs === 0;
      const queue: Batch[] = [];
      let timer: ReturnType<typeof setTimeout> | undefined;
      let failure: unknown;

      const produce = (): Batch | undefined => {
        if (finished) return undefined;
        if (order === undefined) {
          if (shuffle) order = permutation(foldIn(k, epoch), count);
          else {
            order = new Uint32Array(count);
            for (let i = 0; i < count; i++) order[i] = i;
          }
        }
        const start = step * batchSize;
        const size = Math.min(batchSize, count - start);
        const indices = order.slice(start, start + size);
        const rows = take(indices);
        const batch: Batch = Object.freeze({ inputs: rows.inputs, labels: rows.labels, indices, size, epoch, step });
        step++;
        if (step >= stepsPerEpoch) {
          step = 0;
          epoch++;
          order = undefined;
          if (epoch >= epochs) finished = true;
        }
        return batch;
      };

      const stop = () => {
        finished = true;
        queue.length = 0;
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
      };

      const schedule = () => {
        if (timer !== undefined || finished || queue.length >= prefetch || signal?.aborted) return;
        timer = setTimeout(() => {
          timer = undefined;
          if (signal?.aborted) return;
          try {
            const b = produce();
            if (b !== undefined) queue.push(b);
          } catch (e) {
            failure = e;
            finished = true;
            return;
          }
          schedule();
        }, 0);
      };

      const abortError = () =>
        new ParabolicError("ABORTED", `${fn}: aborted by the caller's AbortSignal.`, { function: fn, reason: signal?.reason }, signal?.reason);

      return {
        next(): Promise<IteratorResult<Batch>> {
          if (signal?.aborted) {
            stop();
            return Promise.reject(abortError());
          }
          let b = queue.shift();
          if (b === undefined) {
            if (failure !== undefined) {
              const e = failure;
              failure = undefined;
              return Promise.reject(e);
            }
            try {
              b = produce();
            } catch (e) {
              stop();
              return Promise.reject(e);
            }
          }
          if (b === undefined) {
            stop();
            return Promise.resolve({ done: true, value: undefined });
          }
          schedule();
          return Promise.resolve({ done: false, value: b });
        },
        return(): Promise<IteratorResult<Batch>> {
          stop();
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
}
