import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { ParabolicError } from "@parabolic/core";
import { parseStudyArgs, studyHelp, UsageError } from "./args.js";
import { createProgressBar } from "./progress.js";
import type { StudyDescriptor } from "./study.js";
import { STUDIES } from "./studies/index.js";

export const BIN = "parabolic-study";

/** Where the CLI writes: injectable so tests can capture output without spawning a process. */
export type CliIo = {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  /** Show a progress bar (only rendered when stderr is a TTY). */
  readonly progress: boolean;
};

export function usage(studies: readonly StudyDescriptor[] = STUDIES): string {
  const width = Math.max(...studies.map((s) => s.name.length)) + 2;
  return [
    `Usage: ${BIN} <study> [options]        (${BIN} <study> --help for the study's options)`,
    "",
    "Studies:",
    ...studies.map((s) => `  ${s.name.padEnd(width)}${s.summary}`),
  ].join("\n");
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code: 0 success, 1 runtime error,
 * 2 usage error. stdout receives only the result (the JSON document with `--json`); logs and progress go to stderr.
 */
export async function main(argv: readonly string[], io: CliIo, studies: readonly StudyDescriptor[] = STUDIES): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? io.stderr : io.stdout)(`${usage(studies)}\n`);
    return name === undefined ? 2 : 0;
  }
  const study = studies.find((s) => s.name === name);
  if (study === undefined) {
    io.stderr(`${BIN}: unknown study '${name}'. Known studies: ${studies.map((s) => s.name).join(", ")}.\n\n${usage(studies)}\n`);
    return 2;
  }
  let parsed: ReturnType<typeof parseStudyArgs>;
  try {
    parsed = parseStudyArgs(study, rest);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${BIN} ${e.message}\nRun '${BIN} ${study.name} --help' for the options.\n`);
      return 2;
    }
    throw e;
  }
  if (parsed.common.help) {
    io.stdout(`${studyHelp(BIN, study)}\n`);
    return 0;
  }
  const outDir = resolve(io.cwd, parsed.common.out ?? `out/${study.name}`);
  const bar = createProgressBar(io.progress && parsed.common.progress);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort(new Error("interrupted (SIGINT)"));
  process.once("SIGINT", onSigint);
  try {
    await mkdir(outDir, { recursive: true });
    const result = await study.run(parsed.values, {
      outDir,
      onProgress: bar.onProgress,
      log: (line) => {
        if (!bar.active()) io.stderr(`${line}\n`);
      },
      signal: controller.signal,
    });
    bar.stop();
    if (parsed.common.json) io.stdout(`${JSON.stringify(result.json)}\n`);
    else io.stdout(`${result.summary}\nFiles in ${outDir}: ${result.files.join(", ")}\n`);
    io.stderr(`${BIN} ${study.name}: wrote ${result.files.length} files to ${outDir}\n`);
    return 0;
  } catch (e) {
    bar.stop();
    const message = ParabolicError.is(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    io.stderr(`${BIN} ${study.name}: ${message}\n`);
    return 1;
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}
