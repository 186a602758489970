import { afterEach, describe, expect, it, vi } from "vitest";
import { ParabolicError } from "./errors.js";
import { throttleProgress, throwIfAborted, type ProgressEvent } from "./progress.js";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("throttleProgress", () => {
  it("passes the first event, drops events inside the interval, and always passes completion", () => {
    let now = 1000;
    vi.spyOn(performance, "now").mockImplementation(() => now);
    const seen: number[] = [];
    const cb = throttleProgress((e: ProgressEvent) => seen.push(e.completed), 100)!;
    const at = (t: number, completed: number, total = 10): void => {
      now = t;
      cb({ label: "run", completed, total });
    };
    at(1000, 1); // first: passes
    at(1050, 2); // 50 ms later: dropped
    at(1099, 3); // 99 ms: dropped
    at(1100, 4); // 100 ms: passes
    at(1150, 10); // completion inside the interval: passes anyway
    at(1160, 10, 20); // not complete (10 of 20) and inside the interval: dropped
    expect(seen).toEqual([1, 4, 10]);
  });

  it("returns undefined for an undefined callback", () => {
    expect(throttleProgress(undefined)).toBeUndefined();
  });
});

describe("throwIfAborted", () => {
  it("does nothing without a signal or before abort, and throws ABORTED with the reason afterwards", () => {
    expect(() => throwIfAborted(undefined, "train")).not.toThrow();
    const controller = new AbortController();
    expect(() => throwIfAborted(controller.signal, "train")).not.toThrow();
    const reason = new Error("user stop");
    controller.abort(reason);
    try {
      throwIfAborted(controller.signal, "train");
      expect.unreachable();
    } catch (e) {
      expect(ParabolicError.is(e, "ABORTED")).toBe(true);
      expect((e as ParabolicError).message).toBe("train: aborted by the caller's AbortSignal.");
      expect((e as ParabolicError).details).toEqual({ function: "train", reason });
      expect((e as ParabolicError).cause).toBe(reason);
    }
  });
});
