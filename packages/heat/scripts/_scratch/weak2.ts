import { key, normals } from "@parabolic/core";
import { tanhDrift, ouProcess, simulateForward } from "../../src/index.js";
const proc = ouProcess({ rate: 0.5, diffusion: 1, drift: tanhDrift({ dim: 1, amplitude: 1.5, width: 0.5 }) });
const M = Number(process.argv[2] ?? 40000), T = 1;
const x0 = new Float64Array(M).fill(1.5);
const fine = 256;
const z = normals(key(Number(process.argv[3] ?? 5)), { count: fine * M });
function coarsen(noise: Float64Array, steps: number): Float64Array { const out = new Float64Array(steps / 2 * M); for (let s = 0; s < steps / 2; s++) for (let i = 0; i < M; i++) out[s * M + i] = (noise[2 * s * M + i]! + noise[(2 * s + 1) * M + i]!) / Math.SQRT2; return out; }
const noises = new Map<number, Float64Array>(); noises.set(fine, z);
for (let s = fine; s > 4; s /= 2) noises.set(s / 2, coarsen(noises.get(s)!, s));
const ref = simulateForward(key(0), proc, { initial: x0, dim: 1, t1: T, steps: fine, method: "heun", noise: z }).ys[0]!;
for (const method of ["euler-maruyama", "heun"] as const) {
  const out: string[] = [];
  for (const s of [4, 8, 16, 32, 64]) { const a = simulateForward(key(0), proc, { initial: x0, dim: 1, t1: T, steps: s, method, noise: noises.get(s)! }).ys[0]!; let d = 0, d2 = 0, e=0; for (let i = 0; i < M; i++) { const v = a[i]! ** 2 - ref[i]! ** 2; d += v; d2 += v * v; e += (a[i]!-ref[i]!)**2; } d /= M; const se = Math.sqrt((d2 / M - d * d) / M); out.push(`${s}: weak ${d.toExponential(2)}±${se.toExponential(1)} strong ${Math.sqrt(e/M).toExponential(2)}`); }
  console.log(method, out.join(" | "));
}
