import type { BaseState } from "../kernel.js";
import type { StepSize } from "../schedules.js";

/**
 * Internal: the clock after a step. For a constant step the grid is t₀ + kΔt (t₀ recovered from the state), so
 * times never accumulate rounding; schedules sum their step sizes.
 */
export function nextTime(state: BaseState, h: number, stepSize: StepSize): number {
  if (typeof stepSize === "number") {
    const t0 = state.time - state.step * stepSize;
    const rounded = Math.abs(t0) < 1e-9 * Math.max(1, Math.abs(state.time)) ? 0 : t0;
    return rounded + (state.step + 1) * stepSize;
  }
  return state.time + h;
}

