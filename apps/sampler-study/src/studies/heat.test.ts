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
});
