import { ParabolicError, assertPositiveInteger, invalidArgument, type RandomStream } from "@parabolic/core";
import type { TimeSampling } from "../types.js";

/** Validates a data array of `count × dim` rows; returns the row count. */
export function checkData(fn: string, data: ArrayLike<number>, dim: number): number {
  assertPositiveInteger(fn, "dim", dim, 1 << 20);
  if (data === null || typeof data !== "object" || typeof data.length !== "number" || data.length === 0 || data.length % dim !== 0) {
    throw new ParabolicError("SHAPE_MISMATCH", `${fn}: 'data' must be a non-empty row-major array of count × ${dim} numbers; got length ${data?.length}.`, {
      argument: "data",
      value: data?.length,
    });
  }
  return data.length / dim;
}

export function checkTimeSampling(fn: string, argument: string, time: TimeSampling): Required<TimeSampling> {
  const distribution = time.distribution ?? "uniform";
  if (distribution !== "uniform" && distribution !== "log-uniform") {
    throw invalidArgument(fn, `${argument}.distribution`, 'be "uniform" or "log-uniform"', distribution);
  }
  if (!Number.isFinite(time.min) || (distribution === "log-uniform" && !(time.min > 0)) || time.min < 0) {
    throw invalidArgument(fn, `${argument}.min`, distribution === "log-uniform" ? "be finite and > 0" : "be finite and >= 0", time.min);
  }
  if (!(Number.isFinite(time.max) && time.max >= time.min)) throw invalidArgument(fn, `${argument}.max`, `be finite and >= min (${time.min})`, time.max);
  return { min: time.min, max: time.max, distribution };
}

export function drawTime(stream: RandomStream, time: Required<TimeSampling>): number {
  const u = stream.nextDouble();
  if (time.distribution === "log-uniform") return time.min * Math.exp(u * Math.log(time.max / time.min));
  return time.min + u * (time.max - time.min);
}

export function drawIndex(stream: RandomStream, n: number): number {
  return Math.min(n - 1, Math.floor(stream.nextDouble() * n));
}
