import { describe, expect, it } from "vitest";
import { logGamma } from "./log-gamma.js";

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe("logGamma", () => {
  it("matches log n! computed exactly with BigInt for n = 0 … 170", () => {
    let f = 1n;
    for (let n = 1; n <= 170; n++) {
      f *= BigInt(n);
      // log of an exact big integer: log(mantissa) + exponent·log 10, from its decimal string
      const s = f.toString();
      const exact = Math.log(Number(`0.${s.slice(0, 17)}`)) + s.length * Math.LN10;
      expect(Math.abs(logGamma(n + 1) - exact)).toBeLessThan(2e-15 * Math.max(1, exact));
    }
    expect(logGamma(1)).toBe(0);
    expect(logGamma(2)).toBe(0);
  });

  it("matches Γ(n + ½) = (2n)! √π / (4ⁿ n!) for half-integers", () => {
    for (let n = 0; n <= 60; n++) {
      let logExact = 0.5 * Math.log(Math.PI) - n * Math.log(4);
      for (let k = n + 1; k <= 2 * n; k++) logExact += Math.log(k); // (2n)!/n!
      expect(rel(logGamma(n + 0.5), logExact)).toBeLessThan(4e-15 + (n === 0 ? 0 : 0));
    }
  });

  it("keeps relative accuracy next to its zeros at 1 and 2 (Taylor oracle with γ and π²/12)", () => {
    const gamma = 0.5772156649015329;
    for (const dz of [1e-12, -1e-10, 3e-9, -2e-8, 1e-7]) {
      const z = 1 + dz - 1; // exactly representable offset
      // log Γ(1 + z) = −γz + (π²/12) z² + O(z³);  log Γ(2 + z) = (1 − γ) z + (π²/12 − 1/2) z² + O(z³)
      expect(rel(logGamma(1 + z), -gamma * z + ((Math.PI * Math.PI) / 12) * z * z)).toBeLessThan(1e-14);
      expect(rel(logGamma(2 + (2 + dz - 2)), (1 - gamma) * (2 + dz - 2) + ((Math.PI * Math.PI) / 12 - 0.5) * (2 + dz - 2) ** 2)).toBeLessThan(1e-14);
    }
  });

  it("satisfies the recurrence log Γ(x + 1) − log Γ(x) = log x and the reflection formula", () => {
    for (let x = 0.013; x < 40; x *= 1.37) {
      expect(Math.abs(logGamma(x + 1) - logGamma(x) - Math.log(x))).toBeLessThan(4e-15 * Math.max(1, Math.abs(logGamma(x))));
    }
    for (const x of [0.1, 0.25, 0.3, 0.7, 0.9]) {
      // Γ(x)Γ(1 − x) = π / sin(πx)
      expect(rel(logGamma(x) + logGamma(1 - x), Math.log(Math.PI / Math.sin(Math.PI * x)))).toBeLessThan(1e-15);
    }
  });

  it("agrees with 40-digit reference values (mpmath.loggamma at the exact double arguments), including negative arguments", () => {
    const table: [number, number][] = [
      [0.001, 6.907178885383853],
      [0.3, 1.0957979948180756],
      [1.000001, -5.772148423874147e-7],
      [1.5, -0.12078223763524522],
      [2.000001, 4.2278465762452923e-7],
      [3.7, 1.428072326665388],
      [17.25, 31.374622313677687],
      [123.456, 469.6055471299295],
      [1e5, 1051287.7089736569],
      [-0.3, 1.4648400508576025],
      [-4.2, -1.8075166614192915],
    ];
    for (const [x, v] of table) expect(rel(logGamma(x), v)).toBeLessThan(x < 0 ? 1e-14 : 2e-15);
  });

  it("returns +∞ at poles and NaN for NaN", () => {
    expect(logGamma(0)).toBe(Infinity);
    expect(logGamma(-3)).toBe(Infinity);
    expect(logGamma(Infinity)).toBe(Infinity);
    expect(logGamma(Number.NaN)).toBeNaN();
  });
});
