import { key, normals } from "@parabolic/core";
import { describe, expect, it } from "vitest";
import { gaussianScoreLearner } from "./gaussian-score-learner.js";
import type { BaseInfo, BaseState, SamplingKernel } from "./kernel.js";
import { mala } from "./mala.js";
import { mlpScoreLearner } from "./mlp-score-learner.js";
import { annealedSbtm, probabilityFlow, sbtm } from "./sbtm.js";
import { adaptiveStepSize, linearAnnealing } from "./schedules.js";
import { svgd } from "./svgd.js";
import { gaussianMixtureTarget, gaussianTarget } from "./target.js";
import { annealedUla, ula } from "./ula.js";

type AnyKernel = SamplingKernel<BaseState, BaseInfo>;

/** Every Float64Array field of a state, by name. */
function arrays(state: BaseState): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const [name, value] of Object.entries(state)) if (value instanceof Float64Array) out.set(name, value);
  return out;
}

describe("kernel contract: step never mutates its input state and returns fresh arrays", () => {
  const dim = 2;
  const target = gaussianTarget({ dim, mean: [1, -1], variance: [1, 2] });
  const prior = gaussianTarget({ dim });
  const mixture = gaussianMixtureTarget({ dim, means: [-2, 0, 2, 0] });
  const x0 = normals(key(1), { count: dim * 40 });
  const kernels: Array<[string, () => AnyKernel, boolean]> = [
    ["ula", () => ula({ ...target, stepSize: 0.1 }) as unknown as AnyKernel, true],
    ["ula, adaptive step", () => ula({ ...target, stepSize: adaptiveStepSize({ maximum: 0.1 }) }) as unknown as AnyKernel, true],
    ["annealed ula", () => annealedUla({ prior, target: mixture, path: "geometric", schedule: linearAnnealing({ duration: 1 }), stepSize: 0.1 }) as unknown as AnyKernel, true],
    ["mala", () => mala({ ...(target as Required<typeof target>), stepSize: 0.5 }) as unknown as AnyKernel, true],
    ["svgd", () => svgd({ ...target, stepSize: 0.1 }) as unknown as AnyKernel, true],
    ["probability flow, heun", () => probabilityFlow({ ...target, densityScore: (x) => x.map((z) => -z), stepSize: 0.1, integrator: "heun" }) as unknown as AnyKernel, true],
    ["sbtm, Gaussian learner", () => sbtm({ ...target, learner: gaussianScoreLearner({ dim }), stepSize: 0.1 }) as unknown as AnyKernel, true],
    // the MLP learner is a stateful resource: stepping twice trains twice, so only immutability is checked
    ["sbtm, MLP learner", () => sbtm({ ...target, learner: mlpScoreLearner(key(2), { dim, width: 4 }), stepSize: 0.1, trainSteps: 2 }) as unknown as AnyKernel, false],
    [
      "annealed sbtm, dilation",
      () => annealedSbtm({ target: mixture, path: "dilation", schedule: linearAnnealing({ duration: 1 }), learner: gaussianScoreLearner({ dim }), stepSize: 0.1 }) as unknown as AnyKernel,
      true,
    ],
  ];
  for (const [name, make, pure] of kernels) {
    it(name, () => {
      const kernel = make();
      const state = kernel.init(x0);
      expect(state.position).not.toBe(x0); // init copies its input
      const before = new Map([...arrays(state)].map(([k, v]) => [k, v.slice()]));
      const first = kernel.step(key(3), state);
      const second = kernel.step(key(3), state);
      for (const [field, copy] of before) expect(arrays(state).get(field), field).toEqual(copy);
      expect(state.step).toBe(0);
      expect(first.state.step).toBe(1);
      const oldBuffers = new Set([...arrays(state).values()].map((a) => a.buffer));
      for (const [field, value] of arrays(first.state)) expect(oldBuffers.has(value.buffer), `${field} aliases the input state`).toBe(false);
      if (pure) expect(second.state.position).toEqual(first.state.position);
      expect(first.info.divergent).toBe(false);
    });
  }
});
