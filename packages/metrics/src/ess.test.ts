import { ParabolicError, fillNormals, key, normals, randomStream } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { chainEffectiveSampleSize } from "./ess.js";

function ar1(seed: number, chains: number, length: number, phi: number): Float64Array {
  const out = new Float64Array(chains * length);
  const noise = new Float64Array(length);
  const stream = randomStream(key(seed));
  const sd = Math.sqrt(1 - phi * phi);
  for (let c = 0; c < chains; c++) {
    fillNormals(stream, noise);
    let x = noise[0]!; // stationary start
    for (let t = 0; t < length; t++) {
      if (t > 0) x = phi * x + sd * noise[t]!;
      out[c * length + t] = x;
    }
  }
  return out;
}

describe("chainEffectiveSampleSize", () => {
  it("is ≈ the number of draws for independent draws (±10 %)", () => {
    const ess = chainEffectiveSampleSize(normals(key(1), { count: 4 * 5000 }), { chains: 4 });
    expect(Math.abs(ess / 20000 - 1)).toBeLessThan(0.1);
  });

  it("is ≈ n(1 − φ)/(1 + φ) for AR(1) chains (φ = 0.9 and 0.5; ±15 %)", () => {
    for (const phi of [0.9, 0.5]) {
      const n = 4 * 20000;
      const ess = chainEffectiveSampleSize(ar1(7, 4, 20000, phi), { chains: 4 });
      const expected = (n * (1 - phi)) / (1 + phi);
      expect(Math.abs(ess / expected - 1)).toBeLessThan(0.15);
    }
  });

  it("sees chains stuck in different places (between-chain variance)", () => {
    const draws = ar1(8, 4, 2000, 0.5);
    for (let c = 0; c < 4; c++) for (let t = 0; t < 2000; t++) draws[c * 2000 + t] = draws[c * 2000 + t]! + 3 * c;
    expect(chainEffectiveSampleSize(draws, { chains: 4 })).toBeLessThan(100);
  });

  it("rejects a length that is not chains × n", () => {
    expect(() => chainEffectiveSampleSize(new Float64Array(10), { chains: 3 })).toThrow(ParabolicError);
  });
});
