/**
 * The exact test fields of hhd.md §7 (φ₀ and u), batched for 2-D points. Test-only.
 */
import type { ScalarField, VectorField } from "../../src/types.js";

/** φ₀(x, y) = 0.8 sin(1.3x + 0.4) cos(0.9y) + 0.15xy */
export const phi0: ScalarField = (p) => {
  const out = new Float64Array(p.length / 2);
  for (let i = 0; i < out.length; i++) {
    const x = p[2 * i]!;
    const y = p[2 * i + 1]!;
    out[i] = 0.8 * Math.sin(1.3 * x + 0.4) * Math.cos(0.9 * y) + 0.15 * x * y;
  }
  return out;
};

export const gradPhi0: VectorField = (p) => {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length / 2; i++) {
    const x = p[2 * i]!;
    const y = p[2 * i + 1]!;
    out[2 * i] = 0.8 * 1.3 * Math.cos(1.3 * x + 0.4) * Math.cos(0.9 * y) + 0.15 * y;
    out[2 * i + 1] = -0.8 * 0.9 * Math.sin(1.3 * x + 0.4) * Math.sin(0.9 * y) + 0.15 * x;
  }
  return out;
};

/** u(x, y) = cos(0.7x − 0.5y) + 0.5 sin(1.1y) */
export const uValue: ScalarField = (p) => {
  const out = new Float64Array(p.length / 2);
  for (let i = 0; i < out.length; i++) {
    const x = p[2 * i]!;
    const y = p[2 * i + 1]!;
    out[i] = Math.cos(0.7 * x - 0.5 * y) + 0.5 * Math.sin(1.1 * y);
  }
  return out;
};

export const uGradient: VectorField = (p) => {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length / 2; i++) {
    const x = p[2 * i]!;
    const y = p[2 * i + 1]!;
    const s = Math.sin(0.7 * x - 0.5 * y);
    out[2 * i] = -0.7 * s;
    out[2 * i + 1] = 0.5 * s + 0.55 * Math.cos(1.1 * y);
  }
  return out;
};
