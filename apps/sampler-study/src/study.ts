import type { ProgressCallback } from "@parabolic/core";

/** One command-line option of a study (besides the common `--out`, `--json`, `--no-progress`, `--help`). */
export type StudyOption = {
  /** Long flag name without dashes, e.g. `"samples"`. */
  readonly name: string;
  /** How the value is parsed and validated. */
  readonly kind: "positive-integer" | "integer" | "positive-integer-list" | "string";
  /** Default value (already parsed). */
  readonly default: number | string | readonly number[];
  /** One-line help text. */
  readonly description: string;
  /** Optional bounds for integers and list entries. */
  readonly min?: number;
  readonly max?: number;
};

/** Parsed option values, by option name. */
export type StudyOptionValues = Readonly<Record<string, number | string | readonly number[]>>;

/** What a study gets from the CLI. */
export type StudyContext = {
  /** Directory the study writes its files into (created by the CLI). */
  readonly outDir: string;
  /** Progress events (rendered as a bar on stderr); call often, it is throttled. */
  readonly onProgress: ProgressCallback;
  /** Human-readable log line to stderr (never stdout). */
  readonly log: (line: string) => void;
  /** Aborted on SIGINT. */
  readonly signal: AbortSignal;
};

/** What a study returns: the JSON document (also written to a file by the study) and a human summary. */
export type StudyResult = {
  readonly json: unknown;
  /** Markdown printed to stdout when `--json` is not given. */
  readonly summary: string;
  /** Files written, relative to `outDir`. */
  readonly files: readonly string[];
};

/**
 * A study: the unit the `parabolic-study` CLI dispatches to. Add a study by creating `src/studies/<name>.ts`
 * exporting one of these and listing it in `src/studies/index.ts`.
 */
export type StudyDescriptor = {
  /** Subcommand name, e.g. `"kappa"`. */
  readonly name: string;
  /** One-line description for `--help`. */
  readonly summary: string;
  /** Study-specific options. */
  readonly options: readonly StudyOption[];
  /** Runs the study with validated options. */
  readonly run: (options: StudyOptionValues, context: StudyContext) => Promise<StudyResult>;
};
