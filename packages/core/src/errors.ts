/**
 * Coded errors shared by every Parabolic package.
 *
 * @packageDocumentation
 */

const BRAND = Symbol.for("@parabolic/error");

/**
 * Machine-readable error codes.
 *
 * @example
 * ```ts
 * const code: ErrorCode = "NOT_CONVERGED";
 * if (ParabolicError.is(e, code)) retryWithMoreIterations();
 * ```
 */
export type ErrorCode =
  | "INVALID_ARGUMENT"
  | "SHAPE_MISMATCH"
  | "NON_FINITE"
  | "NOT_CONVERGED"
  | "DATA_CORRUPT"
  | "NOT_FOUND"
  | "UNSUPPORTED"
  | "ABORTED";

/**
 * The one error class of Parabolic: a code, a message in the style `fn: 'arg' must …; got …`, and structured
 * details (at least the offending argument and value where there is one).
 *
 * @remarks Use {@link ParabolicError.is} rather than `instanceof`: it works across duplicated package copies
 * because it checks a global symbol brand.
 *
 * @example
 * ```ts
 * try { key(Number.NaN); } catch (e) {
 *   if (ParabolicError.is(e, "INVALID_ARGUMENT")) console.log(e.details.argument); // "seed"
 * }
 * ```
 */
export class ParabolicError extends Error {
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Readonly<Record<string, unknown>> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "ParabolicError";
    this.code = code;
    this.details = details;
  }

  /** Brand check that works across package copies; optionally also checks the code. */
  static is(value: unknown, code?: ErrorCode): value is ParabolicError {
    return (
      typeof value === "object" &&
      value !== null &&
      BRAND in value &&
      (code === undefined || (value as { code?: unknown }).code === code)
    );
  }
}

/**
 * Renders a received value for an error message (short, never throws).
 *
 * @example
 * ```ts
 * describeValue(new Float64Array(3)); // "Float64Array(length 3)"
 * describeValue(-0);                  // "-0"
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || value === undefined || typeof value === "boolean") return String(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(length ${(value as unknown as ArrayLike<unknown>).length})`;
  if (Array.isArray(value)) return `array(length ${value.length})`;
  if (typeof value === "function") return "function";
  return typeof value;
}

/**
 * Builds an `INVALID_ARGUMENT` error in the house message style.
 *
 * @example
 * ```ts
 * throw invalidArgument("sampleKappa", "dim", "be a positive integer", 0);
 * // sampleKappa: 'dim' must be a positive integer; got 0.
 * ```
 */
export function invalidArgument(fn: string, argument: string, must: string, value: unknown): ParabolicError {
  return new ParabolicError("INVALID_ARGUMENT", `${fn}: '${argument}' must ${must}; got ${describeValue(value)}.`, {
    function: fn,
    argument,
    value,
  });
}
