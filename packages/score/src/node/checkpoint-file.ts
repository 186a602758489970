import { open, readFile, rename, rm } from "node:fs/promises";
import { ParabolicError } from "@parabolic/core";
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from "../checkpoint.js";

let counter = 0;

/**
 * Writes a checkpoint atomically: the bytes go to a temporary file beside `path`, which is flushed to disk and
 * then renamed over `path`. A crash leaves either the old checkpoint or the new one, never a partial file.
 *
 * @example
 * ```ts
 * await writeCheckpointFile("runs/a/checkpoint.bin", checkpoint);
 * ```
 */
export async function writeCheckpointFile(path: string, checkpoint: Checkpoint): Promise<void> {
  const bytes = encodeCheckpoint(checkpoint);
  const temporary = `${path}.tmp-${process.pid}-${counter++}`;
  const handle = await open(temporary, "w");
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, path);
}

/**
 * Reads and verifies a checkpoint file.
 *
 * @throws ParabolicError `NOT_FOUND` if the file does not exist; `DATA_CORRUPT` if it is truncated or modified.
 * @example
 * ```ts
 * const checkpoint = await readCheckpointFile("runs/a/checkpoint.bin");
 * await train(net, objective, { ...options, resumeFrom: checkpoint });
 * ```
 */
export async function readCheckpointFile(path: string): Promise<Checkpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") {
      throw new ParabolicError("NOT_FOUND", `readCheckpointFile: no checkpoint at '${path}'.`, { path }, error);
    }
    throw error;
  }
  try {
    return decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    if (ParabolicError.is(error, "DATA_CORRUPT")) {
      throw new ParabolicError("DATA_CORRUPT", `readCheckpointFile: '${path}': ${error.message}`, { ...error.details, path }, error);
    }
    throw error;
  }
}

/**
 * A `checkpoint.write` callback for `train` that stores every checkpoint atomically at `path` (replacing the
 * previous one).
 *
 * @example
 * ```ts
 * await train(net, objective, { ...options, checkpoint: { every: 500, write: checkpointFileWriter("run/ckpt.bin") } });
 * ```
 */
export function checkpointFileWriter(path: string): (checkpoint: Checkpoint) => Promise<void> {
  return (checkpoint) => writeCheckpointFile(path, checkpoint);
}
