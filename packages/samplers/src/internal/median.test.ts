import { key, normals, randomStream } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { medianInPlace } from "./median.js";

/** Reference: sort a copy, take the middle (mean of the two middle values for an even count). */
function sortedMedian(values: Float64Array): number {
  const s = values.slice().sort();
  const n = s.length;
  return n % 2 === 1 ? s[n >> 1]! : 0.5 * (s[n / 2 - 1]! + s[n / 2]!);
}

describe("medianInPlace (SVGD's median heuristic)", () => {
  it("equals the sorted median for odd and even sizes, with and without ties", () => {
    const stream = randomStream(key(7));
    for (const n of [1, 2, 3, 4, 5, 10, 21, 100, 101, 1000, 4950]) {
      const continuous = normals(key(n), { count: n });
      const ties = new Float64Array(n).map(() => Math.floor(stream.nextDouble() * 5));
      for (const values of [continuous, ties, new Float64Array(n).fill(2.5)]) {
        expect(medianInPlace(values.slice()), `n = ${n}`).toBe(sortedMedian(values));
      }
    }
    expect(medianInPlace(new Float64Array(0))).toBeNaN();
  });
});
