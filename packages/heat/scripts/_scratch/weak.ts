import { key, normals, split } from "@parabolic/core";
import { tanhDrift, ouProcess, simulateForward } from "../../src/index.js";
const proc = ouProcess({ rate: 0.5, diffusion: 1, drift: tanhDrift({ dim: 1, amplitude: 1.5, width: 0.5 }) });
const M = 20000, T = 1;
const x0 = new Float64Array(M).fill(1.5);
const fine = 128;
const z = normals(key(5), { count: fine * M });
function coarsen(noise: Float64Array, steps: number): Float64Array { const out = new Float64Array(steps / 2 * M); for (let s = 0; s < steps / 2; s++) for (let i = 0; i < M; i++) out[s * M + i] = (noise[2 * s * M + i]! + noise[(2 * s + 1) * M + i]!) / Math.SQRT2; return out; }
const noises = new Map<number, Float64Array>(); noises.set(fine, z);
for (let s = fine; s > 2; s /= 2) noises.set(s / 2, coarsen(noises.get(s)!, s));
for (const method of ["euler-maruyama", "heun"] as const) {
  const res = new Map<number, Float64Array>();
  for (const [steps, nz] of noises) res.set(steps, simulateForward(key(0), proc, { initial: x0, dim: 1, t1: T, steps, method, noise: nz }).ys[0]!);
  const f = (x: number) => x * x;
  const out: string[] = [];
  for (let s = 2; s < fine; s *= 2) { const a = res.get(s)!, b = res.get(s * 2)!; let d = 0, d2 = 0; for (let i = 0; i < M; i++) { const v = f(a[i]!) - f(b[i]!); d += v; d2 += v * v; } d /= M; const se = Math.sqrt((d2 / M - d * d) / M); out.push(`steps ${s}: D=${d.toExponential(3)}±${se.toExponential(1)}`); }
  const ref = res.get(fine)!; const str: string[] = [];
  for (let s = 2; s < fine; s *= 2) { const a = res.get(s)!; let e = 0; for (let i = 0; i < M; i++) e += (a[i]! - ref[i]!) ** 2; str.push(`${s}:${Math.sqrt(e / M).toExponential(2)}`); }
  console.log(method, out.join(" | "), "\n strong:", str.join(" "));
}
