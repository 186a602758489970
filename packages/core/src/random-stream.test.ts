import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { streamFingerprint } from "../test/fixtures/stream-fingerprint.js";
import { key } from "./key.js";
import { chiSquareSf } from "./numerics/incomplete-gamma.js";
import { ksTest } from "./numerics/kolmogorov-smirnov.js";
import { RandomStream, randomStream } from "./random-stream.js";

/** xoshiro128** reference step, written independently from the spec (Blackman & Vigna), on BigInt-free uint32. */
function referenceXoshiro(state: number[]): number {
  const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;
  const [s0, s1, s2, s3] = state as [number, number, number, number];
  const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
  const t = (s1 << 9) >>> 0;
  let n2 = (s2 ^ s0) >>> 0;
  let n3 = (s3 ^ s1) >>> 0;
  const n1 = (s1 ^ n2) >>> 0;
  const n0 = (s0 ^ n3) >>> 0;
  n2 = (n2 ^ t) >>> 0;
  n3 = rotl(n3, 11);
  state.splice(0, 4, n0, n1, n2, n3);
  return result;
}

describe("randomStream (xoshiro128**)", () => {
  it("follows the xoshiro128** recurrence exactly (independent reference implementation)", () => {
    const s = randomStream(key(3));
    const ref = Array.from(s.state.subarray(0, 4));
    let mismatches = 0;
    for (let i = 0; i < 10_000; i++) if (s.nextUint32() !== referenceXoshiro(ref)) mismatches++;
    expect(mismatches).toBe(0);
  });

  it("nextDouble is in [0, 1) with 53-bit resolution, nextOpenDouble in (0, 1]; clone continues identically", () => {
    const s = randomStream(key(4));
    let odd = 0;
    let outOfRange = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = s.nextDouble();
      if (!(u >= 0 && u < 1) || !Number.isInteger(u * 2 ** 53)) outOfRange++;
      if ((u * 2 ** 53) % 2 === 1) odd++;
      const v = s.nextOpenDouble();
      if (!(v > 0 && v <= 1)) outOfRange++;
    }
    expect(outOfRange).toBe(0);
    expect(odd).toBeGreaterThan(45_000); // the lowest of the 53 bits is live
    const c = s.clone();
    for (let i = 0; i < 100; i++) expect(c.nextUint32()).toBe(s.nextUint32());
    expect(c).toBeInstanceOf(RandomStream);
  });

  it("uniform doubles pass KS at N = 10⁶ (1 % level) and bytes pass a χ² test on 256 cells", () => {
    const s = randomStream(key(5));
    const u = Float64Array.from({ length: 1_000_000 }, () => s.nextDouble());
    expect(ksTest(u, (x) => x).pValue).toBeGreaterThan(0.01);
    const counts = new Float64Array(256);
    for (let i = 0; i < 256_000; i++) counts[s.nextUint32() >>> 24]!++;
    let chi = 0;
    for (const c of counts) chi += (c - 1000) ** 2 / 1000;
    expect(chiSquareSf(chi, 255)).toBeGreaterThan(0.01);
  });

  it("same key → bit-identical output in two separate Node processes", () => {
    const script = fileURLToPath(new URL("../test/fixtures/stream-fingerprint.ts", import.meta.url));
    const run = (): string => {
      const r = spawnSync(process.execPath, ["--conditions=@parabolic/source", "--import", "tsx", script, "42"], {
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    const first = run();
    const second = run();
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toBe(first);
    expect(streamFingerprint(42)).toBe(first);
    expect(streamFingerprint(43)).not.toBe(first);
  });
});
