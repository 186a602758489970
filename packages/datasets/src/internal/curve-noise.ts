/**
 * Distributions of the form "a point on a planar curve, uniform in the curve parameter, plus isotropic Gaussian
 * noise": p(x) = Σ_m w_m/(b_m − a_m) ∫_{a_m}^{b_m} N(x; γ_m(t), σ² I) dt. Two moons and the swiss roll are of
 * this form, so their density and score are 1-D integrals, evaluated here by adaptive Gauss–Kronrod (7/15)
 * quadrature (core's `gaussKronrod15` rule) in log space (panels carry their own scale, so far-away points neither
 * underflow nor lose accuracy).
 */
import { fillNormals, gaussKronrod15, randomStream, split, type Key } from "@parabolic/core";
import { checkCount, pointCount } from "./points.js";

/** One piece of the curve: parameter interval, relative weight, and the curve itself. */
export type CurvePiece = Readonly<{
  weight: number;
  from: number;
  to: number;
  /** Writes γ(t) into out[0], out[1]. */
  point: (t: number, out: Float64Array) => void;
}>;

type Piece = CurvePiece & {
  readonly logWeight: number;
  readonly panels: number;
  readonly width: number;
  readonly centres: Float64Array;
  readonly radii: Float64Array;
};

export type CurveNoise = Readonly<{
  sample: (key: Key, count: number) => Float64Array;
  logDensity: (points: ArrayLike<number>) => Float64Array;
  score: (points: ArrayLike<number>) => Float64Array;
}>;

const LOG_2PI = Math.log(2 * Math.PI);

/** Builds the sampler/density/score for the given pieces and noise standard deviation. */
export function curveNoise(name: string, pieces: ReadonlyArray<CurvePiece>, noise: number, relTol = 1e-9): CurveNoise {
  let totalWeight = 0;
  for (const p of pieces) totalWeight += p.weight;
  const tmp = new Float64Array(2);
  const prepared: Piece[] = pieces.map((p) => {
    // Curve length by a fine polyline, to give initial panels of length ≲ σ.
    let length = 0;
    p.point(p.from, tmp);
    let px = tmp[0]!;
    let py = tmp[1]!;
    const steps = 4096;
    for (let i = 1; i <= steps; i++) {
      p.point(p.from + ((p.to - p.from) * i) / steps, tmp);
      length += Math.hypot(tmp[0]! - px, tmp[1]! - py);
      px = tmp[0]!;
      py = tmp[1]!;
    }
    const panels = Math.max(4, Math.min(4096, Math.ceil(length / (2 * noise))));
    // Per panel: the curve point at the panel centre and a radius bounding |γ(t) − γ(centre)| on the panel
    // (max over 64 sub-samples, inflated by 10 % plus the chord error of the sub-sampling), used to skip panels
    // whose whole contribution is below e^{−45} of the leading one.
    const centres = new Float64Array(2 * panels);
    const radii = new Float64Array(panels);
    const width = (p.to - p.from) / panels;
    for (let j = 0; j < panels; j++) {
      const a = p.from + j * width;
      p.point(a + 0.5 * width, tmp);
      const cx = tmp[0]!;
      const cy = tmp[1]!;
      centres[2 * j] = cx;
      centres[2 * j + 1] = cy;
      let r = 0;
      let step = 0;
      let qx = Number.NaN;
      let qy = Number.NaN;
      for (let i = 0; i <= 64; i++) {
        p.point(a + (width * i) / 64, tmp);
        r = Math.max(r, Math.hypot(tmp[0]! - cx, tmp[1]! - cy));
        if (i > 0) step = Math.max(step, Math.hypot(tmp[0]! - qx, tmp[1]! - qy));
        qx = tmp[0]!;
        qy = tmp[1]!;
      }
      radii[j] = 1.1 * r + step;
    }
    return { ...p, logWeight: Math.log(p.weight / totalWeight / (p.to - p.from)), panels, width, centres, radii };
  });
  const cumulative = new Float64Array(prepared.length);
  {
    let acc = 0;
    prepared.forEach((p, i) => {
      acc += p.weight / totalWeight;
      cumulative[i] = acc;
    });
    cumulative[prepared.length - 1] = 1;
  }
  const nodes = gaussKronrod15();
  const inv2s2 = 1 / (2 * noise * noise);
  const logRelTol = Math.log(relTol);
  const logNorm = -(LOG_2PI + 2 * Math.log(noise)); // log of (2πσ²)^{-1}

  // Panel evaluation scratch.
  const g = new Float64Array(15);
  const gx = new Float64Array(15);
  const gy = new Float64Array(15);

  type PanelResult = { ref: number; k: number; err: number; mx: number; my: number };

  function panel(piece: Piece, x0: number, x1: number, a: number, b: number): PanelResult {
    const c = 0.5 * (a + b);
    const h = 0.5 * (b - a);
    let ref = -Infinity;
    for (let i = 0; i < 15; i++) {
      piece.point(c + h * nodes[i]!.x, tmp);
      const dx = x0 - tmp[0]!;
      const dy = x1 - tmp[1]!;
      const v = -(dx * dx + dy * dy) * inv2s2;
      g[i] = v;
      gx[i] = tmp[0]!;
      gy[i] = tmp[1]!;
      if (v > ref) ref = v;
    }
    let k = 0;
    let gauss = 0;
    let mx = 0;
    let my = 0;
    for (let i = 0; i < 15; i++) {
      const e = Math.exp(g[i]! - ref);
      const node = nodes[i]!;
      k += node.kronrodWeight * e;
      gauss += node.gaussWeight * e;
      mx += node.kronrodWeight * e * gx[i]!;
      my += node.kronrodWeight * e * gy[i]!;
    }
    return { ref, k: h * k, err: h * Math.abs(k - gauss), mx: h * mx, my: h * my };
  }

  // Accumulators in log space for one point: log Σ of e^{ref} k and the γ-moments.
  function evaluate(x0: number, x1: number, wantScore: boolean, out: Float64Array): number {
    if (x0 !== x0 || x1 !== x1) {
      // a NaN coordinate: NaN, not the −∞ of an impossible point
      out[0] = Number.NaN;
      out[1] = Number.NaN;
      return Number.NaN;
    }
    // Panels that cannot contribute more than e^{−45} of the best panel-centre value are skipped.
    let best = -Infinity;
    for (const piece of prepared) {
      for (let j = 0; j < piece.panels; j++) {
        const dx = x0 - piece.centres[2 * j]!;
        const dy = x1 - piece.centres[2 * j + 1]!;
        const v = piece.logWeight - (dx * dx + dy * dy) * inv2s2;
        if (v > best) best = v;
      }
    }
    // First pass: initial panels of every piece, to estimate the total.
    const results: { piece: Piece; a: number; b: number; r: PanelResult; depth: number }[] = [];
    let logTotal = -Infinity;
    for (const piece of prepared) {
      const width = piece.width;
      for (let j = 0; j < piece.panels; j++) {
        const dist = Math.max(0, Math.hypot(x0 - piece.centres[2 * j]!, x1 - piece.centres[2 * j + 1]!) - piece.radii[j]!);
        if (piece.logWeight - dist * dist * inv2s2 < best - 45) continue;
        const a = piece.from + j * width;
        const b = j === piece.panels - 1 ? piece.to : a + width;
        const r = panel(piece, x0, x1, a, b);
        results.push({ piece, a, b, r, depth: 0 });
        if (r.k > 0) logTotal = logAdd(logTotal, piece.logWeight + r.ref + Math.log(r.k));
      }
    }
    // Refine panels whose error estimate is not negligible: a panel is accepted when its error is at most relTol
    // times max(its share of the parameter interval × total, its own integral), so the summed error is at most
    // 2·relTol·total; panels at the round-off floor are accepted too, and the refinement is capped.
    let maxLog = -Infinity;
    const accepted: { piece: Piece; r: PanelResult }[] = [];
    let budget = 20_000;
    while (results.length > 0) {
      const item = results.pop()!;
      const { piece, a, b, r, depth } = item;
      if (r.err > 0 && depth < 60 && budget > 0) {
        const span = (b - a) / (piece.to - piece.from);
        const logErr = piece.logWeight + r.ref + Math.log(r.err);
        const logOwn = piece.logWeight + r.ref + Math.log(r.k);
        const target = logRelTol + Math.max(logTotal + Math.log(span), logOwn);
        if (logErr > target && r.err > 1e3 * Number.EPSILON * r.k) {
          const m = 0.5 * (a + b);
          budget--;
          results.push({ piece, a, b: m, r: panel(piece, x0, x1, a, m), depth: depth + 1 });
          results.push({ piece, a: m, b, r: panel(piece, x0, x1, m, b), depth: depth + 1 });
          continue;
        }
      }
      accepted.push({ piece, r });
      const l = piece.logWeight + r.ref;
      if (r.k > 0 && l > maxLog) maxLog = l;
    }
    if (maxLog === -Infinity) {
      out[0] = Number.NaN;
      out[1] = Number.NaN;
      return -Infinity;
    }
    let s = 0;
    let sx = 0;
    let sy = 0;
    for (const { piece, r } of accepted) {
      const f = Math.exp(piece.logWeight + r.ref - maxLog);
      s += f * r.k;
      sx += f * r.mx;
      sy += f * r.my;
    }
    if (wantScore) {
      // ∇ log p = (E[γ | x] − x)/σ²
      out[0] = (sx / s - x0) * 2 * inv2s2;
      out[1] = (sy / s - x1) * 2 * inv2s2;
    }
    return logNorm + maxLog + Math.log(s);
  }

  const grad = new Float64Array(2);
  return {
    sample(k: Key, count: number): Float64Array {
      checkCount(`${name}.sample`, count);
      const [pickKey, noiseKey] = split(k, 2) as [Key, Key];
      const pick = randomStream(pickKey);
      const out = fillNormals(randomStream(noiseKey), new Float64Array(2 * count));
      for (let i = 0; i < count; i++) {
        const u = pick.nextDouble();
        let m = 0;
        while (m < prepared.length - 1 && u >= cumulative[m]!) m++;
        const piece = prepared[m]!;
        const t = piece.from + (piece.to - piece.from) * pick.nextDouble();
        piece.point(t, tmp);
        out[2 * i] = tmp[0]! + noise * out[2 * i]!;
        out[2 * i + 1] = tmp[1]! + noise * out[2 * i + 1]!;
      }
      return out;
    },
    logDensity(points: ArrayLike<number>): Float64Array {
      const n = pointCount(`${name}.logDensity`, points, 2);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = evaluate(points[2 * i]!, points[2 * i + 1]!, false, grad);
      return out;
    },
    score(points: ArrayLike<number>): Float64Array {
      const n = pointCount(`${name}.score`, points, 2);
      const out = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        evaluate(points[2 * i]!, points[2 * i + 1]!, true, grad);
        out[2 * i] = grad[0]!;
        out[2 * i + 1] = grad[1]!;
      }
      return out;
    },
  };
}

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}
