import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main, type CliIo } from "../main.js";

const tmp = mkdtempSync(join(tmpdir(), "parabolic-study-hhd-training-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function capture(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: tmp, progress: false };
}

type TimeRow = {
  t: number;
  l2: number;
  gridTotal: number;
  gridGradient: number;
  gridSolenoidal: number;
  estGradStein: number;
  estGradSteinSe: number;
  estGradDenoising: number;
  estGradDenoisingSe: number;
};
type Checkpoint = {
  seed: number;
  width: number;
  step: number;
  times: TimeRow[];
  integrals: { l2: number; gridTotal: number; dsmMinusC: number; bGir: number; bGrad: number; gridGradient: number };
  quality: { klSmoothed: number; sw2: number; mmd2: number };
  gridSolves: boolean;
};

describe("parabolic-study hhd-training --size tiny", () => {
  it("writes JSON, markdown and plots; exact oracles agree with each other and bound the estimates; training lowers the error", { timeout: 120_000 }, async () => {
    const io = capture();
    const code = await main(["hhd-training", "--size", "tiny", "--out", "t", "--json"], io);
    expect(io.err.join("")).not.toMatch(/Error/);
    expect(code).toBe(0);
    const doc = JSON.parse(io.out[0]!);
    expect(doc.study).toBe("hhd-training");
    for (const f of ["hhd-training.json", "hhd-training.md", "hhd-training-curves.png", "hhd-training-scatter.png", "hhd-training-curves.svg"]) expect(existsSync(join(tmp, "t", f)), f).toBe(true);

    // structure: 3 widths × steps/every checkpoints, one row per time
    const cps = doc.checkpoints as Checkpoint[];
    const { widths, steps, every, times } = doc.config as { widths: number[]; steps: number; every: number; times: number[] };
    expect(cps).toHaveLength(widths.length * (steps / every));
    for (const c of cps) {
      expect(c.gridSolves).toBe(true);
      expect(c.times.map((r) => r.t)).toEqual(times);
      for (const r of c.times) {
        // two independent exact computations of ‖e_t‖²: grid face quadrature vs Monte Carlo on draws of p_t
        expect(Math.abs(r.gridTotal / r.l2 - 1), `grid vs MC, width ${c.width} step ${c.step} t ${r.t}`).toBeLessThan(0.15);
        // Pythagoras of the exact grid parts
        expect(Math.abs(r.gridGradient + r.gridSolenoidal - r.gridTotal)).toBeLessThan(1e-8 * r.gridTotal);
        // the dual-Sobolev estimates are lower bounds of the exact gradient part (up to MC error at 4 SE and 5 % grid error)
        expect(r.estGradDenoising).toBeLessThan(1.05 * r.gridGradient + 4 * r.estGradDenoisingSe);
        expect(r.estGradStein).toBeLessThan(1.05 * r.gridGradient + 4 * r.estGradSteinSe);
      }
      // DSM − C is the L² error on the same draws (the cross term has mean zero): the L² proxy is exact here up to MC error
      expect(Math.abs(c.integrals.dsmMinusC / c.integrals.l2 - 1)).toBeLessThan(0.2);
      expect(c.integrals.bGrad).toBeLessThanOrEqual(c.integrals.bGir);
      expect(Math.abs(c.integrals.gridTotal / c.integrals.l2 - 1)).toBeLessThan(0.15);
    }
    // training lowers the exact error of every width
    for (const w of widths) {
      const run = cps.filter((c) => c.width === w).sort((a, b) => a.step - b.step);
      expect(run.at(-1)!.integrals.gridTotal).toBeLessThan(0.7 * run[0]!.integrals.gridTotal);
      expect(run.at(-1)!.integrals.l2).toBeLessThan(0.7 * run[0]!.integrals.l2);
    }
    // the correlation table is filled in and the exact L² error ranks the checkpoints like the sample quality
    const rho = (doc.spearman as Array<{ quality: string; metric: string; mean: number }>).find((r) => r.quality.startsWith("KL_s") && r.metric.startsWith("exact L²"))!;
    expect(rho.mean).toBeGreaterThan(0.5);
    expect(doc.spearman).toHaveLength(3 * 8);
    for (const r of doc.spearman) expect(Math.abs(r.mean)).toBeLessThanOrEqual(1);

    // solenoidal-injection arm: s_θ + λe_S with e_S = J∇log p_t exactly p_t-solenoidal (hhd.md F5)
    const inj = doc.injection as {
      ratios: number[];
      unitNorms: Array<{ seed: number; integral: number; times: Array<{ t: number; gridTotal: number; gridGradient: number; mc: number }> }>;
      spearman: unknown[];
      checkpoints: Array<Checkpoint & { ratio: number; lambda: number }>;
    };
    expect(inj.ratios.length).toBeGreaterThan(0);
    expect(inj.checkpoints).toHaveLength(cps.length * inj.ratios.length);
    expect(inj.spearman).toHaveLength(3 * 8);
    const unit = inj.unitNorms[0]!;
    for (const u of unit.times) {
      // the analytic construction is solenoidal for the grid solver too (≤ 1 % leakage into Π_G), and grid ‖e_S‖² = MC ‖e_S‖²
      expect(u.gridGradient / u.gridTotal, `leak t ${u.t}`).toBeLessThan(0.01);
      expect(Math.abs(u.gridTotal / u.mc - 1), `grid vs MC ‖e_S‖², t ${u.t}`).toBeLessThan(0.1);
    }
    for (const c of inj.checkpoints) {
      const base = cps.find((b) => b.seed === c.seed && b.width === c.width && b.step === c.step)!;
      expect(c.gridSolves).toBe(true);
      for (const [i, r] of c.times.entries()) {
        const b = base.times[i]!;
        const u = unit.times[i]!;
        const l2 = c.lambda ** 2;
        // Π_G is linear: ‖Π_G(e + λe_S)‖ = ‖Π_G e‖ up to λ‖Π_G e_S‖ (the grid leakage) — the gradient part is unchanged
        expect(Math.abs(Math.sqrt(r.gridGradient) - Math.sqrt(b.gridGradient)), `Π_G, t ${r.t}`).toBeLessThanOrEqual(c.lambda * Math.sqrt(u.gridGradient) * (1 + 1e-6) + 1e-9);
        // Pythagoras: ‖e + λe_S‖² = ‖e‖² + λ²‖e_S‖² + 2λ⟨e, e_S⟩, and ⟨e, e_S⟩ = ⟨Π_S e, e_S⟩ + ⟨Π_G e, Π_G e_S⟩
        const cross = 2 * c.lambda * (Math.sqrt(b.gridSolenoidal * u.gridTotal) + Math.sqrt(b.gridGradient * u.gridGradient));
        expect(Math.abs(r.gridTotal - b.gridTotal - l2 * u.gridTotal), `Pythagoras, t ${r.t}`).toBeLessThanOrEqual(cross * (1 + 1e-6) + 1e-9 * r.gridTotal);
      }
      // the L² error grew by the injected c·∫w‖e‖² (up to the small cross term) while the exact gradient part did not move
      expect(c.integrals.gridTotal / base.integrals.gridTotal).toBeGreaterThan(1 + 0.8 * c.ratio);
      expect(c.integrals.gridTotal / base.integrals.gridTotal).toBeLessThan(1 + 1.2 * c.ratio);
      expect(Math.abs(c.integrals.gridGradient / base.integrals.gridGradient - 1)).toBeLessThan(0.05);
    }
  });
});
