import { describe, expect, it } from "vitest";
import { key } from "../key.js";
import { randomStream } from "../random-stream.js";
import { normals } from "../variates.js";
import { kthSmallest, median, medianInPlace } from "./order-statistics.js";

// Oracle: a full sort. Ties, duplicates, odd/even lengths and sorted / reversed inputs are the cases where a
// Hoare partition goes wrong.
const sorted = (a: Float64Array): Float64Array => a.slice().sort();

describe("order statistics (quickselect) vs a full sort", () => {
  const inputs: Float64Array[] = [
    normals(key(1), { count: 1001 }),
    normals(key(2), { count: 1000 }),
    new Float64Array([3, 3, 3, 1, 1, 2, 2, 2]),
    Float64Array.from({ length: 257 }, (_, i) => i),
    Float64Array.from({ length: 256 }, (_, i) => 256 - i),
    new Float64Array([7]),
  ];
  it("kthSmallest returns the k-th order statistic for every k", () => {
    for (const x of inputs) {
      const s = sorted(x);
      for (let k = 0; k < x.length; k += Math.max(1, Math.floor(x.length / 37))) {
        expect(kthSmallest(x.slice(), k)).toBe(s[k]);
      }
    }
  });
  it("median matches the sorted middle (mean of the two middle values for even n) and leaves its input intact", () => {
    for (const x of inputs) {
      const s = sorted(x);
      const n = x.length;
      const expected = n % 2 === 1 ? s[(n - 1) / 2]! : 0.5 * (s[n / 2 - 1]! + s[n / 2]!);
      const copy = x.slice();
      expect(median(x)).toBe(expected);
      expect(x).toEqual(copy);
      expect(medianInPlace(copy)).toBe(expected);
    }
    expect(median(new Float64Array(0))).toBeNaN();
  });
});

describe("medianInPlace with heavy ties (SVGD's median heuristic sees many equal distances)", () => {
  it("equals the sorted median for odd and even sizes, continuous, tied and constant inputs", () => {
    const stream = randomStream(key(7));
    for (const n of [1, 2, 3, 4, 5, 10, 21, 100, 101, 1000, 4950]) {
      const continuous = normals(key(n), { count: n });
      const ties = new Float64Array(n).map(() => Math.floor(stream.nextDouble() * 5));
      for (const values of [continuous, ties, new Float64Array(n).fill(2.5)]) {
        const s = sorted(values);
        const expected = n % 2 === 1 ? s[n >> 1]! : 0.5 * (s[n / 2 - 1]! + s[n / 2]!);
        expect(medianInPlace(values.slice()), `n = ${n}`).toBe(expected);
      }
    }
  });
});
