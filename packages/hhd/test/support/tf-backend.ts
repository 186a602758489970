/**
 * Test set-up for the `@parabolic/hhd/neural` tests: registers tfjs gradients (the union package) and selects the
 * backend through `@parabolic/core/backend` (wasm with the BatchMatMul-gradient fix, else cpu).
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "@parabolic/core/backend";

let ready: Promise<string> | undefined;

export function setupBackend(): Promise<string> {
  ready ??= initBackend({ prefer: "wasm" }).then((r) => r.name);
  return ready;
}

export { tf };
