import { assertPositiveInteger, describeValue, ParabolicError } from "@parabolic/core";
import type { KappaSampleOptions, KappaSamples } from "../kappa-samples.js";

/**
 * Largest dimension the samplers accept (the spec's range is d = 1 … 65 536).
 *
 * @example
 * ```ts
 * sampleKappa(key(1), { dim: MAX_KAPPA_DIM, count: 1 }); // ok; MAX_KAPPA_DIM + 1 throws INVALID_ARGUMENT
 * ```
 */
export const MAX_KAPPA_DIM = 65536;

/** Internal: validates `{ dim, count }` of a sampler call. */
export function checkSampleOptions(fn: string, options: unknown): asserts options is KappaSampleOptions {
  if (typeof options !== "object" || options === null) {
    throw new ParabolicError("INVALID_ARGUMENT", `${fn}: 'options' must be an object { dim, count }; got ${describeValue(options)}.`, {
      function: fn,
      argument: "options",
      value: options,
    });
  }
  const o = options as { dim?: unknown; count?: unknown };
  assertPositiveInteger(fn, "dim", o.dim, MAX_KAPPA_DIM);
  assertPositiveInteger(fn, "count", o.count);
  if (o.dim * o.count > 2 ** 31) {
    throw new ParabolicError(
      "INVALID_ARGUMENT",
      `${fn}: 'count' × 'dim' must be at most 2^31 (one Float64Array); got ${o.count} × ${o.dim}.`,
      { function: fn, argument: "count", value: o.count, dim: o.dim },
    );
  }
}

/** Internal: checks that `samples` is a consistent {@link KappaSamples} (O(1), no pass over the data). */
export function checkKappaSamples(fn: string, argument: string, samples: unknown): asserts samples is KappaSamples {
  const s = samples as Partial<KappaSamples> | null;
  const ok =
    typeof s === "object" &&
    s !== null &&
    Number.isInteger(s.dim) &&
    (s.dim as number) >= 1 &&
    Number.isInteger(s.count) &&
    (s.count as number) >= 0 &&
    s.zeta instanceof Float64Array &&
    s.sigma instanceof Float64Array &&
    s.a instanceof Float64Array &&
    s.w instanceof Float64Array;
  if (!ok) {
    throw new ParabolicError(
      "INVALID_ARGUMENT",
      `${fn}: '${argument}' must be KappaSamples { dim, count, zeta, sigma, a, w } with Float64Array buffers; got ${describeValue(samples)}.`,
      { function: fn, argument, value: samples },
    );
  }
  const { dim, count } = s as KappaSamples;
  const lengths = { zeta: dim * count, sigma: count, a: count, w: count } as const;
  for (const name of ["zeta", "sigma", "a", "w"] as const) {
    const arr = (s as KappaSamples)[name];
    if (arr.length !== lengths[name]) {
      throw new ParabolicError(
        "SHAPE_MISMATCH",
        `${fn}: '${argument}.${name}' must have length ${lengths[name]} (count ${count}, dim ${dim}); got ${arr.length}.`,
        { function: fn, argument: `${argument}.${name}`, expected: lengths[name], actual: arr.length },
      );
    }
  }
}
