import { parseArgs } from "node:util";
import type { StudyDescriptor, StudyOption, StudyOptionValues } from "./study.js";

/** A command-line usage error: printed with the usage line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Options every study accepts. */
export type CommonOptions = {
  readonly out: string | undefined;
  readonly json: boolean;
  readonly progress: boolean;
  readonly help: boolean;
};

function parseInteger(study: string, option: StudyOption, raw: string): number {
  const text = raw.trim();
  if (!/^[+-]?\d+$/.test(text)) throw new UsageError(`${study}: --${option.name} must be an integer; got '${raw}'.`);
  const v = Number(text);
  if (!Number.isSafeInteger(v)) throw new UsageError(`${study}: --${option.name} is out of range; got '${raw}'.`);
  const min = option.min ?? (option.kind === "integer" ? Number.MIN_SAFE_INTEGER : 1);
  const max = option.max ?? Number.MAX_SAFE_INTEGER;
  if (v < min || v > max) {
    throw new UsageError(`${study}: --${option.name} must be an integer in [${min}, ${max}]; got ${v}.`);
  }
  return v;
}

function parseValue(study: string, option: StudyOption, raw: string): number | string | readonly number[] {
  switch (option.kind) {
    case "string":
      return raw;
    case "integer":
    case "positive-integer":
      return parseInteger(study, option, raw);
    case "positive-integer-list": {
      const parts = raw.split(",").map((p) => p.trim());
      if (parts.length === 0 || parts.some((p) => p === "")) {
        throw new UsageError(`${study}: --${option.name} must be a comma-separated list of integers; got '${raw}'.`);
      }
      const values = parts.map((p) => parseInteger(study, option, p));
      if (new Set(values).size !== values.length) {
        throw new UsageError(`${study}: --${option.name} must not repeat a value; got '${raw}'.`);
      }
      return values;
    }
  }
}

/** Parses `argv` (after the subcommand) for `study`; throws {@link UsageError} with a clear message. */
export function parseStudyArgs(study: StudyDescriptor, argv: readonly string[]): { common: CommonOptions; values: StudyOptionValues } {
  const spec: Record<string, { type: "string" | "boolean" }> = {
    out: { type: "string" },
    json: { type: "boolean" },
    "no-progress": { type: "boolean" },
    help: { type: "boolean" },
  };
  for (const o of study.options) spec[o.name] = { type: "string" };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: spec, strict: true, allowPositionals: false });
  } catch (e) {
    const message = e instanceof Error ? e.message.replace(/\. To specify a positional argument.*$/s, ".") : String(e);
    throw new UsageError(`${study.name}: ${message}`);
  }
  const raw = parsed.values as Record<string, string | boolean | undefined>;
  const values: Record<string, number | string | readonly number[]> = {};
  for (const o of study.options) {
    const r = raw[o.name];
    values[o.name] = typeof r === "string" ? parseValue(study.name, o, r) : o.default;
  }
  const out = raw.out;
  if (out === "") throw new UsageError(`${study.name}: --out must be a directory path; got ''.`);
  return {
    common: {
      out: typeof out === "string" ? out : undefined,
      json: raw.json === true,
      progress: raw["no-progress"] !== true,
      help: raw.help === true,
    },
    values,
  };
}

/** `--help` text of one study. */
export function studyHelp(bin: string, study: StudyDescriptor): string {
  const lines = [`Usage: ${bin} ${study.name} [options]`, "", study.summary, "", "Options:"];
  const row = (flag: string, text: string): string => `  ${flag.padEnd(28)}${text}`;
  for (const o of study.options) {
    const def = Array.isArray(o.default) ? o.default.join(",") : String(o.default);
    const arg = o.kind === "positive-integer-list" ? "<n,n,…>" : o.kind === "string" ? "<text>" : "<n>";
    lines.push(row(`--${o.name} ${arg}`, `${o.description} (default ${def})`));
  }
  lines.push(row("--out <dir>", `output directory (default out/${study.name})`));
  lines.push(row("--json", "print the JSON document to stdout (and nothing else)"));
  lines.push(row("--no-progress", "no progress bar on stderr"));
  lines.push(row("--help", "this help"));
  return lines.join("\n");
}
