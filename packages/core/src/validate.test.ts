import { describe, expect, it } from "vitest";
import { ParabolicError } from "./errors.js";
import {
  assertAllFinite,
  assertFiniteNumber,
  assertInRange,
  assertLength,
  assertNonNegativeInteger,
  assertNonNegativeNumber,
  assertObject,
  assertPositiveInteger,
  assertPositiveNumber,
} from "./validate.js";

/** The coded error thrown by `run`, or undefined when it does not throw. */
function thrown(run: () => unknown): ParabolicError | undefined {
  try {
    run();
  } catch (e) {
    if (ParabolicError.is(e)) return e;
    throw e;
  }
  return undefined;
}

describe("validate", () => {
  it("each assertion accepts its boundary values and rejects the ones just outside, naming argument and value", () => {
    const cases: Array<[string, (v: unknown) => void, unknown[], unknown[]]> = [
      ["positive integer", (v) => assertPositiveInteger("f", "n", v), [1, 2 ** 53 - 1], [0, -1, 1.5, Number.NaN, Infinity, "1", 2 ** 53]],
      ["positive integer ≤ 8", (v) => assertPositiveInteger("f", "n", v, 8), [1, 8], [9, 0]],
      ["non-negative integer", (v) => assertNonNegativeInteger("f", "n", v), [0, 7], [-1, 0.5, Number.NaN, 2 ** 53]],
      ["finite number", (v) => assertFiniteNumber("f", "x", v), [0, -1e308], [Number.NaN, Infinity, -Infinity, "0"]],
      ["positive number", (v) => assertPositiveNumber("f", "x", v), [Number.MIN_VALUE, 1e308], [0, -0, -1, Number.NaN, Infinity]],
      ["non-negative number", (v) => assertNonNegativeNumber("f", "x", v), [0, -0, 3], [-Number.MIN_VALUE, Number.NaN, Infinity]],
      ["closed range [0, 1]", (v) => assertInRange("f", "p", v, { min: 0, max: 1 }), [0, 1], [-1e-300, 1 + 2 ** -52, Number.NaN]],
      ["object", (v) => assertObject("f", "x", v), [{}, [], new Float64Array(1)], [undefined, null, 0, "{}"]],
      ["open range (0, 1)", (v) => assertInRange("f", "p", v, { min: 0, max: 1, minExclusive: true, maxExclusive: true }), [1e-300, 1 - 2 ** -53], [0, 1]],
    ];
    for (const [name, check, good, bad] of cases) {
      for (const v of good) expect(thrown(() => check(v)), `${name} accepts ${String(v)}`).toBeUndefined();
      for (const v of bad) {
        const e = thrown(() => check(v));
        expect(e?.code, `${name} rejects ${String(v)}`).toBe("INVALID_ARGUMENT");
        expect(Object.is(e?.details.value, v)).toBe(true);
        expect(e?.message).toMatch(/^f: '(n|x|p)' must /);
      }
    }
    expect(thrown(() => assertInRange("f", "p", 0, { min: 0, max: 1, minExclusive: true }))?.message).toBe(
      "f: 'p' must be a number in (0, 1]; got 0.",
    );
  });

  it("assertLength is SHAPE_MISMATCH with expected and actual; assertAllFinite is NON_FINITE at the first bad index", () => {
    expect(thrown(() => assertLength("f", "x", [1, 2, 3], 3))).toBeUndefined();
    expect(thrown(() => assertLength("f", "x", new Float64Array(2), 3))?.details).toMatchObject({ expected: 3, actual: 2 });
    expect(thrown(() => assertLength("f", "x", [], 1))?.code).toBe("SHAPE_MISMATCH");
    expect(thrown(() => assertAllFinite("f", "x", [0, -1e308]))).toBeUndefined();
    const e = thrown(() => assertAllFinite("f", "x", [0, 1, Number.NaN, Infinity]));
    expect(e?.code).toBe("NON_FINITE");
    expect(e?.details.index).toBe(2);
    expect(e?.message).toBe("f: 'x' must be finite everywhere; got NaN at index 2.");
  });
});
