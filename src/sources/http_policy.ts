/**
 * How a source talks HTTP, the same for both APIs: the shared request budget, a timeout on
 * every request, retries with backoff and jitter, `Retry-After`, and the run's deadline.
 *
 * - Retried: 429, CF's HTTP 403 *HTML* page ("rate limit may have been exceeded"), 5xx,
 *   network errors, timeouts. Any other status fails at once with its status and an excerpt.
 * - Waits: `Retry-After` (seconds or HTTP date) when present; after throttling without it,
 *   `throttleWaitMs` doubling per throttled attempt (capped at 8×); after 5xx, network errors
 *   and timeouts, `retryBaseMs` doubling per attempt (capped at 5 min). Jitter on both, so
 *   processes that were throttled together do not come back together.
 * - A throttling answer pauses the shared budget, so concurrent callers wait too.
 * - No wait starts that would end after the deadline: the answer is `out-of-time` and the
 *   engine resumes from the same position later. A request's timeout is cut to the time left.
 * - Waits use the injected clock; a request's own timeout is real time (it bounds a real
 *   socket), so tests with a virtual clock still see slow responses time out.
 *
 * @example
 * ```ts
 * import { HttpPolicy, newCost } from "./http_policy.ts";
 * const policy = new HttpPolicy({ source: "fts", fetch, clock: systemClock, budget,
 *   timeoutMs: 30_000, maxAttempts: 5, throttleWaitMs: 30_000, retryBaseMs: 1_000 });
 * const cost = newCost();
 * const answer = await policy.get(new URL("https://example.org/x"), Date.now() + 60_000, cost);
 * if (answer.kind === "ok") console.log(answer.body.length, cost.requests);
 * ```
 * @module
 */
import type { Clock } from "../clock.ts";
import type { SourceId } from "../config.ts";
import { getLog } from "../log.ts";
import type { RequestBudget } from "./request_budget.ts";
import type { PageCost, Position } from "./source.ts";
import { SourceError, type SourceErrorKind } from "./source_error.ts";

/** What a page has cost so far; the policy adds to it as it goes. */
export interface CostMeter {
  requests: number;
  retries: number;
  waitedMs: number;
  bytes: number;
}

/**
 * A zeroed {@linkcode CostMeter}.
 *
 * @example
 * ```ts
 * const cost = newCost(); // { requests: 0, retries: 0, waitedMs: 0, bytes: 0 }
 * ```
 */
export function newCost(): CostMeter {
  return { requests: 0, retries: 0, waitedMs: 0, bytes: 0 };
}

/**
 * A frozen copy of a meter, as a page reports it.
 *
 * @example
 * ```ts
 * const cost: PageCost = freezeCost(newCost());
 * ```
 */
export function freezeCost(meter: CostMeter): PageCost {
  return Object.freeze({ ...meter });
}

/** Settings and dependencies of an {@linkcode HttpPolicy}. */
export interface HttpPolicyOptions {
  readonly source: SourceId;
  readonly fetch: typeof fetch;
  readonly clock: Clock;
  readonly budget: RequestBudget;
  readonly timeoutMs: number;
  /** Attempts per request, the first included. */
  readonly maxAttempts: number;
  readonly throttleWaitMs: number;
  readonly retryBaseMs: number;
  /** `[0, 1)`; `Math.random` by default. Tests pin it. */
  readonly random?: () => number;
}

/** The answer of {@linkcode HttpPolicy.get}. */
export type HttpAnswer =
  | { readonly kind: "ok"; readonly status: number; readonly body: Uint8Array }
  | { readonly kind: "out-of-time" };

type Attempt =
  | { kind: "response"; status: number; headers: Headers; body: Uint8Array }
  | { kind: "timeout" }
  | { kind: "network"; message: string };

const MAX_BACKOFF_MS = 300_000;
const MAX_THROTTLE_FACTOR = 8;
const EXCERPT_CHARS = 200;

const log = getLog("sources");

/** Sends GET requests for one source under its budget, retry and deadline rules. */
export class HttpPolicy {
  readonly #o: HttpPolicyOptions;
  readonly #random: () => number;

  constructor(options: HttpPolicyOptions) {
    this.#o = options;
    this.#random = options.random ?? Math.random;
  }

  /**
   * GETs `url` until a 2xx answer, a failure that retrying cannot fix (throws a
   * {@linkcode SourceError}), no attempts left (throws), or the deadline (`out-of-time`).
   * `position` only labels errors.
   */
  async get(
    url: URL,
    deadline: number,
    cost: CostMeter,
    position?: Position,
  ): Promise<HttpAnswer> {
    const { clock, budget, source } = this.#o;
    let throttled = 0;
    for (let attempt = 1;; attempt++) {
      const slot = budget.reserve(deadline);
      if (slot === null) return { kind: "out-of-time" };
      if (slot > clock.now()) {
        const wait = slot - clock.now();
        await clock.sleep(wait);
        cost.waitedMs += wait;
      }
      const left = deadline - clock.now();
      if (left <= 0) return { kind: "out-of-time" };
      const timeoutMs = Math.min(this.#o.timeoutMs, left);
      cost.requests++;
      if (attempt > 1) cost.retries++;
      const result = await this.#send(url, timeoutMs);
      if (result.kind === "response") cost.bytes += result.body.byteLength;

      let failure: { kind: SourceErrorKind; detail: string; status?: number; waitMs: number };
      if (result.kind === "timeout") {
        // cut short by the deadline rather than by the request timeout: out of time, not slow
        if (timeoutMs < this.#o.timeoutMs) return { kind: "out-of-time" };
        failure = {
          kind: "timeout",
          detail: `no answer within ${timeoutMs} ms`,
          waitMs: this.#backoff(attempt),
        };
      } else if (result.kind === "network") {
        failure = {
          kind: "network",
          detail: `connection failed (${result.message})`,
          waitMs: this.#backoff(attempt),
        };
      } else if (result.status >= 200 && result.status < 300) {
        return { kind: "ok", status: result.status, body: result.body };
      } else if (isThrottling(result)) {
        throttled++;
        const after = retryAfterMs(result.headers, clock.now());
        const waitMs = after ??
          Math.min(2 ** (throttled - 1), MAX_THROTTLE_FACTOR) * this.#o.throttleWaitMs *
            (1 + 0.2 * this.#random());
        failure = {
          kind: "throttled",
          status: result.status,
          detail: `throttled (HTTP ${result.status}, ${
            after === null ? "no Retry-After" : `Retry-After ${Math.round(after / 1000)} s`
          })`,
          waitMs,
        };
        budget.pauseUntil(clock.now() + waitMs);
      } else if (result.status >= 500) {
        failure = {
          kind: "http",
          status: result.status,
          detail: `HTTP ${result.status}: ${excerpt(result.body)}`,
          waitMs: retryAfterMs(result.headers, clock.now()) ?? this.#backoff(attempt),
        };
      } else {
        throw new SourceError({
          kind: "http",
          source,
          status: result.status,
          position,
          detail: `GET ${url.pathname} answered HTTP ${result.status}: ${excerpt(result.body)}`,
          next: "retrying will not help: check the request (the next run tries again)",
        });
      }

      if (attempt >= this.#o.maxAttempts) {
        throw new SourceError({
          kind: failure.kind,
          source,
          status: failure.status,
          position,
          detail: `GET ${url.pathname} failed ${attempt} times, last: ${failure.detail}`,
        });
      }
      const waitMs = Math.max(0, Math.round(failure.waitMs));
      if (clock.now() + waitMs > deadline) {
        log.info("{source}: {detail}; a {waitMs} ms wait would pass the deadline", {
          source,
          detail: failure.detail,
          waitMs,
        });
        return { kind: "out-of-time" };
      }
      log.warn(
        "{source}: {detail}; attempt {attempt} of {max}, retrying in {waitMs} ms",
        { source, detail: failure.detail, attempt, max: this.#o.maxAttempts, waitMs },
      );
      await clock.sleep(waitMs);
      cost.waitedMs += waitMs;
    }
  }

  #backoff(attempt: number): number {
    const base = Math.min(this.#o.retryBaseMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
    // "equal jitter": at least half the base, so a retry never comes back at once
    return base / 2 + (base / 2) * this.#random();
  }

  async #send(url: URL, timeoutMs: number): Promise<Attempt> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await this.#o.fetch(url, {
        signal: controller.signal,
        headers: { accept: "application/json" },
      });
      // the body is read inside the timeout too: a stalled body is as slow as no answer
      const body = new Uint8Array(await response.arrayBuffer());
      return { kind: "response", status: response.status, headers: response.headers, body };
    } catch (error) {
      if (controller.signal.aborted) return { kind: "timeout" };
      return { kind: "network", message: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function isThrottling(r: { status: number; headers: Headers; body: Uint8Array }): boolean {
  if (r.status === 429) return true;
  if (r.status !== 403) return false;
  // CF's rate-limit page is HTML; a JSON or empty 403 is a real permission error
  const type = r.headers.get("content-type") ?? "";
  const head = new TextDecoder().decode(r.body.subarray(0, 512)).trimStart().toLowerCase();
  return type.includes("html") || head.startsWith("<!doctype html") || head.startsWith("<html");
}

/**
 * `Retry-After` as a wait in ms from `nowMs`: delta-seconds or an HTTP date; `null` when
 * absent or unreadable.
 *
 * @example
 * ```ts
 * retryAfterMs(new Headers({ "retry-after": "120" }), Date.now()); // 120000
 * ```
 */
export function retryAfterMs(headers: Headers, nowMs: number): number | null {
  const value = headers.get("retry-after")?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/**
 * A short, single-line excerpt of a body for error messages (HTML tags stripped).
 *
 * @example
 * ```ts
 * excerpt(new TextEncoder().encode("<h1>Request forbidden</h1>")); // "Request forbidden"
 * ```
 */
export function excerpt(body: Uint8Array): string {
  const text = new TextDecoder().decode(body.subarray(0, 4096))
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (text === "") return "(empty body)";
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}
