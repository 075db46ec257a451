/**
 * The `sync_state` collection: where each stream of a source stands. A stream is the source's
 * main sync (`_id` = source id) or an operator's one-off range backfill. Every write carries
 * the writer's fencing token: a holder that lost its lease can never move a cursor that a
 * newer holder wrote.
 *
 * @example
 * ```ts
 * const ok = await saveState(db, "fts", 7, { cursor: "abc" }, { pages: 1 });
 * if (!ok) throw new Error("lease lost");
 * ```
 * @module
 */
import type { Collection, Db, Filter, MatchKeysAndValues } from "mongodb";
import type { SourceId } from "../config.ts";
import type { DateWindow } from "../sources/source.ts";

/** Backfill: catching up from a start date. Incremental: following new releases. */
export type SyncMode = "backfill" | "incremental";

/**
 * Totals over everything the cursor has covered. They move only with the cursor, in the same
 * write, so a replayed page is never counted twice. (How many notices a run inserted or
 * updated depends on what earlier runs stored, so those figures live on `sync_runs`.)
 */
export interface SyncTotals {
  pages: number;
  releases: number;
  quarantined: number;
}

/** The last failure of a stream, for people. */
export interface SyncError {
  readonly message: string;
  readonly at: Date;
  readonly window: DateWindow | null;
  readonly cursor: string | null;
}

/** One stream's state. */
export interface SyncStateDoc {
  /** `fts`, `cf`, or `{source}:range:{from}:{to}` for a one-off backfill. */
  readonly _id: string;
  readonly source: SourceId;
  readonly kind: "main" | "range";
  readonly mode: SyncMode;
  /** Start of the stream's date range (backfill start). */
  readonly rangeFrom: Date;
  /** End of the range; `null` for the main stream, which follows "now". */
  readonly rangeTo: Date | null;
  /** The window being read; `null` between runs once caught up. */
  readonly window: DateWindow | null;
  /** The API cursor inside `window`; `null` at its first page. */
  readonly cursor: string | null;
  /** Everything updated before this instant is stored. */
  readonly watermark: Date | null;
  readonly totals: SyncTotals;
  readonly status: "running" | "ok" | "error";
  readonly lastError: SyncError | null;
  /**
   * Until when the API throttles this stream (its last run stopped on a throttling wait
   * that outlasted it); `null` once a page is read again. Absent on states saved before.
   */
  readonly throttledUntil?: Date | null;
  readonly lastRunId: string | null;
  readonly lastSuccessAt: Date | null;
  /** Fencing token of the last writer. */
  readonly fence: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Empty totals. */
export function zeroTotals(): SyncTotals {
  return { pages: 0, releases: 0, quarantined: 0 };
}

/** The collection, typed. */
export function syncStateCollection(db: Db): Collection<SyncStateDoc> {
  return db.collection<SyncStateDoc>("sync_state");
}

/**
 * The id of an operator's range backfill stream. A range without an end (`to` = `null`, "up
 * to now") has one stream per start, so asking for it again continues or re-reads that one
 * instead of adding a stream per request.
 */
export function rangeStreamId(source: SourceId, from: Date, to: Date | null): string {
  return `${source}:range:${from.toISOString()}:${to === null ? "now" : to.toISOString()}`;
}

/**
 * How far past "now" a position may lie before it counts as in the future (clocks of two
 * instances differ a little; a start date of 9999-12-31 differs a lot).
 */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * The stream's position when it lies in the future (its range start, window or watermark
 * later than `now` + {@linkcode FUTURE_TOLERANCE_MS}), else `null`. Such a stream would
 * never read anything and look caught up forever.
 *
 * @example
 * ```ts
 * futurePosition(state, Date.now()); // e.g. 9999-12-31T00:00:00.000Z
 * ```
 */
export function futurePosition(
  state: Pick<SyncStateDoc, "watermark"> & Partial<Pick<SyncStateDoc, "rangeFrom" | "window">>,
  now: number,
): Date | null {
  const candidates = [state.rangeFrom ?? null, state.window?.from ?? null, state.watermark];
  let latest: Date | null = null;
  for (const d of candidates) {
    if (d && d.getTime() > now + FUTURE_TOLERANCE_MS && (!latest || d > latest)) latest = d;
  }
  return latest;
}

/** Reads a stream's state, or `null` when it has never run. */
export function loadState(db: Db, streamId: string): Promise<SyncStateDoc | null> {
  return syncStateCollection(db).findOne({ _id: streamId });
}

/**
 * Every stream of a source (main first), for the status page. With `finishedBefore`, range
 * streams that finished (status `ok`, no window left) and were last written before it are
 * left out: they stay in the collection, but the page does not grow with every backfill.
 */
export function listStates(
  db: Db,
  source?: SourceId,
  options: { finishedBefore?: Date } = {},
): Promise<SyncStateDoc[]> {
  const filter: Filter<SyncStateDoc> = source ? { source } : {};
  if (options.finishedBefore) {
    filter.$or = [
      { kind: "main" },
      { status: { $ne: "ok" } },
      { window: { $ne: null } },
      { updatedAt: { $gte: options.finishedBefore } },
    ];
  }
  return syncStateCollection(db).find(filter).sort({ kind: 1, _id: 1 }).toArray();
}

/**
 * Creates or updates a stream's state under fencing token `fence`, adding `add` to its
 * totals in the same write (so totals move exactly with the cursor). Resolves `false`, writing
 * nothing, when a writer with a newer token has written since: the caller lost its lease.
 */
export async function saveState(
  db: Db,
  streamId: string,
  fence: number,
  set: Partial<Omit<SyncStateDoc, "_id" | "fence" | "totals" | "createdAt" | "updatedAt">>,
  add: Partial<SyncTotals> = {},
  now = new Date(),
): Promise<boolean> {
  // $inc of every total (0 included) creates them whole on insert and moves them with the cursor
  const inc: Record<string, number> = {};
  for (const k of Object.keys(zeroTotals()) as (keyof SyncTotals)[]) {
    inc[`totals.${k}`] = add[k] ?? 0;
  }
  const update = {
    $set: { ...set, fence, updatedAt: now } as MatchKeysAndValues<SyncStateDoc>,
    $setOnInsert: { createdAt: now },
    $inc: inc,
  };
  try {
    const res = await syncStateCollection(db).updateOne(
      { _id: streamId, fence: { $lte: fence } },
      update,
      { upsert: true },
    );
    return res.matchedCount + res.upsertedCount > 0;
  } catch (error) {
    // The filter missed because a newer token wrote: the upsert then collides on `_id`.
    if ((error as { code?: unknown }).code === 11000) return false;
    throw error;
  }
}
