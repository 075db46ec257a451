/**
 * The sync engine: for one stream of one source, under the source's lease, page by page —
 * fetch → map → write contracts, buyers, quarantine → save the cursor after the data it
 * covers → renew the lease — until caught up, out of budget, out of pages, or failed. Every
 * run leaves a record in `sync_runs`; a failed run resumes from its cursor next time.
 *
 * @example
 * ```ts
 * const run = await runSync(deps, { source: "fts", trigger: "cron" });
 * run.outcome; // "caught-up" | "budget" | …
 * ```
 * @module
 */
import type { Db } from "mongodb";
import type { SourceId, StartDate, SyncConfig } from "../config.ts";
import type { Clock } from "../clock.ts";
import { errorText, getLog } from "../log.ts";
import { MAPPING_VERSION } from "../ocds/contract.ts";
import { mapPage } from "../ocds/map_page.ts";
import { writeBuyers } from "../db/buyers.ts";
import { writeContracts } from "../db/contracts.ts";
import { quarantine, type QuarantineItem } from "../db/quarantine.ts";
import { recordRun, type RunDoc, type RunOutcome, type RunTrigger } from "../db/runs.ts";
import {
  loadState,
  rangeStreamId,
  saveState,
  type SyncMode,
  type SyncStateDoc,
  type SyncTotals,
  zeroTotals,
} from "../db/sync_state.ts";
import type { DateWindow, PageCost, Position, Source } from "../sources/source.ts";
import { firstWindow, nextWindow } from "../sources/windows.ts";
import { acquireLease, type Lease, releaseLease, renewLease } from "./lock.ts";

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
}

/** One run's request. */
export interface RunRequest {
  readonly source: SourceId;
  readonly trigger: RunTrigger;
  /** A one-off backfill of `[from, to)` in its own stream, instead of the main stream. */
  readonly range?: { readonly from: Date; readonly to: Date };
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
  /** Share of the stream's date range done, 0–1. */
  readonly done: number;
}

/**
 * Runs one stream once. Never throws for a sync failure: the outcome, figures and error are
 * in the returned (and stored) run record.
 */
export async function runSync(deps: EngineDeps, request: RunRequest): Promise<RunDoc> {
  const { clock, sync } = deps;
  const runId = request.runId ?? crypto.randomUUID();
  const startedAt = clock.now();
  const deadline = startedAt + (request.budgetMs ?? sync.budgetMs);
  const maxPages = request.maxPages ?? sync.maxPages;
  const streamId = request.range
    ? rangeStreamId(request.source, request.range.from, request.range.to)
    : request.source;
  const log = getLog("sync");
  const figures = { ...zeroTotals(), requests: 0, retries: 0, waitedMs: 0, bytes: 0 };
  const warnings: string[] = [];
  let from: RunDoc["from"] = null;
  let to: RunDoc["to"] = null;
  let outcome: RunOutcome = "error";
  let error: string | null = null;

  const finish = async (): Promise<RunDoc> => {
    const run: RunDoc = {
      _id: runId,
      source: request.source,
      streamId,
      trigger: request.trigger,
      startedAt: new Date(startedAt),
      endedAt: new Date(clock.now()),
      outcome,
      ...figures,
      waitedSeconds: Math.round(figures.waitedMs / 100) / 10,
      from,
      to,
      error,
      warnings: warnings.slice(0, 50),
    };
    delete (run as { waitedMs?: number }).waitedMs;
    try {
      await recordRun(deps.db, run, sync.runsKept);
    } catch (e) {
      log.error(`Could not record run ${runId} of ${streamId}: ${errorText(e)}`);
    }
    log.info(`Run ${runId} of ${streamId} ended: ${outcome}`, { run: summary(run) });
    return run;
  };

  const source = deps.sources[request.source];
  if (!source) {
    error = `Source ${request.source} is not configured for this engine.`;
    return finish();
  }
  const acquired = await acquireLease(deps.kv, request.source, {
    owner: runId,
    ttlMs: sync.leaseTtlMs,
    now: clock.now(),
  });
  if (!acquired.ok) {
    outcome = "lease-held";
    error = `The ${request.source} lease is held by run ${acquired.holder.owner} until ${
      new Date(acquired.holder.expiresAt).toISOString()
    }.`;
    return finish();
  }
  let lease: Lease = acquired.lease;
  const fence = lease.token;
  let state: SyncStateDoc | null = null;
  try {
    state = await loadState(deps.db, streamId) ??
      await createState(deps, streamId, request, fence, startedAt);
    if (!state) {
      outcome = "lease-lost";
      return await finish();
    }
    const upper = state.rangeTo ?? new Date(startedAt);
    let window = state.window ?? startWindow(state, source, upper, sync.lookbackMs);
    let cursor = state.window ? state.cursor : null;
    from = { window, cursor };
    to = from;
    if (
      !(await saveState(deps.db, streamId, fence, {
        status: "running",
        lastRunId: runId,
        window,
        cursor,
      }))
    ) {
      outcome = "lease-lost";
      return await finish();
    }
    while (true) {
      if (maxPages > 0 && figures.pages >= maxPages) {
        outcome = "page-limit";
        break;
      }
      if (clock.now() >= deadline) {
        outcome = "budget";
        break;
      }
      const position: Position = { window, cursor };
      const page = await source.fetchPage(position, deadline);
      addCost(figures, page.cost);
      if (page.kind === "out-of-time") {
        outcome = "budget";
        break;
      }
      warnings.push(...page.warnings);
      const now = new Date(clock.now());
      const { mapped, failed, buyers } = mapPage(request.source, page.releases);
      const written = await writeContracts(deps.db, mapped.map((m) => m.contract), now);
      await writeBuyers(deps.db, buyers, written.touchedBuyers, now);
      const setAside: QuarantineItem[] = [
        ...failed.map((f) => ({
          source: request.source,
          kind: "release" as const,
          releaseId: f.releaseId,
          reason: f.reason,
          error: f.error,
          raw: safeJson(f.raw),
          position,
          mappingVersion: MAPPING_VERSION,
        })),
        ...page.rejected.map((r) => ({
          source: request.source,
          kind: "page" as const,
          releaseId: r.releaseId,
          reason: "unparseable",
          error: r.reason,
          raw: r.raw,
          position,
          mappingVersion: MAPPING_VERSION,
        })),
      ];
      await quarantine(deps.db, setAside, now);

      // Only now, with the page's data stored, does the cursor move past it.
      const pageTotals: SyncTotals = {
        pages: 1,
        releases: page.releases.length,
        inserted: written.inserted,
        updated: written.updated,
        unchanged: written.unchanged,
        stale: written.stale,
        quarantined: setAside.length,
      };
      let watermark: Date | null = state.watermark;
      let mode: SyncMode = state.mode;
      let caughtUp = false;
      if (page.next) {
        window = page.next.window;
        cursor = page.next.cursor;
      } else {
        if (!watermark || window.to > watermark) watermark = window.to;
        const after = nextWindow(window, upper, source.windowMs, source.overlapMs);
        caughtUp = after === null;
        if (after) {
          window = after;
          cursor = null;
        } else if (state.kind === "main") {
          mode = "incremental";
        }
      }
      const saved = await saveState(
        deps.db,
        streamId,
        fence,
        {
          window: caughtUp ? null : window,
          cursor: caughtUp ? null : cursor,
          watermark,
          mode,
          ...(caughtUp ? { status: "ok", lastSuccessAt: now, lastError: null } : {}),
        },
        pageTotals,
        now,
      );
      if (!saved) {
        outcome = "lease-lost";
        break;
      }
      state = { ...state, watermark, mode };
      for (const k of Object.keys(pageTotals) as (keyof SyncTotals)[]) figures[k] += pageTotals[k];
      to = { window: caughtUp ? null : window, cursor: caughtUp ? null : cursor };
      deps.onProgress?.({
        runId,
        source: request.source,
        pages: figures.pages,
        releases: figures.releases,
        elapsedMs: clock.now() - startedAt,
        window: caughtUp ? null : window,
        done: caughtUp ? 1 : shareDone(state, window, upper),
      });
      if (caughtUp) {
        outcome = "caught-up";
        break;
      }
      const renewed = await renewLease(deps.kv, lease, {
        ttlMs: sync.leaseTtlMs,
        now: clock.now(),
      });
      if (!renewed) {
        outcome = "lease-lost";
        break;
      }
      lease = renewed;
    }
    if (outcome === "budget" || outcome === "page-limit") {
      await saveState(deps.db, streamId, fence, {
        status: "ok",
        lastSuccessAt: new Date(clock.now()),
        lastError: null,
      });
    }
  } catch (e) {
    outcome = "error";
    error = errorText(e);
    log.error(`Run ${runId} of ${streamId} failed; the next run resumes from the cursor: ${error}`);
    try {
      await saveState(deps.db, streamId, fence, {
        status: "error",
        lastError: {
          message: error,
          at: new Date(clock.now()),
          window: to?.window ?? null,
          cursor: to?.cursor ?? null,
        },
      });
    } catch (e2) {
      log.error(`Could not record the failure of ${streamId}: ${errorText(e2)}`);
    }
  } finally {
    await releaseLease(deps.kv, lease).catch((e) =>
      log.warn(
        `Could not release the ${request.source} lease (it expires by itself): ${errorText(e)}`,
      )
    );
  }
  return finish();
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
    lastRunId: request.runId ?? null,
    lastSuccessAt: null,
  };
  const now = new Date(nowMs);
  if (!(await saveState(deps.db, streamId, fence, init, {}, now))) return null;
  return { _id: streamId, ...init, totals: zeroTotals(), fence, createdAt: now, updatedAt: now };
}

/** Where a run starts when the stream has no window in progress. */
function startWindow(
  state: SyncStateDoc,
  source: Source,
  upper: Date,
  lookbackMs: number,
): DateWindow {
  const start = state.watermark
    ? new Date(Math.max(state.rangeFrom.getTime(), state.watermark.getTime() - lookbackMs))
    : state.rangeFrom;
  return firstWindow(start, upper, source.windowMs, source.overlapMs);
}

function shareDone(state: SyncStateDoc, window: DateWindow, upper: Date): number {
  const span = upper.getTime() - state.rangeFrom.getTime();
  if (span <= 0) return 1;
  return Math.min(1, Math.max(0, (window.from.getTime() - state.rangeFrom.getTime()) / span));
}

function addCost(
  figures: { requests: number; retries: number; waitedMs: number; bytes: number },
  cost: PageCost,
) {
  figures.requests += cost.requests;
  figures.retries += cost.retries;
  figures.waitedMs += cost.waitedMs;
  figures.bytes += cost.bytes;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value); // cyclic or BigInt: keep what can be kept
  }
}

function summary(run: RunDoc) {
  const { pages, releases, inserted, updated, unchanged, stale, quarantined, requests, retries } =
    run;
  return { pages, releases, inserted, updated, unchanged, stale, quarantined, requests, retries };
}
