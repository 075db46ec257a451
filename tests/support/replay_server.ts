/**
 * A local server that behaves like both source APIs, for tests and local runs.
 *
 * - FTS `GET /api/1.0/ocdsReleasePackages` (`updatedFrom`, `updatedTo`, `limit`, `cursor`,
 *   `stages`) and CF `GET /Published/Notices/OCDS/Search` (`publishedFrom`, `publishedTo`,
 *   `stages`, `limit`, `cursor`): window filtering `[from, to)` on the release `date`, dates
 *   read as Europe/London wall clock (or UTC, see `dateZone`), newest first, `limit` 1–100
 *   (default 100), base64 cursors shaped like the real ones, `links.next` as a full URL and
 *   absent on the last page; unknown parameters get the real FTS 400 JSON body.
 * - Rate limits on its own (injectable) clock: FTS answers 429 without `Retry-After` beyond
 *   12 accepted requests per rolling 120 s; CF answers its 403 HTML page beyond 30 per 60 s.
 *   Only accepted requests count. Each can be changed or turned off.
 * - Faults on demand ({@linkcode Fault}), for the next N matching requests.
 * - Every request is logged ({@linkcode LoggedRequest}) with the time on its clock.
 *
 * Data: by default the project's fixtures plus the real pages in ../shared/data (when
 * present); `setReleases` replaces them, e.g. with `syntheticReleases` for volume.
 *
 * Run it by hand: `deno task replay --port 8787 --releases 5000` (see `--help`).
 *
 * @example
 * ```ts
 * import { startReplayServer } from "./replay_server.ts";
 * import { syntheticReleases } from "./replay_data.ts";
 * await using server = startReplayServer({ clock });
 * server.setReleases("fts", syntheticReleases("fts", 250, { from, to, seed: 7 }));
 * server.inject({ fault: { kind: "status", status: 503 }, source: "fts", times: 2 });
 * const config = loadConfig({ FTS_BASE_URL: server.url, CF_BASE_URL: server.url });
 * // … run the client …
 * server.log.filter((r) => r.source === "fts").length;
 * ```
 * @module
 */
import { flagsOrExit } from "../../src/cli/flags.ts";
import { type Clock, systemClock } from "../../src/clock.ts";
import type { SourceId } from "../../src/config.ts";
import { parseLondonWallClock } from "../../src/sources/windows.ts";
import {
  fixtureReleases,
  realReleases,
  releaseInstant,
  type ReleaseJson,
  sortNewestFirst,
  syntheticReleases,
} from "./replay_data.ts";

/** `requests` per rolling `perMs`. */
export interface ReplayRate {
  readonly requests: number;
  readonly perMs: number;
}

/** A fault the server answers instead of (or on top of) the normal page. */
export type Fault =
  /**
   * An HTTP status (429, 500, 502, 503, 504 …) with an optional `Retry-After` value and,
   * with `bodyBytes`, a body of that many bytes.
   */
  | {
    readonly kind: "status";
    readonly status: number;
    readonly retryAfter?: string;
    readonly bodyBytes?: number;
  }
  /**
   * Release `releaseId` (only pages holding it are hit) gets a `replayPadding` string of
   * `bytes` letters, streamed in 64 KiB chunks (never built whole), with a `content-length`
   * header only when `announced`.
   */
  | {
    readonly kind: "huge-release";
    readonly releaseId: string;
    readonly bytes: number;
    readonly announced?: boolean;
  }
  /** CF's rate-limit page: HTTP 403, HTML. */
  | { readonly kind: "throttle-html" }
  /** The normal answer, after `delayMs` of real time. */
  | { readonly kind: "slow"; readonly delayMs: number }
  /** Headers and half the body, then the connection is cut. */
  | { readonly kind: "reset" }
  /** The first release gets `"replayHuge": 1e9999` and `"replayZeros": 000`. */
  | { readonly kind: "invalid-numbers" }
  /**
   * Release `releaseId` (default: the page's first) is unparseable: `content` keeps brackets
   * balanced (an invalid token), `structure` breaks them. Only pages holding it are hit.
   */
  | {
    readonly kind: "bad-release";
    readonly releaseId?: string;
    readonly broken?: "content" | "structure";
  }
  /** The body cut at `fraction` (default 0.6) of its length, sent as complete. */
  | { readonly kind: "truncate"; readonly fraction?: number }
  /** No `links.next` although more releases follow. */
  | { readonly kind: "no-next" }
  /** `links.next` pointing at the requested page itself, or at `toOffset`. */
  | { readonly kind: "next-loop"; readonly toOffset?: number }
  /** `links.next` on another origin or path (default `http://elsewhere.invalid` + path). */
  | { readonly kind: "foreign-next"; readonly url?: string }
  /** An empty page: no releases, no next. */
  | { readonly kind: "empty-page" }
  /** Non-ASCII characters sent as Windows-1252 bytes; the first release gets
   * `"replayText": "Café – £5"` so there is always one. */
  | { readonly kind: "windows-1252" };

/** A fault to apply to the next `times` requests that match. */
export interface FaultRule {
  readonly fault: Fault;
  /** Only requests to this source (default: both). */
  readonly source?: SourceId;
  /** How many requests it hits (default 1; `Infinity` for all). */
  readonly times?: number;
  /** Only requests this returns `true` for. */
  readonly match?: (request: LoggedRequest) => boolean;
}

/** One request as the server saw it. */
export interface LoggedRequest {
  /** Epoch ms on the server's clock at arrival. */
  readonly time: number;
  readonly source: SourceId | null;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  /** The status answered (0 when the connection was cut). */
  status: number;
  /** The fault applied, if any. */
  fault?: Fault["kind"];
  /** `true` when the emulated rate limit refused it. */
  limited?: boolean;
  /** Release ids on the page answered. */
  releaseIds?: readonly string[];
}

/** Options of {@linkcode startReplayServer}. */
export interface ReplayServerOptions {
  /** Port (default 0: any free one). */
  readonly port?: number;
  readonly hostname?: string;
  /** Clock of the rate limits and the log (default: the system clock). */
  readonly clock?: Clock;
  /** Rate limits; `false` turns one off (defaults: FTS 12/120 s, CF 30/60 s). */
  readonly rateLimit?: { readonly fts?: ReplayRate | false; readonly cf?: ReplayRate | false };
  /** Releases per source (default: fixtures + ../shared/data pages). */
  readonly releases?: { readonly fts?: ReleaseJson[]; readonly cf?: ReleaseJson[] };
  /**
   * How date parameters without a zone are read (default `Europe/London`; the real APIs'
   * reading is unconfirmed, so tests try the others too). `Europe/London (later)` reads the
   * repeated October hour as GMT instead of BST.
   */
  readonly dateZone?: "Europe/London" | "Europe/London (later)" | "UTC";
}

/** A running replay server. */
export interface ReplayServer extends AsyncDisposable {
  /** Origin, e.g. `http://127.0.0.1:41234`: use as `FTS_BASE_URL` and `CF_BASE_URL`. */
  readonly url: string;
  /** Every request so far, oldest first (live array). */
  readonly log: readonly LoggedRequest[];
  /** Queues a fault. */
  inject(rule: FaultRule): void;
  /** Drops every queued fault. */
  clearFaults(): void;
  /** Replaces the releases of a source. */
  setReleases(source: SourceId, releases: ReleaseJson[]): void;
  /** The releases of a source, newest first. */
  releases(source: SourceId): readonly ReleaseJson[];
  /** Changes or turns off (`false`) a rate limit. */
  setRateLimit(source: SourceId, rate: ReplayRate | false): void;
  /** Stops the server. */
  close(): Promise<void>;
}

const FTS_PATH = "/api/1.0/ocdsReleasePackages";
const CF_PATH = "/Published/Notices/OCDS/Search";

const API: Record<SourceId, {
  path: string;
  from: string;
  to: string;
  allowed: string[];
  cursorKeys: (from: string, to: string, limit: number, n: number) => string;
}> = {
  fts: {
    path: FTS_PATH,
    from: "updatedFrom",
    to: "updatedTo",
    allowed: ["stages", "limit", "cursor", "updatedFrom", "updatedTo"],
    cursorKeys: (from, to, _limit, n) => `updatedFrom=${from}|updatedTo=${to}|nextCursor=${n}`,
  },
  cf: {
    path: CF_PATH,
    from: "publishedFrom",
    to: "publishedTo",
    allowed: ["publishedFrom", "publishedTo", "stages", "limit", "cursor"],
    cursorKeys: (from, to, limit, n) =>
      `publishedFrom=${from}|publishedTo=${to}|limit=${limit}|nextCursor=${n}`,
  },
};

/** CF stages a release tag belongs to. */
const STAGE_OF_TAG: Record<string, string> = {
  planning: "planning",
  planningUpdate: "planning",
  tender: "tender",
  tenderAmendment: "tender",
  tenderUpdate: "tender",
  tenderCancellation: "tender",
  award: "award",
  awardUpdate: "award",
  awardCancellation: "award",
  contract: "implementation",
  contractUpdate: "implementation",
  contractAmendment: "implementation",
  implementation: "implementation",
};

const CF_RATE_LIMIT_PAGE = `<!DOCTYPE html>
<html><head><title>Request forbidden</title></head>
<body><h1>Request forbidden</h1>
<p>Request forbidden by administrative rules. Your request rate limit may have been exceeded;
please wait 5 minutes before trying again.</p></body></html>`;

/** Windows-1252 byte of each non-ASCII character it can write. */
const WINDOWS_1252 = (() => {
  const map = new Map<string, number>();
  const decoder = new TextDecoder("windows-1252");
  for (let b = 0x80; b <= 0xff; b++) map.set(decoder.decode(new Uint8Array([b])), b);
  return map;
})();

function encodeWindows1252(text: string): Uint8Array<ArrayBuffer> {
  const out: number[] = [];
  const utf8 = new TextEncoder();
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else if (WINDOWS_1252.has(ch)) out.push(WINDOWS_1252.get(ch)!);
    else out.push(...utf8.encode(ch)); // not in Windows-1252: keep UTF-8, like a mixed body
  }
  return new Uint8Array(out);
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function base64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

function unbase64(text: string): string | null {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

/**
 * Starts a replay server (see the module doc). Close it with `close()` or `await using`.
 *
 * @example
 * ```ts
 * const server = startReplayServer({ rateLimit: { fts: false } });
 * const res = await fetch(`${server.url}/api/1.0/ocdsReleasePackages?limit=2`);
 * await server.close();
 * ```
 */
export function startReplayServer(options: ReplayServerOptions = {}): ReplayServer {
  const clock = options.clock ?? systemClock;
  const data: Record<SourceId, ReleaseJson[]> = {
    fts: sortNewestFirst([...(options.releases?.fts ?? defaultReleases("fts"))]),
    cf: sortNewestFirst([...(options.releases?.cf ?? defaultReleases("cf"))]),
  };
  const limits: Record<SourceId, ReplayRate | false> = {
    fts: options.rateLimit?.fts ?? { requests: 12, perMs: 120_000 },
    cf: options.rateLimit?.cf ?? { requests: 30, perMs: 60_000 },
  };
  const accepted: Record<SourceId, number[]> = { fts: [], cf: [] };
  const log: LoggedRequest[] = [];
  const faults: { rule: FaultRule; left: number }[] = [];
  const readDate = (text: string): Date | null =>
    options.dateZone === "UTC" && !/(Z|[+-]\d{2}:\d{2})$/.test(text)
      ? (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text) ? new Date(`${text}Z`) : null)
      : parseLondonWallClock(
        text,
        options.dateZone === "Europe/London (later)" ? "later" : "earlier",
      );
  let origin = "";

  function overLimit(source: SourceId): boolean {
    const rate = limits[source];
    if (rate === false) return false;
    const now = clock.now();
    const recent = accepted[source].filter((t) => t > now - rate.perMs);
    accepted[source] = recent;
    return recent.length >= rate.requests;
  }

  function takeFault(entry: LoggedRequest, page: ReleaseJson[] | null): Fault | null {
    for (let i = 0; i < faults.length; i++) {
      const { rule } = faults[i];
      if (rule.source !== undefined && rule.source !== entry.source) continue;
      if (rule.match && !rule.match(entry)) continue;
      const f = rule.fault;
      if (f.kind === "bad-release" && f.releaseId !== undefined) {
        if (!page?.some((r) => r.id === f.releaseId)) continue;
      }
      if (f.kind === "huge-release" && !page?.some((r) => r.id === f.releaseId)) continue;
      if (--faults[i].left <= 0) faults.splice(i, 1);
      return f;
    }
    return null;
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const source = url.pathname === FTS_PATH ? "fts" : url.pathname === CF_PATH ? "cf" : null;
    const params = Object.fromEntries(url.searchParams);
    const entry: LoggedRequest = {
      time: clock.now(),
      source,
      path: url.pathname,
      params,
      status: 0,
    };
    log.push(entry);
    const answer = (response: Response) => {
      entry.status = response.status;
      // no keep-alive: on Deno 2.5 `server.shutdown()` waits forever for an idle keep-alive
      // connection of this process's own fetch client (fts_test's clock-change walk hung CI)
      response.headers.set("connection", "close");
      return response;
    };
    if (source === null || request.method !== "GET") {
      return answer(json(404, { status: 404, error: "Not Found", path: url.pathname }));
    }
    if (overLimit(source)) {
      entry.limited = true;
      return answer(
        source === "fts"
          ? new Response("12 request limit in 2 minute", {
            status: 429,
            headers: { "content-type": "text/plain" },
          })
          : new Response(CF_RATE_LIMIT_PAGE, {
            status: 403,
            headers: { "content-type": "text/html" },
          }),
      );
    }
    accepted[source].push(entry.time);

    const api = API[source];
    const unknown = Object.keys(params).find((k) => !api.allowed.includes(k));
    if (unknown !== undefined) {
      return answer(json(400, {
        timestamp: new Date(clock.now()).toISOString().slice(0, 19),
        status: 400,
        error: "Bad Request",
        message: "Request parameters unknown",
        path: url.pathname,
        exception: `Request parameter '${unknown}' is not recognised, allowed parameters are: ${
          api.allowed.join(", ")
        }`,
      }));
    }
    const bad = (message: string) =>
      answer(json(400, { status: 400, error: "Bad Request", message, path: url.pathname }));

    const limit = params.limit === undefined ? 100 : Number(params.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return bad(`limit must be 1-100, got ${params.limit}`);
    }
    let fromText = params[api.from] ?? "";
    let toText = params[api.to] ?? "";
    let offset = 0;
    if (params.cursor !== undefined) {
      const decoded = unbase64(params.cursor);
      const fields = Object.fromEntries(
        (decoded ?? "").split("|").map((kv) => kv.split("=", 2) as [string, string]),
      );
      offset = Number(fields.nextCursor);
      if (!decoded || !Number.isInteger(offset) || offset < 0) return bad("invalid cursor");
      fromText = fields[api.from] ?? "";
      toText = fields[api.to] ?? "";
    }
    const from = fromText === "" ? -Infinity : readDate(fromText)?.getTime();
    const to = toText === "" ? Infinity : readDate(toText)?.getTime();
    if (from === undefined || to === undefined) return bad("invalid date parameter");
    const stages = source === "cf" && params.stages ? params.stages.split(",") : null;
    const matching = data[source].filter((r) => {
      const t = releaseInstant(r);
      if (!(t >= from && t < to)) return false;
      if (stages === null) return true;
      const tags = Array.isArray(r.tag) ? r.tag as string[] : [];
      return tags.some((tag) => stages.includes(STAGE_OF_TAG[tag] ?? tag));
    });
    let page = matching.slice(offset, offset + limit);
    const fault = takeFault(entry, page);
    if (fault) entry.fault = fault.kind;

    const cursorUrl = (n: number) => {
      const next = new URL(api.path, origin);
      if (fromText) next.searchParams.set(api.from, fromText);
      if (toText) next.searchParams.set(api.to, toText);
      next.searchParams.set("limit", String(limit));
      next.searchParams.set("cursor", base64(api.cursorKeys(fromText, toText, limit, n)));
      return next.href;
    };

    switch (fault?.kind) {
      case "status": {
        const headers: Record<string, string> = { "content-type": "text/html" };
        if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
        const body = fault.bodyBytes !== undefined
          ? "x".repeat(fault.bodyBytes)
          : fault.status === 429
          ? "12 request limit in 2 minute"
          : `<html><body><h1>${fault.status} Error</h1><p>upstream trouble</p></body></html>`;
        return answer(new Response(body, { status: fault.status, headers }));
      }
      case "throttle-html":
        return answer(
          new Response(CF_RATE_LIMIT_PAGE, {
            status: 403,
            headers: { "content-type": "text/html" },
          }),
        );
      case "slow":
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, fault.delayMs);
          request.signal.addEventListener("abort", () => {
            clearTimeout(timer);
            resolve();
          }, { once: true });
        });
        break;
      case "empty-page":
        page = [];
        break;
    }

    let nextHref: string | null = offset + limit < matching.length && fault?.kind !== "empty-page"
      ? cursorUrl(offset + limit)
      : null;
    if (fault?.kind === "no-next") nextHref = null;
    if (fault?.kind === "next-loop") {
      nextHref = fault.toOffset !== undefined
        ? cursorUrl(fault.toOffset)
        : params.cursor !== undefined
        ? new URL(`${api.path}?${url.searchParams}`, origin).href
        : cursorUrl(0);
    }
    if (fault?.kind === "foreign-next") {
      const foreign = new URL(fault.url ?? `http://elsewhere.invalid${api.path}`);
      foreign.searchParams.set(
        "cursor",
        base64(api.cursorKeys(fromText, toText, limit, offset + limit)),
      );
      nextHref = foreign.href;
    }
    entry.releaseIds = page.map((r) => r.id);

    const released = page.map((r) => structuredClone(r));
    if (released.length > 0) {
      if (fault?.kind === "invalid-numbers") {
        released[0].replayHuge = "@@HUGE@@";
        released[0].replayZeros = "@@ZEROS@@";
      }
      if (fault?.kind === "windows-1252") released[0].replayText = "Café – £5";
    }
    const pkg: Record<string, unknown> = {
      uri: url.href,
      version: "1.1",
      publishedDate: page[0]?.date ?? new Date(clock.now()).toISOString(),
      publisher: { name: source === "fts" ? "Cabinet Office" : "Crown Commercial Service" },
      license: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
      releases: released,
    };
    if (nextHref !== null) pkg.links = { next: nextHref };
    let text = JSON.stringify(pkg);
    if (fault?.kind === "invalid-numbers") {
      text = text.replace('"@@HUGE@@"', "1e9999").replace('"@@ZEROS@@"', " 000");
    }
    if (fault?.kind === "bad-release") {
      const target = fault.releaseId ?? page[0]?.id;
      const index = page.findIndex((r) => r.id === target);
      if (index >= 0) {
        const good = JSON.stringify(released[index]);
        const broken = fault.broken === "structure"
          ? `{"id":${JSON.stringify(target)},"items":[{"n":1}}`
          : `{"id":${JSON.stringify(target)},"date":${
            JSON.stringify(page[index].date)
          },"value":{"amount":NaN-ish}}`;
        text = text.replace(good, broken);
      }
    }
    if (fault?.kind === "huge-release") {
      const index = page.findIndex((r) => r.id === fault.releaseId);
      const marker = `"replayPadding":"@@PAD@@"`;
      released[index].replayPadding = "@@PAD@@";
      const padded = JSON.stringify(pkg);
      const at = padded.indexOf(marker) + marker.indexOf("@@PAD@@");
      return answer(paddedResponse(padded.slice(0, at), padded.slice(at + 7), fault));
    }
    let body: Uint8Array<ArrayBuffer> = new TextEncoder().encode(text);
    if (fault?.kind === "truncate") {
      body = body.slice(0, Math.floor(body.length * (fault.fraction ?? 0.6)));
    }
    if (fault?.kind === "windows-1252") body = encodeWindows1252(text);
    const headers = { "content-type": "application/json" };
    if (fault?.kind === "reset") {
      const half = body.slice(0, Math.floor(body.length / 2));
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(half);
          // erroring the stream makes Deno cut the connection mid-body
          setTimeout(() => controller.error(new Error("replay: connection reset")), 5);
        },
      });
      entry.status = 0;
      return new Response(stream, { status: 200, headers });
    }
    return answer(new Response(body, { status: 200, headers }));
  }

  const server = Deno.serve({
    port: options.port ?? 0,
    hostname: options.hostname ?? "127.0.0.1",
    onListen: () => {},
  }, handle);
  const addr = server.addr as Deno.NetAddr;
  origin = `http://${addr.hostname}:${addr.port}`;

  let closed: Promise<void> | null = null;
  const close = () => closed ??= server.shutdown();
  return {
    url: origin,
    log,
    inject(rule) {
      faults.push({ rule, left: rule.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    setReleases(source, releases) {
      data[source] = sortNewestFirst([...releases]);
    },
    releases: (source) => data[source],
    setRateLimit(source, rate) {
      limits[source] = rate;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A body `head` + `bytes` letters + `tail`, streamed in 64 KiB chunks. */
function paddedResponse(
  head: string,
  tail: string,
  fault: { bytes: number; announced?: boolean },
): Response {
  const encoder = new TextEncoder();
  const start = encoder.encode(head);
  const end = encoder.encode(tail);
  const chunk = new Uint8Array(65_536).fill(0x78); // "x"
  let left = fault.bytes;
  let stage = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (stage === 0) {
        controller.enqueue(start);
        stage = 1;
      } else if (left > 0) {
        const n = Math.min(left, chunk.byteLength);
        controller.enqueue(n === chunk.byteLength ? chunk.slice() : chunk.slice(0, n));
        left -= n;
      } else {
        controller.enqueue(end);
        controller.close();
      }
    },
  });
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (fault.announced) {
    headers["content-length"] = String(start.byteLength + fault.bytes + end.byteLength);
  }
  return new Response(stream, { status: 200, headers });
}

function defaultReleases(source: SourceId): ReleaseJson[] {
  return [...fixtureReleases(source), ...realReleases(source)];
}

const HELP = `Replay server: behaves like the FTS and CF OCDS APIs on localhost.

Usage: deno task replay [--port N] [--releases N] [--from DATE] [--to DATE] [--seed N]
                        [--no-rate-limit] [--huge-release-mb N]

  --port N         port to listen on (default 8787; 0 picks a free one)
  --releases N     serve N synthetic releases per source instead of the fixtures and
                   ../shared/data pages (dates spread over --from … --to)
  --from, --to     date range of synthetic releases (default: the last 30 days)
  --seed N         seed of the synthetic releases (default 1)
  --no-rate-limit  turn off the emulated rate limits (FTS 12/120s, CF 30/60s)
  --huge-release-mb N
                   the middle release of each source carries N MB of padding, streamed
                   (a page too large to hold, for the memory benchmark)

Then point the product at it: FTS_BASE_URL=<url> CF_BASE_URL=<url>.`;

if (import.meta.main) {
  const flags = flagsOrExit(Deno.args, {
    port: "value",
    releases: "value",
    from: "value",
    to: "value",
    seed: "value",
    "no-rate-limit": "switch",
    "huge-release-mb": "value",
  }, HELP);
  const value = (name: string): string | undefined => flags.get(name.slice(2));
  const port = Number(value("--port") ?? 8787);
  const n = value("--releases");
  const to = value("--to") ? new Date(value("--to")!) : new Date();
  const from = value("--from")
    ? new Date(value("--from")!)
    : new Date(to.getTime() - 30 * 86_400_000);
  const seed = Number(value("--seed") ?? 1);
  if (
    !Number.isInteger(port) || (n !== undefined && !/^\d+$/.test(n)) ||
    Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())
  ) {
    console.error(`Invalid arguments.\n\n${HELP}`);
    Deno.exit(2);
  }
  const releases = n === undefined ? undefined : {
    fts: syntheticReleases("fts", Number(n), { from, to, seed }),
    cf: syntheticReleases("cf", Number(n), { from, to, seed }),
  };
  const server = startReplayServer({
    port,
    releases,
    rateLimit: flags.has("no-rate-limit") ? { fts: false, cf: false } : undefined,
  });
  const hugeMb = value("--huge-release-mb");
  if (hugeMb !== undefined) {
    for (const source of ["fts", "cf"] as const) {
      const all = server.releases(source);
      const releaseId = all[Math.floor(all.length / 2)].id;
      const bytes = Number(hugeMb) * 1_048_576;
      server.inject({ fault: { kind: "huge-release", releaseId, bytes }, source, times: Infinity });
      console.log(`  ${source}: release ${releaseId} carries ${hugeMb} MB`);
    }
  }
  console.log(`Replay server on ${server.url}`);
  console.log(`  FTS ${server.url}${FTS_PATH}  (${server.releases("fts").length} releases)`);
  console.log(`  CF  ${server.url}${CF_PATH}  (${server.releases("cf").length} releases)`);
  console.log(`Use: FTS_BASE_URL=${server.url} CF_BASE_URL=${server.url}`);
}
