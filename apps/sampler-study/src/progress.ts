import type { ProgressCallback, ProgressEvent } from "@parabolic/core";
import cliProgress from "cli-progress";

/** A progress sink for the CLI: a `cli-progress` bar on stderr, or nothing. */
export type ProgressBar = {
  readonly onProgress: ProgressCallback;
  readonly stop: () => void;
  /** Whether the bar is drawing (then log lines would garble it). */
  readonly active: () => boolean;
};

/**
 * A single bar on stderr that follows {@link ProgressEvent}s (the label becomes the bar's prefix; a new label or
 * total restarts the bar). Renders only when enabled and stderr is a TTY, so logs and pipes stay clean.
 */
export function createProgressBar(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!enabled || !stream.isTTY) return { onProgress: () => {}, stop: () => {}, active: () => false };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: "{label} |{bar}| {percentage}% | {value}/{total} | {detail}",
      barCompleteChar: "█",
      barIncompleteChar: "░",
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let label = "";
  let total = 0;
  const onProgress = (e: ProgressEvent): void => {
    const detail =
      e.detail === undefined
        ? ""
        : Object.entries(e.detail)
            .map(([k, v]) => `${k} ${v}`)
            .join(", ");
    if (!started || e.label !== label || e.total !== total) {
      if (started) bar.stop();
      bar.start(e.total, e.completed, { label: e.label.padEnd(22), detail });
      started = true;
      label = e.label;
      total = e.total;
    } else {
      bar.update(e.completed, { detail });
    }
  };
  return {
    onProgress,
    active: () => started,
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}
