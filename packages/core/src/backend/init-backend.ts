import { findBackendFactory, getBackend, ready, setBackend } from "@tensorflow/tfjs-core";
import { ParabolicError, describeValue, invalidArgument } from "../errors.js";
import { throwIfAborted } from "../progress.js";
import { installFastMatMulGradient } from "./fast-mat-mul-gradient.js";

/**
 * A TensorFlow.js backend {@link initBackend} can select: `"tensorflow"` (native, `@tensorflow/tfjs-node`),
 * `"wasm"` (`@tensorflow/tfjs-backend-wasm`, SIMD) or `"cpu"` (pure JavaScript).
 *
 * @example
 * ```ts
 * const prefer: BackendName = "wasm";
 * await initBackend({ prefer });
 * ```
 */
export type BackendName = "tensorflow" | "wasm" | "cpu";

/**
 * One backend {@link initBackend} tried and skipped, with the reason (e.g. the native addon is missing).
 *
 * @example
 * ```ts
 * const { fellBackFrom } = await initBackend();
 * for (const { name, reason } of fellBackFrom) console.error(`skipped ${name}: ${reason}`);
 * ```
 */
export type BackendFallback = Readonly<{ name: BackendName; reason: string }>;

/**
 * Options of {@link initBackend}.
 *
 * @example
 * ```ts
 * const options: InitBackendOptions = { prefer: "cpu", environment: {} };
 * ```
 */
export type InitBackendOptions = Readonly<{
  /**
   * Backend to try first; the others follow in the default order. The `PARABOLIC_BACKEND` environment variable
   * overrides it.
   *
   * @defaultValue the default order `tensorflow`, `wasm`, `cpu`
   */
  prefer?: BackendName;
  /** Aborts between attempts (`ABORTED`). */
  signal?: AbortSignal;
  /**
   * Where `PARABOLIC_BACKEND` is read from; pass `{}` to ignore the environment.
   *
   * @defaultValue `process.env` in Node, `{}` elsewhere
   */
  environment?: Readonly<Record<string, string | undefined>>;
}>;

/**
 * What {@link initBackend} selected, and which backends it skipped on the way.
 *
 * @example
 * ```ts
 * const result: InitBackendResult = await initBackend();
 * console.error(`backend ${result.name}`);
 * ```
 */
export type InitBackendResult = Readonly<{ name: BackendName; fellBackFrom: readonly BackendFallback[] }>;

const DEFAULT_ORDER: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];
const ENV_VARIABLE = "PARABOLIC_BACKEND";
/** A variable, so that neither TypeScript nor bundlers try to resolve the optional native package. */
const NATIVE_PACKAGE = "@tensorflow/tfjs-node";

function isBackendName(value: unknown): value is BackendName {
  return value === "tensorflow" || value === "wasm" || value === "cpu";
}

function isNode(): boolean {
  return typeof process !== "undefined" && typeof process.versions?.node === "string";
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 240 ? `${line.slice(0, 237)}...` : line;
}

function defaultEnvironment(): Readonly<Record<string, string | undefined>> {
  return isNode() ? process.env : {};
}

/** Resolves the preference: `PARABOLIC_BACKEND` (if set and non-empty) overrides `prefer`. */
function resolvePreference(options: InitBackendOptions): BackendName | undefined {
  const fromEnvironment = (options.environment ?? defaultEnvironment())[ENV_VARIABLE]?.trim();
  if (fromEnvironment !== undefined && fromEnvironment !== "") {
    if (!isBackendName(fromEnvironment)) {
      throw new ParabolicError(
        "INVALID_ARGUMENT",
        `initBackend: environment variable '${ENV_VARIABLE}' must be one of "tensorflow", "wasm", "cpu"; got ${describeValue(fromEnvironment)}.`,
        { function: "initBackend", argument: ENV_VARIABLE, value: fromEnvironment },
      );
    }
    return fromEnvironment;
  }
  if (options.prefer !== undefined && !isBackendName(options.prefer)) {
    throw invalidArgument("initBackend", "prefer", 'be one of "tensorflow", "wasm", "cpu"', options.prefer);
  }
  return options.prefer;
}

/** Loads what a backend needs and makes it active; returns a reason string when it is unavailable. */
async function tryBackend(name: BackendName): Promise<string | undefined> {
  if (name === "tensorflow") {
    if (!isNode()) return "not running in Node.js";
    if (findBackendFactory("tensorflow") === null) {
      try {
        await import(/* @vite-ignore */ NATIVE_PACKAGE);
      } catch (error) {
        return `import('${NATIVE_PACKAGE}') failed: ${firstLine(error)}`;
      }
      if (findBackendFactory("tensorflow") === null) return `'${NATIVE_PACKAGE}' loaded but registered no backend`;
    }
  } else if (name === "wasm" && findBackendFactory("wasm") === null) {
    try {
      await import("@tensorflow/tfjs-backend-wasm");
    } catch (error) {
      return `import('@tensorflow/tfjs-backend-wasm') failed: ${firstLine(error)}`;
    }
  }
  let ok: boolean;
  try {
    ok = await setBackend(name);
    if (ok) await ready();
  } catch (error) {
    return `setBackend('${name}') threw: ${firstLine(error)}`;
  }
  if (!ok || getBackend() !== name) return `setBackend('${name}') failed to initialise the backend`;
  if (name === "wasm") installFastMatMulGradient();
  return undefined;
}

/**
 * Selects the fastest TensorFlow.js backend that works here: `tensorflow` (tfjs-node, an optional dependency),
 * then `wasm` (with the BatchMatMul gradient fix), then `cpu`; reports which one it got and why it skipped the
 * others.
 *
 * @remarks
 * Call it once at application (or test) start-up, before building models. It loads `@tensorflow/tfjs` (which
 * registers the gradients and the `cpu` backend) and, when tried, `@tensorflow/tfjs-backend-wasm` and
 * `@tensorflow/tfjs-node`; nothing happens at import time. A missing or broken tfjs-node (no native addon: the
 * usual case offline) is skipped cleanly. On `wasm` it calls {@link installFastMatMulGradient}. In Node the wasm
 * binaries load from `node_modules`; in a browser the bundler must serve them (see `setWasmPaths`). The
 * environment variable `PARABOLIC_BACKEND` (`tensorflow`, `wasm` or `cpu`) overrides `prefer`; a preferred
 * backend that fails falls back to the others in the default order.
 *
 * @returns The selected backend and the skipped ones with reasons (`fellBackFrom`, in the order tried).
 * @throws `INVALID_ARGUMENT` for an unknown `prefer` or `PARABOLIC_BACKEND`; `ABORTED` when `signal` aborts;
 *   `UNSUPPORTED` when `@tensorflow/tfjs` is not installed or no backend initialises.
 * @example
 * ```ts
 * import { initBackend } from "@parabolic/core/backend";
 *
 * const { name, fellBackFrom } = await initBackend();
 * // here: name === "wasm", fellBackFrom[0].name === "tensorflow" (the native addon is missing)
 * console.error(`TensorFlow.js backend: ${name}`);
 * ```
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<InitBackendResult> {
  const preferred = resolvePreference(options);
  throwIfAborted(options.signal, "initBackend");
  try {
    await import("@tensorflow/tfjs");
  } catch (error) {
    throw new ParabolicError(
      "UNSUPPORTED",
      `initBackend: '@tensorflow/tfjs' 4.22 must be installed (it registers the gradients); import failed: ${firstLine(error)}.`,
      { function: "initBackend" },
      error,
    );
  }
  const order = preferred === undefined ? DEFAULT_ORDER : [preferred, ...DEFAULT_ORDER.filter((n) => n !== preferred)];
  const fellBackFrom: BackendFallback[] = [];
  for (const name of order) {
    throwIfAborted(options.signal, "initBackend");
    const reason = await tryBackend(name);
    if (reason === undefined) return { name, fellBackFrom };
    fellBackFrom.push({ name, reason });
  }
  throw new ParabolicError(
    "UNSUPPORTED",
    `initBackend: no TensorFlow.js backend could be initialised; tried ${fellBackFrom.map((f) => `${f.name} (${f.reason})`).join(", ")}.`,
    { function: "initBackend", fellBackFrom },
  );
}
