import { describe, expect, it } from "vitest";
import { ParabolicError } from "./errors.js";
import { foldIn, key, type Key } from "./key.js";
import { normalCdf } from "./numerics/erf.js";
import { chiSquareCdf, chiSquareSf, gammaCdf } from "./numerics/incomplete-gamma.js";
import { ksTest } from "./numerics/kolmogorov-smirnov.js";
import { randomStream } from "./random-stream.js";
import {
  chiSquares,
  exponentials,
  fillExponentials,
  fillGammas,
  fillNormals,
  fillUniformDirection,
  gammas,
  geometrics,
  nextChiSquare,
  nextExponential,
  nextGamma,
  nextGeometric,
  nextNormal,
  normals,
  uniformDirections,
} from "./variates.js";

// Every distributional test below is seeded (fixed keys) and uses the 1 % level: p > 0.01.
const N = 1_000_000;
const LEVEL = 0.01;
const root = key(20240611);
const k = (i: number): Key => foldIn(root, i);

/** χ² statistic of observed counts against expected counts. */
function chiSquareStatistic(observed: ArrayLike<number>, expected: ArrayLike<number>): number {
  let chi = 0;
  for (let i = 0; i < observed.length; i++) chi += (observed[i]! - expected[i]!) ** 2 / expected[i]!;
  return chi;
}

describe("standard normals (ziggurat)", () => {
  const z = normals(k(0), { count: N });

  it("pass KS against Φ at N = 10⁶", () => {
    expect(ksTest(z, normalCdf).pValue).toBeGreaterThan(LEVEL);
  });

  it("pass a χ² test on 1000 equiprobable cells (sensitive to wedge/layer defects KS misses)", () => {
    const cells = 1000;
    const counts = new Float64Array(cells);
    for (const x of z) counts[Math.min(cells - 1, Math.floor(normalCdf(x) * cells))]!++;
    const chi = chiSquareStatistic(counts, new Float64Array(cells).fill(N / cells));
    expect(chiSquareSf(chi, cells - 1)).toBeGreaterThan(LEVEL);
  });

  it("have the right tail beyond the ziggurat base r = 3.6542 (count and conditional KS)", () => {
    const r = 3.654152885361009;
    const tail = z.filter((x) => Math.abs(x) > r).map(Math.abs);
    const pTail = 2 * normalCdf(-r);
    // binomial count within 4 standard deviations
    expect(Math.abs(tail.length - N * pTail)).toBeLessThan(4 * Math.sqrt(N * pTail));
    const conditional = (x: number): number => Math.max(0, 1 - normalCdf(-x) / normalCdf(-r));
    expect(ksTest(tail, conditional).pValue).toBeGreaterThan(LEVEL);
  });

  it("have mean 0, variance 1, kurtosis 3 within 5 standard errors", () => {
    let s1 = 0;
    let s2 = 0;
    let s4 = 0;
    for (const x of z) {
      s1 += x;
      s2 += x * x;
      s4 += x ** 4;
    }
    expect(Math.abs(s1 / N)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(s2 / N - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    expect(Math.abs(s4 / N - 3)).toBeLessThan(5 * Math.sqrt(96 / N));
  });

  it("scalar nextNormal continues the same sequence as fillNormals", () => {
    const a = randomStream(k(1));
    const b = randomStream(k(1));
    const batch = fillNormals(a, new Float64Array(10_001));
    const scalar = Float64Array.from({ length: 10_001 }, () => nextNormal(b));
    expect(scalar).toEqual(batch);
    // and interleaving the two forms keeps one stream
    const c = randomStream(k(1));
    const mixed = new Float64Array(10_001);
    for (let i = 0; i < mixed.length; ) {
      if (i % 7 === 3) mixed[i++] = nextNormal(c);
      else {
        const m = Math.min(5, mixed.length - i);
        fillNormals(c, mixed.subarray(i, i + m));
        i += m;
      }
    }
    expect(mixed).toEqual(batch);
  });
});

describe("exponentials, gammas, χ², geometric", () => {
  it("Exp(1) passes KS at N = 10⁶ (batch and scalar)", () => {
    const e = exponentials(k(2), { count: N });
    expect(ksTest(e, (x) => (x <= 0 ? 0 : -Math.expm1(-x))).pValue).toBeGreaterThan(LEVEL);
    const s = randomStream(k(3));
    const scalar = Float64Array.from({ length: 100_000 }, () => nextExponential(s));
    expect(ksTest(scalar, (x) => (x <= 0 ? 0 : -Math.expm1(-x))).pValue).toBeGreaterThan(LEVEL);
    expect(fillExponentials(randomStream(k(2)), new Float64Array(1000))).toEqual(e.subarray(0, 1000));
  });

  it("Exp(1) has the right tail beyond the ziggurat base r = 7.697 (memoryless excess) and passes χ² on 1000 cells", () => {
    const e = exponentials(k(15), { count: N });
    const r = 7.697117470131050;
    const excess = e.filter((x) => x > r).map((x) => x - r);
    const pTail = Math.exp(-r);
    expect(Math.abs(excess.length - N * pTail)).toBeLessThan(4 * Math.sqrt(N * pTail));
    expect(ksTest(excess, (x) => (x <= 0 ? 0 : -Math.expm1(-x))).pValue).toBeGreaterThan(LEVEL);
    const cells = 1000;
    const counts = new Float64Array(cells);
    for (const x of e) counts[Math.min(cells - 1, Math.floor(-Math.expm1(-x) * cells))]!++;
    expect(chiSquareSf(chiSquareStatistic(counts, new Float64Array(cells).fill(N / cells)), cells - 1)).toBeGreaterThan(LEVEL);
  });

  it.each([
    [0.3, 4],
    [1, 5],
    [2.5, 6],
    [129, 7],
  ])("Gamma(%f) passes KS against gammaCdf at N = 10⁶", (shape, i) => {
    const g = gammas(k(i), { shape, count: N });
    expect(ksTest(g, (x) => gammaCdf(x, shape)).pValue).toBeGreaterThan(LEVEL);
  });

  it("scalar nextGamma and fillGammas agree in law; shape 0 is the point mass at 0", () => {
    const s = randomStream(k(8));
    const scalar = Float64Array.from({ length: 200_000 }, () => nextGamma(s, 0.7));
    expect(ksTest(scalar, (x) => gammaCdf(x, 0.7)).pValue).toBeGreaterThan(LEVEL);
    expect(gammas(k(9), { shape: 0, count: 10 })).toEqual(new Float64Array(10));
    expect(fillGammas(randomStream(k(9)), new Float64Array(3), 0)).toEqual(new Float64Array(3));
  });

  it("χ² variates pass KS against chiSquareCdf (dof 3 at N = 10⁶; dof 0.7 and 40.5 at 2·10⁵)", () => {
    expect(ksTest(chiSquares(k(10), { degreesOfFreedom: 3, count: N }), (x) => chiSquareCdf(x, 3)).pValue).toBeGreaterThan(LEVEL);
    for (const dof of [0.7, 40.5]) {
      const s = randomStream(k(11));
      const x = Float64Array.from({ length: 200_000 }, () => nextChiSquare(s, dof));
      expect(ksTest(x, (v) => chiSquareCdf(v, dof)).pValue).toBeGreaterThan(LEVEL);
    }
  });

  it.each([
    [0.3, 12],
    [0.01, 13],
    [0.9, 14],
  ])("Geometric(p = %f) matches the exact pmf (1−p)^k p by χ² goodness of fit at N = 10⁶", (p, i) => {
    const g = geometrics(k(i), { p, count: N });
    // cells 0 … K−1 with expected count ≥ 20, plus the tail cell {k ≥ K}
    let cells = 0;
    while (N * (1 - p) ** cells * p >= 20) cells++;
    const observed = new Float64Array(cells + 1);
    for (const x of g) {
      if (!Number.isInteger(x) || x < 0) throw new Error(`not a count: ${x}`);
      observed[Math.min(x, cells)]!++;
    }
    const expected = new Float64Array(cells + 1);
    for (let c = 0; c < cells; c++) expected[c] = N * (1 - p) ** c * p;
    expected[cells] = N * (1 - p) ** cells;
    expect(chiSquareSf(chiSquareStatistic(observed, expected), cells)).toBeGreaterThan(LEVEL);
    expect(geometrics(k(i), { p: 1, count: 5 })).toEqual(new Float64Array(5));
    expect(nextGeometric(randomStream(k(i)), 1)).toBe(0);
  });
});

describe("uniform directions on S^{d−1}", () => {
  it.each([1, 2, 3, 10, 100])("d = %i: unit norm, E[u] = 0, E[u_i²] = 1/d, E[u_i⁴] = 3/(d(d+2)), E[u₁u₂] = 0; norm² ~ χ²_d", (d) => {
    const count = Math.max(20_000, Math.floor(400_000 / d));
    const u = uniformDirections(k(20 + d), { dim: d, count });
    let worstNorm = 0;
    for (let i = 0; i < count; i++) {
      let ss = 0;
      for (let j = 0; j < d; j++) ss += u[i * d + j]! ** 2;
      worstNorm = Math.max(worstNorm, Math.abs(Math.sqrt(ss) - 1));
    }
    expect(worstNorm).toBeLessThan(4e-16 * Math.sqrt(d) + 2.3e-16);
    const m2 = 1 / d;
    const m4 = 3 / (d * (d + 2));
    const m8 = 105 / (d * (d + 2) * (d + 4) * (d + 6));
    for (const j of d > 1 ? [0, d - 1] : [0]) {
      let s1 = 0;
      let s2 = 0;
      let s4 = 0;
      for (let i = 0; i < count; i++) {
        const x = u[i * d + j]!;
        s1 += x;
        s2 += x * x;
        s4 += x ** 4;
      }
      expect(Math.abs(s1 / count)).toBeLessThan(5 * Math.sqrt(m2 / count));
      if (d > 1) expect(Math.abs(s2 / count - m2)).toBeLessThan(5 * Math.sqrt((m4 - m2 * m2) / count));
      if (d > 1) expect(Math.abs(s4 / count - m4)).toBeLessThan(5 * Math.sqrt((m8 - m4 * m4) / count));
    }
    if (d > 1) {
      let s12 = 0;
      for (let i = 0; i < count; i++) s12 += u[i * d]! * u[i * d + 1]!;
      expect(Math.abs(s12 / count)).toBeLessThan(5 * Math.sqrt(1 / (d * (d + 2)) / count));
    }
    // the returned norm is the χ_d radius of the normal vector that was normalised
    const s = randomStream(k(60 + d));
    const buf = new Float64Array(d);
    const r2 = Float64Array.from({ length: 20_000 }, () => fillUniformDirection(s, buf, 0, d) ** 2);
    expect(ksTest(r2, (x) => chiSquareCdf(x, d)).pValue).toBeGreaterThan(LEVEL);
  });

  it("fillUniformDirection writes only its own slice", () => {
    const out = new Float64Array(12).fill(7);
    fillUniformDirection(randomStream(k(30)), out, 4, 3);
    expect([...out.subarray(0, 4), ...out.subarray(7)]).toEqual(new Array(9).fill(7));
  });
});

describe("validation of the key-first batch forms", () => {
  const expectInvalid = (run: () => unknown, fn: string, argument: string, value: unknown): void => {
    try {
      run();
      expect.unreachable(`${fn} should throw for ${argument} = ${String(value)}`);
    } catch (e) {
      expect(ParabolicError.is(e, "INVALID_ARGUMENT"), String(e)).toBe(true);
      const d = (e as ParabolicError).details;
      expect(d.function).toBe(fn);
      expect(d.argument).toBe(argument);
      expect(Object.is(d.value, value) || JSON.stringify(d.value) === JSON.stringify(value)).toBe(true);
    }
  };

  it("non-integer or negative counts", () => {
    for (const count of [-1, 1.5, Number.NaN, Infinity, "3" as unknown as number]) {
      expectInvalid(() => normals(k(0), { count }), "normals", "count", count);
      expectInvalid(() => exponentials(k(0), { count }), "exponentials", "count", count);
      expectInvalid(() => gammas(k(0), { shape: 1, count }), "gammas", "count", count);
      expectInvalid(() => chiSquares(k(0), { degreesOfFreedom: 1, count }), "chiSquares", "count", count);
      expectInvalid(() => geometrics(k(0), { p: 0.5, count }), "geometrics", "count", count);
      expectInvalid(() => uniformDirections(k(0), { dim: 2, count }), "uniformDirections", "count", count);
    }
    expect(normals(k(0), { count: 0 })).toEqual(new Float64Array(0));
  });

  it("negative or non-finite shapes, degrees of freedom and p", () => {
    for (const shape of [-1, -1e-300, Number.NaN, Infinity]) {
      expectInvalid(() => gammas(k(0), { shape, count: 1 }), "gammas", "shape", shape);
      expectInvalid(() => fillGammas(randomStream(k(0)), new Float64Array(1), shape), "fillGammas", "shape", shape);
    }
    for (const dof of [0, -2, Number.NaN, Infinity]) {
      expectInvalid(() => chiSquares(k(0), { degreesOfFreedom: dof, count: 1 }), "chiSquares", "degreesOfFreedom", dof);
    }
    for (const p of [0, -0.1, 1.5, Number.NaN]) expectInvalid(() => geometrics(k(0), { p, count: 1 }), "geometrics", "p", p);
  });

  it("a missing options object", () => {
    expectInvalid(() => normals(k(0), undefined as never), "normals", "options", undefined);
    expectInvalid(() => exponentials(k(0), null as never), "exponentials", "options", null);
    expectInvalid(() => gammas(k(0), 2 as never), "gammas", "options", 2);
    expectInvalid(() => chiSquares(k(0), undefined as never), "chiSquares", "options", undefined);
    expectInvalid(() => geometrics(k(0), undefined as never), "geometrics", "options", undefined);
    expectInvalid(() => uniformDirections(k(0), undefined as never), "uniformDirections", "options", undefined);
  });

  it("dimension 0 or fractional, NaN seeds and bad keys", () => {
    for (const dim of [0, -3, 2.5, Number.NaN]) {
      expectInvalid(() => uniformDirections(k(0), { dim, count: 1 }), "uniformDirections", "dim", dim);
    }
    expectInvalid(() => normals(key(Number.NaN), { count: 1 }), "key", "seed", Number.NaN);
    expectInvalid(() => normals([1, 2, 3] as unknown as Key, { count: 1 }), "randomStream", "key", [1, 2, 3]);
    expectInvalid(() => gammas([0.5, 1] as unknown as Key, { shape: 1, count: 1 }), "randomStream", "key", [0.5, 1]);
  });
});
