import { assertPositiveInteger, assertPositiveNumber, randomStream, type Key } from "@parabolic/core";
import type { ExactDistribution } from "./distribution.js";
import { checkCount, pointCount } from "./internal/points.js";

/**
 * The checkerboard: uniform on the "black" squares of an n × n board of side `cellSize`, centred at the origin.
 *
 * @remarks Cell (i, j) = ([x₀ + i c, x₀ + (i+1) c), [x₀ + j c, x₀ + (j+1) c)), x₀ = −n c/2, is black when i + j
 * is even. The defaults (n = 4, c = 2: eight 2 × 2 squares in [−4, 4]²) reproduce FFJORD's `checkerboard` toy. The
 * density is exact: 1/(#black · c²) on black cells and 0 elsewhere (`logDensity` = −∞). The score is 0 inside
 * black cells (the density is piecewise constant) and NaN where the density is 0.
 * @throws ParabolicError `INVALID_ARGUMENT` for a non-positive cell count or size.
 * @example
 * ```ts
 * const board = checkerboard();
 * board.logDensity(new Float64Array([-3, -3])); // [log(1/32)]
 * ```
 */
export function checkerboard(options: Readonly<{ cells?: number; cellSize?: number }> = {}): ExactDistribution {
  const n = options.cells ?? 4;
  const c = options.cellSize ?? 2;
  assertPositiveInteger("checkerboard", "cells", n, 4096);
  assertPositiveNumber("checkerboard", "cellSize", c);
  const origin = (-n * c) / 2;
  const black: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if ((i + j) % 2 === 0) black.push(i, j);
  const blackCount = black.length / 2;
  const logValue = -Math.log(blackCount * c * c);
  const inside = (x: number, y: number): boolean => {
    const i = Math.floor((x - origin) / c);
    const j = Math.floor((y - origin) / c);
    return i >= 0 && i < n && j >= 0 && j < n && (i + j) % 2 === 0;
  };
  return Object.freeze({
    name: "checkerboard",
    dim: 2,
    sample(k: Key, count: number): Float64Array {
      checkCount("checkerboard.sample", count);
      const stream = randomStream(k);
      const out = new Float64Array(2 * count);
      for (let s = 0; s < count; s++) {
        const cell = Math.min(blackCount - 1, Math.floor(stream.nextDouble() * blackCount));
        out[2 * s] = origin + (black[2 * cell]! + stream.nextDouble()) * c;
        out[2 * s + 1] = origin + (black[2 * cell + 1]! + stream.nextDouble()) * c;
      }
      return out;
    },
    logDensity(points: ArrayLike<number>): Float64Array {
      const m = pointCount("checkerboard.logDensity", points, 2);
      const out = new Float64Array(m);
      for (let s = 0; s < m; s++) {
        const x = points[2 * s]!;
        const y = points[2 * s + 1]!;
        out[s] = x !== x || y !== y ? Number.NaN : inside(x, y) ? logValue : -Infinity;
      }
      return out;
    },
    score(points: ArrayLike<number>): Float64Array {
      const m = pointCount("checkerboard.score", points, 2);
      const out = new Float64Array(2 * m);
      for (let s = 0; s < m; s++) {
        if (!inside(points[2 * s]!, points[2 * s + 1]!)) {
          out[2 * s] = Number.NaN;
          out[2 * s + 1] = Number.NaN;
        }
      }
      return out;
    },
  });
}
