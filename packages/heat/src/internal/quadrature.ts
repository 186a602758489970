/**
 * Adaptive Gauss–Kronrod (7/15) quadrature on a finite interval, for the smooth one-dimensional integrals of
 * the time change (B(t) = ∫β, s(t) = ∫e^{2B}g²/2) when a user supplies only β and g.
 *
 * @internal
 */

const XGK = [
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
  0.741531185599394439863864773280788, 0.58608723546769113029414483825873, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0,
];
const WGK = [
  0.02293532201052922496373200805897, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
  0.140653259715525918745189590510238, 0.16900472663926790282658342659855, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
];
const WG = [0.129484966168869693270611432679082, 0.27970539148927666790146777142378, 0.381830050505118944950369775488975, 0.417959183673469387755102040816327];

function kronrod(f: (x: number) => number, a: number, b: number): { value: number; error: number } {
  const c = 0.5 * (a + b);
  const h = 0.5 * (b - a);
  const fc = f(c);
  let resK = fc * WGK[7]!;
  let resG = fc * WG[3]!;
  for (let j = 0; j < 7; j++) {
    const dx = h * XGK[j]!;
    const f1 = f(c - dx);
    const f2 = f(c + dx);
    resK += WGK[j]! * (f1 + f2);
    if (j % 2 === 1) resG += WG[(j - 1) / 2]! * (f1 + f2);
  }
  return { value: resK * h, error: Math.abs((resK - resG) * h) };
}

/** ∫_a^b f by adaptive G7K15 bisection to an absolute+relative tolerance; returns the value. */
export function integrateAdaptive(f: (x: number) => number, a: number, b: number, tolerance = 1e-13): number {
  if (a === b) return 0;
  if (b < a) return -integrateAdaptive(f, b, a, tolerance);
  const stack: Array<[number, number, number]> = [[a, b, 0]];
  let total = 0;
  const whole = kronrod(f, a, b);
  const scale = Math.max(Math.abs(whole.value), 1e-300);
  while (stack.length > 0) {
    const [lo, hi, depth] = stack.pop()!;
    const r = kronrod(f, lo, hi);
    if (r.error <= tolerance * Math.max(scale, 1) * ((hi - lo) / (b - a)) || depth >= 40) {
      total += r.value;
    } else {
      const mid = 0.5 * (lo + hi);
      stack.push([lo, mid, depth + 1], [mid, hi, depth + 1]);
    }
  }
  return total;
}

/** Solves f(t) = target for a continuous non-decreasing f on [lo, ∞) by bracketing and bisection. */
export function invertMonotone(f: (t: number) => number, target: number, lo = 0, initialHi = 1): number {
  let a = lo;
  let b = Math.max(initialHi, lo + 1e-12);
  let fb = f(b);
  let guard = 0;
  while (fb < target && guard < 200) {
    a = b;
    b = lo + 2 * (b - lo);
    fb = f(b);
    guard++;
  }
  for (let i = 0; i < 200; i++) {
    const m = 0.5 * (a + b);
    if (m === a || m === b) break;
    if (f(m) < target) a = m;
    else b = m;
  }
  return 0.5 * (a + b);
}
