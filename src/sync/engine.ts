/**
 * The sync engine: for one stream of one source, under the source's lease, page by page —
 * fetch → store (map, contracts, buyers, quarantine) → save the cursor after the data it
 * covers → renew the lease — until caught up, out of budget, out of pages, or failed. Every
 * run leaves a record in `sync_runs`; a failed run resumes from its cursor next time.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * import { getMongoClient } from "../db/client.ts";
 * import { engineDeps } from "./wiring.ts";
 * const config = loadConfig(Deno.env.toObject());
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const kv = await Deno.openKv();
 * const deps = engineDeps(config, { db, kv });
 * const run = await runSync(deps, { source: "fts", trigger: "cron" });
 * run.outcome; // "caught-up" | "budget" | …
 * ```
 * @module
 */
import type { Db } from "mongodb";
import type { SourceId, StartDate, SyncConfig } from "../config.ts";
import type { Clock } from "../clock.ts";
import { errorText, getLog } from "../log.ts";
import {
  flushPendingRuns,
  recordRunOrKeep,
  type RunDoc,
  type RunFigures,
  type RunOutcome,
  type RunTrigger,
  zeroFigures,
} from "../db/runs.ts";
import {
  DAYS_KEPT,
  futurePosition,
  loadState,
  rangeStreamId,
  saveState,
  type SyncStateDoc,
  zeroTotals,
} from "../db/sync_state.ts";
import type { DateWindow, PageCost, Position, Source } from "../sources/source.ts";
import { SourceError } from "../sources/source_error.ts";
import { capText } from "../text.ts";
import { acquireLease, type Lease, releaseLease, renewLease, startHeartbeat } from "./lease.ts";
import { advance, shareDone, startPosition } from "./advance.ts";
import { storePage } from "./store_page.ts";
import { countStoredFigures } from "../db/figures.ts";

/** The moments of a page's cycle, in order; see {@linkcode EngineDeps.checkpoint}. */
export type EngineStep = "fetched" | "stored" | "saved" | "renewed";

/** What the engine needs; all injected, so tests run it against replay servers. */
export interface EngineDeps {
  readonly db: Db;
  readonly kv: Deno.Kv;
  readonly sources: Partial<Record<SourceId, Source>>;
  readonly clock: Clock;
  readonly sync: SyncConfig;
  /** Where each source's main backfill starts. */
  readonly startDates: Readonly<Record<SourceId, StartDate>>;
  /** Called after every stored page (the CLI's progress line). */
  readonly onProgress?: (progress: Progress) => void;
  /**
   * Called after each step of each page (1-based page number of the run). Observability and
   * fault injection: a checkpoint that throws behaves like a crash at that moment.
   */
  readonly checkpoint?: (step: EngineStep, page: number) => void | Promise<void>;
}

/** One run's request. */
export interface RunRequest {
  readonly source: SourceId;
  readonly trigger: RunTrigger;
  /**
   * A one-off backfill of `[from, to)` in its own stream, instead of the main stream; `to`
   * `null` reads up to now (one stream per start, see `rangeStreamId`).
   */
  readonly range?: { readonly from: Date; readonly to: Date | null };
  /** Overrides the configured budget / page limit for this run. */
  readonly budgetMs?: number;
  readonly maxPages?: number;
  /** The run's id (a UUID when omitted); also the lease owner. */
  readonly runId?: string;
}

/** Progress after a page, for people watching. */
export interface Progress {
  readonly runId: string;
  readonly source: SourceId;
  readonly pages: number;
  readonly releases: number;
  readonly elapsedMs: number;
  readonly window: DateWindow | null;
  /** Where the run is, when not a date window (a re-mapping's last release key). */
  readonly at?: string;
  /** Share of the stream's date range done, 0–1, as `/status` shows it (`shareDone`). */
  readonly done: number;
}

/** The run's counters while it runs; waits counted in ms, rounded into seconds at the end. */
type Figures = RunFigures & { waitedMs: number };

/** Why the page loop stopped, and where the stream then stands. */
interface LoopEnd {
  readonly outcome: RunOutcome;
  readonly at: Position | null;
  /** Until when the API throttles us, when `outcome` is `throttled`. */
  readonly throttledUntil?: Date;
}

/** Longest warning kept on a run record (they quote upstream text). */
const WARNING_MAX = 500;

/**
 * Runs one stream once. Never throws for a sync failure: the outcome, figures and error are
 * in the returned (and stored) run record.
 */
export async function runSync(deps: EngineDeps, request: RunRequest): Promise<RunDoc> {
  const runId = request.runId ?? crypto.randomUUID();
  const startedAt = deps.clock.now();
  const streamId = request.range
    ? rangeStreamId(request.source, request.range.from, request.range.to)
    : request.source;
  const log = getLog("sync");
  const figures: Figures = { ...zeroFigures(), waitedMs: 0 };
  const warnings: string[] = [];
  let from: Position | null = null;
  /** Where the stream stands (its committed cursor), kept current by the page loop. */
  const at: { position: Position | null } = { position: null };
  let end: LoopEnd = { outcome: "error", at: null };
  let error: string | null = null;

  const source = deps.sources[request.source];
  const acquired = source
    ? await acquireLease(deps.kv, request.source, {
      owner: runId,
      ttlMs: deps.sync.leaseTtlMs,
      now: deps.clock.now(),
    })
    : null;
  if (!source || !acquired) {
    error = `Source ${request.source} is not configured for this engine.`;
  } else if (!acquired.ok) {
    end = { outcome: "lease-held", at: null };
    error = `The ${request.source} lease is held by run ${acquired.holder.owner} until ${
      new Date(acquired.holder.expiresAt).toISOString()
    }.`;
  } else {
    const lease = acquired.lease;
    try {
      await flushPendingRuns(deps.db, deps.kv, deps.sync.runsKept);
      let state = await loadState(deps.db, streamId);
      const future = state && futurePosition(state, startedAt);
      if (state && future) {
        // A position in the future (a start date of 9999-12-31 once configured) never
        // reads anything and looks caught up forever: start the stream again from its start.
        const why = `The ${streamId} stream's position (${future.toISOString()}) is in the ` +
          "future; it starts again from its start date.";
        warnings.push(why);
        log.warn(why, { stream: streamId });
        state = null;
      }
      state ??= await createState(deps, streamId, request, lease.token, startedAt);
      if (state) {
        const upper = state.rangeTo ?? new Date(startedAt);
        from = state.window
          ? { window: state.window, cursor: state.cursor }
          : startPosition(state, upper, deps.sync.lookbackMs, source);
        at.position = from;
        end = await pageLoop(deps, {
          request,
          runId,
          streamId,
          startedAt,
          state,
          upper,
          lease,
          source,
          from,
          figures,
          warnings,
          at,
        });
      } else {
        end = { outcome: "lease-lost", at: null };
      }
    } catch (e) {
      // a failed page still cost requests and waits: count them (the record stays honest)
      if (e instanceof SourceError && e.cost) addCost(figures, e.cost);
      error = errorText(e);
      end = { outcome: "error", at: at.position };
      log.error(
        `Run ${runId} of ${streamId} failed; the next run resumes from the cursor: ${error}`,
      );
      await saveState(deps.db, streamId, lease.token, {
        status: "error",
        lastError: {
          message: error,
          at: new Date(deps.clock.now()),
          window: at.position?.window ?? null,
          cursor: at.position?.cursor ?? null,
        },
      }).catch((e2) => log.error(`Could not record the failure of ${streamId}: ${errorText(e2)}`));
    } finally {
      await releaseLease(deps.kv, lease).catch((e) =>
        log.warn(
          `Could not release the ${request.source} lease (it expires by itself): ${errorText(e)}`,
        )
      );
    }
  }

  const { waitedMs, waitedSeconds: _, ...counts } = figures;
  const run: RunDoc = {
    _id: runId,
    source: request.source,
    streamId,
    trigger: request.trigger,
    startedAt: new Date(startedAt),
    endedAt: new Date(deps.clock.now()),
    outcome: end.outcome,
    ...counts,
    waitedSeconds: Math.round(waitedMs / 100) / 10,
    from,
    to: end.at,
    error,
    throttledUntil: end.throttledUntil ?? null,
    warnings: warnings.slice(0, 50).map((w) => capText(w, WARNING_MAX)),
  };
  const kept = await recordRunOrKeep(deps.db, deps.kv, run, deps.sync.runsKept);
  if (kept.in !== "mongodb") {
    log.error(`Could not record run ${runId} of ${streamId}, kept in KV: ${errorText(kept.error)}`);
    if (kept.in === "nowhere") {
      log.error(`Could not keep run ${runId} in KV either: ${errorText(kept.kvError)}`);
    }
  }
  log.info(`Run ${runId} of ${streamId} ended: ${run.outcome}`, {
    pages: run.pages,
    releases: run.releases,
    inserted: run.inserted,
    requests: run.requests,
    error: run.error,
    throttledUntil: run.throttledUntil?.toISOString() ?? null,
  });
  return run;
}

interface LoopContext {
  readonly request: RunRequest;
  readonly runId: string;
  readonly streamId: string;
  readonly startedAt: number;
  readonly state: SyncStateDoc;
  readonly upper: Date;
  readonly lease: Lease;
  readonly source: Source;
  readonly from: Position;
  readonly figures: Figures;
  readonly warnings: string[];
  /** Updated as the cursor moves, so a failure can say where the stream stands. */
  readonly at: { position: Position | null };
}

/** The page loop; throws on failure (the caller records it), returns how it stopped. */
async function pageLoop(deps: EngineDeps, ctx: LoopContext): Promise<LoopEnd> {
  const { db, clock, sync } = deps;
  const { request, streamId, figures, source, upper } = ctx;
  const fence = ctx.lease.token;
  const deadline = ctx.startedAt + (request.budgetMs ?? sync.budgetMs);
  const maxPages = request.maxPages ?? sync.maxPages;
  let lease = ctx.lease;
  let state = ctx.state;
  let position = ctx.from;
  const running = {
    status: "running" as const,
    lastRunId: ctx.runId,
    window: position.window,
    cursor: position.cursor,
  };
  const forgetDays = staleDays(state.days, clock.now());
  // a main stream from before the figures existed starts them from what is stored (once)
  const startFigures = state.kind === "main" && state.totals.notices === undefined
    ? await countStoredFigures(db, request.source, clock.now())
    : undefined;
  if (!(await saveState(db, streamId, fence, running, { forgetDays, startFigures }))) {
    return { outcome: "lease-lost", at: position };
  }
  const stopWell = async (outcome: RunOutcome): Promise<LoopEnd> => {
    const ok = {
      status: "ok" as const,
      lastSuccessAt: new Date(clock.now()),
      lastError: null,
      throttledUntil: null,
    };
    const saved = await saveState(db, streamId, fence, ok);
    return { outcome: saved ? outcome : "lease-lost", at: position };
  };
  /** Stopped by the API's throttling: not a success (the verdict must not say ok). */
  const stopThrottled = async (until: number): Promise<LoopEnd> => {
    const throttledUntil = new Date(until);
    const saved = await saveState(db, streamId, fence, { status: "ok", throttledUntil });
    return saved
      ? { outcome: "throttled", at: position, throttledUntil }
      : { outcome: "lease-lost", at: position };
  };
  for (let n = 1;; n++) {
    if (maxPages > 0 && n > maxPages) return stopWell("page-limit");
    if (clock.now() >= deadline) return stopWell("budget");
    // The lease is renewed while the source waits (throttling, backoff, a slow answer), so
    // no wait, however long, lets it lapse; losing it to another holder stops the run.
    const beat = startHeartbeat(deps.kv, lease, {
      ttlMs: sync.leaseTtlMs,
      now: () => clock.now(),
      onError: (e) =>
        getLog("sync").warn(`Could not renew the ${request.source} lease: ${errorText(e)}`),
    });
    let page;
    try {
      page = await source.fetchPage(position, deadline);
    } finally {
      const kept = await beat.stop();
      if (kept) lease = kept;
    }
    addCost(figures, page.cost);
    if (beat.lost) return { outcome: "lease-lost", at: position };
    if (page.kind === "out-of-time") {
      return page.throttledUntil === null ? stopWell("budget") : stopThrottled(page.throttledUntil);
    }
    ctx.warnings.push(...page.warnings);
    await deps.checkpoint?.("fetched", n);

    const now = new Date(clock.now());
    // the same on every attempt until the cursor moves: stream, its creation, pages saved
    const pageKey = `${streamId}@${state.createdAt.getTime()}#${
      state.totals.pages + figures.pages
    }`;
    const stored = await storePage(db, request.source, page, position, now, {
      keepRaw: sync.keepRawReleases,
      pageKey,
    });
    await deps.checkpoint?.("stored", n);

    // Only now, with the page's data stored, does the cursor move past it.
    const next = advance(state, position.window, page.next, upper, source);
    const caughtUp = next.position === null;
    const saved = await saveState(
      db,
      streamId,
      fence,
      {
        window: next.position?.window ?? null,
        cursor: next.position?.cursor ?? null,
        watermark: next.watermark,
        mode: next.mode,
        throttledUntil: null,
        ...(caughtUp ? { status: "ok" as const, lastSuccessAt: now, lastError: null } : {}),
      },
      {
        pages: 1,
        releases: page.releases.length,
        quarantined: stored.quarantined,
        notices: Object.values(stored.newByDay).reduce((a, b) => a + b, 0),
        days: recentDays(stored.newByDay, now.getTime()),
      },
      now,
    );
    if (!saved) return { outcome: "lease-lost", at: position };
    await deps.checkpoint?.("saved", n);
    state = { ...state, watermark: next.watermark, mode: next.mode };
    figures.pages++;
    figures.releases += page.releases.length;
    figures.inserted += stored.inserted;
    figures.updated += stored.updated;
    figures.unchanged += stored.unchanged;
    figures.stale += stored.stale;
    figures.quarantined += stored.quarantined;
    deps.onProgress?.({
      runId: ctx.runId,
      source: request.source,
      pages: figures.pages,
      releases: figures.releases,
      elapsedMs: clock.now() - ctx.startedAt,
      window: next.position?.window ?? null,
      // the formula /status and the dashboard use, on the state just saved
      done: shareDone({ ...state, window: next.position?.window ?? null }, upper.getTime()),
    });
    if (next.position === null) return { outcome: "caught-up", at: null };
    position = next.position;
    ctx.at.position = position;

    const renewed = await renewLease(deps.kv, lease, { ttlMs: sync.leaseTtlMs, now: clock.now() });
    if (!renewed) return { outcome: "lease-lost", at: position };
    lease = renewed;
    await deps.checkpoint?.("renewed", n);
  }
}

const DAY_MS = 86_400_000;
const dayKey = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The days of `byDay` within the last {@linkcode DAYS_KEPT} days (future days included). */
function recentDays(byDay: Readonly<Record<string, number>>, now: number) {
  const oldest = dayKey(now - (DAYS_KEPT - 1) * DAY_MS);
  return Object.fromEntries(Object.entries(byDay).filter(([day]) => day >= oldest));
}

/** The days of a state's `days` older than {@linkcode DAYS_KEPT}: forgotten at a run's start. */
function staleDays(days: SyncStateDoc["days"], now: number): string[] {
  const oldest = dayKey(now - (DAYS_KEPT - 1) * DAY_MS);
  return Object.keys(days ?? {}).filter((day) => day < oldest);
}

/** Creates a stream's first state: a backfill from the start date (or the range's start). */
async function createState(
  deps: EngineDeps,
  streamId: string,
  request: RunRequest,
  fence: number,
  nowMs: number,
): Promise<SyncStateDoc | null> {
  const start = deps.startDates[request.source];
  const rangeFrom = request.range?.from ??
    (start.kind === "date" ? start.at : new Date(nowMs - start.ms));
  const init = {
    source: request.source,
    kind: request.range ? "range" as const : "main" as const,
    mode: "backfill" as const,
    rangeFrom,
    rangeTo: request.range?.to ?? null,
    window: null,
    cursor: null,
    watermark: null,
    status: "running" as const,
    lastError: null,
    lastRunId: null,
    lastSuccessAt: null,
  };
  const now = new Date(nowMs);
  if (!(await saveState(deps.db, streamId, fence, init, {}, now))) return null;
  return {
    _id: streamId,
    ...init,
    totals: zeroTotals(),
    fence,
    createdAt: now,
    updatedAt: now,
  };
}

function addCost(figures: Figures, cost: PageCost): void {
  figures.requests += cost.requests;
  figures.retries += cost.retries;
  figures.waitedMs += cost.waitedMs;
  figures.bytes += cost.bytes;
}
