/**
 * The `sync_state` collection: where each stream of a source stands. A stream is the source's
 * main sync (`_id` = source id) or an operator's one-off range backfill. Every write carries
 * the writer's fencing token: a holder that lost its lease can never move a cursor that a
 * newer holder wrote.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const ok = await saveState(db, "fts", 7, { cursor: "abc" }, { pages: 1 });
 * if (!ok) throw new Error("lease lost");
 * ```
 * @module
 */
import type { Collection, Db, Filter, MatchKeysAndValues } from "mongodb";
import type { SourceId } from "../config.ts";
import type { DateWindow } from "../sources/source.ts";
import { isDuplicateKeyError } from "./duplicate_key.ts";

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
  /** Notices this stream stored for the first time (see `writeContracts`' `newByDay`). */
  notices: number;
}

/** Days of {@linkcode SyncStateDoc.days} kept: older days are forgotten at a run's start. */
export const DAYS_KEPT = 92;

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
  /**
   * New notices by UTC day of their release date (`YYYY-MM-DD` → count), for the last
   * {@linkcode DAYS_KEPT} days; moved with the cursor like `totals`. Absent on old documents.
   */
  readonly days?: Readonly<Record<string, number>>;
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
  return { pages: 0, releases: 0, quarantined: 0, notices: 0 };
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
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const state = await loadState(db, "fts");
 * if (state !== null) futurePosition(state, Date.now()); // e.g. 9999-12-31T00:00:00.000Z
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

/** What a state write adds besides its `$set`. */
export interface StateAdd extends Partial<SyncTotals> {
  /** Added to `days` (`YYYY-MM-DD` → new notices). */
  readonly days?: Readonly<Record<string, number>>;
  /** Days removed from `days` (older than {@linkcode DAYS_KEPT}). */
  readonly forgetDays?: readonly string[];
  /**
   * Sets `totals.notices` and `days` outright instead of adding to them: the first figures of
   * a stream stored before the figures existed (see `countStoredFigures`).
   */
  readonly startFigures?: {
    readonly notices: number;
    readonly days: Readonly<Record<string, number>>;
  };
}

const DAY_KEY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Creates or updates a stream's state under fencing token `fence`, adding `add` to its
 * totals and days in the same write (so they move exactly with the cursor). Resolves `false`,
 * writing nothing, when a writer with a newer token has written since: the caller lost its
 * lease.
 */
export async function saveState(
  db: Db,
  streamId: string,
  fence: number,
  set: Partial<
    Omit<SyncStateDoc, "_id" | "fence" | "totals" | "days" | "createdAt" | "updatedAt">
  >,
  add: StateAdd = {},
  now = new Date(),
): Promise<boolean> {
  // $inc of every total (0 included) creates them whole on insert and moves them with the cursor
  const inc: Record<string, number> = {};
  for (const k of Object.keys(zeroTotals()) as (keyof SyncTotals)[]) {
    inc[`totals.${k}`] = add[k] ?? 0;
  }
  for (const [day, n] of Object.entries(add.days ?? {})) {
    if (!DAY_KEY.test(day)) {
      throw new Error(`saveState: day ${JSON.stringify(day)} is not YYYY-MM-DD.`);
    }
    if (n !== 0) inc[`days.${day}`] = n;
  }
  const unset: Record<string, ""> = {};
  for (const day of add.forgetDays ?? []) {
    if (DAY_KEY.test(day) && !(day in (add.days ?? {}))) unset[`days.${day}`] = "";
  }
  const start: Record<string, unknown> = {};
  if (add.startFigures) {
    for (const key of Object.keys(inc)) {
      if (key === "totals.notices" || key.startsWith("days.")) delete inc[key];
    }
    for (const key of Object.keys(unset)) delete unset[key];
    start["totals.notices"] = add.startFigures.notices;
    start.days = { ...add.startFigures.days };
  }
  const update = {
    $set: { ...set, ...start, fence, updatedAt: now } as MatchKeysAndValues<SyncStateDoc>,
    $setOnInsert: { createdAt: now },
    $inc: inc,
    ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
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
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}
