/**
 * The `remap_state` collection: one document per re-mapping job (a `deno task remap` of one
 * source, or the cron's background re-mapping after a `MAPPING_VERSION` change), holding its
 * cursor (the last release `_id` done), exact counts and timing, so a killed job resumes
 * where it stopped and `/status` can show progress and an ETA.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const job = await loadRemapJob(db, "auto:v2:fts");
 * job?.cursor; // "fts:094477-2026"
 * ```
 * @module
 */
import type { Collection, Db } from "mongodb";
import type { SourceId } from "../config.ts";

/** Exact counts of a job. */
export interface RemapCounts {
  /** Batches of releases done. */
  batches: number;
  /** Stored releases read. */
  releases: number;
  /** Contracts inserted (rebuilt), updated, unchanged, stale, as a sync counts them. */
  inserted: number;
  updated: number;
  unchanged: number;
  stale: number;
  /** Releases that could not be decoded or mapped, set aside in `quarantine`. */
  quarantined: number;
}

/** Counts at zero. */
export function zeroRemapCounts(): RemapCounts {
  return {
    batches: 0,
    releases: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    stale: 0,
    quarantined: 0,
  };
}

/** One job. */
export interface RemapJobDoc {
  /** `auto:v{version}:{source}` or `cli:{source}:{since|all}`. */
  readonly _id: string;
  readonly kind: "auto" | "cli";
  readonly source: SourceId;
  /** Only releases dated from here; `null`: all. */
  readonly since: Date | null;
  /** Only releases last mapped by an older version (the background job); `null`: all. */
  readonly belowVersion: number | null;
  /** The mapping version doing the work. */
  readonly mappingVersion: number;
  /** The last release `_id` done; `null` before the first batch. */
  readonly cursor: string | null;
  readonly done: boolean;
  /** Releases the job selected when it started. */
  readonly total: number;
  readonly counts: RemapCounts;
  /** Time spent working (across ticks or restarts), in ms. */
  readonly workMs: number;
  readonly startedAt: Date;
  readonly updatedAt: Date;
  readonly finishedAt: Date | null;
  /** The last failure, for people. */
  readonly lastError: string | null;
}

/** The collection, typed. */
export function remapStateCollection(db: Db): Collection<RemapJobDoc> {
  return db.collection<RemapJobDoc>("remap_state");
}

/** Reads a job, or `null`. */
export function loadRemapJob(db: Db, id: string): Promise<RemapJobDoc | null> {
  return remapStateCollection(db).findOne({ _id: id });
}

/** Writes a job whole (one document, replaced). */
export async function saveRemapJob(db: Db, job: RemapJobDoc): Promise<void> {
  await remapStateCollection(db).replaceOne({ _id: job._id }, job, { upsert: true });
}

/**
 * Every job of a source, newest first (for `/status`).
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const [latest] = await listRemapJobs(db, "fts", 1);
 * ```
 */
export function listRemapJobs(db: Db, source: SourceId, limit = 5): Promise<RemapJobDoc[]> {
  return remapStateCollection(db).find({ source }).sort({ updatedAt: -1 }).limit(limit).toArray();
}
