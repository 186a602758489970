import { chiSquareSf, key, ParabolicError } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { batches, type Batch, type BatchSource } from "./batches.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function dataset(count: number, dim: number) {
  const inputs = Float32Array.from({ length: count * dim }, (_, i) => Math.floor(i / dim) * 1000 + (i % dim));
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { inputs, labels, count, dim };
}

async function collect(it: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

describe("batches", () => {
  it("covers every row exactly once per epoch, rows and labels match their indices, last batch smaller", async () => {
    const ds = dataset(103, 4);
    const all = await collect(batches(key(1), ds, { batchSize: 10, epochs: 2 }));
    expect(all.length).toBe(22);
    for (const epoch of [0, 1]) {
      const mine = all.filter((b) => b.epoch === epoch);
      expect(mine.map((b) => b.step)).toEqual(Array.from({ length: 11 }, (_, i) => i));
      expect(mine.map((b) => b.size)).toEqual([...new Array<number>(10).fill(10), 3]);
      const seen = mine.flatMap((b) => Array.from(b.indices)).sort((a, b) => a - b);
      expect(seen).toEqual(Array.from({ length: 103 }, (_, i) => i));
    }
    for (const b of all) {
      for (let r = 0; r < b.size; r++) {
        const i = b.indices[r]!;
        expect(Array.from(b.inputs.subarray(r * 4, r * 4 + 4))).toEqual([i * 1000, i * 1000 + 1, i * 1000 + 2, i * 1000 + 3]);
        expect(b.labels![r]).toBe(i % 10);
      }
      expect(b.inputs).toBeInstanceOf(Float32Array);
    }
    // the two epochs use different permutations
    expect(Array.from(all[0]!.indices)).not.toEqual(Array.from(all[11]!.indices));
  });

  it("dropLast drops the short batch; shuffle: false keeps the order; tiny datasets with dropLast give nothing", async () => {
    const ds = dataset(25, 2);
    const dropped = await collect(batches(key(2), ds, { batchSize: 10, dropLast: true }));
    expect(dropped.map((b) => b.size)).toEqual([10, 10]);
    const ordered = await collect(batches(key(2), ds, { batchSize: 10, shuffle: false }));
    expect(ordered.flatMap((b) => Array.from(b.indices))).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(await collect(batches(key(2), dataset(5, 2), { batchSize: 10, dropLast: true, epochs: Infinity }))).toEqual([]);
    expect(await collect(batches(key(2), ds, { batchSize: 10, epochs: 0 }))).toEqual([]);
  });

  it("is deterministic per key, independent of the prefetch depth and of consumer timing; re-iterating restarts", async () => {
    const ds = dataset(57, 3);
    const sig = (bs: Batch[]) => bs.map((b) => `${b.epoch}/${b.step}:${Array.from(b.indices).join(",")}`);
    const a = sig(await collect(batches(key(3), ds, { batchSize: 8, epochs: 3, prefetch: 0 })));
    const slow: Batch[] = [];
    for await (const b of batches(key(3), ds, { batchSize: 8, epochs: 3, prefetch: 4 })) {
      slow.push(b);
      if (b.step % 3 === 0) await sleep(2);
    }
    expect(sig(slow)).toEqual(a);
    const iterable = batches(key(3), ds, { batchSize: 8, epochs: 3 });
    expect(sig(await collect(iterable))).toEqual(a);
    expect(sig(await collect(iterable))).toEqual(a);
    expect(sig(await collect(batches(key(4), ds, { batchSize: 8, epochs: 3 })))).not.toEqual(a);
  });

  it("per-epoch permutations are uniform: all 6 orders of 3 rows over 6000 epochs (χ²₅ goodness of fit, 1 %)", async () => {
    const counts = new Map<string, number>();
    for await (const b of batches(key(5), dataset(3, 1), { batchSize: 3, epochs: 6000, prefetch: 0 })) {
      const s = Array.from(b.indices).join("");
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    let chi2 = 0;
    for (const c of counts.values()) chi2 += (c - 1000) ** 2 / 1000;
    expect(chiSquareSf(chi2, 5)).toBeGreaterThan(0.01);
  });

  it("prefetch is bounded: never more than `prefetch` batches ahead of the consumer, and it does fill while the consumer waits", async () => {
    let produced = 0;
    const source: BatchSource = {
      count: 200,
      take: (indices) => {
        produced++;
        return { inputs: Float64Array.from(indices) };
      },
    };
    let consumed = 0;
    let maxAhead = 0;
    for await (const b of batches(key(6), source, { batchSize: 5, prefetch: 3 })) {
      consumed++;
      expect(b.inputs).toBeInstanceOf(Float64Array);
      maxAhead = Math.max(maxAhead, produced - consumed);
      await sleep(3); // a slow consumer
      maxAhead = Math.max(maxAhead, produced - consumed);
      if (consumed === 15) break;
    }
    expect(maxAhead).toBe(3);
    const atBreak = produced;
    await sleep(20);
    expect(produced).toBe(atBreak); // break stops production
  });

  it("AbortSignal: the next call rejects with ABORTED and production stops", async () => {
    let produced = 0;
    const source: BatchSource = {
      count: 1000,
      take: (indices) => {
        produced++;
        return { inputs: Float32Array.from(indices) };
      },
    };
    const controller = new AbortController();
    const it = batches(key(7), source, { batchSize: 10, epochs: Infinity, signal: controller.signal })[Symbol.asyncIterator]();
    await it.next();
    await it.next();
    controller.abort();
    let err: unknown;
    try {
      await it.next();
    } catch (e) {
      err = e;
    }
    expect(ParabolicError.is(err, "ABORTED")).toBe(true);
    const atAbort = produced;
    await sleep(20);
    expect(produced).toBe(atAbort);
  });

  it("validates its arguments", () => {
    const ds = dataset(10, 2);
    expect(() => batches(key(8), ds, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => batches(key(8), { ...ds, dim: 3 }, { batchSize: 2 })).toThrow(/count × dim/);
    expect(() => batches(key(8), { ...ds, labels: new Uint8Array(3) }, { batchSize: 2 })).toThrow(/one label per row/);
    expect(() => batches(key(8), ds, { batchSize: 2, epochs: -1 })).toThrow(/epochs/);
    expect(() => batches([1, 2, 3] as never, ds, { batchSize: 2 })).toThrow(/key/);
  });
});
