/**
 * How a source talks HTTP, the same for both APIs: the shared request budget, a timeout on
 * every request, retries with backoff and jitter, `Retry-After`, and the run's deadline.
 *
 * - Retried: 429, CF's HTTP 403 *HTML* page ("rate limit may have been exceeded"), 5xx,
 *   network errors, timeouts. Any other status fails at once with its status and an excerpt.
 * - Waits: `Retry-After` (seconds or HTTP date) when present, cut to `maxRetryAfterMs` (a
 *   server asking for 11 days would otherwise stop the source for 11 days); after throttling
 *   without it, `throttleWaitMs` doubling per throttled attempt (capped at 8×); after 5xx,
 *   network errors and timeouts, `retryBaseMs` doubling per attempt (capped at 5 min). Jitter
 *   on both, so processes that were throttled together do not come back together.
 * - A throttling answer pauses the shared budget, so concurrent callers wait too.
 * - No wait starts that would end after the deadline: the answer is `out-of-time` (with
 *   `throttledUntil` when the API's throttling is the reason) and the engine resumes from the
 *   same position later. A request's timeout is cut to the time left.
 * - Bodies are read from the stream under `maxBodyBytes` (`body_reader.ts`): a larger 2xx
 *   body is answered `oversized`, never held whole; an error body is read for its first
 *   4 KiB only.
 * - Waits use the injected clock; a request's own timeout is real time (it bounds a real
 *   socket), so tests with a virtual clock still see slow responses time out.
 *
 * @example
 * ```ts
 * import { HttpPolicy, newCost } from "./http_policy.ts";
 * import { RequestBudget } from "./request_budget.ts";
 * import { systemClock } from "../clock.ts";
 * const budget = new RequestBudget({ requests: 12, perMs: 120_000 }, systemClock);
 * const policy = new HttpPolicy({ source: "fts", fetch, clock: systemClock, budget,
 *   timeoutMs: 30_000, maxAttempts: 5, throttleWaitMs: 30_000, retryBaseMs: 1_000,
 *   maxBodyBytes: 32 * 1_048_576, maxRetryAfterMs: 3_600_000 });
 * const cost = newCost();
 * const answer = await policy.get(new URL("https://example.org/x"), Date.now() + 60_000, cost);
 * if (answer.kind === "ok") console.log(answer.body.length, cost.requests);
 * ```
 * @module
 */
import type { Clock } from "../clock.ts";
import type { SourceId } from "../config.ts";
import { getLog } from "../log.ts";
import { capText } from "../text.ts";
import { type Body, readBody, readHead } from "./body_reader.ts";
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
 * import type { PageCost } from "./source.ts";
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
  /** Largest 2xx body read whole, in bytes. */
  readonly maxBodyBytes: number;
  /** Longest `Retry-After` honoured, in ms. */
  readonly maxRetryAfterMs: number;
  /**
   * `[0, 1)` for jitter; tests pin it.
   *
   * @default {Math.random}
   */
  readonly random?: () => number;
}

/** The answer of {@linkcode HttpPolicy.get}. */
export type HttpAnswer =
  | { readonly kind: "ok"; readonly status: number; readonly body: Uint8Array }
  /** A 2xx body over `maxBodyBytes` (see `body_reader.ts`). */
  | { readonly kind: "oversized"; readonly body: Extract<Body, { kind: "oversized" }> }
  | {
    readonly kind: "out-of-time";
    /** Epoch ms the API's throttling lasts until, when throttling is why; else `null`. */
    readonly throttledUntil: number | null;
  };

/** How {@linkcode HttpPolicy.get} reads a 2xx body. */
export interface GetOptions {
  /** Labels errors. */
  readonly position?: Position;
  /** Read an oversized body through, keeping head and tail (see `body_reader.ts`). */
  readonly skim?: boolean;
}

type Attempt =
  | { kind: "response"; status: number; headers: Headers; body: Body }
  | { kind: "timeout" }
  | { kind: "network"; message: string };

/** Bytes of an error body read: enough for the throttling test and the excerpt. */
const ERROR_BODY_BYTES = 4096;

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
   */
  async get(
    url: URL,
    deadline: number,
    cost: CostMeter,
    options: GetOptions = {},
  ): Promise<HttpAnswer> {
    const { clock, budget, source } = this.#o;
    const { position } = options;
    let throttled = 0;
    for (let attempt = 1;; attempt++) {
      const slot = budget.reserve(deadline);
      if (slot === null) return this.#outOfTime(deadline);
      if (slot > clock.now()) {
        const wait = slot - clock.now();
        await clock.sleep(wait);
        cost.waitedMs += wait;
      }
      const left = deadline - clock.now();
      if (left <= 0) return this.#outOfTime(deadline);
      const timeoutMs = Math.min(this.#o.timeoutMs, left);
      cost.requests++;
      if (attempt > 1) cost.retries++;
      const result = await this.#send(url, timeoutMs, options.skim ?? false);
      if (result.kind === "response") cost.bytes += bodySize(result.body);

      let failure: { kind: SourceErrorKind; detail: string; status?: number; waitMs: number };
      let throttling = false;
      if (result.kind === "timeout") {
        // cut short by the deadline rather than by the request timeout: out of time, not slow
        if (timeoutMs < this.#o.timeoutMs) return { kind: "out-of-time", throttledUntil: null };
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
        return result.body.kind === "whole"
          ? { kind: "ok", status: result.status, body: result.body.bytes }
          : { kind: "oversized", body: result.body };
      } else if (isThrottling(result.status, result.headers, bytesOf(result.body))) {
        throttled++;
        throttling = true;
        const after = this.#retryAfter(result.headers);
        const waitMs = after?.ms ??
          Math.min(2 ** (throttled - 1), MAX_THROTTLE_FACTOR) * this.#o.throttleWaitMs *
            (1 + 0.2 * this.#random());
        failure = {
          kind: "throttled",
          status: result.status,
          detail: `throttled (HTTP ${result.status}, ${
            after === null ? "no Retry-After" : after.label
          })`,
          waitMs,
        };
        budget.pauseUntil(clock.now() + waitMs);
      } else if (result.status >= 500) {
        const after = this.#retryAfter(result.headers);
        failure = {
          kind: "http",
          status: result.status,
          detail: `HTTP ${result.status}: ${excerpt(bytesOf(result.body))}` +
            (after === null ? "" : ` (${after.label})`),
          waitMs: after?.ms ?? this.#backoff(attempt),
        };
      } else {
        throw new SourceError({
          kind: "http",
          source,
          status: result.status,
          position,
          detail: `GET ${url.pathname} answered HTTP ${result.status}: ${
            excerpt(bytesOf(result.body))
          }`,
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
        log.info(`${source}: ${failure.detail}; a ${waitMs} ms wait would pass the deadline`, {
          source,
          waitMs,
        });
        return { kind: "out-of-time", throttledUntil: throttling ? clock.now() + waitMs : null };
      }
      log.warn(
        `${source}: ${failure.detail}; attempt ${attempt} of ${this.#o.maxAttempts}, ` +
          `retrying in ${waitMs} ms`,
        { source, attempt, waitMs },
      );
      await clock.sleep(waitMs);
      cost.waitedMs += waitMs;
    }
  }

  /** Out of time: because the API throttled us (the budget is paused past it), or not. */
  #outOfTime(deadline: number): HttpAnswer {
    const paused = this.#o.budget.pausedUntil;
    return { kind: "out-of-time", throttledUntil: paused > deadline ? paused : null };
  }

  /** `Retry-After` as a wait, cut to `maxRetryAfterMs`, with a label saying so. */
  #retryAfter(headers: Headers): { ms: number; label: string } | null {
    const ms = retryAfterMs(headers, this.#o.clock.now());
    if (ms === null) return null;
    const max = this.#o.maxRetryAfterMs;
    const s = (n: number) => `${Math.round(n / 1000)} s`;
    return ms > max
      ? { ms: max, label: `Retry-After ${s(ms)}, cut to ${s(max)} (HTTP_MAX_RETRY_AFTER)` }
      : { ms, label: `Retry-After ${s(ms)}` };
  }

  #backoff(attempt: number): number {
    const base = Math.min(this.#o.retryBaseMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
    // "equal jitter": at least half the base, so a retry never comes back at once
    return base / 2 + (base / 2) * this.#random();
  }

  async #send(url: URL, timeoutMs: number, skim: boolean): Promise<Attempt> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await this.#o.fetch(url, {
        signal: controller.signal,
        headers: { accept: "application/json" },
      });
      // the body is read inside the timeout too: a stalled body is as slow as no answer
      const body: Body = response.status >= 200 && response.status < 300
        ? await readBody(response, { maxBytes: this.#o.maxBodyBytes, skim })
        : { kind: "whole", bytes: await readHead(response, ERROR_BODY_BYTES) };
      return { kind: "response", status: response.status, headers: response.headers, body };
    } catch (error) {
      if (controller.signal.aborted) return { kind: "timeout" };
      return { kind: "network", message: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function bytesOf(body: Body): Uint8Array {
  return body.kind === "whole" ? body.bytes : new Uint8Array(0);
}

function bodySize(body: Body): number {
  return body.kind === "whole" ? body.bytes.byteLength : body.size;
}

function isThrottling(status: number, headers: Headers, body: Uint8Array): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  // CF's rate-limit page is HTML; a JSON or empty 403 is a real permission error
  const type = headers.get("content-type") ?? "";
  const head = new TextDecoder().decode(body.subarray(0, 512)).trimStart().toLowerCase();
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
  const text = htmlText(new TextDecoder().decode(body.subarray(0, ERROR_BODY_BYTES)))
    .replace(/\s+/g, " ")
    .trim();
  if (text === "") return "(empty body)";
  return capText(text, EXCERPT_CHARS + 1);
}

/**
 * Text of an HTML page: `script`/`style` blocks and tags removed, in one pass (an unclosed
 * `<script` or `<` is looked for once, not once per occurrence).
 */
function htmlText(text: string): string {
  const lower = text.toLowerCase();
  const noClose = new Set<string>();
  let out = "";
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("<", i);
    if (open < 0) break;
    out += text.slice(i, open);
    const block = lower.startsWith("script", open + 1)
      ? "script"
      : lower.startsWith("style", open + 1)
      ? "style"
      : null;
    if (block !== null && !noClose.has(block)) {
      const close = lower.indexOf(`</${block}>`, open);
      if (close >= 0) {
        out += " ";
        i = close + block.length + 3;
        continue;
      }
      noClose.add(block);
    }
    const end = text.indexOf(">", open);
    if (end < 0) {
      // no tag ends after here: the rest is text
      i = open;
      break;
    }
    out += " ";
    i = end + 1;
  }
  return out + text.slice(i);
}
