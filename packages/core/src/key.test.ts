import { describe, expect, it } from "vitest";
import { ParabolicError } from "./errors.js";
import { foldIn, key, keyFromJSON, keyToJSON, split, threefry2x32, type Key } from "./key.js";
import { pearsonCorrelation } from "./numerics/moments.js";
import { randomStream } from "./random-stream.js";

describe("threefry2x32", () => {
  it("reproduces the Random123 known-answer vectors (20 rounds)", () => {
    expect(threefry2x32([0, 0], [0, 0])).toEqual([0x6b200159, 0x99ba4efe]);
    expect(threefry2x32([0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff])).toEqual([0x1cb996fc, 0xbb002be7]);
    expect(threefry2x32([0x13198a2e, 0x03707344], [0x243f6a88, 0x85a308d3])).toEqual([0xc4923a9c, 0x483df7a0]);
  });
});

describe("key / split / foldIn", () => {
  it("is a deterministic, frozen, JSON-round-trippable pair of uint32 words", () => {
    const k = key(20240611);
    expect(key(20240611)).toEqual(k);
    expect(Object.isFrozen(k)).toBe(true);
    for (const w of k) expect(Number.isInteger(w) && w >= 0 && w <= 0xffffffff).toBe(true);
    expect(keyFromJSON(JSON.parse(JSON.stringify(keyToJSON(k))))).toEqual(k);
    expect(key(-5)).not.toEqual(key(5));
    expect(key(0)).not.toEqual(key(-0 + 1));
    expect(key(Number.MAX_SAFE_INTEGER)).not.toEqual(key(-Number.MAX_SAFE_INTEGER));
  });

  it("split and foldIn never collide: 2·10⁵ derived keys plus 10⁴ seeds are all distinct", () => {
    const seen = new Set<string>();
    let added = 0;
    const add = (k: Key): void => {
      seen.add(`${k[0]},${k[1]}`);
      added++;
    };
    const root = key(1);
    add(root);
    for (const k of split(root, 100_000)) add(k);
    for (let i = 0; i < 100_000; i++) add(foldIn(root, i));
    for (let s = 2; s < 10_002; s++) add(key(s));
    expect(added).toBe(210_001);
    expect(seen.size).toBe(added);
    // split is prefix-stable: split(k, n)[i] does not depend on n
    expect(split(root, 3)[2]).toEqual(split(root, 10)[2]);
  });

  it("derived keys give uncorrelated streams (|r| < 5/√N for sibling, folded and nearby-seed streams)", () => {
    const n = 50_000;
    const draw = (k: Key): Float64Array => {
      const s = randomStream(k);
      return Float64Array.from({ length: n }, () => s.nextDouble());
    };
    const root = key(7);
    const [a, b] = split(root, 2) as [Key, Key];
    const pairs: [Key, Key][] = [
      [a, b],
      [foldIn(root, 0), foldIn(root, 1)],
      [key(100), key(101)],
      [root, a],
      [foldIn(a, 3), split(a, 4)[3]!],
    ];
    for (const [x, y] of pairs) expect(Math.abs(pearsonCorrelation(draw(x), draw(y)))).toBeLessThan(5 / Math.sqrt(n));
  });

  it("avalanches: changing the seed by one flips ≈ half of the 64 key bits (mean over 2000 seeds)", () => {
    let flips = 0;
    const trials = 2000;
    const popcount = (x: number): number => {
      let c = 0;
      for (let v = x >>> 0; v; v &= v - 1) c++;
      return c;
    };
    for (let s = 0; s < trials; s++) {
      const p = key(s);
      const q = key(s + 1);
      flips += popcount(p[0] ^ q[0]) + popcount(p[1] ^ q[1]);
    }
    // Binomial(64·2000, ½): mean 32, sd of the mean 4/√2000 ≈ 0.09
    expect(Math.abs(flips / trials - 32)).toBeLessThan(0.5);
  });

  it("rejects NaN, fractional, infinite and non-number seeds and malformed keys with coded errors", () => {
    const expectInvalid = (run: () => unknown, fn: string, argument: string, value: unknown): void => {
      try {
        run();
        expect.unreachable(`${fn} should throw`);
      } catch (e) {
        expect(ParabolicError.is(e, "INVALID_ARGUMENT")).toBe(true);
        const d = (e as ParabolicError).details;
        expect(d.function).toBe(fn);
        expect(d.argument).toBe(argument);
        expect(Object.is(d.value, value) || JSON.stringify(d.value) === JSON.stringify(value)).toBe(true);
        expect((e as Error).message).toMatch(new RegExp(`^${fn}: '${argument}' must .*; got .*\\.$`));
      }
    };
    expectInvalid(() => key(Number.NaN), "key", "seed", Number.NaN);
    expectInvalid(() => key(1.5), "key", "seed", 1.5);
    expectInvalid(() => key(Infinity), "key", "seed", Infinity);
    expectInvalid(() => key(2 ** 53), "key", "seed", 2 ** 53);
    expectInvalid(() => key("3" as unknown as number), "key", "seed", "3");
    expectInvalid(() => split([1, 2], 0), "split", "count", 0);
    expectInvalid(() => split([1, 2], 2.5), "split", "count", 2.5);
    expectInvalid(() => split([1, -2] as unknown as Key), "split", "key", [1, -2]);
    expectInvalid(() => foldIn([1, 2], -1), "foldIn", "data", -1);
    expectInvalid(() => foldIn([1, 2], Number.NaN), "foldIn", "data", Number.NaN);
    expectInvalid(() => foldIn([1, 2.5] as unknown as Key, 0), "foldIn", "key", [1, 2.5]);
    expectInvalid(() => keyFromJSON([1]), "keyFromJSON", "key", [1]);
    expectInvalid(() => keyFromJSON([2 ** 32, 0]), "keyFromJSON", "key", [2 ** 32, 0]);
    expectInvalid(() => keyFromJSON("0,0"), "keyFromJSON", "key", "0,0");
    expectInvalid(() => randomStream([1, 2, 3] as unknown as Key), "randomStream", "key", [1, 2, 3]);
  });
});
