import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main, type CliIo } from "../main.js";

const tmp = mkdtempSync(join(tmpdir(), "parabolic-study-heat-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function capture(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: tmp, progress: false };
}

describe("parabolic-study heat", () => {
  it("writes JSON, markdown and plots, and the gradient form beats Tweedie on the same budget", async () => {
    const io = capture();
    const code = await main(["heat", "--points", "12", "--max-samples", "256", "--seed", "3", "--out", "h1", "--json"], io);
    expect(io.err.join("")).not.toMatch(/Error/);
    expect(code).toBe(0);
    const doc = JSON.parse(io.out[0]!);
    expect(doc.study).toBe("heat");
    expect(doc.config).toMatchObject({ seed: 3, points: 12, Ns: [16, 64, 256] });
    for (const f of ["heat.json", "heat.md", "heat-accuracy.svg", "heat-accuracy.png", "heat-bias.png", "heat-global.png"]) {
      expect(existsSync(join(tmp, "h1", f)), f).toBe(true);
    }
    expect(readFileSync(join(tmp, "h1", "heat.md"), "utf8")).toMatch(/## Accuracy vs N/);
    for (const g of doc.global) expect(g.heatBall.all).toBeLessThan(g.tweedie.all);
    // the gradient form is unbiased: its error at the largest N is below the first-moment plateau at r² = 8s
    const last = (method: string) => doc.accuracy.filter((r: { method: string; t: number; rFrac: number }) => r.method === method && r.t === 0.3 && r.rFrac === 8).at(-1).relRmse.all;
    expect(last("gradient")).toBeLessThan(last("first-moment"));
  });

  it("draws every mark of every plot (regression: bars on a log y axis rendered as empty panels)", async () => {
    const io = capture();
    expect(await main(["heat", "--points", "8", "--max-samples", "64", "--seed", "4", "--out", "h2"], io)).toBe(0);
    const svg = (name: string) => readFileSync(join(tmp, "h2", `${name}.svg`), "utf8");
    const count = (text: string, role: string) => text.split(`aria-roledescription="${role}"`).length - 1;
    // global: 2 times × 2 budgets × 3 splits × 2 estimators, each a dot with a stem of positive length
    const global = svg("heat-global");
    expect(count(global, "point")).toBe(24);
    const stems = [...global.matchAll(/aria-roledescription="rule mark" transform="translate\(([^,]+),([^)]+)\)" x2="0" y2="([^"]+)"/g)];
    expect(stems).toHaveLength(24);
    for (const [, x, y, length] of stems) {
      for (const v of [x, y, length]) expect(Number.isFinite(Number(v))).toBe(true);
      expect(Number(y)).toBeGreaterThanOrEqual(0);
      expect(Number(length)).toBeGreaterThan(0);
    }
    // accuracy: one line per (t, r², method, split) = 3·3·3·3; bias: 3 methods + 3 noise lines, 13 points
    expect(count(svg("heat-accuracy"), "line mark")).toBe(81);
    expect(count(svg("heat-bias"), "line mark")).toBe(6);
    expect(count(svg("heat-bias"), "point")).toBe(13);
  });
});
