/**
 * Full-size G1–G5 (hhd.md §10.1 / §11): grid HHD of the §7 fields on REF, L = 7, tolerance 1e-10.
 * Run: node --conditions=@parabolic/source --import tsx packages/hhd/scripts/grid-full.ts
 * Env: NS ("32,64,128,256,512"), PRECONDITIONERS ("jacobi,multigrid").
 */
import {
  createGrid2D,
  decomposeOnGrid,
  faceWeights,
  gradientField,
  sampleFaceField,
  solenoidalField,
  sumFields,
  weightedFaceDistance2,
  weightedFaceNorm2,
  type FaceField,
  type Preconditioner,
  type VectorField,
} from "../src/index.js";
import { referenceMixture } from "../test/support/mixture.js";
import { gradPhi0, uGradient, uValue } from "../test/support/reference-fields.js";

const NS = (process.env.NS ?? "32,64,128,256,512").split(",").map(Number);
const PRE = (process.env.PRECONDITIONERS ?? "jacobi,multigrid").split(",") as Preconditioner[];
const mix = referenceMixture();
const logDensity = (p: Float64Array): Float64Array => mix.logDensity(p);
const score: VectorField = (p) => mix.score(p);
const fine = createGrid2D({ cells: 1024, halfWidth: 7 });
const fw = faceWeights(fine, logDensity);
const unitG = gradientField({ dim: 2, gradient: gradPhi0 });
const unitS = solenoidalField({ dim: 2, score, potential: { value: uValue, gradient: uGradient } });
const kappa = Math.sqrt(51 / weightedFaceNorm2(fine, fw, sampleFaceField(fine, unitG)));
const lambda = Math.sqrt(51 / weightedFaceNorm2(fine, fw, sampleFaceField(fine, unitS)));
console.log(`κ = ${kappa.toFixed(4)}, λ = ${lambda.toFixed(4)} (‖·‖² = 51 on a 1024² grid)`);
const eG = gradientField({ dim: 2, gradient: gradPhi0, scale: kappa });
const eS = solenoidalField({ dim: 2, score, potential: { value: uValue, gradient: uGradient }, scale: lambda });
const cases: Record<string, { e: VectorField; g?: VectorField; s?: VectorField }> = {
  solenoidal: { e: eS, s: eS },
  gradient: { e: eG, g: eG },
  mixed: { e: sumFields(eG, eS), g: eG, s: eS },
};
const rel: Record<string, number[]> = {};
for (const pre of PRE) {
  for (const [name, c] of Object.entries(cases)) {
    for (const cells of NS) {
      const grid = createGrid2D({ cells, halfWidth: 7 });
      const t0 = performance.now();
      const r = decomposeOnGrid({ grid, logDensity, field: c.e, solver: { preconditioner: pre, tolerance: 1e-10, maxIterations: 100_000 } });
      const ms = performance.now() - t0;
      const zero: FaceField = { x: new Float64Array(grid.facesPerAxis), y: new Float64Array(grid.facesPerAxis) };
      const og = c.g ? sampleFaceField(grid, c.g) : zero;
      const relErr = Math.sqrt(weightedFaceDistance2(grid, r.weights, r.gradient, og) / r.norms.total);
      (rel[`${pre}/${name}`] ??= []).push(relErr);
      console.log(
        `${pre.padEnd(9)} ${name.padEnd(10)} N=${String(cells).padStart(4)} it=${String(r.solve.iterations).padStart(5)} ${ms.toFixed(0).padStart(6)} ms  ‖e‖²=${r.norms.total.toFixed(4)} ‖Π_G e‖²=${r.norms.gradient.toExponential(4)} ‖Π_S e‖²=${r.norms.solenoidal.toExponential(4)} relErr=${relErr.toExponential(3)} pythagoras=${r.pythagorasDefect.toExponential(2)} status=${r.solve.status}`,
      );
    }
    const v = rel[`${pre}/${name}`]!;
    console.log(`  observed orders: ${v.slice(1).map((x, i) => Math.log2(v[i]! / x).toFixed(2)).join(", ")}`);
  }
}
