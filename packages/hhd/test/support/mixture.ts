/**
 * The reference mixture REF of hhd.md §7 and its exact VP marginals, from @parabolic/datasets (the shared
 * Gaussian-mixture oracle). Test-only.
 */
import { forwardMarginal, hhdReferenceMixture, vpTransition, type GaussianMixture } from "@parabolic/datasets";
import { fastScore2D } from "./fast-mixture-2d.js";

/** REF: 0.40 N((−1.5, 0), [[.30,.12],[.12,.20]]) + 0.35 N((1.5, .6), [[.20,−.08],[−.08,.35]]) + 0.25 N((.2,−1.8), diag(.25,.15)). */
export function referenceMixture(): GaussianMixture {
  return hhdReferenceMixture();
}

/** Exact p_t of REF under the VP SDE (β ∈ [0.1, 20]); t = 0 gives REF itself. */
export function referenceMarginal(t: number): GaussianMixture {
  const p0 = referenceMixture();
  return t === 0 ? p0 : forwardMarginal(p0, vpTransition(t));
}

/** Exact ∇log p_t of REF (fast 2-D path over the datasets parameters), for the dynamics tests. */
export function referenceScore(t: number): (points: Float64Array) => Float64Array {
  return fastScore2D(referenceMarginal(t));
}
