import { key, ksTest } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { findSharedMnist } from "../test/data-paths.js";
import { areaDownsample, dequantize, pixelStatistics, prepareImages, scaleToUnit, standardize, unstandardize } from "./image-transforms.js";
import { loadMnist, type LabeledImages } from "./mnist.js";

/**
 * Independent reference for area resampling: nearest-neighbour upsampling by an integer factor to a common
 * multiple L of the input and output sizes, then block means over (L/out) × (L/out) blocks.
 * For 28 → 16: L = 112, i.e. 4× upsampling then 7 × 7 block means.
 */
function referenceResample(img: ArrayLike<number>, n: number, m: number): Float64Array {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const L = (n * m) / gcd(n, m);
  const up = L / n;
  const block = L / m;
  const big = new Float64Array(L * L);
  for (let y = 0; y < L; y++) for (let x = 0; x < L; x++) big[y * L + x] = img[Math.floor(y / up) * n + Math.floor(x / up)]!;
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let y = 0; y < block; y++) for (let x = 0; x < block; x++) s += big[(i * block + y) * L + j * block + x]!;
      out[i * m + j] = s / (block * block);
    }
  }
  return out;
}

function pseudoRandomImages(count: number, pixels: number): Uint8Array {
  let s = 12345;
  return Uint8Array.from({ length: count * pixels }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 24;
  });
}

const shared = await findSharedMnist();

describe("areaDownsample", () => {
  it("28 → 16 equals the 112 × 112 nearest-upsample / 7 × 7 block-mean reference (≤ 1e-12 on 0–255)", () => {
    const imgs = pseudoRandomImages(20, 784);
    const out = areaDownsample(imgs, { dtype: "float64" });
    expect(out.length).toBe(20 * 256);
    let worst = 0;
    for (let c = 0; c < 20; c++) {
      const ref = referenceResample(imgs.subarray(c * 784, (c + 1) * 784), 28, 16);
      for (let i = 0; i < 256; i++) worst = Math.max(worst, Math.abs(out[c * 256 + i]! - ref[i]!));
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it.skipIf(shared === undefined)("matches the reference on real MNIST digits, and the float32 output rounds the float64 one", async () => {
    const test = await loadMnist({ split: "test", directory: shared! });
    const imgs = test.images.subarray(0, 200 * 784);
    const out = areaDownsample(imgs, { dtype: "float64" });
    const out32 = areaDownsample(imgs);
    expect(out32).toBeInstanceOf(Float32Array);
    let worst = 0;
    let mismatches32 = 0;
    for (let c = 0; c < 200; c++) {
      const ref = referenceResample(imgs.subarray(c * 784, (c + 1) * 784), 28, 16);
      for (let i = 0; i < 256; i++) {
        worst = Math.max(worst, Math.abs(out[c * 256 + i]! - ref[i]!));
        if (out32[c * 256 + i] !== Math.fround(out[c * 256 + i]!)) mismatches32++;
      }
    }
    expect(worst).toBeLessThan(1e-12);
    expect(mismatches32).toBe(0);
  });

  it("preserves the image mean and constants; works for other sizes (28 → 14 is 2 × 2 means, 10 → 4, upsampling 3 → 5)", () => {
    const imgs = pseudoRandomImages(5, 784);
    const out = areaDownsample(imgs, { dtype: "float64" });
    for (let c = 0; c < 5; c++) {
      let a = 0;
      let b = 0;
      for (let i = 0; i < 784; i++) a += imgs[c * 784 + i]! / 784;
      for (let i = 0; i < 256; i++) b += out[c * 256 + i]! / 256;
      expect(Math.abs(a - b)).toBeLessThan(1e-11);
    }
    expect(Array.from(areaDownsample(new Uint8Array(784).fill(77))).every((v) => v === 77)).toBe(true);
    const half = areaDownsample(imgs.subarray(0, 784), { outHeight: 14, outWidth: 14, dtype: "float64" });
    expect(half[0]).toBeCloseTo((imgs[0]! + imgs[1]! + imgs[28]! + imgs[29]!) / 4, 12);
    const small = pseudoRandomImages(1, 100);
    const r = areaDownsample(small, { height: 10, width: 10, outHeight: 4, outWidth: 4, dtype: "float64" });
    referenceResample(small, 10, 4).forEach((v, i) => expect(r[i]).toBeCloseTo(v, 12));
    const tiny = pseudoRandomImages(1, 9);
    const u = areaDownsample(tiny, { height: 3, width: 3, outHeight: 5, outWidth: 5, dtype: "float64" });
    referenceResample(tiny, 3, 5).forEach((v, i) => expect(u[i]).toBeCloseTo(v, 12));
    expect(() => areaDownsample(new Uint8Array(100))).toThrow(/whole images of 784/);
  });
});

describe("scaling, dequantisation, standardisation", () => {
  it("scaleToUnit divides by 255", () => {
    expect(Array.from(scaleToUnit(new Uint8Array([0, 51, 255]), { dtype: "float64" }))).toEqual([0, 0.2, 1]);
  });

  it("dequantize: (k + u)/256 with floor(256x) = k, u uniform (KS 1%), deterministic per key", () => {
    const imgs = pseudoRandomImages(10, 784);
    const x = dequantize(key(3), imgs, { dtype: "float64" });
    const frac = new Float64Array(x.length);
    let wrongCell = 0;
    for (let i = 0; i < x.length; i++) {
      if (Math.floor(x[i]! * 256) !== imgs[i] || !(x[i]! < 1)) wrongCell++;
      frac[i] = x[i]! * 256 - imgs[i]!;
    }
    expect(wrongCell).toBe(0);
    expect(ksTest(frac, (u) => Math.min(1, Math.max(0, u))).pValue).toBeGreaterThan(0.01);
    expect(Array.from(dequantize(key(3), imgs.subarray(0, 5)))).toEqual(Array.from(dequantize(key(3), imgs.subarray(0, 5))));
    expect(Array.from(dequantize(key(4), imgs.subarray(0, 5)))).not.toEqual(Array.from(dequantize(key(3), imgs.subarray(0, 5))));
    const top = dequantize(key(5), new Uint8Array(1000).fill(255));
    expect(Math.max(...top)).toBeLessThan(1);
  });

  it("pixelStatistics equals a two-pass computation, with the std floor; standardize / unstandardize round-trip", () => {
    const n = 300;
    const d = 7;
    const data = Float64Array.from({ length: n * d }, (_, i) => (i % d === 6 ? 0.5 : Math.sin(i * 0.37) * (1 + (i % d))));
    const stats = pixelStatistics(data, { dim: d, stdFloor: 0.05 });
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += data[i * d + j]! / n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (data[i * d + j]! - m) ** 2 / n;
      expect(stats.mean[j]).toBeCloseTo(m, 12);
      expect(stats.std[j]).toBeCloseTo(Math.max(Math.sqrt(v), 0.05), 12);
    }
    expect(stats.std[6]).toBe(0.05); // constant coordinate: floored
    const z = standardize(data, { statistics: stats, dtype: "float64" });
    const back = unstandardize(z, { statistics: stats, dtype: "float64" });
    back.forEach((v, i) => expect(v).toBeCloseTo(data[i]!, 12));
    const zs = pixelStatistics(z, { dim: d, stdFloor: 0 });
    for (let j = 0; j < 6; j++) {
      expect(Math.abs(zs.mean[j]!)).toBeLessThan(1e-12);
      expect(zs.std[j]).toBeCloseTo(1, 12);
    }
    expect(() => standardize(data, { statistics: { ...stats, mean: new Float64Array(3) } })).toThrow(/statistics/);
  });
});

describe("prepareImages", () => {
  const fake: LabeledImages = {
    images: pseudoRandomImages(30, 784),
    labels: Uint8Array.from({ length: 30 }, (_, i) => i % 10),
    count: 30,
    height: 28,
    width: 28,
    source: "test",
    verification: { images: "unverified", labels: "unverified" },
  };

  it("unit scaling + 16 × 16 resize = areaDownsample / 255; labels kept", () => {
    const { dataset, statistics } = prepareImages(fake, { dtype: "float64" });
    expect(statistics).toBeUndefined();
    expect([dataset.count, dataset.dim, ...dataset.shape]).toEqual([30, 256, 16, 16]);
    expect(dataset.labels).toBe(fake.labels);
    const ref = areaDownsample(fake.images, { dtype: "float64" });
    expect(Math.max(...dataset.inputs.map((v, i) => Math.abs(v - ref[i]! / 255)))).toBeLessThan(1e-14);
  });

  it("standardisation fits or reuses statistics; dequantisation uses the same stream as dequantize()", () => {
    const a = prepareImages(fake, { scaling: "standardize", stdFloor: 0.05, dtype: "float64" });
    expect(a.statistics!.stdFloor).toBe(0.05);
    const b = prepareImages(fake, { scaling: "standardize", statistics: a.statistics!, dtype: "float64" });
    expect(Array.from(b.dataset.inputs)).toEqual(Array.from(a.dataset.inputs));
    const dq = prepareImages(fake, { resize: null, dequantizeKey: key(9), dtype: "float64" });
    expect(Array.from(dq.dataset.inputs)).toEqual(Array.from(dequantize(key(9), fake.images, { dtype: "float64" })));
    expect(dq.dataset.dim).toBe(784);
  });
});
