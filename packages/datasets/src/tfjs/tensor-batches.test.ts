import { key } from "@parabolic/core";
import { expectNoLeaks } from "@parabolic/core/testing";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { batches } from "../batches.js";
import { tensorBatches } from "./tensor-batches.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

const ds = {
  inputs: Float64Array.from({ length: 50 * 4 }, (_, i) => i / 7),
  labels: Uint8Array.from({ length: 50 }, (_, i) => i % 3),
  count: 50,
  dim: 4,
};

describe("tensorBatches", () => {
  it("yields float32 tensors equal to the plain batches, and leaks nothing over a full loop", async () => {
    const plain: { inputs: number[]; labels: number[] }[] = [];
    for await (const b of batches(key(1), ds, { batchSize: 16, epochs: 2 })) plain.push({ inputs: Array.from(b.inputs), labels: Array.from(b.labels!) });
    await expectNoLeaks(async () => {
      let i = 0;
      for await (const b of tensorBatches(key(1), ds, { batchSize: 16, epochs: 2, exampleShape: [2, 2] })) {
        expect(b.inputs.dtype).toBe("float32");
        expect(b.inputs.shape).toEqual([b.size, 2, 2]);
        expect(b.labels!.dtype).toBe("int32");
        const values = await b.inputs.data();
        expect(Array.from(values)).toEqual(plain[i]!.inputs.map((v) => Math.fround(v)));
        expect(Array.from(await b.labels!.data())).toEqual(plain[i]!.labels);
        i++;
      }
      expect(i).toBe(8);
    });
  });

  it("disposes the previous batch when the next is requested, and the current one on break", async () => {
    await expectNoLeaks(async () => {
      let first: tf.Tensor | undefined;
      let last: tf.Tensor | undefined;
      let n = 0;
      for await (const b of tensorBatches(key(2), ds, { batchSize: 10, oneHotClasses: 3 })) {
        if (n === 0) first = b.inputs;
        else expect(first!.isDisposed).toBe(true);
        expect(b.labels!.shape).toEqual([b.size, 3]);
        last = b.inputs;
        if (++n === 3) break;
      }
      expect(last!.isDisposed).toBe(true);
    });
  });

  it("rejects an exampleShape that does not match the row size, without leaking", async () => {
    await expectNoLeaks(async () => {
      await expect(async () => {
        for await (const b of tensorBatches(key(3), ds, { batchSize: 10, exampleShape: [3] })) void b;
      }).rejects.toThrow(/exampleShape/);
    });
  });
});
