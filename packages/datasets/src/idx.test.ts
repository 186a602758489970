import { gzipSync } from "node:zlib";
import { ParabolicError } from "@parabolic/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeIdx, encodeIdx, parseIdx, type IdxDataType } from "./idx.js";
import { gunzipWeb } from "./internal/gunzip.js";

async function corruptReason(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    expect(ParabolicError.is(e, "DATA_CORRUPT"), String(e)).toBe(true);
    return String((e as ParabolicError).details.reason);
  }
  throw new Error("expected a DATA_CORRUPT error");
}

const samples: Record<IdxDataType, number[]> = {
  uint8: [0, 1, 127, 128, 255, 7],
  int8: [-128, -1, 0, 1, 127, 5],
  int16: [-32768, -1, 0, 1, 32767, 300],
  int32: [-(2 ** 31), -1, 0, 1, 2 ** 31 - 1, 123456],
  float32: [-1.5, 0, 3.25, Math.fround(0.1), -0, Math.fround(1e30)],
  float64: [-1.5, 0, 0.1, Math.PI, -1e300, 5e-324],
};

describe("IDX round trips", () => {
  it.each(Object.keys(samples) as IdxDataType[])("%s: encode → decode / gzip → parse preserves type, shape and values", async (dataType) => {
    const values = samples[dataType];
    const bytes = encodeIdx({ dataType, shape: [2, 3], data: values });
    const raw = decodeIdx(bytes, { source: "mem" });
    expect(raw.dataType).toBe(dataType);
    expect(raw.shape).toEqual([2, 3]);
    expect(Array.from(raw.data)).toEqual(values);
    const gz = await parseIdx(gzipSync(bytes), { source: "mem.gz" });
    expect(Array.from(gz.data)).toEqual(values);
    expect(Array.from((await parseIdx(bytes)).data)).toEqual(values);
    // big-endian on disk: the first element's most significant byte comes first
    if (dataType === "int16") expect(Array.from(bytes.subarray(12, 14))).toEqual([0x80, 0x00]);
  });

  it("writes the MNIST magic numbers 0x00000803 / 0x00000801 for uint8 images / labels", () => {
    const img = encodeIdx({ dataType: "uint8", shape: [1, 28, 28], data: new Uint8Array(784) });
    const lab = encodeIdx({ dataType: "uint8", shape: [1], data: [7] });
    expect(new DataView(img.buffer).getUint32(0)).toBe(0x803);
    expect(new DataView(lab.buffer).getUint32(0)).toBe(0x801);
  });

  it("decodeIdx copies (never aliases the input); zero-length dimensions are allowed", () => {
    const bytes = encodeIdx({ dataType: "uint8", shape: [3], data: [1, 2, 3] });
    const a = decodeIdx(bytes);
    bytes[8] = 99;
    expect(Array.from(a.data)).toEqual([1, 2, 3]);
    expect(decodeIdx(encodeIdx({ dataType: "int32", shape: [0, 5], data: [] })).data.length).toBe(0);
  });

  it("encodeIdx validates its input", () => {
    expect(() => encodeIdx({ dataType: "uint8", shape: [2], data: [1] })).toThrow(/2 elements/);
    expect(() => encodeIdx({ dataType: "bogus" as never, shape: [1], data: [1] })).toThrow(/dataType/);
    expect(() => encodeIdx({ dataType: "uint8", shape: [], data: [] })).toThrow(/shape/);
  });
});

describe("IDX strict validation → DATA_CORRUPT with a reason", () => {
  const good = encodeIdx({ dataType: "uint8", shape: [2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8] });
  const withByte = (i: number, v: number) => {
    const b = good.slice();
    b[i] = v;
    return b;
  };

  it("names the source and the reason", async () => {
    let err: unknown;
    try {
      decodeIdx(withByte(0, 1), { source: "train-images-idx3-ubyte" });
    } catch (e) {
      err = e;
    }
    expect(ParabolicError.is(err, "DATA_CORRUPT")).toBe(true);
    expect((err as Error).message).toMatch(/^IDX train-images-idx3-ubyte: bad magic number 0x01000803/);
    expect((err as ParabolicError).details.source).toBe("train-images-idx3-ubyte");
  });

  it.each([
    ["empty file", new Uint8Array(0), /truncated header/],
    ["3 bytes", good.subarray(0, 3), /truncated header/],
    ["bad magic byte 1", withByte(1, 8), /bad magic/],
    ["unknown type byte", withByte(2, 0x0a), /unknown data type byte 0x0a/],
    ["rank 0", withByte(3, 0), /rank 0/],
    ["rank 200", withByte(3, 200), /rank 200/],
    ["header cut inside the dimensions", good.subarray(0, 10), /truncated header/],
    ["data truncated by one byte", good.subarray(0, good.length - 1), /truncated: .* need exactly 24 bytes, got 23/],
    ["one trailing byte", new Uint8Array([...good, 0]), /trailing bytes/],
    ["dimension enlarged", withByte(7, 3), /truncated/],
    ["dimension shrunk", withByte(7, 1), /trailing bytes/],
    ["absurd declared size", withByte(4, 0xff), /exceeds the limit/],
  ])("%s", async (_name, bytes, reason) => {
    expect(await corruptReason(() => decodeIdx(bytes))).toMatch(reason);
    expect(await corruptReason(parseIdx(bytes))).toMatch(reason);
  });

  it("gzip errors: corrupt stream, CRC mismatch, truncation, trailing garbage, over-size output", async () => {
    const gz = gzipSync(good);
    const crc = gz.slice();
    crc[crc.length - 6] = crc[crc.length - 6]! ^ 0xff;
    expect(await corruptReason(parseIdx(crc))).toMatch(/invalid gzip data/);
    const body = gz.slice();
    body[12] = body[12]! ^ 0x55;
    expect(await corruptReason(parseIdx(body))).toMatch(/invalid gzip data/);
    expect(await corruptReason(parseIdx(gz.subarray(0, gz.length - 3)))).toMatch(/invalid gzip data/);
    expect(await corruptReason(parseIdx(gz.subarray(0, 2)))).toMatch(/invalid gzip data/);
    expect(await corruptReason(parseIdx(new Uint8Array([...gz, 1, 2, 3])))).toMatch(/invalid gzip data/);
    const bomb = gzipSync(new Uint8Array(1 << 20));
    expect(await corruptReason(parseIdx(bomb, { maxBytes: 1000 }))).toMatch(/exceeds 1000 bytes/);
    // a valid gzip of an invalid IDX is reported as an IDX problem
    expect(await corruptReason(parseIdx(gzipSync(good.subarray(0, 20))))).toMatch(/truncated/);
    // decodeIdx refuses gzip input with a pointer to parseIdx
    expect(await corruptReason(() => decodeIdx(gz))).toMatch(/use parseIdx/);
  });

  it("the DecompressionStream fallback agrees with node:zlib", async () => {
    const gz = gzipSync(good);
    expect(Array.from(await gunzipWeb(gz, 1 << 20))).toEqual(Array.from(good));
    await expect(gunzipWeb(gz.subarray(0, gz.length - 3), 1 << 20)).rejects.toThrow();
    await expect(gunzipWeb(gzipSync(new Uint8Array(1 << 16)), 100)).rejects.toThrow(/exceeds the limit/);
  });
});

describe("IDX fuzzing (fast-check, seeded)", () => {
  const dataTypes: IdxDataType[] = ["uint8", "int8", "int16", "int32", "float32", "float64"];
  const validFile = fc
    .record({
      dataType: fc.constantFrom(...dataTypes),
      shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
      gzip: fc.boolean(),
      seed: fc.integer({ min: 0, max: 255 }),
    })
    .map(({ dataType, shape, gzip, seed }) => {
      const count = shape.reduce((a, b) => a * b, 1);
      const data = Array.from({ length: count }, (_, i) => ((seed + 37 * i) % 100) - (dataType === "uint8" ? 0 : 50));
      const raw = encodeIdx({ dataType, shape, data });
      return { raw, bytes: gzip ? new Uint8Array(gzipSync(raw)) : raw, count };
    });
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant("flip" as const), edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }) }),
    fc.record({ kind: fc.constant("truncate" as const), keep: fc.nat() }),
    fc.record({ kind: fc.constant("append" as const), extra: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  );

  it("random byte edits, truncations, insertions and deletions: parse succeeds consistently or throws DATA_CORRUPT, never anything else", async () => {
    let failures = 0;
    let successes = 0;
    await fc.assert(
      fc.asyncProperty(validFile, mutation, async ({ raw, bytes, count }, m) => {
        let mutated: Uint8Array;
        switch (m.kind) {
          case "flip":
            mutated = bytes.slice();
            for (const [pos, v] of m.edits) mutated[pos % mutated.length] = v;
            break;
          case "truncate":
            mutated = bytes.slice(0, m.keep % bytes.length);
            break;
          case "append":
            mutated = new Uint8Array([...bytes, ...m.extra]);
            break;
          case "delete": {
            const at = m.at % bytes.length;
            mutated = new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + m.length)]);
            break;
          }
        }
        const started = performance.now();
        try {
          const out = await parseIdx(mutated, { source: "fuzz", maxBytes: 1 << 16 });
          successes++;
          // a successful parse is internally consistent
          expect(out.data.length).toBe(out.shape.reduce((a, b) => a * b, 1));
          // and re-encodes to the (decompressed) bytes it came from, byte for byte, when nothing but element
          // bytes can have changed: the size must then be the original one
          if (out.data.length === count) expect(encodeIdx(out).length).toBe(raw.length);
        } catch (e) {
          if (!ParabolicError.is(e, "DATA_CORRUPT")) throw e;
          failures++;
        }
        expect(performance.now() - started).toBeLessThan(1000); // no hang
      }),
      { seed: 20240611, numRuns: 400 },
    );
    expect(failures).toBeGreaterThan(100); // the mutations do reach the validator
    expect(successes).toBeGreaterThan(10); // and harmless ones (element bytes of raw files) pass
  });
});
