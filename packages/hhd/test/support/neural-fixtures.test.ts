import { describe, expect, it } from "vitest";
import { key, normals } from "@parabolic/core";
import { exactScoreRows, isotropicScoreRows, mixtureND } from "./neural-fixtures.js";

describe("neural fixtures", () => {
  it("the closed-form isotropic VP-marginal score equals forwardMarginal's exact score (d = 10 and 50)", () => {
    for (const d of [10, 50]) {
      const p0 = mixtureND(d);
      const n = 40;
      const x = Float64Array.from(normals(key(d), { count: n * d }), (v) => 1.5 * v);
      const t = Array.from({ length: n }, (_, i) => 1e-3 + (i / (n - 1)) * (1 - 1e-3));
      const a = isotropicScoreRows(p0, x, t);
      const b = exactScoreRows(p0, x, t);
      let scale = 0;
      let err = 0;
      for (let i = 0; i < a.length; i++) {
        scale = Math.max(scale, Math.abs(b[i]!));
        err = Math.max(err, Math.abs(a[i]! - b[i]!));
      }
      expect(err).toBeLessThan(1e-9 * scale);
    }
  });
});
