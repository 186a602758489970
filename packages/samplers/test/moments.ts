/**
 * Test helper: sample mean and population variance (ddof 0) of 1-D particles — the moments the spec's oracles
 * (moment recursions, Gaussian-fit KL) are written in. One place instead of a copy per test file.
 */
import { sampleMoments } from "@parabolic/metrics";

export function meanVar(x: Float64Array): { m: number; v: number } {
  const { mean, covariance } = sampleMoments(x, { dim: 1 });
  return { m: mean[0]!, v: covariance[0]! };
}

/** Population variance of 1-D particles. */
export function variance(x: Float64Array): number {
  return meanVar(x).v;
}
