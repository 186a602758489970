/**
 * Weighted Helmholtz–Hodge grid solve (`@parabolic/hhd` solveWeightedPoisson): Jacobi-PCG vs multigrid-PCG on the
 * reference problem of hhd.md §10.1 (mixture REF on [−7, 7]², the mixed field e_G + e_S of §7, tolerance 1e-10 in
 * the preconditioner norm), at N ∈ {64, 128, 256} (+ 512 with `PARABOLIC_BENCH_HHD_512=1`). The face weights and
 * right-hand side are built once per N; each timed solve includes the preconditioner set-up (the multigrid
 * hierarchy) but not the field sampling. Best of `ROUNDS` solves (wall), with the solvers interleaved so both see
 * the same machine load.
 *
 * Records: `{bench: "hhd-solve", preconditioner, cells, iterations, status, value (ms, wall), unit, wallMs, cpuMs,
 * load1}` and `{bench: "hhd-solve-speedup", cells, value = JPCG wall ÷ multigrid wall, perCpu}`. Target (issue 8):
 * a 256² multigrid solve < 1 s.
 */
import { loadavg } from "node:os";
import { gaussianMixture } from "@parabolic/datasets";
import {
  createGrid2D,
  faceWeights,
  gradientField,
  sampleFaceField,
  solenoidalField,
  solveWeightedPoisson,
  sumFields,
  weightedDivergence,
  type Preconditioner,
  type VectorField,
} from "@parabolic/hhd";

const ROUNDS = 3;

const ref = gaussianMixture({
  weights: [0.4, 0.35, 0.25],
  means: [
    [-1.5, 0.0],
    [1.5, 0.6],
    [0.2, -1.8],
  ],
  covariances: [
    [0.3, 0.12, 0.12, 0.2],
    [0.2, -0.08, -0.08, 0.35],
    [0.25, 0, 0, 0.15],
  ],
});

const gradPhi0: VectorField = (p) => {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length / 2; i++) {
    const x = p[2 * i]!;
    const y = p[2 * i + 1]!;
    out[2 * i] = 1.04 * Math.cos(1.3 * x + 0.4) * Math.cos(0.9 * y) + 0.15 * y;
    out[2 * i + 1] = -0.72 * Math.sin(1.3 * x + 0.4) * Math.sin(0.9 * y) + 0.15 * x;
  }
  return out;
};
const u = {
  value: (p: Float64Array) => {
    const out = new Float64Array(p.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = Math.cos(0.7 * p[2 * i]! - 0.5 * p[2 * i + 1]!) + 0.5 * Math.sin(1.1 * p[2 * i + 1]!);
    return out;
  },
  gradient: (p: Float64Array) => {
    const out = new Float64Array(p.length);
    for (let i = 0; i < p.length / 2; i++) {
      const s = Math.sin(0.7 * p[2 * i]! - 0.5 * p[2 * i + 1]!);
      out[2 * i] = -0.7 * s;
      out[2 * i + 1] = 0.5 * s + 0.55 * Math.cos(1.1 * p[2 * i + 1]!);
    }
    return out;
  },
};

/** Runs the benchmark and emits one record per measurement (see the module notes). */
export async function run(emit: (record: Record<string, unknown>) => void): Promise<void> {
  const score: VectorField = (p) => ref.score(p);
  const field = sumFields(gradientField({ dim: 2, gradient: gradPhi0, scale: 10.8788 }), solenoidalField({ dim: 2, score, potential: u, scale: 3.12 }));
  const sizes = process.env["PARABOLIC_BENCH_HHD_512"] === "1" ? [64, 128, 256, 512] : [64, 128, 256];
  for (const cells of sizes) {
    const grid = createGrid2D({ cells, halfWidth: 7 });
    const weights = faceWeights(grid, (p) => ref.logDensity(p));
    const rhs = weightedDivergence(grid, weights, sampleFaceField(grid, field));
    const best = new Map<Preconditioner, { wallMs: number; cpuMs: number; iterations: number; status: string }>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const preconditioner of ["jacobi", "multigrid"] as const) {
        if (cells >= 512 && preconditioner === "jacobi" && round > 0) continue; // JPCG at 512² takes several seconds
        const cpu0 = process.cpuUsage();
        const wall0 = performance.now();
        const r = solveWeightedPoisson(grid, weights, rhs, { preconditioner, tolerance: 1e-10 });
        const wallMs = performance.now() - wall0;
        const c = process.cpuUsage(cpu0);
        const cpuMs = (c.user + c.system) / 1000;
        const prev = best.get(preconditioner);
        if (prev === undefined || wallMs < prev.wallMs) best.set(preconditioner, { wallMs, cpuMs, iterations: r.iterations, status: r.status });
      }
    }
    for (const [preconditioner, b] of best) {
      emit({ bench: "hhd-solve", preconditioner, cells, iterations: b.iterations, status: b.status, value: b.wallMs, unit: "ms", wallMs: b.wallMs, cpuMs: b.cpuMs, load1: loadavg()[0] });
    }
    const j = best.get("jacobi")!;
    const m = best.get("multigrid")!;
    emit({ bench: "hhd-solve-speedup", cells, value: j.wallMs / m.wallMs, perCpu: j.cpuMs / m.cpuMs, unit: "×", target: cells === 256 ? "multigrid < 1000 ms" : undefined });
  }
}
