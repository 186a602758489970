import { invalidArgument, randomStream, type Key, type RandomStream } from "@parabolic/core";
import type { KappaSampleOptions, KappaSamples } from "../kappa-samples.js";
import type { Kernel } from "./kernels.js";
import { checkKappaSamples, checkSampleOptions } from "./validate.js";

/** Internal: zeroed buffers for `count` samples of dimension `dim` (no validation). */
export function emptySamples(dim: number, count: number): KappaSamples {
  return {
    dim,
    count,
    zeta: new Float64Array(dim * count),
    sigma: new Float64Array(count),
    a: new Float64Array(count),
    w: new Float64Array(count),
  };
}

/** Internal: the key-first batch form shared by sampleKappa / sampleNu / sampleDrift. */
export function sampleBatch(fn: string, kernel: Kernel, k: Key, options: KappaSampleOptions): KappaSamples {
  checkSampleOptions(fn, options);
  const stream = randomStream(k); // validates the key
  const out = emptySamples(options.dim, options.count);
  kernel(stream, out, 0, out.count);
  return out;
}

/** Internal: the stream form shared by fillKappa / fillNu / fillDrift. */
export function fillBatch(fn: string, kernel: Kernel, stream: RandomStream, out: KappaSamples): KappaSamples {
  if (typeof stream !== "object" || stream === null || !((stream as { state?: unknown }).state instanceof Uint32Array)) {
    throw invalidArgument(fn, "stream", "be a RandomStream (make one with randomStream(key))", stream);
  }
  checkKappaSamples(fn, "out", out);
  checkSampleOptions(fn, { dim: out.dim, count: Math.max(1, out.count) });
  kernel(stream, out, 0, out.count);
  return out;
}
