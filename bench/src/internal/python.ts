/**
 * Runs a NumPy / PyTorch side-by-side script with Debian's /usr/bin/python3 on one thread and collects the JSON
 * lines it prints. Resolves to the records, or to a reason string when the comparison must be skipped (no python,
 * no numpy/torch — the script prints `{"skipped": …}` — or a non-zero exit).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PYTHON = "/usr/bin/python3";
const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), "../..");
const OPENBLAS = join(BENCH_DIR, ".openblas/usr/lib/x86_64-linux-gnu/openblas-pthread");

export type PythonRecord = Record<string, unknown>;

/** `script` is relative to bench/ (e.g. "numpy/kappa.py"); `openblas` points the loader at bench/.openblas. */
export function runPythonBench(
  script: string,
  args: readonly string[],
  options: Readonly<{ openblas?: boolean }> = {},
): Promise<PythonRecord[] | string> {
  if (!existsSync(PYTHON)) return Promise.resolve(`${PYTHON} not found`);
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", OMP_WAIT_POLICY: "PASSIVE" };
  if (options.openblas) {
    if (existsSync(OPENBLAS)) env["LD_LIBRARY_PATH"] = [OPENBLAS, process.env["LD_LIBRARY_PATH"]].filter(Boolean).join(":");
    else console.error(`${script}: bench/.openblas missing (run bench/torch/setup-openblas.sh); using the system BLAS`);
  }
  return new Promise((resolve) => {
    const child = spawn(PYTHON, [join(BENCH_DIR, script), ...args], { env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.on("error", (error) => resolve(`could not start ${PYTHON}: ${error.message}`));
    child.on("close", (code) => {
      let records: PythonRecord[];
      try {
        records = out
          .split("\n")
          .filter((line) => line.trim().startsWith("{"))
          .map((line) => JSON.parse(line) as PythonRecord);
      } catch (error) {
        resolve(`${script} printed malformed JSON: ${(error as Error).message}`);
        return;
      }
      const skipped = records.find((r) => "skipped" in r);
      if (skipped) resolve(String(skipped["skipped"]));
      else if (code !== 0 || records.length === 0) resolve(`${script} exited with code ${code}`);
      else resolve(records);
    });
  });
}
