/**
 * Test set-up shared by the score tests: registers tfjs gradients (the union package) and selects the backend
 * through `@parabolic/core/backend` (wasm with the BatchMatMul-gradient fix), falling back to plain wasm, then cpu.
 */
import * as tf from "@tensorflow/tfjs";

let ready: Promise<string> | undefined;

export function setupBackend(): Promise<string> {
  ready ??= (async () => {
    try {
      const specifier = "@parabolic/core/backend";
      const mod = (await import(/* @vite-ignore */ specifier)) as { initBackend(o?: object): Promise<{ name: string }> };
      const { name } = await mod.initBackend({ prefer: "wasm" });
      return name;
    } catch {
      try {
        await import("@tensorflow/tfjs-backend-wasm");
        if (await tf.setBackend("wasm")) return "wasm";
      } catch {
        /* fall through */
      }
      await tf.setBackend("cpu");
      return "cpu";
    }
  })();
  return ready;
}

export { tf };
