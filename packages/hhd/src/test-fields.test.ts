import { ParabolicError, key, split } from "@parabolic/core";
import { gaussianMixture } from "@parabolic/datasets";
import { describe, expect, it } from "vitest";
import { referenceMarginal } from "../test/support/mixture.js";
import { createGrid2D } from "./grid-2d.js";
import { decomposeOnGrid } from "./grid-decomposition.js";
import { equalNormPair, gradientField, perturbedScore, scoreError, solenoidalField, sumFields, symplecticGenerator } from "./test-fields.js";
import type { ScalarField, VectorField } from "./types.js";

// A 3-D and a 4-D Gaussian mixture with full covariances (exact log-density and score from @parabolic/datasets).
const mix3 = gaussianMixture({
  weights: [0.5, 0.3, 0.2],
  means: [
    [0, 0, 0],
    [1.5, -0.5, 0.8],
    [-1, 1, -0.5],
  ],
  covariances: [
    [0.6, 0.1, 0, 0.1, 0.5, 0.05, 0, 0.05, 0.4],
    [0.3, 0, 0.05, 0, 0.4, 0, 0.05, 0, 0.5],
    [0.5, -0.1, 0, -0.1, 0.3, 0, 0, 0, 0.6],
  ],
});
const mix4 = gaussianMixture({ weights: [0.6, 0.4], means: [[0, 0, 0, 0], [1, -1, 0.5, 0]], scales: [0.7, 0.5] });

// u(x) = sin(a·x) + 0.3 x_0² (any d) and its gradient
function scalarU(a: readonly number[]): { value: ScalarField; gradient: VectorField } {
  const d = a.length;
  return {
    value: (p) => {
      const out = new Float64Array(p.length / d);
      for (let i = 0; i < out.length; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += a[j]! * p[i * d + j]!;
        out[i] = Math.sin(s) + 0.3 * p[i * d]! ** 2;
      }
      return out;
    },
    gradient: (p) => {
      const out = new Float64Array(p.length);
      for (let i = 0; i < p.length / d; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += a[j]! * p[i * d + j]!;
        for (let j = 0; j < d; j++) out[i * d + j] = a[j]! * Math.cos(s) + (j === 0 ? 0.6 * p[i * d]! : 0);
      }
      return out;
    },
  };
}

/** ∇·(p v) at x by central differences of the exact p·v (step h, O(h²)). */
function divergenceOfFlux(logDensity: (x: Float64Array) => Float64Array, field: VectorField, x: Float64Array, d: number, h: number): { div: number; scale: number } {
  let div = 0;
  let scale = 0;
  for (let j = 0; j < d; j++) {
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[j]! += h;
    xm[j]! -= h;
    const fp = Math.exp(logDensity(xp)[0]!) * field(xp, 0)[j]!;
    const fm = Math.exp(logDensity(xm)[0]!) * field(xm, 0)[j]!;
    div += (fp - fm) / (2 * h);
    scale += 0.5 * (Math.abs(fp) + Math.abs(fm));
  }
  return { div, scale };
}

function randomAntisymmetric(d: number, seed: number): Float64Array {
  const s = split(key(seed), d * d);
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < i; j++) {
      const v = ((s[i * d + j]![0] >>> 0) / 2 ** 32) * 2 - 1;
      a[i * d + j] = v;
      a[j * d + i] = -v;
    }
  return a;
}

describe("exact p-solenoidal fields (F5) in any dimension", () => {
  for (const [name, mix, d] of [
    ["3-D mixture", mix3, 3],
    ["4-D mixture", mix4, 4],
  ] as const) {
    it(`${name}: ∇·(p e_S) = 0 by finite differences, for a random antisymmetric A and u`, () => {
      const a = randomAntisymmetric(d, 11 + d);
      const u = scalarU(Array.from({ length: d }, (_, j) => 0.7 - 0.3 * j));
      const eS = solenoidalField({ dim: d, score: (p) => mix.score(p), potential: u, generator: a, scale: 2.5 });
      // contrast: a gradient field of the same size is NOT p-solenoidal
      const eG = gradientField({ dim: d, gradient: u.gradient, scale: 2.5 });
      const xs = mix.sample(key(3), 20);
      let worst = 0;
      let gradientSignal = 0;
      for (let i = 0; i < 20; i++) {
        const x = xs.slice(i * d, (i + 1) * d);
        const r = divergenceOfFlux((p) => mix.logDensity(p), eS, x, d, 1e-4);
        worst = Math.max(worst, Math.abs(r.div) / r.scale);
        const g = divergenceOfFlux((p) => mix.logDensity(p), eG, x, d, 1e-4);
        gradientSignal = Math.max(gradientSignal, Math.abs(g.div) / g.scale);
      }
      // |∇·(p e)| / |p e|: truncation O(h²) ≈ 1e-8 plus rounding O(eps/h) ≈ 1e-12 for the solenoidal field,
      // O(1) for the gradient field
      expect(worst).toBeLessThan(1e-6);
      expect(gradientSignal).toBeGreaterThan(1e-2);
    });
  }

  it("u ≡ 1 gives λA∇log p; the symplectic generator is the 90° rotation in 2-D", () => {
    expect(Array.from(symplecticGenerator(2))).toEqual([0, 1, -1, 0]);
    const score: VectorField = () => new Float64Array([3, -4]);
    const eS = solenoidalField({ dim: 2, score, scale: 2 });
    expect(Array.from(eS(new Float64Array([0, 0]), 0))).toEqual([-8, -6]); // 2·(∂_y, −∂_x) applied to (3, −4)
  });
});

describe("perturbed scores and the equal-norm pair (F6)", () => {
  it("(I+λR)∇log p and (1+λ)∇log p have the same error at every point (any even d)", () => {
    for (const [mix, d] of [
      [mix4, 4],
      [referenceMarginal(0.3), 2],
    ] as const) {
      const score: VectorField = (p) => mix.score(p);
      const pair = equalNormPair({ dim: d, score, scale: 4.2828 });
      const x = mix.sample(key(5), 500);
      const es = scoreError(pair.solenoidal, score)(x, 0);
      const eg = scoreError(pair.gradient, score)(x, 0);
      for (let i = 0; i < 500; i++) {
        let ns = 0;
        let ng = 0;
        for (let j = 0; j < d; j++) {
          ns += es[i * d + j]! ** 2;
          ng += eg[i * d + j]! ** 2;
        }
        expect(Math.abs(ns - ng)).toBeLessThanOrEqual(1e-12 * Math.max(1, ng));
      }
    }
  });

  it("grid HHD of the pair's errors at t = 0.3: the solenoidal one has no gradient part, the other is all gradient", () => {
    const pt = referenceMarginal(0.3);
    const score: VectorField = (p) => pt.score(p);
    const pair = equalNormPair({ dim: 2, score, scale: 2 });
    const grid = createGrid2D({ cells: 128, halfWidth: 7 });
    const logDensity = (p: Float64Array): Float64Array => pt.logDensity(p);
    const rs = decomposeOnGrid({ grid, logDensity, field: scoreError(pair.solenoidal, score) });
    const rg = decomposeOnGrid({ grid, logDensity, field: scoreError(pair.gradient, score) });
    // equal total error (face quadrature of the same pointwise norm)
    expect(Math.abs(rs.norms.total - rg.norms.total)).toBeLessThan(1e-9 * rg.norms.total);
    expect(rs.norms.gradient / rs.norms.total).toBeLessThan(1e-4);
    expect(rg.norms.solenoidal / rg.norms.total).toBeLessThan(1e-4);
  });

  it("perturbedScore = (1+κ)s + λAs; sumFields adds", () => {
    const s: VectorField = () => new Float64Array([1, 2]);
    const m = perturbedScore({ dim: 2, score: s, gradientScale: 0.5, rotationScale: 2 });
    expect(Array.from(m(new Float64Array(2), 0))).toEqual([1.5 + 4, 3 - 2]);
    expect(Array.from(sumFields(s, s, s)(new Float64Array(2), 0))).toEqual([3, 6]);
  });

  it("validates generators and dimensions", () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return ParabolicError.is(e) ? e.code : "other";
      }
      return undefined;
    };
    const s: VectorField = (p) => p;
    expect(code(() => symplecticGenerator(3))).toBe("INVALID_ARGUMENT");
    expect(code(() => solenoidalField({ dim: 2, score: s, generator: new Float64Array([0, 1, 1, 0]) }))).toBe("INVALID_ARGUMENT");
    expect(code(() => solenoidalField({ dim: 3, score: s }))).toBe("INVALID_ARGUMENT"); // no default generator in odd d
    expect(code(() => solenoidalField({ dim: 2, score: s, generator: new Float64Array(3) }))).toBe("SHAPE_MISMATCH");
    expect(code(() => equalNormPair({ dim: 2, score: s, scale: 1, generator: new Float64Array([0, 2, -2, 0]) }))).toBe("INVALID_ARGUMENT");
    expect(code(() => gradientField({ dim: 2, gradient: () => new Float64Array(1) })(new Float64Array(2), 0))).toBe("SHAPE_MISMATCH");
  });
});
