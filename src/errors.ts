// One error type for every layer: a machine-readable code, a message a user can act on, and the HTTP
// status the server maps it to; and the tool failure the model is told about. A leaf module: every layer
// may import it.

export type ErrorCode =
  | "bad_request"
  | "invalid_argument"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unauthorized"
  | "forbidden"
  | "no_provider"
  | "provider_error"
  | "provider_timeout"
  | "cancelled"
  | "busy"
  | "unavailable"
  | "rate_limited"
  | "internal";

const statusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_argument: 422,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  no_provider: 400,
  provider_error: 502,
  provider_timeout: 504,
  cancelled: 409,
  busy: 409,
  // the database (or another service lmos needs) is unreachable for now: nothing was stored, try again
  unavailable: 503,
  rate_limited: 429,
  internal: 500,
};

/** An error with a code and a message that says what to do next. */
export class LmosError extends Error {
  override readonly name: string = "LmosError";
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = statusOf[code];
  }
  static is(e: unknown): e is LmosError {
    return e instanceof LmosError;
  }
}

/** Throws LmosError("not_found") unless the value is present. */
export function found<T>(value: T | null | undefined, what: string): T {
  if (value == null) throw new LmosError("not_found", `${what} not found`);
  return value;
}

/** A tool failure reported to the model as the tool's result; never crashes a run. Here rather than in
 * tools/ because memory and sources, below tools, throw it too. The same checks serve the library and REST
 * (a bad date in an archival search, a bad regex): there a ToolError is an invalid_argument LmosError, so it
 * reaches an HTTP client as a 422 with a code, never a 500. */
export class ToolError extends LmosError {
  override readonly name = "ToolError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("invalid_argument", message, options);
  }
}
