/**
 * The `sync_runs` collection: one document per run per stream, so every run leaves a record
 * a person can read later. Retention is bounded per source.
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
