import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend/index.js";
import { expectNoLeaks } from "./expect-no-leaks.js";

beforeAll(async () => {
  await initBackend({ prefer: "cpu", environment: {} });
});

describe("expectNoLeaks", () => {
  it("passes for tidy synchronous code and for async code that disposes", async () => {
    expectNoLeaks(() => tf.tidy(() => { tf.square(tf.ones([4])); }));
    await expectNoLeaks(async () => {
      const t = tf.ones([4]);
      await t.data();
      t.dispose();
    });
  });

  it("fails for a leaked tensor, synchronously and asynchronously, with the count in the message", async () => {
    const leaked: tf.Tensor[] = [];
    expect(() => expectNoLeaks(() => leaked.push(tf.ones([2]), tf.zeros([2])))).toThrow(/2 tfjs tensor\(s\) leaked/);
    await expect(expectNoLeaks(async () => leaked.push(tf.ones([2])), "async run")).rejects.toThrow(/async run: 1 tfjs/);
    leaked.forEach((t) => t.dispose());
  });

  it("propagates errors from run", () => {
    expect(() => expectNoLeaks(() => { throw new Error("boom"); })).toThrow("boom");
  });
});
