import { describe, expect, it, vi } from "vitest";
import { describeValue, invalidArgument, ParabolicError } from "./errors.js";

describe("ParabolicError", () => {
  it("carries code, message, details and cause", () => {
    const cause = new Error("root");
    const e = new ParabolicError("NOT_CONVERGED", "solve: no convergence.", { iterations: 50 }, cause);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("ParabolicError");
    expect(e.code).toBe("NOT_CONVERGED");
    expect(e.details).toEqual({ iterations: 50 });
    expect(e.cause).toBe(cause);
    expect("cause" in new ParabolicError("ABORTED", "x")).toBe(false);
  });

  it("is() recognises errors from another copy of the package (brand, not instanceof) and filters by code", async () => {
    vi.resetModules();
    const copy = await import("./errors.js"); // re-evaluated after resetModules: a second copy of the module
    expect(copy.ParabolicError).not.toBe(ParabolicError); // a genuinely separate class
    const foreign = new copy.ParabolicError("DATA_CORRUPT", "IDX x: truncated.", { source: "x" });
    expect(foreign instanceof ParabolicError).toBe(false);
    expect(ParabolicError.is(foreign)).toBe(true);
    expect(ParabolicError.is(foreign, "DATA_CORRUPT")).toBe(true);
    expect(ParabolicError.is(foreign, "NOT_FOUND")).toBe(false);
    // negative controls: look-alikes without the brand
    const lookAlike = Object.assign(new Error("x"), { name: "ParabolicError", code: "DATA_CORRUPT", details: {} });
    for (const v of [lookAlike, { code: "DATA_CORRUPT" }, null, undefined, "DATA_CORRUPT", 42]) expect(ParabolicError.is(v)).toBe(false);
  });
});

describe("invalidArgument / describeValue", () => {
  it("formats 'fn: 'arg' must …; got ….' and keeps the raw value in details", () => {
    const e = invalidArgument("sampleKappa", "dim", "be an integer in [1, 65536]", 0);
    expect(e.code).toBe("INVALID_ARGUMENT");
    expect(e.message).toBe("sampleKappa: 'dim' must be an integer in [1, 65536]; got 0.");
    expect(e.details).toEqual({ function: "sampleKappa", argument: "dim", value: 0 });
    const nan = invalidArgument("key", "seed", "be a safe integer", Number.NaN);
    expect(nan.message).toBe("key: 'seed' must be a safe integer; got NaN.");
    expect(Object.is(nan.details.value, Number.NaN)).toBe(true);
  });

  it("describes values briefly: −0, long strings, typed arrays, arrays, bigint, functions, objects", () => {
    expect(describeValue(-0)).toBe("-0");
    expect(describeValue(Infinity)).toBe("Infinity");
    expect(describeValue("abc")).toBe('"abc"');
    expect(describeValue("x".repeat(100))).toBe(`"${"x".repeat(57)}..."`);
    expect(describeValue(new Float64Array(7))).toBe("Float64Array(length 7)");
    expect(describeValue([1, 2, 3])).toBe("array(length 3)");
    expect(describeValue(5n)).toBe("5n");
    expect(describeValue(undefined)).toBe("undefined");
    expect(describeValue(null)).toBe("null");
    expect(describeValue(() => 1)).toBe("function");
    expect(describeValue({ a: 1 })).toBe("object");
  });
});
