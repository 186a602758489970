import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { kappaConstants } from "@parabolic/kappa";
import { afterAll, describe, expect, it } from "vitest";
import { main, type CliIo } from "./main.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../../..");
const tmp = mkdtempSync(join(tmpdir(), "parabolic-study-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function capture(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: tmp, progress: false };
}

describe("parabolic-study CLI (in process)", () => {
  it("kappa --json writes the files and prints only the JSON document on stdout", async () => {
    const io = capture();
    const code = await main(["kappa", "--samples", "300", "--dims", "1,3", "--seed", "5", "--out", "run1", "--json"], io);
    expect(io.err.join("")).not.toMatch(/Error/);
    expect(code).toBe(0);
    expect(io.out).toHaveLength(1);
    const doc = JSON.parse(io.out[0]!);
    expect(doc.study).toBe("kappa");
    expect(doc.config).toMatchObject({ dims: [1, 3], samples: 300, seed: 5 });
    expect(doc.dims).toHaveLength(2);
    expect(doc.dims[1].laws.map((l: { id: string }) => l.id)).toContain("twoW");
    // The numbers are the study's, not placeholders: closed forms match kappaConstants, the seeded KS tests pass
    // (Bonferroni over all of them, 1 %), MC moments sit within 4 SE, constants agree with quadrature to 1e-6.
    type Mass = { massQuadrature: number; massClosedForm: number };
    type DimJson = { dim: number; laws: { exact: boolean }[]; moments: Record<"meanSigma" | "m2", { exact: number; z: number }>; nu: Mass; drift: Mass };
    for (const r of doc.dims as DimJson[]) {
      const c = kappaConstants(r.dim);
      expect(r.moments.meanSigma.exact).toBe(c.meanSigma);
      expect(r.moments.m2.exact).toBe(c.m2);
      expect(r.laws.filter((l) => l.exact)).toHaveLength(5);
      for (const m of [r.moments.meanSigma, r.moments.m2]) expect(Math.abs(m.z)).toBeLessThan(4);
      expect(r.nu.massQuadrature / r.nu.massClosedForm).toBeCloseTo(1, 6);
      expect(r.drift.massQuadrature / r.drift.massClosedForm).toBeCloseTo(1, 6);
    }
    expect(doc.summary.tests).toBe(2 * (1 + 5 + 4));
    expect(doc.summary.bonferroniPass).toBe(true);
    for (const c of doc.constants as { maxRelativeDifference: number }[]) expect(c.maxRelativeDifference).toBeLessThan(1e-6);
    const dir = join(tmp, "run1");
    for (const f of ["kappa.json", "kappa.md", "kappa-laws.svg", "kappa-laws.png", "kappa-concentration.svg", "kappa-concentration.png", "kappa-measures.svg", "kappa-measures.png"]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(dir, "kappa.json"), "utf8")).dims[0].dim).toBe(1);
    expect(readFileSync(join(dir, "kappa-laws.png")).subarray(1, 4).toString()).toBe("PNG");
    expect(readFileSync(join(dir, "kappa-laws.svg"), "utf8")).toMatch(/^<svg/);
    expect(readFileSync(join(dir, "kappa.md"), "utf8")).toMatch(/## Exact laws of κ/);
  });

  it("is reproducible: the same seed gives the same numbers", async () => {
    const a = capture();
    const b = capture();
    await main(["kappa", "--samples", "100", "--dims", "2", "--out", "r2a", "--json"], a);
    await main(["kappa", "--samples", "100", "--dims", "2", "--out", "r2b", "--json"], b);
    const strip = (s: string) => {
      const d = JSON.parse(s);
      return d.dims.map((r: { laws: unknown; moments: unknown }) => [r.laws, r.moments]);
    };
    expect(strip(b.out[0]!)).toEqual(strip(a.out[0]!));
  });

  it.each([
    [["kappa", "--samples", "abc"], /--samples must be an integer; got 'abc'/],
    [["kappa", "--samples", "0"], /--samples must be an integer in \[10, 10000000\]; got 0/],
    [["kappa", "--dims", "1,70000"], /--dims must be an integer in \[1, 65536\]; got 70000/],
    [["kappa", "--dims", "1,,2"], /--dims must be a comma-separated list of integers/],
    [["kappa", "--bogus"], /Unknown option '--bogus'/],
    [["kappa", "--samples"], /--samples/],
    [["nope"], /unknown study 'nope'/],
    [[], /Usage: parabolic-study <study>/],
  ])("%j → exit 2 with a clear message on stderr", async (argv, message) => {
    const io = capture();
    expect(await main(argv, io)).toBe(2);
    expect(io.err.join("")).toMatch(message);
    expect(io.out.join("")).toBe("");
  });

  it("--help lists the study's options", async () => {
    const io = capture();
    expect(await main(["kappa", "--help"], io)).toBe(0);
    expect(io.out.join("")).toMatch(/--dims <n,n,…>.*default 1,2,16,256,4096/);
  });
});

describe("parabolic-study CLI (real process)", () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, ["--conditions=@parabolic/source", "--import", "tsx", join(here, "cli.ts"), ...args], {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: 120_000,
    });

  it("exits 0 and stdout parses as JSON with --json", () => {
    const r = run(["kappa", "--samples", "100", "--dims", "2", "--out", join(tmp, "spawned"), "--json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).study).toBe("kappa");
  });

  it("exits 2 on a bad flag", () => {
    const r = run(["kappa", "--dims", "x"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--dims must be an integer; got 'x'/);
    expect(r.stdout).toBe("");
  });
});
