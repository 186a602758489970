import { memory } from "@tensorflow/tfjs-core";
import { expect } from "vitest";

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

function check(before: number, label: string | undefined): void {
  const leaked = memory().numTensors - before;
  expect(leaked, `${label ?? "expectNoLeaks"}: ${leaked} tfjs tensor(s) leaked`).toBe(0);
}

/**
 * Asserts (with vitest's `expect`) that `run` leaves the number of live TensorFlow.js tensors unchanged.
 *
 * @remarks
 * `run` must dispose everything it creates, including tensors it returns (the return value is ignored).
 * Synchronous `run`: the check happens before `expectNoLeaks` returns. Asynchronous `run`: await the returned
 * promise. If `run` throws, the error propagates and no leak check is made. Counts tensors of every backend, so
 * keep other work (e.g. background training) out of the measured region.
 *
 * @param run - The code under test.
 * @param label - Prefix of the assertion message.
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { expectNoLeaks } from "@parabolic/core/testing";
 *
 * it("does not leak", async () => {
 *   expectNoLeaks(() => tf.tidy(() => { tf.square(tf.ones([3])); }));
 *   await expectNoLeaks(async () => { const t = tf.ones([3]); await t.data(); t.dispose(); });
 * });
 * ```
 */
export function expectNoLeaks(run: () => Promise<unknown>, label?: string): Promise<void>;
export function expectNoLeaks(run: () => unknown, label?: string): void;
export function expectNoLeaks(run: () => unknown, label?: string): void | Promise<void> {
  const before = memory().numTensors;
  const result = run();
  if (isPromiseLike(result)) {
    return Promise.resolve(result).then(() => check(before, label));
  }
  check(before, label);
}
