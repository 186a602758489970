/**
 * Small dense linear algebra for the rotation part of the time change.
 *
 * @internal
 */

/** C = A·B for row-major n×n matrices. */
export function matMul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] = c[i * n + j]! + aik * b[k * n + j]!;
    }
  }
  return c;
}

/**
 * exp(θ·J) for a skew-symmetric J (row-major n×n): closed form for n = 2 and block-diagonal pair rotations,
 * otherwise scaling-and-squaring with a degree-20 Taylor polynomial (‖θJ/2^k‖ ≤ 1/2).
 */
export function expSkew(j: Float64Array, theta: number, n: number): Float64Array {
  if (n === 2) {
    const w = theta * j[2]!; // J = [[0, −w],[w, 0]]
    const c = Math.cos(w);
    const s = Math.sin(w);
    return new Float64Array([c, -s, s, c]);
  }
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm = Math.max(norm, Math.abs(theta * j[i]!) * n);
  const out = new Float64Array(n * n);
  if (norm === 0) {
    for (let i = 0; i < n; i++) out[i * n + i] = 1;
    return out;
  }
  let squarings = 0;
  let scale = theta;
  while (norm > 0.5) {
    norm /= 2;
    scale /= 2;
    squarings++;
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) a[i] = scale * j[i]!;
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  let term: Float64Array = out.slice();
  for (let k = 1; k <= 20; k++) {
    term = matMul(term, a, n);
    for (let i = 0; i < n * n; i++) term[i] = term[i]! / k;
    for (let i = 0; i < n * n; i++) out[i] = out[i]! + term[i]!;
  }
  let result: Float64Array = out;
  for (let s = 0; s < squarings; s++) result = matMul(result, result, n);
  return result;
}
