import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { ParabolicError } from "../errors.js";
import { expectNoLeaks } from "../testing/index.js";
import { isFastMatMulGradientInstalled } from "./fast-mat-mul-gradient.js";
import { initBackend } from "./init-backend.js";

function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (e: unknown) => (ParabolicError.is(e) ? e.code : `not a ParabolicError: ${String(e)}`),
  );
}

describe("initBackend", () => {
  it("skips the missing native backend cleanly and selects wasm with the gradient fix", async () => {
    const result = await initBackend({ environment: {} });
    expect(result.name).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(result.fellBackFrom).toHaveLength(1);
    expect(result.fellBackFrom[0]!.name).toBe("tensorflow");
    // No native addon here (pnpm allowBuilds: false), or the optional package was dropped.
    expect(result.fellBackFrom[0]!.reason).toMatch(/tfjs-node.*(native addon|Cannot find|not found)/i);
    expect(isFastMatMulGradientInstalled()).toBe(true);
    // The selected backend computes and trains (a gradient step through matMul).
    expectNoLeaks(() =>
      tf.tidy(() => {
        const x = tf.tensor2d([[1, 2]]);
        const g = tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, w))))(tf.tensor2d([[1], [1]]));
        expect(Array.from(g.dataSync())).toEqual([6, 12]);
      }),
    );
  });

  it("honours prefer and falls back from a preferred backend that is unavailable", async () => {
    expect(await initBackend({ prefer: "cpu", environment: {} })).toEqual({ name: "cpu", fellBackFrom: [] });
    expect(tf.getBackend()).toBe("cpu");
    const fromNative = await initBackend({ prefer: "tensorflow", environment: {} });
    expect(fromNative.name).toBe("wasm");
    expect(fromNative.fellBackFrom.map((f) => f.name)).toEqual(["tensorflow"]);
  });

  it("lets PARABOLIC_BACKEND override prefer, and rejects unknown names with INVALID_ARGUMENT", async () => {
    expect((await initBackend({ prefer: "wasm", environment: { PARABOLIC_BACKEND: "cpu" } })).name).toBe("cpu");
    expect((await initBackend({ environment: { PARABOLIC_BACKEND: " wasm " } })).name).toBe("wasm");
    expect((await initBackend({ prefer: "cpu", environment: { PARABOLIC_BACKEND: "" } })).name).toBe("cpu");
    await expect(initBackend({ environment: { PARABOLIC_BACKEND: "webgl" } })).rejects.toThrow(
      /initBackend: environment variable 'PARABOLIC_BACKEND' must be one of "tensorflow", "wasm", "cpu"; got "webgl"/,
    );
    expect(await codeOf(initBackend({ prefer: "gpu" as "cpu", environment: {} }))).toBe("INVALID_ARGUMENT");
  });

  it("reads process.env by default", async () => {
    const saved = process.env["PARABOLIC_BACKEND"];
    process.env["PARABOLIC_BACKEND"] = "cpu";
    try {
      expect((await initBackend({ prefer: "wasm" })).name).toBe("cpu");
    } finally {
      if (saved === undefined) delete process.env["PARABOLIC_BACKEND"];
      else process.env["PARABOLIC_BACKEND"] = saved;
    }
  });

  it("stops with ABORTED when the signal is aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    expect(await codeOf(initBackend({ signal: controller.signal, environment: {} }))).toBe("ABORTED");
  });
});
