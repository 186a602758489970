import { key, normals } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { gaussianKde1d, kdeKlVsDensity, kdeKlVsSamples, kdeResubstitutionKl } from "./kde.js";

const logStd = (x: Float64Array): Float64Array => x.map((z) => -0.5 * z * z - 0.5 * Math.log(2 * Math.PI));

describe("gaussianKde1d", () => {
  it("uses Scott's bandwidth, matches the untruncated sum and integrates to 1", () => {
    const x = normals(key(3), { count: 500 }).map((z) => 2 * z + 1);
    const kde = gaussianKde1d(x);
    let m = 0;
    for (const z of x) m += z;
    m /= x.length;
    let v = 0;
    for (const z of x) v += (z - m) ** 2;
    expect(kde.bandwidth).toBeCloseTo(Math.sqrt(v / 499) * Math.pow(500, -0.2), 14);
    for (const t of [-3, 0.5, 1, 7]) {
      let s = 0;
      for (const z of x) s += Math.exp(-((t - z) ** 2) / (2 * kde.bandwidth ** 2));
      const brute = s / (500 * kde.bandwidth * Math.sqrt(2 * Math.PI));
      expect(Math.abs(kde.pdf(t) - brute)).toBeLessThanOrEqual(1e-14 * brute + 1e-300);
    }
    let integral = 0;
    const dx = 0.005;
    for (let t = -20; t <= 22; t += dx) integral += kde.pdf(t) * dx;
    expect(Math.abs(integral - 1)).toBeLessThan(1e-9);
  });
});

describe("KDE KL estimators", () => {
  it("kdeKlVsDensity ≈ KL(N(m, 1 + h²) ‖ N(0, 1)) for a large sample (the KDE's smoothing bias)", () => {
    const N = 20000;
    const x = normals(key(7), { count: N }).map((z) => 1 + z);
    const h = gaussianKde1d(x).bandwidth;
    const v = 1 + h * h;
    const expected = 0.5 * (v + 1 - 1 - Math.log(v));
    const got = kdeKlVsDensity(x, { logDensity: logStd, lower: -10, upper: 12 });
    expect(Math.abs(got - expected)).toBeLessThan(0.02); // sampling noise of the mean alone is ±0.007
  });

  it("kdeKlVsSamples sits at its stated floor for exact draws and sees a shift", () => {
    const reference = normals(key(42), { count: 10000 });
    const floors: number[] = [];
    for (let s = 0; s < 3; s++) floors.push(kdeKlVsSamples(normals(key(500 + s), { count: 1000 }), { reference }));
    for (const f of floors) expect(f).toBeLessThan(0.0053 + 4 * 0.0024);
    const shifted = normals(key(9), { count: 1000 }).map((z) => z + 1);
    expect(Math.abs(kdeKlVsSamples(shifted, { reference }) - 0.5)).toBeLessThan(0.1);
  });

  it("kdeResubstitutionKl (2-D) is close to the exact KL of a shifted Gaussian", () => {
    const N = 2000;
    const x = normals(key(11), { count: 2 * N });
    for (let i = 0; i < N; i++) x[2 * i] = x[2 * i]! + 1;
    const logPi = (p: Float64Array): Float64Array => {
      const out = new Float64Array(p.length / 2);
      for (let i = 0; i < out.length; i++) out[i] = -0.5 * (p[2 * i]! ** 2 + p[2 * i + 1]! ** 2) - Math.log(2 * Math.PI);
      return out;
    };
    const got = kdeResubstitutionKl(x, { dim: 2, logDensity: logPi });
    expect(Math.abs(got - 0.5)).toBeLessThan(0.1);
    const sub = kdeResubstitutionKl(x, { dim: 2, logDensity: logPi, subsample: { key: key(1), size: 500 } });
    expect(Math.abs(sub - 0.5)).toBeLessThan(0.15);
  });
});
