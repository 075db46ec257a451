/**
 * The one implementation of {@linkcode Source} behind both APIs: a window and a cursor in,
 * one page of raw releases and the next position out. FTS and CF differ only in their
 * {@linkcode ApiSpec} (path and parameter names), see `fts.ts` and `cf.ts`.
 *
 * ## A page that cannot be read
 *
 * The cursor must never block on a bad page, and the good releases on it must not be lost:
 * 1. Known invalid numbers (`1e9999`, ` 000,`) are repaired, with a warning.
 * 2. If the page's structure is intact, each release is parsed alone; one that still fails
 *    is returned in `rejected` with its raw text (capped at 32 KiB) and the page goes on.
 * 3. If the structure is broken (truncated body, a release with a stray bracket), the same
 *    cursor is asked again with a smaller `limit`: the number of intact releases before the
 *    break when there are any (that page reads cleanly and gives a cursor just past them),
 *    else `limit=1`. A one-release page that is still broken is rejected whole, with its
 *    text, and paging continues from the `links.next` still readable at its end.
 * 4. If even that page has no readable `links.next` (a truncated body), there is no safe
 *    way past it: a `parse` {@linkcode SourceError}, and the next run asks again (a
 *    truncation is usually transient).
 * So a bad release costs about two extra requests, and the following full page starts at
 * the bad release itself (it is isolated by step 3 at `limit=1`).
 *
 * A page over `HTTP_MAX_BODY_BYTES` is unreadable in the same way, and never held whole: it is
 * asked again with a `limit` of the releases that were complete within the byte limit, down
 * to 1. A single
 * release still over the limit is read through keeping only its start (quarantined, capped)
 * and the page's end (its `links.next`), so paging goes on past it.
 *
 * ## Paging
 *
 * Only the `cursor` of `links.next` is used, and only when the link has the configured
 * origin and the API's path: a URL chosen by a response body is never fetched. A cursor
 * already seen in the current walk of a window is a loop (`paging` error). A full page
 * without `links.next` (seen on FTS in 2026) is not trusted to be the last: pages come newest
 * first, so the rest of the window is read by a narrower query that ends just after the
 * page's oldest release (with a warning), carried in our cursor (`cursor.ts`) so the engine's
 * window stays as planned; only when that would not narrow it does the window end there.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * import { createOcdsSource } from "./ocds_source.ts";
 * import { FTS_SPEC } from "./fts.ts";
 * const fts = createOcdsSource(FTS_SPEC, loadConfig(Deno.env.toObject()));
 * const window = { from: new Date("2026-11-30T00:00:00Z"), to: new Date("2026-11-30T06:00:00Z") };
 * const page = await fts.fetchPage({ window, cursor: null }, Date.now() + 60_000);
 * ```
 * @module
 */
import { type Clock, systemClock } from "../clock.ts";
import type { Config, SourceId } from "../config.ts";
import { getLog } from "../log.ts";
import { decodeBody } from "./decode.ts";
import { type CostMeter, freezeCost, HttpPolicy, newCost } from "./http_policy.ts";
import { findNextLink, MAX_NEXT_CHARS, parsePage, rejectedRelease } from "./page_parse.ts";
import type { Body } from "./body_reader.ts";
import { capText } from "../text.ts";
import { sharedBudget } from "./request_budget.ts";
import type { DateWindow, PageResult, Position, RejectedRelease, Source } from "./source.ts";
import { positionLabel, SourceError } from "./source_error.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { type ApiWindow, apiWindow, windowLabel } from "./windows.ts";

/** The settings a source reads: the HTTP ones and its own section. */
export type SourcesConfig = Pick<
  Config,
  | "httpTimeoutMs"
  | "httpMaxAttempts"
  | "httpRetryBaseMs"
  | "httpMaxBodyBytes"
  | "httpMaxRetryAfterMs"
  | "sources"
>;

/** What a source needs from the outside world; all optional (real ones by default). */
export interface SourceDeps {
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
  /**
   * `[0, 1)` for jitter.
   *
   * @default {Math.random}
   */
  readonly random?: () => number;
}

/** What differs between the two APIs. */
export interface ApiSpec {
  readonly id: SourceId;
  /** The documented path, appended to the configured origin. */
  readonly path: string;
  /** Query parameters of one page request, in the order sent. */
  params(window: ApiWindow, limit: number, cursor: string | null): [string, string][];
}

type OversizedBody = Extract<Body, { kind: "oversized" }>;

/** Remembered walks (one per window) for loop detection; old windows are forgotten. */
const MAX_WALKS = 8;

const log = getLog("sources");

/**
 * Builds a {@linkcode Source} for one API from the configuration (see the module doc).
 *
 * @example
 * ```ts
 * import { systemClock } from "../clock.ts";
 * import { loadConfig } from "../config.ts";
 * import { CF_SPEC } from "./cf.ts";
 * const config = loadConfig(Deno.env.toObject());
 * const source = createOcdsSource(CF_SPEC, config, { fetch, clock: systemClock });
 * ```
 */
export function createOcdsSource(
  spec: ApiSpec,
  config: SourcesConfig,
  deps: SourceDeps = {},
): Source {
  const settings = config.sources[spec.id];
  const clock = deps.clock ?? systemClock;
  const base = new URL(spec.path, settings.baseUrl);
  const policy = new HttpPolicy({
    source: spec.id,
    fetch: deps.fetch ?? fetch,
    clock,
    budget: sharedBudget(`${spec.id} ${base.origin}`, settings.rateLimit, clock),
    timeoutMs: config.httpTimeoutMs,
    maxAttempts: config.httpMaxAttempts,
    throttleWaitMs: settings.throttleWaitMs,
    retryBaseMs: config.httpRetryBaseMs,
    maxBodyBytes: config.httpMaxBodyBytes,
    maxRetryAfterMs: config.httpMaxRetryAfterMs,
    random: deps.random,
  });
  /** Per window: the cursor we handed out last and every cursor of the walk so far. */
  const walks = new Map<string, { expected: string | null; seen: Set<string> }>();

  /** The window the API is asked for: the position's, or its narrowed older part. */
  function queryWindow(position: Position): DateWindow {
    const { narrowTo } = decodeCursor(position.cursor);
    return narrowTo ? { from: position.window.from, to: narrowTo } : position.window;
  }

  function urlFor(position: Position, limit: number): URL {
    const url = new URL(base);
    const { apiCursor } = decodeCursor(position.cursor);
    for (const [k, v] of spec.params(apiWindow(queryWindow(position)), limit, apiCursor)) {
      url.searchParams.append(k, v);
    }
    return url;
  }

  function pagingError(position: Position, detail: string): SourceError {
    return new SourceError({ kind: "paging", source: spec.id, position, detail });
  }

  /** Our cursor for a `links.next`, after checking where it points. */
  function cursorOf(next: string, position: Position): string {
    const apiCursor = apiCursorOf(next, position);
    const { narrowTo } = decodeCursor(position.cursor);
    return encodeCursor({ apiCursor, narrowTo })!;
  }

  /** The API cursor of a `links.next`, after checking where it points. */
  function apiCursorOf(next: string, position: Position): string {
    if (next.length > MAX_NEXT_CHARS) {
      throw pagingError(
        position,
        `links.next is ${next.length} characters long (at most ${MAX_NEXT_CHARS} are followed; ` +
          `it starts ${capText(next, 100)})`,
      );
    }
    let url: URL;
    try {
      url = new URL(next);
    } catch {
      throw pagingError(position, `links.next is not a URL (${capText(next, 100)})`);
    }
    if (url.origin !== base.origin || url.pathname !== base.pathname) {
      throw pagingError(
        position,
        `links.next points to ${capText(url.origin + url.pathname, 200)}, not ${base.origin}` +
          `${base.pathname}; a URL chosen by a response is never followed`,
      );
    }
    const cursor = url.searchParams.get("cursor");
    if (!cursor) throw pagingError(position, "links.next has no cursor parameter");
    return cursor;
  }

  /** Throws when `cursor` was already visited in this walk of the window. */
  function checkLoop(position: Position, cursor: string): void {
    const key = `${position.window.from.getTime()}/${position.window.to.getTime()}`;
    let walk = walks.get(key);
    if (!walk || walk.expected !== position.cursor) {
      // a new walk (or the engine resumed elsewhere): start remembering from here
      walk = { expected: position.cursor, seen: new Set([position.cursor ?? ""]) };
      walks.delete(key);
      walks.set(key, walk);
      if (walks.size > MAX_WALKS) walks.delete(walks.keys().next().value!);
    }
    if (cursor === position.cursor || walk.seen.has(cursor)) {
      throw pagingError(position, "links.next leads back to a page already read in this window");
    }
    walk.seen.add(cursor);
    walk.expected = cursor;
  }

  function pageOf(
    position: Position,
    releases: readonly unknown[],
    next: string | null,
    rejected: readonly RejectedRelease[],
    warnings: string[],
    cost: CostMeter,
  ): PageResult {
    if (next !== null) checkLoop(position, next);
    if (warnings.length > 0) {
      log.warn(`${spec.id}: ${warnings.join("; ")} (${positionLabel(position)})`, {
        source: spec.id,
      });
    }
    return {
      kind: "page",
      releases,
      next: next === null ? null : { window: position.window, cursor: next },
      rejected,
      warnings,
      cost: freezeCost(cost),
    };
  }

  async function fetchPage(position: Position, deadline: number): Promise<PageResult> {
    const cost = newCost();
    try {
      return await readPage(position, deadline, cost);
    } catch (error) {
      // a failed page still cost its requests and waits: the run record counts them
      if (error instanceof SourceError) error.cost = freezeCost(cost);
      throw error;
    }
  }

  async function readPage(
    position: Position,
    deadline: number,
    cost: CostMeter,
  ): Promise<PageResult> {
    const warnings: string[] = [];
    let limit = settings.pageSize;
    for (;;) {
      const answer = await policy.get(urlFor(position, limit), deadline, cost, {
        position,
        skim: limit === 1,
      });
      if (answer.kind === "out-of-time") {
        return {
          kind: "out-of-time",
          throttledUntil: answer.throttledUntil,
          cost: freezeCost(cost),
        };
      }
      if (answer.kind === "oversized") {
        const { body } = answer;
        if (limit > 1) {
          const narrowed = Math.max(1, Math.min(limit - 1, body.fittingReleases));
          warnings.push(
            `page with limit ${limit} is over ${config.httpMaxBodyBytes} bytes ` +
              `(HTTP_MAX_BODY_BYTES; at least ${body.size}); asked again with limit ${narrowed}`,
          );
          limit = narrowed;
          continue;
        }
        return oversizedRelease(position, body, warnings, cost);
      }
      const decoded = decodeBody(answer.body);
      warnings.push(...decoded.warnings);
      const page = parsePage(decoded.text);
      if (page.kind === "ok") {
        warnings.push(...page.warnings);
        const next = page.next === null ? null : cursorOf(page.next, position);
        if (next === null && page.releases.length + page.rejected.length >= limit) {
          const rest = olderPart(queryWindow(position), page.releases);
          warnings.push(
            `a full page (${limit} releases) came without links.next: ` +
              (rest
                ? `the rest of the window is read as ${windowLabel(rest)}`
                : "the window ends here, releases after it may be missing"),
          );
          if (rest) {
            const narrowed = encodeCursor({ apiCursor: null, narrowTo: rest.to });
            return pageOf(position, page.releases, narrowed, page.rejected, warnings, cost);
          }
        }
        return pageOf(position, page.releases, next, page.rejected, warnings, cost);
      }
      if (limit > 1) {
        const narrowed = page.goodPrefix >= 1 ? Math.min(page.goodPrefix, limit - 1) : 1;
        warnings.push(
          `page with limit ${limit} unreadable (${page.reason}); asked again with limit ${narrowed}`,
        );
        limit = narrowed;
        continue;
      }
      if (page.tailNext !== null) {
        const next = cursorOf(page.tailNext, position);
        warnings.push(`a release could not be read and was set aside (${page.reason})`);
        const rejected = [rejectedRelease(decoded.text, page.reason)];
        return pageOf(position, [], next, rejected, warnings, cost);
      }
      throw new SourceError({
        kind: "parse",
        source: spec.id,
        position,
        detail: `the page cannot be read even one release at a time (${page.reason})`,
      });
    }
  }

  /**
   * A one-release page over the byte limit: the release is set aside with its start (the
   * quarantine keeps it, so it is not lost silently) and paging goes on from the
   * `links.next` at the page's end; without one, the body was read to its end, so the
   * window has no more pages.
   */
  function oversizedRelease(
    position: Position,
    body: OversizedBody,
    warnings: string[],
    cost: CostMeter,
  ): PageResult {
    const head = decodeBody(body.head ?? new Uint8Array(0)).text;
    const tail = decodeBody(body.tail ?? new Uint8Array(0)).text;
    const reason = `the release alone is ${body.size} bytes, over HTTP_MAX_BODY_BYTES ` +
      `(${config.httpMaxBodyBytes}); its first ${head.length} characters are kept`;
    warnings.push(`a release was set aside: ${reason}`);
    const rejected = [rejectedRelease(head, reason)];
    const tailNext = findNextLink(tail);
    const next = tailNext === null ? null : cursorOf(tailNext, position);
    return pageOf(position, [], next, rejected, warnings, cost);
  }

  return {
    id: spec.id,
    windowMs: settings.windowMs,
    overlapMs: settings.overlapMs,
    fetchPage,
  };
}

/**
 * The part of `window` older than a page's releases: `[window.from, oldest + 1 s)`, so
 * releases in the oldest one's second are read again rather than missed. `null` when that
 * would not be narrower than `window` (or no release has a readable date).
 */
export function olderPart(window: DateWindow, releases: readonly unknown[]): DateWindow | null {
  let oldest = Infinity;
  for (const release of releases) {
    const date = (release as { date?: unknown } | null)?.date;
    const at = typeof date === "string" ? Date.parse(date) : NaN;
    if (at < oldest) oldest = at;
  }
  const to = Math.floor(oldest / 1000) * 1000 + 1000;
  if (!Number.isFinite(to) || to >= window.to.getTime() || to <= window.from.getTime()) {
    return null;
  }
  return { from: window.from, to: new Date(to) };
}
