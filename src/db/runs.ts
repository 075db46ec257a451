/**
 * The `sync_runs` collection: one document per run per stream, so every run leaves a record
 * a person can read later. Retention is bounded per source. A record MongoDB cannot take (it
 * is away, often the very reason the run failed) is kept in Deno KV until the next run
 * writes it ({@linkcode recordRunOrKeep}, {@linkcode flushPendingRuns}).
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const at = new Date();
 * const run = runRecord({ _id: crypto.randomUUID(), source: "fts", streamId: "fts", trigger: "cli",
 *   startedAt: at, endedAt: at, outcome: "caught-up" });
 * await recordRun(db, run, 500);
 * const last = await recentRuns(db, "fts", 10);
 * ```
 * @module
 */
import type { Collection, Db } from "mongodb";
import type { SourceId } from "../config.ts";
import type { DateWindow } from "../sources/source.ts";
import { isDuplicateKeyError } from "./duplicate_key.ts";

/** How a run ended. */
export type RunOutcome =
  /** The stream reached "now" (or the end of its range). */
  | "caught-up"
  /** The run's time budget was spent; the next run resumes from the cursor. */
  | "budget"
  /**
   * The API throttled us for longer than the run had left (`throttledUntil` says until
   * when); the next run resumes from the cursor.
   */
  | "throttled"
  /** The run's page limit was reached. */
  | "page-limit"
  /** Another holder has the source's lease: nothing was done. */
  | "lease-held"
  /** The lease was lost mid-run (a newer holder wrote): stopped without writing further. */
  | "lease-lost"
  /** Something failed; recorded, and the next run resumes from the cursor. */
  | "error";

/**
 * What started a run: the cron, the run at start-up (`SYNC_ON_START`, or the embedded
 * database's first sync), an HTTP trigger, a task CLI, or a test.
 */
export type RunTrigger = "cron" | "startup" | "manual" | "cli" | "test";

/** The counters of a run. */
export interface RunFigures {
  pages: number;
  releases: number;
  inserted: number;
  updated: number;
  unchanged: number;
  stale: number;
  quarantined: number;
  requests: number;
  retries: number;
  /** Seconds spent waiting on rate limits and backoff. */
  waitedSeconds: number;
  bytes: number;
}

/** Counters at zero. */
export function zeroFigures(): RunFigures {
  return {
    pages: 0,
    releases: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    stale: 0,
    quarantined: 0,
    requests: 0,
    retries: 0,
    waitedSeconds: 0,
    bytes: 0,
  };
}

/**
 * A run record; counters default to zero, positions and error to `null`.
 *
 * @example
 * ```ts
 * const id = crypto.randomUUID(), at = new Date();
 * const run = runRecord({ _id: id, source: "fts", streamId: "fts", trigger: "cron",
 *   startedAt: at, endedAt: at, outcome: "error", error: "MongoDB unreachable" });
 * ```
 */
export function runRecord(
  run:
    & Pick<RunDoc, "_id" | "source" | "streamId" | "trigger" | "startedAt" | "endedAt" | "outcome">
    & Partial<RunDoc>,
): RunDoc {
  return {
    ...zeroFigures(),
    from: null,
    to: null,
    error: null,
    throttledUntil: null,
    warnings: [],
    ...run,
  };
}

/** One run of one stream. */
export interface RunDoc extends Readonly<RunFigures> {
  readonly _id: string;
  readonly source: SourceId;
  readonly streamId: string;
  readonly trigger: RunTrigger;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly outcome: RunOutcome;
  /** Where the run started and ended. */
  readonly from: { readonly window: DateWindow | null; readonly cursor: string | null } | null;
  readonly to: { readonly window: DateWindow | null; readonly cursor: string | null } | null;
  /** The error, redacted, when `outcome` is `error`; the holder when `lease-held`. */
  readonly error: string | null;
  /** Until when the API throttles us, when `outcome` is `throttled`. */
  readonly throttledUntil: Date | null;
  readonly warnings: readonly string[];
}

/** The collection, typed. */
export function runsCollection(db: Db): Collection<RunDoc> {
  return db.collection<RunDoc>("sync_runs");
}

/** Stores a run, then drops the source's runs beyond the newest `keep`. */
export async function recordRun(db: Db, run: RunDoc, keep: number): Promise<void> {
  const runs = runsCollection(db);
  await runs.insertOne(run);
  const [oldest] = await runs.find({ source: run.source }).sort({ startedAt: -1 }).skip(keep - 1)
    .limit(1).toArray();
  if (oldest) await runs.deleteMany({ source: run.source, startedAt: { $lt: oldest.startedAt } });
}

/** The newest runs of a source. */
export function recentRuns(db: Db, source: SourceId, limit: number): Promise<RunDoc[]> {
  return runsCollection(db).find({ source }).sort({ startedAt: -1 }).limit(limit).toArray();
}

/** Where {@linkcode recordRunOrKeep} put a run record, and why not in MongoDB. */
export type RunKept =
  | { readonly in: "mongodb" }
  /** MongoDB failed with `error`; the record waits in Deno KV. */
  | { readonly in: "kv"; readonly error: unknown }
  /** MongoDB failed with `error` and KV with `kvError`: the record is lost. */
  | { readonly in: "nowhere"; readonly error: unknown; readonly kvError: unknown };

const PENDING_RUNS = "pending_runs";

/**
 * Stores a run with {@linkcode recordRun}; when MongoDB cannot take it, keeps it in Deno KV
 * (one key per run) so no run goes unrecorded: the next {@linkcode flushPendingRuns} writes
 * it. Never throws; says where the record went.
 *
 * @example
 * ```ts
 * import { recordRunOrKeep, runRecord } from "./runs.ts";
 * import type { Db } from "mongodb";
 * declare const db: Db;
 * const at = new Date();
 * const run = runRecord({ _id: "r1", source: "fts", streamId: "fts", trigger: "test",
 *   startedAt: at, endedAt: at, outcome: "caught-up" });
 * const kept = await recordRunOrKeep(db, await Deno.openKv(":memory:"), run, 500);
 * kept.in; // "mongodb" | "kv" | "nowhere"
 * ```
 */
export async function recordRunOrKeep(
  db: Db,
  kv: Deno.Kv,
  run: RunDoc,
  keep: number,
): Promise<RunKept> {
  try {
    await recordRun(db, run, keep);
    return { in: "mongodb" };
  } catch (error) {
    try {
      await kv.set([PENDING_RUNS, run._id], run);
      return { in: "kv", error };
    } catch (kvError) {
      return { in: "nowhere", error, kvError };
    }
  }
}

/**
 * Writes the run records kept in Deno KV (at most 100 per call) to MongoDB, then forgets them
 * there. A record already written (by an earlier flush that could not delete its key) is
 * fine. Throws when MongoDB fails: the records stay in KV for the next call.
 *
 * @example
 * ```ts
 * import { flushPendingRuns } from "./runs.ts";
 * import type { Db } from "mongodb";
 * declare const db: Db;
 * await flushPendingRuns(db, await Deno.openKv(":memory:"), 500);
 * ```
 */
export async function flushPendingRuns(db: Db, kv: Deno.Kv, keep: number): Promise<void> {
  for await (const entry of kv.list<RunDoc>({ prefix: [PENDING_RUNS] }, { limit: 100 })) {
    try {
      await recordRun(db, entry.value, keep);
    } catch (e) {
      // already written by an earlier flush that could not delete it: fine
      if (!isDuplicateKeyError(e)) throw e;
    }
    await kv.delete(entry.key);
  }
}
