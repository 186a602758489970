import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { normalCdf } from "@parabolic/core";
import { afterAll, describe, expect, it } from "vitest";
import { main, type CliIo } from "../main.js";

const tmp = mkdtempSync(join(tmpdir(), "parabolic-study-sbtm-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function capture(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: tmp, progress: false };
}

/** KL(N(m, v) ‖ N(0, 1)). */
const kl = (m: number, v: number): number => 0.5 * (v + m * m - 1 - Math.log(v));

describe("parabolic-study sbtm (tiny size)", () => {
  it("writes JSON, markdown and every plot; its numbers match their closed-form oracles", async () => {
    const io = capture();
    const code = await main(["sbtm", "--size", "tiny", "--seed", "2", "--out", "s1", "--json"], io);
    expect(io.err.join("")).not.toMatch(/Error/);
    expect(code).toBe(0);
    expect(io.out).toHaveLength(1);
    const doc = JSON.parse(io.out[0]!);
    expect(doc).toMatchObject({ study: "sbtm", size: "tiny", seed: 2 });
    expect(JSON.parse(readFileSync(join(tmp, "s1", "sbtm.json"), "utf8"))).toEqual(doc);
    const md = readFileSync(join(tmp, "s1", "sbtm.md"), "utf8");
    for (const section of ["## R1", "## R2", "## R3", "## R6"]) expect(md).toContain(section);

    // every plot exists and draws its marks (an empty panel has no line marks)
    const plots = ["sbtm-r1-kl", "sbtm-r1-fisher", "sbtm-r1-trajectories", "sbtm-r3-mass", "sbtm-r3-snapshots", "sbtm-r3-dissipation", "sbtm-r6-mse", "sbtm-r6-quiver"];
    for (const name of plots) {
      for (const ext of ["svg", "png"]) {
        expect(doc.files, name).toContain(`${name}.${ext}`);
        expect(statSync(join(tmp, "s1", `${name}.${ext}`)).size, name).toBeGreaterThan(2000);
      }
    }
    const svg = (name: string): string => readFileSync(join(tmp, "s1", `${name}.svg`), "utf8");
    const marks = (name: string, role: string): number => svg(name).split(`aria-roledescription="${role}"`).length - 1;
    // R1 KL: 2 panels (KDE-KL, Gaussian-fit) × (ULA, SBTM, SVGD, exact); trajectories: 5 particles × 2 methods
    expect(marks("sbtm-r1-kl", "line mark")).toBe(8);
    expect(marks("sbtm-r1-trajectories", "line mark")).toBe(10);
    expect(marks("sbtm-r1-fisher", "line mark")).toBe(3);
    // R3 mass: 2 mixtures × (target, SBTM, ULA); snapshots: 2 mixtures × 4 times × (target, SBTM, ULA)
    expect(marks("sbtm-r3-mass", "line mark")).toBe(6);
    expect(marks("sbtm-r3-snapshots", "line mark")).toBe(24);
    expect(marks("sbtm-r3-dissipation", "line mark")).toBe(2);
    expect(marks("sbtm-r6-mse", "line mark")).toBe(3);
    expect(marks("sbtm-r6-quiver", "rule mark")).toBe(3 * 20);
    for (const name of plots) expect(svg(name), name).not.toMatch(/NaN/);

    // R2: the exact flow v(t) = 1 + 9e^{−2t} and the empirical-Gaussian SBTM run, which follows the current-law
    // recursion m′ = (1 − h)m, v′ = (v + h(1 − v))²/v from its own initial sample moments EXACTLY (spec A2)
    const r2 = doc.r2;
    r2.times.forEach((t: number, i: number) => expect(Math.abs(r2.exact[i] - kl(0, 1 + 9 * Math.exp(-2 * t)))).toBeLessThan(1e-12));
    for (const start of r2.initialMoments as { N: number; h: number; mean: number; variance: number }[]) {
      const run = r2.particles.find((p: { method: string; N: number; h: number }) => p.method === "SBTM, empirical-Gaussian score" && p.N === start.N && p.h === start.h);
      let { mean: m, variance: v } = start;
      const expected: number[] = [];
      for (let k = 1; k <= Math.round(5 / start.h); k++) {
        m = (1 - start.h) * m;
        v = (v + start.h * (1 - v)) ** 2 / v;
        if (r2.times.some((t: number) => Math.abs(t - k * start.h) < 1e-9)) expected.push(kl(m, v));
      }
      expect(run.kl).toHaveLength(3);
      run.kl.forEach((value: number, i: number) => expect(Math.abs(value - expected[i]!) / expected[i]!).toBeLessThan(1e-8));
    }
    for (const b of r2.ulaBias) expect(Math.abs(b.klInfinity - kl(0, 1 / (1 - b.h / 2)))).toBeLessThan(1e-15);

    // R1: exact KL at T = 2.5 for f_T = N(0, K(2.6)), K(t) = 1 − e^{−2t}
    expect(Math.abs(doc.r1.exactKlT - kl(0, 1 - Math.exp(-5.2)))).toBeLessThan(1e-12);

    // R3: target mode masses 0.25Φ(a) + 0.75Φ(−a); the far mixture is metastable for both samplers (its left mass
    // stays near the initial cloud's share that falls left of the saddle, far above the target's 0.25)
    for (const a of [2, 4]) expect(doc.r3.targetMassLeft[a]).toBeCloseTo(0.25 * normalCdf(a) + 0.75 * normalCdf(-a), 14);
    for (const row of doc.r3.rows.filter((r: { a: number }) => r.a === 4)) {
      expect(row.massLeft).toBeGreaterThan(0.35);
      expect(row.massLeft).toBeLessThan(0.55);
    }
  });

  it("rejects an unknown size", async () => {
    const io = capture();
    expect(await main(["sbtm", "--size", "huge", "--out", "s2"], io)).toBe(1);
    expect(io.err.join("")).toMatch(/--size must be 'tiny', 'ci' or 'full'; got 'huge'/);
  });
});
