/**
 * Kernels of the weighted graph Laplacian `𝐋 = DᵀWD` on an n × n cell grid (natural boundary: boundary faces
 * omitted). Face layout as in `Grid2D`: x-face `j(n−1)+i` joins cells `jn+i` and `jn+i+1`; y-face `jn+i` joins
 * cells `jn+i` and `(j+1)n+i`. No validation: hot path.
 */

/** A level of the hierarchy: the grid size, its face weights and the inverse diagonal (0 where the diagonal is 0). */
export type LaplacianLevel = {
  readonly n: number;
  readonly wx: Float64Array;
  readonly wy: Float64Array;
  readonly diagonal: Float64Array;
  readonly inverseDiagonal: Float64Array;
};

export function makeLevel(n: number, wx: Float64Array, wy: Float64Array): LaplacianLevel {
  const diagonal = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const row = j * (n - 1);
    const c0 = j * n;
    for (let i = 0; i < n - 1; i++) {
      const w = wx[row + i]!;
      diagonal[c0 + i]! += w;
      diagonal[c0 + i + 1]! += w;
    }
  }
  for (let c = 0; c < (n - 1) * n; c++) {
    const w = wy[c]!;
    diagonal[c]! += w;
    diagonal[c + n]! += w;
  }
  const inverseDiagonal = new Float64Array(n * n);
  // cells whose diagonal is 0 or subnormal (1/d overflows) are left out of smoothing and scaling
  for (let c = 0; c < n * n; c++) {
    const inv = 1 / diagonal[c]!;
    inverseDiagonal[c] = diagonal[c]! > 0 && Number.isFinite(inv) ? inv : 0;
  }
  return { n, wx, wy, diagonal, inverseDiagonal };
}

/**
 * out = 𝐋 φ, computed face by face in difference form `w_f(φ_c − φ_nb)` (never `d_c φ_c − Σ w φ_nb`, which
 * cancels catastrophically where φ is huge in cells of tiny weight). Returns the energy `φᵀ𝐋φ = Σ_f w_f (Dφ)_f²`,
 * a sum of non-negative terms (so CG's curvature never comes out negative by rounding).
 */
export function applyLaplacian(level: LaplacianLevel, phi: Float64Array, out: Float64Array): number {
  const { n, wx, wy } = level;
  out.fill(0);
  let energy = 0;
  for (let j = 0; j < n; j++) {
    const row = j * (n - 1);
    const c0 = j * n;
    for (let i = 0; i < n - 1; i++) {
      const w = wx[row + i]!;
      const c = c0 + i;
      const d = phi[c]! - phi[c + 1]!;
      const f = w * d;
      out[c]! += f;
      out[c + 1]! -= f;
      energy += f * d;
    }
  }
  const m = (n - 1) * n;
  for (let c = 0; c < m; c++) {
    const w = wy[c]!;
    const d = phi[c]! - phi[c + n]!;
    const f = w * d;
    out[c]! += f;
    out[c + n]! -= f;
    energy += f * d;
  }
  return energy;
}

/** r = b − 𝐋 x. */
export function residual(level: LaplacianLevel, b: Float64Array, x: Float64Array, r: Float64Array): void {
  applyLaplacian(level, x, r);
  for (let c = 0; c < r.length; c++) r[c] = b[c]! - r[c]!;
}

/** One lexicographic Gauss–Seidel sweep, forward (`reverse = false`) or backward, in place on x. */
export function gaussSeidel(level: LaplacianLevel, b: Float64Array, x: Float64Array, reverse: boolean): void {
  const { n, wx, wy, inverseDiagonal } = level;
  const nm1 = n - 1;
  if (!reverse) {
    for (let j = 0; j < n; j++) {
      const c0 = j * n;
      const r0 = j * nm1;
      for (let i = 0; i < n; i++) {
        const c = c0 + i;
        const di = inverseDiagonal[c]!;
        if (di === 0) continue;
        let s = b[c]!;
        if (i > 0) s += wx[r0 + i - 1]! * x[c - 1]!;
        if (i < nm1) s += wx[r0 + i]! * x[c + 1]!;
        if (j > 0) s += wy[c - n]! * x[c - n]!;
        if (j < nm1) s += wy[c]! * x[c + n]!;
        x[c] = s * di;
      }
    }
  } else {
    for (let j = n - 1; j >= 0; j--) {
      const c0 = j * n;
      const r0 = j * nm1;
      for (let i = n - 1; i >= 0; i--) {
        const c = c0 + i;
        const di = inverseDiagonal[c]!;
        if (di === 0) continue;
        let s = b[c]!;
        if (i > 0) s += wx[r0 + i - 1]! * x[c - 1]!;
        if (i < nm1) s += wx[r0 + i]! * x[c + 1]!;
        if (j > 0) s += wy[c - n]! * x[c - n]!;
        if (j < nm1) s += wy[c]! * x[c + n]!;
        x[c] = s * di;
      }
    }
  }
}

/**
 * Galerkin coarsening with piecewise-constant 2 × 2 aggregates (`P` = injection of aggregate values): `PᵀLP` is
 * again a weighted graph Laplacian on a ⌈n/2⌉ grid whose face weights are the sums of the fine face weights
 * crossing between aggregates. Works for odd n (the last aggregate row/column is 1 cell wide).
 */
export function coarsenWeights(n: number, wx: Float64Array, wy: Float64Array): { nc: number; wx: Float64Array; wy: Float64Array } {
  const nc = (n + 1) >> 1;
  const cx = new Float64Array((nc - 1) * nc);
  const cy = new Float64Array((nc - 1) * nc);
  for (let jc = 0; jc < nc; jc++) {
    for (let ic = 0; ic < nc - 1; ic++) {
      const i = 2 * ic + 1;
      let s = wx[2 * jc * (n - 1) + i]!;
      if (2 * jc + 1 < n) s += wx[(2 * jc + 1) * (n - 1) + i]!;
      cx[jc * (nc - 1) + ic] = s;
    }
  }
  for (let jc = 0; jc < nc - 1; jc++) {
    const j = 2 * jc + 1;
    for (let ic = 0; ic < nc; ic++) {
      let s = wy[j * n + 2 * ic]!;
      if (2 * ic + 1 < n) s += wy[j * n + 2 * ic + 1]!;
      cy[jc * nc + ic] = s;
    }
  }
  return { nc, wx: cx, wy: cy };
}

/** rc = Pᵀ r (sum over each aggregate). */
export function restrict(n: number, r: Float64Array, nc: number, rc: Float64Array): void {
  rc.fill(0);
  for (let j = 0; j < n; j++) {
    const cj = (j >> 1) * nc;
    const fj = j * n;
    for (let i = 0; i < n; i++) rc[cj + (i >> 1)]! += r[fj + i]!;
  }
}

/** x += scale · P ec. */
export function prolongAdd(n: number, x: Float64Array, nc: number, ec: Float64Array, scale: number): void {
  for (let j = 0; j < n; j++) {
    const cj = (j >> 1) * nc;
    const fj = j * n;
    for (let i = 0; i < n; i++) x[fj + i]! += scale * ec[cj + (i >> 1)]!;
  }
}

/** Dense copy of 𝐋 (row-major n² × n²), for the coarsest level. */
export function denseLaplacian(level: LaplacianLevel): Float64Array {
  const { n, wx, wy, diagonal } = level;
  const m = n * n;
  const a = new Float64Array(m * m);
  for (let c = 0; c < m; c++) a[c * m + c] = diagonal[c]!;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n - 1; i++) {
      const w = wx[j * (n - 1) + i]!;
      const c = j * n + i;
      a[c * m + c + 1]! -= w;
      a[(c + 1) * m + c]! -= w;
    }
  }
  for (let c = 0; c < (n - 1) * n; c++) {
    const w = wy[c]!;
    a[c * m + c + n]! -= w;
    a[(c + n) * m + c]! -= w;
  }
  return a;
}
