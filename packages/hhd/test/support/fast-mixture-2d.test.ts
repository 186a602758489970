import { key } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { referenceMarginal, referenceScore } from "./mixture.js";

describe("fast 2-D mixture score (test support)", () => {
  it("agrees with the @parabolic/datasets oracle to 1e-12 at several t, including far tails", () => {
    for (const t of [0, 0.01, 0.3, 1]) {
      const pt = referenceMarginal(t);
      const x = pt.sample(key(3), 2000).map((v, i) => (i < 200 ? 6 * v : v));
      const a = pt.score(x);
      const b = referenceScore(t)(x);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(a[i]!)));
    }
  });
});
