import { assertNonNegativeNumber, assertPositiveInteger, assertPositiveNumber, nextNormal, randomStream, type Key } from "@parabolic/core";
import type { Distribution } from "./distribution.js";
import { checkCount } from "./internal/points.js";

/**
 * The pinwheel toy (Johnson et al. 2016, as in FFJORD): `arms` curved Gaussian blobs. Sampling only.
 *
 * @remarks For each sample an arm c is chosen uniformly; f ~ N((1, 0), diag(σ_r², σ_t²)); the angle is
 * a = 2πc/arms + rate·e^{f₁}; the point is scale · (f₁ cos a + f₂ sin a, −f₁ sin a + f₂ cos a) (FFJORD's
 * `einsum("ti,tij->tj")`, i.e. f rotated by −a). There is no exact density here: the map f ↦ x is not
 * injective for large |f| (the twist angle depends on f₁), so `logDensity` and `score` are `undefined`.
 * @param options - `arms` (5), `radialStd` (0.3), `tangentialStd` (0.1), `rate` (0.25), `scale` (2).
 * @throws ParabolicError `INVALID_ARGUMENT` for invalid options.
 * @example
 * ```ts
 * const x = pinwheel().sample(key(7), 2000);
 * ```
 */
export function pinwheel(
  options: Readonly<{ arms?: number; radialStd?: number; tangentialStd?: number; rate?: number; scale?: number }> = {},
): Distribution {
  const arms = options.arms ?? 5;
  const radialStd = options.radialStd ?? 0.3;
  const tangentialStd = options.tangentialStd ?? 0.1;
  const rate = options.rate ?? 0.25;
  const scale = options.scale ?? 2;
  assertPositiveInteger("pinwheel", "arms", arms, 1 << 16);
  assertPositiveNumber("pinwheel", "radialStd", radialStd);
  assertPositiveNumber("pinwheel", "tangentialStd", tangentialStd);
  assertNonNegativeNumber("pinwheel", "rate", rate);
  assertPositiveNumber("pinwheel", "scale", scale);
  return Object.freeze({
    name: "pinwheel",
    dim: 2,
    sample(k: Key, count: number): Float64Array {
      checkCount("pinwheel.sample", count);
      const stream = randomStream(k);
      const out = new Float64Array(2 * count);
      for (let i = 0; i < count; i++) {
        const arm = Math.min(arms - 1, Math.floor(stream.nextDouble() * arms));
        const f1 = 1 + radialStd * nextNormal(stream);
        const f2 = tangentialStd * nextNormal(stream);
        const a = (2 * Math.PI * arm) / arms + rate * Math.exp(f1);
        const c = Math.cos(a);
        const s = Math.sin(a);
        out[2 * i] = scale * (f1 * c + f2 * s);
        out[2 * i + 1] = scale * (-f1 * s + f2 * c);
      }
      return out;
    },
    logDensity: undefined,
    score: undefined,
  });
}
