import { ParabolicError, key, normals, type ProgressEvent } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { sampleChains } from "./sample-chains.js";
import { gaussianTarget } from "./target.js";
import { ula } from "./ula.js";

describe("sampleChains", () => {
  const kernel = ula({ ...gaussianTarget({ dim: 1 }), stepSize: 0.1 });
  const x0 = normals(key(1), { count: 20 });

  it("streams every step, saves snapshots only when asked and stops early on request", () => {
    const seen: number[] = [];
    const result = sampleChains(key(2), { kernel, initialState: kernel.init(x0), steps: 10, saveEvery: 4, onStep: ({ state }) => void seen.push(state.step) });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(result.saved.map((s) => s.step)).toEqual([0, 4, 8, 10]);
    expect(result.infos).toEqual([]);
    expect(sampleChains(key(2), { kernel, initialState: kernel.init(x0), steps: 10 }).saved).toEqual([]);
    const stopped = sampleChains(key(2), { kernel, initialState: kernel.init(x0), steps: 10, onStep: ({ state }) => state.step < 3 });
    expect(stopped.status).toBe("stopped");
    expect(stopped.state.step).toBe(3);
  });

  it("A6: a run resumed from a saved state with the same key equals the uninterrupted run", () => {
    const full = sampleChains(key(3), { kernel, initialState: kernel.init(x0), steps: 12 });
    const half = sampleChains(key(3), { kernel, initialState: kernel.init(x0), steps: 5 });
    const rest = sampleChains(key(3), { kernel, initialState: half.state, steps: 7 });
    expect(rest.state.position).toEqual(full.state.position);
  });

  it("reports progress (last event complete) and honours an AbortSignal", () => {
    const events: ProgressEvent[] = [];
    sampleChains(key(4), { kernel, initialState: kernel.init(x0), steps: 30, onProgress: (e) => void events.push(e) });
    expect(events[events.length - 1]).toMatchObject({ label: "sample", completed: 30, total: 30 });
    expect(events[events.length - 1]!.detail).toHaveProperty("stepSize", 0.1);
    const controller = new AbortController();
    try {
      sampleChains(key(5), { kernel, initialState: kernel.init(x0), steps: 30, signal: controller.signal, onStep: ({ state }) => void (state.step === 3 && controller.abort()) });
      expect.unreachable();
    } catch (e) {
      expect(ParabolicError.is(e, "ABORTED")).toBe(true);
    }
  });
});
