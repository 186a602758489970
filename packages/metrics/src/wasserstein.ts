import { assertPositiveInteger, fillUniformDirection, invalidArgument, randomStream, type Key } from "@parabolic/core";
import { checkPoints } from "./internal/points.js";

function checkOrder(fn: string, p: unknown): asserts p is number {
  if (typeof p !== "number" || !Number.isFinite(p) || p < 1) throw invalidArgument(fn, "p", "be a finite number >= 1", p);
}

/** W_p^p between two SORTED 1-D empirical laws with uniform weights (quantile coupling, exact). */
function wassersteinPowerSorted(a: Float64Array, b: Float64Array, p: number): number {
  const n = a.length;
  const m = b.length;
  if (n === m) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i]! - b[i]!) ** p;
    return s / n;
  }
  // Walk the merged breakpoints of the two quantile functions: on each piece both quantiles are constant.
  let i = 0;
  let j = 0;
  let u = 0;
  let s = 0;
  while (i < n && j < m) {
    const nextA = (i + 1) / n;
    const nextB = (j + 1) / m;
    const next = Math.min(nextA, nextB);
    s += (next - u) * Math.abs(a[i]! - b[j]!) ** p;
    u = next;
    // Compare in integers to avoid rounding ties: (i+1)·m vs (j+1)·n.
    const ca = (i + 1) * m;
    const cb = (j + 1) * n;
    if (ca <= cb) i++;
    if (cb <= ca) j++;
  }
  return s;
}

/**
 * Exact Wasserstein-p distance between two 1-D empirical distributions (uniform weights, any sizes).
 *
 * @remarks In 1-D the optimal coupling is the quantile (monotone) coupling: W_p^p = ∫₀¹|F⁻¹(u) − G⁻¹(u)|^p du,
 * computed exactly by sorting and walking the merged breakpoints. Cost O((n + m) log(n + m)).
 * @example
 * ```ts
 * wasserstein1d(new Float64Array([0, 1, 2]), new Float64Array([0, 3]), { p: 1 }); // 5/6
 * ```
 */
export function wasserstein1d(a: Float64Array, b: Float64Array, options: Readonly<{ p?: number }> = {}): number {
  const fn = "wasserstein1d";
  const p = options.p ?? 1;
  checkOrder(fn, p);
  checkPoints(fn, "a", a, 1);
  checkPoints(fn, "b", b, 1);
  return Math.pow(wassersteinPowerSorted(a.slice().sort(), b.slice().sort(), p), 1 / p);
}

/**
 * Sliced Wasserstein-p distance SW_p = (E_θ W_p^p(θ·X, θ·Y))^{1/p} over directions θ uniform on the sphere.
 *
 * @remarks Monte Carlo over `projections` seeded directions (or your own `directions`, row-major
 * `projections × dim`, unit vectors); each 1-D distance is exact ({@link wasserstein1d}). In 1-D it equals W_p.
 * For a pure shift c: SW_2² = ‖c‖²/d. Cost O(L (n + m)(d + log(n + m))) for L projections: linear in the
 * particle count.
 * @defaultValue p 2, projections 100.
 * @example
 * ```ts
 * slicedWasserstein(key(3), x, y, { dim: 2, p: 2, projections: 200 });
 * ```
 */
export function slicedWasserstein(
  k: Key,
  x: Float64Array,
  y: Float64Array,
  options: Readonly<{ dim: number; p?: number; projections?: number; directions?: Float64Array }>,
): number {
  const fn = "slicedWasserstein";
  const dim = options.dim;
  const p = options.p ?? 2;
  checkOrder(fn, p);
  const n = checkPoints(fn, "x", x, dim);
  const m = checkPoints(fn, "y", y, dim);
  let directions = options.directions;
  if (directions === undefined) {
    const count = options.projections ?? 100;
    assertPositiveInteger(fn, "projections", count);
    if (dim === 1) directions = new Float64Array([1]);
    else {
      const stream = randomStream(k);
      directions = new Float64Array(count * dim);
      for (let l = 0; l < count; l++) fillUniformDirection(stream, directions, l * dim, dim);
    }
  } else {
    checkPoints(fn, "directions", directions, dim);
  }
  const count = directions.length / dim;
  const px = new Float64Array(n);
  const py = new Float64Array(m);
  let total = 0;
  for (let l = 0; l < count; l++) {
    const o = l * dim;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < dim; c++) s += directions[o + c]! * x[i * dim + c]!;
      px[i] = s;
    }
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let c = 0; c < dim; c++) s += directions[o + c]! * y[i * dim + c]!;
      py[i] = s;
    }
    px.sort();
    py.sort();
    total += wassersteinPowerSorted(px, py, p);
  }
  return Math.pow(total / count, 1 / p);
}
