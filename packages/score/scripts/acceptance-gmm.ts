/**
 * Experiment A of issue 6 (heat-ball vs DSM on the sparse/dense GMM under VP), full size.
 *
 *   node --conditions=@parabolic/source --import tsx packages/score/scripts/acceptance-gmm.ts \
 *     [--seeds 1,2,3] [--methods heat-ball,dsm] [--init caloric,plain] [--output-gain 1] [--steps 2000] [--ema 0.99|none]
 *     [--exact-target-from 0.3|none] [--heat-ball-weight 0.003] [--out <dir>] [--summarise]
 *
 * `--init caloric` starts ψ_θ from the exactly caloric Gaussian base plus a random correction, `--init plain` from the
 * same network without the base (see test/experiments.ts). Each (method, init, seed) run writes
 * packages/score/results/runs/gmm-<method>-<init>-<seed>.json, or into `--out` for exploratory runs (so runs can be spread over
 * processes); `--summarise` aggregates every run file into results/acceptance-gmm.{json,md} (mean ± sd over seeds).
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { initBackend } from "@parabolic/core/backend";
import { GMM_DEFAULTS, runGmmExperiment, type GmmResult } from "../test/experiments.js";

const here = dirname(fileURLToPath(import.meta.url));
const results = join(here, "..", "results");
const runs = join(results, "runs");
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

function stats(values: number[]): string {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, values.length - 1));
  const f = (x: number): string => (Math.abs(x) >= 0.01 || x === 0 ? x.toFixed(4) : x.toExponential(2));
  return `${f(m)} ± ${f(sd)}`;
}

type Run = GmmResult & { config: object; backend: string };
const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
/** What differs from the default configuration besides the init: the step budget and the textbook ε target. */
const variantName = (r: Run): string => {
  const config = r.config as { steps?: number; exactTargetFrom?: number; heatBallWeight?: number };
  const parts: string[] = [];
  if ((config.steps ?? GMM_DEFAULTS.steps) !== GMM_DEFAULTS.steps) parts.push(`${config.steps} steps`);
  if (r.method === "heat-ball" && (config.heatBallWeight ?? GMM_DEFAULTS.heatBallWeight) !== GMM_DEFAULTS.heatBallWeight) parts.push(`w_hb ${config.heatBallWeight}`);
  if (config.exactTargetFrom === undefined) parts.push("ε target");
  return parts.map((p) => `, ${p}`).join("");
};
const initName = (r: Run): string => `${r.init ?? "caloric"}${(r.outputGain ?? 1) === 1 ? "" : ` ×${r.outputGain}`}${variantName(r)}`;
const groupName = (r: Run): string => `${r.method} (${initName(r)})`;

/** Issue 6's 2-D criteria; `low` compares a heat-ball run with the DSM run of the same init and seed. */
function criteria(group: Run[], dsm: Run[] | undefined, epsilonDsm: Run[] | undefined): [string, string][] {
  const all = (ok: (r: Run) => boolean): string => {
    const n = group.filter(ok).length;
    return `${n === group.length ? "pass" : "FAIL"} (${n}/${group.length} seeds)`;
  };
  const pairs = group.map((r) => [r, dsm?.find((d) => d.seed === r.seed)] as const);
  const lowPaired = pairs.filter(([r, d]) => d !== undefined && r.scoreRelMseLow <= d.scoreRelMseLow).length;
  const lowMean = dsm === undefined ? Number.NaN : mean(dsm.map((d) => d.scoreRelMseLow));
  return [
    ["score rel. MSE τ=0.3 ≤ 0.05 (all)", all((r) => r.scoreRelMse <= 0.05)],
    [
      "lowest-20 % rel. MSE ≤ DSM baseline (same init)",
      dsm === undefined || group[0]!.method === "dsm"
        ? "—"
        : `${mean(group.map((r) => r.scoreRelMseLow)) <= lowMean ? "pass" : "FAIL"} on the mean (${mean(group.map((r) => r.scoreRelMseLow)).toFixed(4)} vs ${lowMean.toFixed(4)}); paired by seed ${lowPaired}/${group.length}`,
    ],
    [
      "(information) lowest-20 % rel. MSE vs DSM-only with the textbook ε target (same init), paired by seed",
      epsilonDsm === undefined || group[0]!.method === "dsm"
        ? "—"
        : `${group.filter((r) => { const d = epsilonDsm.find((e) => e.seed === r.seed); return d !== undefined && r.scoreRelMseLow <= d.scoreRelMseLow; }).length}/${group.length} (${mean(group.map((r) => r.scoreRelMseLow)).toFixed(4)} vs ${mean(epsilonDsm.map((d) => d.scoreRelMseLow)).toFixed(4)})`,
    ],
    ["modes recovered 3/3", all((r) => r.modesFound === 3)],
    ["mode-proportion KL ≤ 0.05", all((r) => r.modeKl <= 0.05)],
    ["sliced W₁ to held-out ≤ 0.1", all((r) => r.slicedW1 <= 0.1)],
    ["probe residual falls ≥ 10× from init", all((r) => r.probeResidualInit / r.probeResidualEnd >= 10)],
    [
      "(information) probe end ÷ DSM's probe end, per seed",
      dsm === undefined || group[0]!.method === "dsm"
        ? "—"
        : pairs.map(([r, d]) => (d === undefined ? "?" : (r.probeResidualEnd / d.probeResidualEnd).toFixed(2))).join(" / "),
    ],
    ["(information) probe end ÷ exact log-density's, per seed", group.map((r) => (r.probeResidualEnd / r.probeResidualExact).toFixed(1)).join(" / ")],
  ];
}

async function summarise(): Promise<void> {
  const files = (await readdir(runs)).filter((f) => f.startsWith("gmm-") && f.endsWith(".json")).sort();
  const all = await Promise.all(files.map(async (f) => JSON.parse(await readFile(join(runs, f), "utf8")) as Run));
  const groups = new Map<string, Run[]>();
  for (const r of all) groups.set(groupName(r), [...(groups.get(groupName(r)) ?? []), r]);
  // columns by initialisation (caloric, plain, plain ×g …), DSM first within each
  const order = (name: string): string => `${name.includes("(caloric") ? 0 : name.includes("×") ? 2 : 1}|${name}`;
  const names = [...groups.keys()].sort((a, b) => order(a).localeCompare(order(b)));
  const rows: string[] = [];
  const metrics: [string, (r: GmmResult) => number][] = [
    ["score rel. MSE τ=0.3 (all)", (r) => r.scoreRelMse],
    ["score rel. MSE τ=0.3 (lowest 20 %)", (r) => r.scoreRelMseLow],
    ["modes found (of 3)", (r) => r.modesFound],
    ["mode-proportion KL", (r) => r.modeKl],
    ["sliced W1 to held-out", (r) => r.slicedW1],
    ["sliced W1 noise floor (data vs data)", (r) => r.slicedW1Floor],
    ["probe mean abs residual, init", (r) => r.probeResidualInit],
    ["probe mean abs residual, end", (r) => r.probeResidualEnd],
    ["probe residual fall (init ÷ end)", (r) => r.probeResidualInit / r.probeResidualEnd],
    ["probe residual of the exact log-density (floor)", (r) => r.probeResidualExact],
    ["training seconds", (r) => r.seconds],
  ];
  rows.push(`| metric | ${names.map((m) => `${m}, n=${groups.get(m)!.length}`).join(" | ")} |`);
  rows.push(`|---|${names.map(() => "---").join("|")}|`);
  for (const [name, get] of metrics) rows.push(`| ${name} | ${names.map((m) => stats(groups.get(m)!.map(get))).join(" | ")} |`);
  const verdicts = names.map((m) => criteria(groups.get(m)!, groups.get(m.replace("heat-ball", "dsm")), groups.get(m.replace("heat-ball", "dsm").replace(/\)$/, ", ε target)"))));
  const criteriaRows = [
    `| criterion (issue 6, 2-D) | ${names.join(" | ")} |`,
    `|---|${names.map(() => "---").join("|")}|`,
    ...verdicts[0]!.map(([name], i) => `| ${name} | ${verdicts.map((v) => v[i]![1]).join(" | ")} |`),
  ];
  const perRun = [
    "| method | init | seed | rel. MSE all | rel. MSE low 20 % | modes | mode proportions | mode KL | SW₁ | SW₁ floor | probe init → end (fall) |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...names.flatMap((m) =>
      groups.get(m)!.map(
        (r) =>
          `| ${r.method} | ${initName(r)} | ${r.seed} | ${r.scoreRelMse.toFixed(4)} | ${r.scoreRelMseLow.toFixed(4)} | ${r.modesFound} | ${r.modeProportions.map((p) => p.toFixed(3)).join(" / ")} | ${r.modeKl.toExponential(1)} | ${r.slicedW1.toFixed(3)} | ${r.slicedW1Floor.toFixed(3)} | ${r.probeResidualInit.toFixed(3)} → ${r.probeResidualEnd.toFixed(3)} (${(r.probeResidualInit / r.probeResidualEnd).toFixed(1)}×) |`,
      ),
    ),
  ];
  const notes = await readFile(join(here, "acceptance-gmm-notes.md"), "utf8");
  const md = [
    "# Experiment A: heat-ball vs DSM, sparse/dense GMM under VP (β ∈ [0.1, 20])",
    "",
    "Produced by `packages/score/scripts/acceptance-gmm.ts --summarise` from the run files in `results/runs/`",
    "(the explanatory text is `scripts/acceptance-gmm-notes.md`). Mean ± sd over seeds; same potential network ψ_θ(y, s),",
    "step budget, optimiser, EMA and DSM targets for both methods within an initialisation.",
    "",
    "## Criteria",
    "",
    ...criteriaRows,
    "",
    "## Mean ± sd",
    "",
    ...rows,
    "",
    "## Per run",
    "",
    ...perRun,
    "",
    notes.trim(),
    "",
    `Configurations: ${JSON.stringify(all.map((r) => ({ method: r.method, seed: r.seed, backend: r.backend, ...r.config })))}`,
    "",
  ].join("\n");
  await writeFile(join(results, "acceptance-gmm.md"), md);
  await writeFile(join(results, "acceptance-gmm.json"), `${JSON.stringify(all, null, 2)}\n`);
  console.log(md);
}

if (process.argv.includes("--summarise")) {
  await summarise();
} else {
  const { name: backend } = await initBackend({ prefer: "wasm" });
  await mkdir(runs, { recursive: true });
  const seeds = (arg("seeds") ?? "1,2,3").split(",").map(Number);
  const methods = (arg("methods") ?? "heat-ball,dsm").split(",") as ("heat-ball" | "dsm")[];
  const steps = Number(arg("steps") ?? GMM_DEFAULTS.steps);
  const inits = (arg("init") ?? "caloric").split(",") as ("caloric" | "plain")[];
  const ema = arg("ema");
  const exactFrom = arg("exact-target-from");
  const gain = Number(arg("output-gain") ?? 1);
  const heatBallWeight = arg("heat-ball-weight");
  const out = arg("out") ?? runs; // another directory for exploratory runs (not summarised)
  await mkdir(out, { recursive: true });
  for (const seed of seeds) {
    for (const init of inits) {
      for (const method of methods) {
        const config = {
          ...GMM_DEFAULTS,
          steps,
          seed,
          method,
          init,
          ...(gain === 1 ? {} : { outputGain: gain }),
          ...(heatBallWeight === undefined ? {} : { heatBallWeight: Number(heatBallWeight) }),
          ...(ema === undefined ? {} : { emaDecay: ema === "none" ? undefined : Number(ema) }),
          ...(exactFrom === undefined ? {} : { exactTargetFrom: exactFrom === "none" ? undefined : Number(exactFrom) }),
        };
        const result = await runGmmExperiment(config, (line) => console.error(line));
        console.error(JSON.stringify(result));
        const variant = `${gain === 1 ? "" : `-gain${gain}`}${steps === GMM_DEFAULTS.steps ? "" : `-${steps}steps`}${exactFrom === "none" ? "-eps-target" : ""}${heatBallWeight === undefined || method !== "heat-ball" ? "" : `-whb${heatBallWeight}`}`;
        await writeFile(join(out, `gmm-${method}-${init}${variant}-${seed}.json`), `${JSON.stringify({ ...result, backend, config }, null, 2)}\n`);
      }
    }
  }
}
