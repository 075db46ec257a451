/**
 * The one place that maps errors to HTTP statuses (after denoland/saaskit's
 * `toErrorStatus()`): a route throws what went wrong, and every catch that answers (the app,
 * the triggers, the read API, the explorer) asks {@linkcode toErrorStatus} which status that
 * is. A status below 500 is the caller's to fix and its message is theirs to read; 500 and
 * 503 messages stay in the log (driver errors name hosts).
 *
 * @example
 * ```ts
 * import { BadRequest, toErrorStatus } from "./errors.ts";
 * toErrorStatus(new BadRequest("limit", "limit must be an integer from 1 to 100.")); // 400
 * toErrorStatus(new Error("boom")); // 500
 * ```
 * @module
 */
import { isDatabaseUnavailable } from "../db/unavailable.ts";

/** An error that carries the HTTP status it is answered with. */
export class HttpError extends Error {
  /** The HTTP status of the answer. */
  readonly status: number;
  constructor(status: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "HttpError";
    this.status = status;
  }
}

/** A request the caller must change (a bad or unknown parameter): `400`. */
export class BadRequest extends HttpError {
  /** The parameter at fault; `null` when the fault is not one parameter's. */
  readonly parameter: string | null;
  constructor(parameter: string | null, message: string) {
    super(400, message);
    this.name = "BadRequest";
    this.parameter = parameter;
  }
}

/** The database is not open yet (start-up) or could not be opened in time: `503`. */
export class NotReady extends HttpError {
  constructor(options?: ErrorOptions) {
    super(503, "The database is not ready yet.", options);
    this.name = "NotReady";
  }
}

/**
 * The HTTP status an error is answered with: its own for an {@linkcode HttpError}, `503`
 * when MongoDB is unreachable (try again later), else `500`.
 *
 * @example
 * ```ts
 * import { NotReady, toErrorStatus } from "./errors.ts";
 * toErrorStatus(new NotReady()); // 503
 * ```
 */
export function toErrorStatus(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  if (isDatabaseUnavailable(error)) return 503;
  return 500;
}
