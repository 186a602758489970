/** Writes −(y₀ − Σ ω_m x_m)/(2s) with ω = softmax(−|y₀ − x_m|²/(4s)) into row `i` of `out`. */
export function posteriorMeanTarget(
  centers: Float64Array,
  i: number,
  s: number,
  references: ArrayLike<number>,
  m: number,
  dim: number,
  out: Float32Array,
): void {
  let maxLog = -Infinity;
  const logs = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    let d2 = 0;
    for (let j = 0; j < dim; j++) {
      const diff = centers[i * dim + j]! - references[r * dim + j]!;
      d2 += diff * diff;
    }
    logs[r] = -d2 / (4 * s);
    if (logs[r]! > maxLog) maxLog = logs[r]!;
  }
  const mean = new Float64Array(dim);
  let total = 0;
  for (let r = 0; r < m; r++) {
    const w = Math.exp(logs[r]! - maxLog);
    total += w;
    for (let j = 0; j < dim; j++) mean[j] = mean[j]! + w * references[r * dim + j]!;
  }
  for (let j = 0; j < dim; j++) out[i * dim + j] = -(centers[i * dim + j]! - mean[j]! / total) / (2 * s);
}
