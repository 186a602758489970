/**
 * `@parabolic/datasets/tfjs`: TensorFlow.js adapter for `batches` (peer dependency `@tensorflow/tfjs-core`).
 *
 * @packageDocumentation
 */
export { tensorBatches, type TensorBatch, type TensorBatchOptions } from "./tensor-batches.js";
