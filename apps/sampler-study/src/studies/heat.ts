import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { foldIn, key, throwIfAborted } from "@parabolic/core";
import { forwardMarginal, heatTransition, lowDensitySubset, ouTransition, sparseDenseMixture } from "@parabolic/datasets";
import { estimateScoreBatch, ouProcess, timeChange, type ScoreMethod } from "@parabolic/heat";
import { mixtureHeatField } from "@parabolic/heat/testing";
import type { TopLevelSpec } from "vega-lite";
import { fmt, table } from "../markdown.js";
import { writePlot } from "../render.js";
import type { StudyContext, StudyDescriptor, StudyOptionValues, StudyResult } from "../study.js";

/**
 * `parabolic-study heat`: accuracy of the heat-ball score estimators (heat-ball.md §8, §8.1) on the OU forward
 * process from the sparse/dense 2-D mixture, where the exact score is known (`@parabolic/datasets`):
 * (A) relative RMSE vs N for the gradient, derivative-free and first-moment forms at several radii, split into
 * high- and low-density query points; (B) bias vs radius at the largest N; (C) local heat-ball averaging vs the
 * global Tweedie/DSM-target SNIS average over data on the same budget.
 */

const METHODS: readonly ScoreMethod[] = ["gradient", "derivative-free", "first-moment"];
const RFRACS = [0.125, 2, 8] as const;
const TIMES = [0.05, 0.3, 0.8] as const;

type Split = { all: number; high: number; low: number };
type NRow = { t: number; rFrac: number; method: ScoreMethod; N: number; relRmse: Split; essFraction: number };
type BiasRow = { t: number; rFrac: number; method: string; N: number; relRmse: number; relStandardError: number };
type GlobalRow = { t: number; budget: number; tweedie: Split; heatBall: Split };

/** One colour per score method in every plot, restricted to the methods present (no empty legend entries). */
function methodColors(present: readonly string[]): { domain: string[]; range: string[] } {
  const all: Readonly<Record<string, string>> = { gradient: "#e45756", "derivative-free": "#4c78a8", "first-moment": "#f58518", "first-moment + Richardson": "#54a24b" };
  const domain = Object.keys(all).filter((m) => present.includes(m));
  return { domain, range: domain.map((m) => all[m]!) };
}

const ESTIMATORS = ["Tweedie SNIS (global, over data)", "heat ball (local, over κ points)"] as const;

type QuerySet = { t: number; s: number; points: Float64Array; exact: Float64Array; low: boolean[] };

function querySet(t: number, count: number, seed: number): QuerySet {
  const p0 = sparseDenseMixture();
  const x = forwardMarginal(p0, ouTransition(t)).sample(foldIn(key(seed), Math.round(1000 * t)), count);
  const { points, times } = timeChange(ouProcess(), { dim: 2 }).toHeat(x, t);
  const s = times[0]!;
  const oracle = forwardMarginal(p0, heatTransition(s));
  const { logDensity, score } = oracle.logDensityAndScore(points);
  const threshold = lowDensitySubset(points, logDensity, { dim: 2, quantile: 0.2 }).threshold;
  return { t, s, points, exact: score, low: Array.from(logDensity, (v) => v <= threshold) };
}

/** Relative RMSE over all / high-density / low-density (lowest 20 % of log p) query points. */
function relativeError(q: QuerySet, estimate: Float64Array): Split {
  const err = [0, 0, 0];
  const norm = [0, 0, 0];
  for (let n = 0; n < q.low.length; n++) {
    const e = (estimate[2 * n]! - q.exact[2 * n]!) ** 2 + (estimate[2 * n + 1]! - q.exact[2 * n + 1]!) ** 2;
    const g = q.exact[2 * n]! ** 2 + q.exact[2 * n + 1]! ** 2;
    for (const j of [0, q.low[n] ? 2 : 1]) {
      err[j] = err[j]! + e;
      norm[j] = norm[j]! + g;
    }
  }
  const r = err.map((e, j) => Math.sqrt(e / norm[j]!));
  return { all: r[0]!, high: r[1]!, low: r[2]! };
}

function slope(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b) / lx.length;
  const my = ly.reduce((a, b) => a + b) / ly.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i]! - mx) * (ly[i]! - my);
    den += (lx[i]! - mx) ** 2;
  }
  return num / den;
}

/** Tweedie/DSM-target SNIS: ∇ log w(y, s) = E[−(y − X0)/(2s) | y] with weights N(y; X0, 2s I) over `budget` data samples. */
function tweedie(q: QuerySet, budget: number, seed: number): Float64Array {
  const data = sparseDenseMixture();
  const out = new Float64Array(q.points.length);
  const lw = new Float64Array(budget);
  for (let n = 0; n < q.low.length; n++) {
    const x0 = data.sample(foldIn(key(seed), n), budget);
    const y0 = q.points[2 * n]!;
    const y1 = q.points[2 * n + 1]!;
    let mx = -Infinity;
    for (let i = 0; i < budget; i++) {
      lw[i] = -((y0 - x0[2 * i]!) ** 2 + (y1 - x0[2 * i + 1]!) ** 2) / (4 * q.s);
      mx = Math.max(mx, lw[i]!);
    }
    let sw = 0;
    let a0 = 0;
    let a1 = 0;
    for (let i = 0; i < budget; i++) {
      const w = Math.exp(lw[i]! - mx);
      sw += w;
      a0 += (w * -(y0 - x0[2 * i]!)) / (2 * q.s);
      a1 += (w * -(y1 - x0[2 * i + 1]!)) / (2 * q.s);
    }
    out[2 * n] = a0 / sw;
    out[2 * n + 1] = a1 / sw;
  }
  return out;
}

function powersOfFour(max: number): number[] {
  const out: number[] = [];
  for (let n = 16; n <= max; n *= 4) out.push(n);
  return out;
}

function accuracyPlot(rows: readonly NRow[]): TopLevelSpec {
  const values = rows.flatMap((r) =>
    (["all", "high", "low"] as const).map((split) => ({ method: r.method, rFrac: `r² = ${r.rFrac}·s`, t: `t = ${r.t}`, N: r.N, split, err: r.relRmse[split] })),
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Heat-ball score estimators: relative RMSE vs N (OU, sparse/dense mixture)", subtitle: "solid: all points; dashed: low-density 20 %; dotted: high density" },
    data: { values },
    facet: { row: { field: "t", type: "nominal", title: null }, column: { field: "rFrac", type: "nominal", title: null } },
    spec: {
      width: 180,
      height: 130,
      mark: { type: "line", strokeWidth: 1.6 },
      encoding: {
        x: { field: "N", type: "quantitative", scale: { type: "log" }, title: "N (κ samples)" },
        y: { field: "err", type: "quantitative", scale: { type: "log" }, title: "relative RMSE" },
        color: { field: "method", type: "nominal", scale: methodColors(rows.map((r) => r.method)) },
        strokeDash: { field: "split", type: "nominal", sort: ["all", "low", "high"] },
      },
    },
    resolve: { scale: { y: "shared" } },
  };
}

function biasPlot(rows: readonly BiasRow[]): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Bias vs radius at the largest N (t = 0.3)", subtitle: ["gradient form: unbiased in r (error = noise); first moment: O(r²) bias above its noise", "grey dotted: Monte Carlo standard error of each estimate"] },
    data: { values: rows.map((r) => ({ ...r, noise: r.relStandardError })) },
    width: 360,
    height: 220,
    layer: [
      {
        mark: { type: "line", point: true },
        encoding: {
          x: { field: "rFrac", type: "quantitative", scale: { type: "log" }, title: "r²/s" },
          y: { field: "relRmse", type: "quantitative", scale: { type: "log" }, title: "relative error" },
          color: { field: "method", type: "nominal", scale: methodColors(rows.map((r) => r.method)), legend: { labelLimit: 300 } },
        },
      },
      {
        mark: { type: "line", strokeDash: [2, 2], color: "#999" },
        encoding: { x: { field: "rFrac", type: "quantitative" }, y: { field: "noise", type: "quantitative" }, detail: { field: "method" } },
      },
    ],
  };
}

/**
 * Dot-and-stem chart on a log axis. Bars cannot be used here: a log scale has no zero baseline, so vega-lite drops
 * every bar (the first version rendered empty panels). Stems run from an explicit positive floor one decade below
 * the smallest error, and each dot carries its value as a label.
 */
function globalPlot(rows: readonly GlobalRow[]): TopLevelSpec {
  const configs = rows.map((r) => `t = ${r.t}, budget ${r.budget}`);
  const values = rows.flatMap((r, i) =>
    (["all", "high", "low"] as const).flatMap((split) => [
      { estimator: ESTIMATORS[0], config: configs[i], split, err: r.tweedie[split] },
      { estimator: ESTIMATORS[1], config: configs[i], split, err: r.heatBall[split] },
    ]),
  );
  const errs = values.map((v) => v.err).filter((e) => e > 0 && Number.isFinite(e));
  const floor = 10 ** Math.floor(Math.log10(Math.min(...errs)) - 0.5);
  const ceiling = 10 ** Math.ceil(Math.log10(Math.max(...errs)) + 0.15);
  const y = { field: "err", type: "quantitative" as const, scale: { type: "log" as const, domain: [floor, ceiling] }, title: "relative RMSE of the score" };
  const x = { field: "split", type: "nominal", title: "query points", sort: ["all", "high", "low"], axis: { labelAngle: 0 } } as const;
  const xOffset = { field: "estimator", type: "nominal", sort: [...ESTIMATORS] } as const;
  const color = { field: "estimator", type: "nominal", scale: { domain: [...ESTIMATORS], range: ["#4c78a8", "#e45756"] }, legend: { orient: "bottom", title: null, labelLimit: 400 } } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: "Local heat-ball vs global Tweedie/DSM-target averaging, same budget",
      subtitle: ["relative RMSE of the score, log scale (lower is better); heat ball: gradient form, r² = 0.125·s", "query points: all; high = top 80 % of log p; low = lowest 20 %"],
    },
    data: { values },
    facet: { column: { field: "config", type: "nominal", title: null, sort: configs } },
    spec: {
      width: 170,
      height: 220,
      layer: [
        { mark: { type: "rule", strokeWidth: 3 }, encoding: { x, xOffset, y, y2: { datum: floor }, color } },
        { mark: { type: "point", filled: true, size: 70, opacity: 1 }, encoding: { x, xOffset, y, color } },
        { mark: { type: "text", dy: -9, fontSize: 9 }, encoding: { x, xOffset, y, text: { field: "err", type: "quantitative", format: ".2~g" } } },
      ],
    },
  };
}

async function runHeat(options: StudyOptionValues, context: StudyContext): Promise<StudyResult> {
  const seed = options["seed"] as number;
  const points = options["points"] as number;
  const maxSamples = options["max-samples"] as number;
  const Ns = powersOfFour(maxSamples);
  const field = mixtureHeatField(sparseDenseMixture());
  const queries = TIMES.map((t) => querySet(t, points, seed));
  const total = TIMES.length * RFRACS.length * METHODS.length * Ns.length + 6 + 4;
  let done = 0;
  const tick = (label: string): void => {
    done++;
    context.onProgress({ label, completed: done, total });
  };

  // (A) accuracy vs N
  const accuracy: NRow[] = [];
  for (const q of queries) {
    for (const rFrac of RFRACS) {
      for (const method of METHODS) {
        for (const N of Ns) {
          throwIfAborted(context.signal, "heat study");
          const est = estimateScoreBatch(field, q.points, q.s, { radius: Math.sqrt(rFrac * q.s), samples: N, key: foldIn(key(seed), N), method });
          let ess = 0;
          for (const e of est.ess) ess += e;
          const evaluated = method === "gradient" ? N : 2 * N;
          accuracy.push({ t: q.t, rFrac, method, N, relRmse: relativeError(q, est.scores), essFraction: ess / est.ess.length / evaluated });
          tick(`accuracy t=${q.t} r²=${rFrac}s ${method}`);
        }
      }
    }
  }
  const slopes = TIMES.flatMap((t) =>
    RFRACS.flatMap((rFrac) =>
      METHODS.map((method) => {
        const rows = accuracy.filter((r) => r.t === t && r.rFrac === rFrac && r.method === method);
        return { t, rFrac, method, slope: slope(rows.map((r) => r.N), rows.map((r) => r.relRmse.all)) };
      }),
    ),
  );

  // (B) bias vs radius at the largest N (t = 0.3)
  const q3 = queries[1]!;
  const bias: BiasRow[] = [];
  const biasN = Ns.at(-1)!;
  for (const rFrac of [0.02, 0.125, 0.5, 2, 8]) {
    for (const [method, richardson] of [["gradient", false], ["first-moment", false], ["first-moment", true]] as const) {
      if (richardson && rFrac < 0.5) continue;
      const est = estimateScoreBatch(field, q3.points, q3.s, { radius: Math.sqrt(rFrac * q3.s), samples: biasN, key: foldIn(key(seed + 1), Math.round(rFrac * 1000)), method, richardson });
      let se = 0;
      let norm = 0;
      for (let i = 0; i < q3.exact.length; i++) {
        se += est.standardErrors[i]! ** 2;
        norm += q3.exact[i]! ** 2;
      }
      bias.push({ t: q3.t, rFrac, method: richardson ? "first-moment + Richardson" : method, N: biasN, relRmse: relativeError(q3, est.scores).all, relStandardError: Math.sqrt(se / norm) });
    }
    tick("bias vs r");
  }

  // (C) local vs global on the same budget
  const global: GlobalRow[] = [];
  for (const q of [queries[0]!, queries[1]!]) {
    for (const budget of [64, 1024]) {
      throwIfAborted(context.signal, "heat study");
      const hb = estimateScoreBatch(field, q.points, q.s, { radius: Math.sqrt(0.125 * q.s), samples: budget, key: foldIn(key(seed + 2), budget), method: "gradient" });
      global.push({ t: q.t, budget, tweedie: relativeError(q, tweedie(q, budget, seed + 3)), heatBall: relativeError(q, hb.scores) });
      tick("local vs global");
    }
  }

  const doc = {
    study: "heat",
    config: { seed, points, Ns, times: TIMES, rFracs: RFRACS, methods: METHODS, mixture: "sparse/dense (0.7/0.2/0.1, σ 0.35)", process: "OU dX = −X dt + √2 dW" },
    accuracy,
    slopes,
    bias,
    global,
  };
  const at = (t: number, rFrac: number, method: ScoreMethod, N: number) => accuracy.find((r) => r.t === t && r.rFrac === rFrac && r.method === method && r.N === N);
  const n1024 = Ns.includes(1024) ? 1024 : Ns.at(-1)!;
  const md = [
    "# Heat-ball score estimators (parabolic-study heat)",
    "",
    `OU forward process from the sparse/dense 2-D mixture; ${points} query points per time drawn from p_t; exact scores from \`@parabolic/datasets\`. Relative RMSE = √(Σ‖Ŝ − S‖²/Σ‖S‖²), split into the lowest-20 % log-density points (low) and the rest (high).`,
    "",
    "## Accuracy vs N (log-log slope of the relative RMSE; −0.5 is Monte Carlo rate)",
    "",
    table(
      ["t", "r²/s", "method", `rel. RMSE at N = ${n1024} (all / high / low)`, "slope", "ESS/N"],
      slopes.map((s) => {
        const r = at(s.t, s.rFrac, s.method, n1024)!;
        return [String(s.t), String(s.rFrac), s.method, `${fmt(r.relRmse.all, 3)} / ${fmt(r.relRmse.high, 3)} / ${fmt(r.relRmse.low, 3)}`, s.slope.toFixed(3), r.essFraction.toFixed(3)];
      }),
    ),
    "",
    `## Bias vs radius (t = 0.3, N = ${biasN})`,
    "",
    table(["r²/s", "method", "relative error", "Monte Carlo noise (SE)"], bias.map((b) => [String(b.rFrac), b.method, fmt(b.relRmse, 3), fmt(b.relStandardError, 3)])),
    "",
    "## Local heat ball vs global Tweedie/DSM-target averaging (same budget)",
    "",
    "The Tweedie estimator averages −(y − X0)/(2s) over data with SNIS weights N(y; X0, 2sI); the heat ball averages ∇ψ of the (here exact) density over κ points. This compares variances on the same number of samples, not learned models (heat-ball.md §8.1).",
    "",
    table(
      ["t", "budget", "Tweedie all / high / low", "heat ball all / high / low"],
      global.map((g) => [String(g.t), String(g.budget), `${fmt(g.tweedie.all, 3)} / ${fmt(g.tweedie.high, 3)} / ${fmt(g.tweedie.low, 3)}`, `${fmt(g.heatBall.all, 3)} / ${fmt(g.heatBall.high, 3)} / ${fmt(g.heatBall.low, 3)}`]),
    ),
    "",
    "Plots: `heat-accuracy.svg/png`, `heat-bias.svg/png`, `heat-global.svg/png`.",
    "",
  ].join("\n");
  const files = ["heat.json", "heat.md"];
  files.push(...(await writePlot(context.outDir, "heat-accuracy", accuracyPlot(accuracy))));
  files.push(...(await writePlot(context.outDir, "heat-bias", biasPlot(bias))));
  files.push(...(await writePlot(context.outDir, "heat-global", globalPlot(global))));
  await writeFile(join(context.outDir, "heat.json"), `${JSON.stringify(doc, null, 2)}\n`);
  await writeFile(join(context.outDir, "heat.md"), md);
  return { json: doc, summary: md, files };
}

/** The `heat` study descriptor. */
export const heatStudy: StudyDescriptor = {
  name: "heat",
  summary: "heat-ball score estimators: accuracy vs N and r, low- vs high-density error, local vs global (Tweedie) averaging",
  options: [
    { name: "seed", kind: "integer", default: 1, description: "PRNG seed", min: 0 },
    { name: "points", kind: "positive-integer", default: 100, description: "query points per diffusion time", min: 5, max: 100000 },
    { name: "max-samples", kind: "positive-integer", default: 4096, description: "largest N (κ samples per centre; powers of 4 from 16)", min: 16, max: 1 << 20 },
  ],
  run: runHeat,
};
