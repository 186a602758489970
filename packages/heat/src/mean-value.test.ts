import { key } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { heatBallMean, type ScalarField } from "./mean-value.js";

/**
 * Mean-value identities on exact solutions (heat-ball.md §3, §7.1): every estimate must agree with the exact
 * value within |z| < 4, z = (estimate − exact)/SE with the estimator's own standard error. N is small (CI
 * budget); the full-size run is scripts/mean-value-identities.ts.
 */

const dims = [1, 2, 16, 256] as const;
const samplesFor = (d: number) => (d >= 256 ? 3000 : 12000);

function centre(d: number): Float64Array {
  return Float64Array.from({ length: d }, (_, i) => 0.7 * Math.cos(1.3 * i + 0.4));
}
function sq(y: Float64Array, n: number, d: number): number {
  let q = 0;
  for (let i = 0; i < d; i++) q += y[n * d + i]! ** 2;
  return q;
}
function logHeat(y: Float64Array, n: number, d: number, s: number): number {
  return -(d / 2) * Math.log(4 * Math.PI * s) - sq(y, n, d) / (4 * s);
}
/** Builds a ScalarField from a per-point function. */
function field(d: number, f: (y: Float64Array, n: number, s: number) => number): ScalarField {
  return { dim: d, evaluate: (y, s) => s.map((si, n) => f(y, n, si)) };
}

describe("validation", () => {
  it("checks u, samples and key under its own name before sampling", () => {
    const u = field(1, () => 1);
    const y0 = new Float64Array([0]);
    expect(() => heatBallMean(u, y0, 1, { radius: 0.3, samples: 0, key: key(1) })).toThrow(/heatBallMean: 'samples'/);
    expect(() => heatBallMean(u, y0, 1, { radius: 0.3, samples: 2.5, key: key(1) })).toThrow(/heatBallMean: 'samples'/);
    expect(() => heatBallMean(u, y0, 1, { radius: 0.3, samples: 4, key: [1.5, 2] as unknown as ReturnType<typeof key> })).toThrow(/heatBallMean: 'key'/);
    expect(() => heatBallMean({ dim: 0, evaluate: u.evaluate }, y0, 1, { radius: 0.3, samples: 4, key: key(1) })).toThrow(/heatBallMean: 'u.dim'/);
    expect(() => heatBallMean(u, y0, 1, { radius: Math.sqrt(4 * Math.PI) * 1.000001, samples: 4, key: key(1) })).toThrow(/4π/);
    const short: ScalarField = { dim: 1, evaluate: () => new Float64Array(1) };
    expect(() => heatBallMean(short, y0, 1, { radius: 0.3, samples: 4, key: key(1) })).toThrow(/u\.evaluate/);
  });
});

describe("caloric test functions (Evans' mean value)", () => {
  for (const d of dims) {
    const y0 = centre(d);
    const s0 = 1;
    const logPhi0 = logHeat(y0, 0, d, s0 + 0.5);
    const cases: Array<[string, ScalarField]> = [
      // the heat kernel, as a ratio to its centre value so it is O(1) at d = 256
      ["Φ(y, s + ½)/Φ0", field(d, (y, n, s) => Math.exp(logHeat(y, n, d, s + 0.5) - logPhi0))],
      ["|y|² + 2ds", field(d, (y, n, s) => sq(y, n, d) + 2 * d * s)],
      ["y1³ + 6y1s", field(d, (y, n, s) => y[n * d]! ** 3 + 6 * y[n * d]! * s)],
      ["y1⁴ + 12y1²s + 12s²", field(d, (y, n, s) => y[n * d]! ** 4 + 12 * y[n * d]! ** 2 * s + 12 * s * s)],
      ["y1y2 + y1", field(d, (y, n) => (d >= 2 ? y[n * d]! * y[n * d + 1]! : 0) + y[n * d]!)],
    ];
    it(`d = ${d}: |z| < 4 for r ∈ {0.3, 1, 2}`, () => {
      const worst: string[] = [];
      for (const r of [0.3, 1, 2]) {
        for (const [name, u] of cases) {
          const exact = u.evaluate(y0, new Float64Array([s0]))[0]!;
          const est = heatBallMean(u, y0, s0, { radius: r, samples: samplesFor(d), key: key(31 * d + Math.round(100 * r)) });
          const z = (est.value - exact) / est.standardError;
          if (!(Math.abs(z) < 4)) worst.push(`${name} r=${r}: z=${z.toFixed(2)}`);
        }
      }
      expect(worst).toEqual([]);
    });
  }
});

describe("inhomogeneous test functions: u = E_κ[u] + r²E_κ[ς]·E_ν[f] (and the source term is needed)", () => {
  for (const d of dims) {
    const y0 = centre(d);
    const s0 = 1;
    const logPhi0 = logHeat(y0, 0, d, s0 + 0.5);
    // [name, u, f = u_s − Δu]
    const cases: Array<[string, (y: Float64Array, n: number, s: number) => number, (y: Float64Array, n: number, s: number) => number]> = [
      ["u = s", (_y, _n, s) => s, () => 1],
      ["u = |y|²", (y, n) => sq(y, n, d), () => -2 * d],
      ["u = sin y1", (y, n) => Math.sin(y[n * d]!), (y, n) => Math.sin(y[n * d]!)],
      ["u = e^s cos y1", (y, n, s) => Math.exp(s) * Math.cos(y[n * d]!), (y, n, s) => 2 * Math.exp(s) * Math.cos(y[n * d]!)],
      ["u = y1⁴", (y, n) => y[n * d]! ** 4, (y, n) => -12 * y[n * d]! ** 2],
      ["ψ = log Φ(y, s + ½)", (y, n, s) => logHeat(y, n, d, s + 0.5), (y, n, s) => sq(y, n, d) / (4 * (s + 0.5) ** 2)],
      // η = −w log w of w = Φ(y, s + ½), scaled by 1/w(y0, s0) (the identity is linear)
      [
        "η = −w log w",
        (y, n, s) => {
          const l = logHeat(y, n, d, s + 0.5);
          return -Math.exp(l - logPhi0) * l;
        },
        (y, n, s) => (Math.exp(logHeat(y, n, d, s + 0.5) - logPhi0) * sq(y, n, d)) / (4 * (s + 0.5) ** 2),
      ],
    ];
    it(`d = ${d}: |z| < 4 with the source, and |z| ≫ 4 without it`, () => {
      const failures: string[] = [];
      let sharp = 0;
      let total = 0;
      for (const r of [0.5, 1.5]) {
        for (const [name, uf, ff] of cases) {
          const u = field(d, uf);
          const exact = u.evaluate(y0, new Float64Array([s0]))[0]!;
          const est = heatBallMean(u, y0, s0, {
            radius: r,
            samples: samplesFor(d),
            key: key(1 + d * 13 + Math.round(r * 10)),
            source: (y, s) => s.map((si, n) => ff(y, n, si)),
          });
          const z = (est.value - exact) / est.standardError;
          if (!(Math.abs(z) < 4)) failures.push(`${name} r=${r}: z=${z.toFixed(2)}`);
          // the same samples without the source term
          const zNaive = (est.meanPart - exact) / est.standardError;
          total++;
          if (Math.abs(zNaive) >= 4) sharp++;
        }
      }
      expect(failures).toEqual([]);
      // dropping the source breaks the identity in most cases (9–11 of 14 per d at these seeds); at this CI
      // sample size the small sources (sin y1 and log Φ at r = 0.5, η at d ≥ 16, where f/η is ≈ 1e−3) stay
      // below 4 SE — the full-size script shows the rest
      expect(sharp / total).toBeGreaterThanOrEqual(0.5);
    });
  }

  it("fails (|z| ≥ 4) when the source term is dropped for u = s and u = |y|² at every d", () => {
    for (const d of dims) {
      const y0 = centre(d);
      for (const [u, exact] of [
        [field(d, (_y, _n, s) => s), 1],
        [field(d, (y, n) => sq(y, n, d)), sq(y0, 0, d)],
      ] as const) {
        const est = heatBallMean(u, y0, 1, { radius: 0.5, samples: samplesFor(d), key: key(d) });
        expect(Math.abs((est.value - exact) / est.standardError)).toBeGreaterThan(4);
      }
    }
  });
});
