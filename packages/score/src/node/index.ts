/**
 * `@parabolic/score/node`: Node-only helpers (atomic checkpoint files). The main entry stays browser-safe.
 *
 * @packageDocumentation
 */
export { writeCheckpointFile, readCheckpointFile, checkpointFileWriter } from "./checkpoint-file.js";
