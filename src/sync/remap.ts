/**
 * Re-mapping from stored raw releases, without a single API request: the releases a job
 * selects are read in `_id` order, batch by batch, decoded and stored through the same page
 * step as a sync (`storePage`: newer wins, exact buyer counts, unmappable releases to
 * quarantine), so the result equals a fresh sync of the same releases — deleted contracts and
 * buyers are rebuilt. A release whose stored body no longer decodes goes to `quarantine` with
 * reason `corrupt-release` and the rest continues.
 *
 * A job runs under the source's KV lease (re-mapping and syncing one source at once would
 * race on buyer counts) and saves its cursor in `remap_state` after every batch, after the
 * data it covers: killed at any moment, it resumes from the last saved batch, and a batch
 * done twice changes nothing.
 *
 * @example
 * ```ts
 * import { systemClock } from "../clock.ts";
 * import { loadConfig } from "../config.ts";
 * import { getMongoClient } from "../db/client.ts";
 * const config = loadConfig(Deno.env.toObject());
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const kv = await Deno.openKv();
 * const deps = { db, kv, clock: systemClock, sync: config.sync };
 * const result = await runRemap(deps, { source: "fts", kind: "cli" });
 * result.outcome; // "done"
 * ```
 * @module
 */
import type { Db } from "mongodb";
import type { SourceId, SyncConfig } from "../config.ts";
import type { Clock } from "../clock.ts";
import { errorText, getLog } from "../log.ts";
import { clause } from "../text.ts";
import { quarantine, type QuarantineItem } from "../db/quarantine.ts";
import {
  decodeRelease,
  markMapped,
  nextReleases,
  releasesCollection,
  type ReleaseSelection,
  selectionFilter,
} from "../db/releases.ts";
import {
  loadRemapJob,
  type RemapCounts,
  type RemapJobDoc,
  saveRemapJob,
  zeroRemapCounts,
} from "../db/remap_state.ts";
import { MAPPING_VERSION } from "../ocds/documents.ts";
import type { Progress } from "./engine.ts";
import { acquireLease, releaseLease, renewLease } from "./lease.ts";
import { storePage } from "./store_page.ts";

/** Releases read per batch: one page's worth of MongoDB work per batch. */
export const REMAP_BATCH = 200;

/** What a remap needs. */
export interface RemapDeps {
  readonly db: Db;
  readonly kv: Deno.Kv;
  readonly clock: Clock;
  readonly sync: Pick<SyncConfig, "leaseTtlMs">;
  /** Called after every batch (the CLI's progress line). */
  readonly onProgress?: (progress: Progress) => void;
  /** Called after each batch is saved; a checkpoint that throws behaves like a crash. */
  readonly checkpoint?: (batch: number) => void | Promise<void>;
}

/** One job's request. */
export interface RemapRequest {
  readonly source: SourceId;
  /**
   * `cli`: every selected release, whatever mapping version last read it; a finished job
   * asked for again starts over. `auto`: only releases last mapped by an older version (the
   * cron's background job, one per mapping version).
   */
  readonly kind: "cli" | "auto";
  /**
   * Only releases dated from this instant; `null`: all of them.
   *
   * @default {null}
   */
  readonly since?: Date | null;
  /**
   * Stop after this much time, in ms (the cron's slice); the next call resumes.
   *
   * @default {Infinity}
   */
  readonly budgetMs?: number;
  /** Releases per batch. @default {REMAP_BATCH} */
  readonly batchSize?: number;
}

/** How a remap call ended. */
export interface RemapResult {
  readonly jobId: string;
  /** `done`: nothing left; `budget`: stopped by its time budget, resumes next time. */
  readonly outcome: "done" | "budget" | "lease-held" | "lease-lost" | "error";
  /** What this call did (the job's totals are in `job`). */
  readonly counts: RemapCounts;
  readonly job: RemapJobDoc | null;
  readonly error: string | null;
}

/** The job id of a request: one background job per mapping version and source. */
export function remapJobId(request: Pick<RemapRequest, "source" | "kind" | "since">): string {
  return request.kind === "auto"
    ? `auto:v${MAPPING_VERSION}:${request.source}`
    : `cli:${request.source}:${request.since ? request.since.toISOString() : "all"}`;
}

function selectionOf(job: RemapJobDoc): ReleaseSelection {
  return {
    source: job.source,
    since: job.since,
    belowVersion: job.belowVersion ?? undefined,
  };
}

/** Loads the job, or starts it (counting what it selects); a finished CLI job starts over. */
async function startOrResume(
  db: Db,
  request: RemapRequest,
  now: Date,
): Promise<RemapJobDoc> {
  const id = remapJobId(request);
  const held = await loadRemapJob(db, id);
  if (held !== null && (!held.done || request.kind === "auto")) return held;
  const job: RemapJobDoc = {
    _id: id,
    kind: request.kind,
    source: request.source,
    since: request.since ?? null,
    belowVersion: request.kind === "auto" ? MAPPING_VERSION : null,
    mappingVersion: MAPPING_VERSION,
    cursor: null,
    done: false,
    total: 0,
    counts: zeroRemapCounts(),
    workMs: 0,
    startedAt: now,
    updatedAt: now,
    finishedAt: null,
    lastError: null,
  };
  const total = await releasesCollection(db).countDocuments(
    selectionFilter(selectionOf(job), null),
  );
  const started = { ...job, total };
  await saveRemapJob(db, started);
  return started;
}

/** Base64 of a stored body, so a corrupted release still keeps what is left of it. */
function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function add(into: RemapCounts, more: Partial<RemapCounts>): RemapCounts {
  const out = { ...into };
  for (const k of Object.keys(more) as (keyof RemapCounts)[]) out[k] += more[k] ?? 0;
  return out;
}

/**
 * Runs (or resumes) one job until it is done or its budget is spent. Never throws for a
 * failure: the result and the job's `lastError` say what happened, and the next call resumes
 * from the saved cursor.
 */
export async function runRemap(deps: RemapDeps, request: RemapRequest): Promise<RemapResult> {
  const { db, kv, clock } = deps;
  const log = getLog("sync");
  const jobId = remapJobId(request);
  const owner = `remap:${crypto.randomUUID()}`;
  const startedAt = clock.now();
  const deadline = startedAt + (request.budgetMs ?? Infinity);
  const batchSize = request.batchSize ?? REMAP_BATCH;
  let counts = zeroRemapCounts();
  const acquired = await acquireLease(kv, request.source, {
    owner,
    ttlMs: deps.sync.leaseTtlMs,
    now: clock.now(),
  });
  if (!acquired.ok) {
    return {
      jobId,
      outcome: "lease-held",
      counts,
      job: await loadRemapJob(db, jobId),
      error: `The ${request.source} lease is held by ${acquired.holder.owner} until ${
        new Date(acquired.holder.expiresAt).toISOString()
      }; re-mapping waits for it.`,
    };
  }
  let lease = acquired.lease;
  let job: RemapJobDoc | null = null;
  try {
    job = await startOrResume(db, request, new Date(clock.now()));
    for (let batch = 1; !job.done; batch++) {
      if (clock.now() >= deadline) return { jobId, outcome: "budget", counts, job, error: null };
      const began = clock.now();
      const docs = await nextReleases(db, selectionOf(job), job.cursor, batchSize);
      const now = new Date(clock.now());
      if (docs.length === 0) {
        job = { ...job, done: true, finishedAt: now, updatedAt: now, lastError: null };
        await saveRemapJob(db, job);
        break;
      }
      const releases: unknown[] = [];
      const ids: string[] = [];
      const corrupt: QuarantineItem[] = [];
      for (const doc of docs) {
        const decoded = await decodeRelease(doc);
        if (decoded.ok) {
          releases.push(decoded.release);
          ids.push(doc._id);
        } else {
          corrupt.push({
            source: job.source,
            kind: "release",
            releaseId: doc.releaseId,
            reason: decoded.reason,
            error: `Stored release ${doc._id} cannot be read: ${clause(decoded.error)}. ` +
              "It was skipped; the next sync of its window stores it again.",
            raw: doc.body?.value ? `base64:${base64(doc.body.value())}` : "",
            position: null,
            mappingVersion: MAPPING_VERSION,
          });
        }
      }
      // Contracts and buyers first, then the release marks, then the cursor: a crash in
      // between redoes the batch, which changes nothing.
      // a rebuild: buyers may be missing or their counts wrong, so they are recounted exactly
      const stored = await storePage(db, job.source, { releases, rejected: [] }, null, now, {
        keepRaw: false,
        exactBuyerCounts: true,
      });
      await quarantine(db, corrupt, now);
      await markMapped(db, ids, MAPPING_VERSION);
      const done = {
        batches: 1,
        releases: docs.length,
        inserted: stored.inserted,
        updated: stored.updated,
        unchanged: stored.unchanged,
        stale: stored.stale,
        quarantined: stored.quarantined + corrupt.length,
      };
      counts = add(counts, done);
      const at = new Date(clock.now());
      // A short batch is the end of the selection (releases stored meanwhile were mapped by
      // the sync that stored them, with this version).
      const finished = docs.length < batchSize;
      job = {
        ...job,
        cursor: docs[docs.length - 1]._id,
        counts: add(job.counts, done),
        workMs: job.workMs + (at.getTime() - began),
        updatedAt: at,
        done: finished,
        finishedAt: finished ? at : null,
        lastError: null,
      };
      await saveRemapJob(db, job);
      await deps.checkpoint?.(batch);
      deps.onProgress?.({
        runId: jobId,
        source: job.source,
        pages: job.counts.batches,
        releases: job.counts.releases,
        elapsedMs: clock.now() - startedAt,
        window: null,
        at: job.cursor ?? undefined,
        done: job.total > 0 ? Math.min(1, job.counts.releases / job.total) : 1,
      });
      const renewed = await renewLease(kv, lease, {
        ttlMs: deps.sync.leaseTtlMs,
        now: clock.now(),
      });
      if (renewed === null) return { jobId, outcome: "lease-lost", counts, job, error: null };
      lease = renewed;
    }
    // (a job that finished on a short batch leaves the loop here)
    return { jobId, outcome: "done", counts, job, error: null };
  } catch (e) {
    const error = `Re-mapping ${jobId} failed; the next run resumes from its cursor: ${
      errorText(e)
    }`;
    log.error(error);
    if (job !== null) {
      const failed = { ...job, lastError: error, updatedAt: new Date(clock.now()) };
      await saveRemapJob(db, failed).catch((e2) =>
        log.error(`Could not record the failure of ${jobId}: ${errorText(e2)}`)
      );
      job = failed;
    }
    return { jobId, outcome: "error", counts, job, error };
  } finally {
    await releaseLease(kv, lease).catch((e) =>
      log.warn(
        `Could not release the ${request.source} lease (it expires by itself): ${errorText(e)}`,
      )
    );
  }
}

/** Progress of a job for people: share done and, while it runs, an ETA. */
export interface RemapProgress {
  readonly job: string;
  readonly kind: RemapJobDoc["kind"];
  readonly mappingVersion: number;
  readonly done: boolean;
  readonly releases: number;
  readonly total: number;
  /** Share done, 0–1. */
  readonly share: number;
  /** Seconds until done at the rate so far (wall clock, across ticks); `null` when unknown. */
  readonly etaSeconds: number | null;
  readonly counts: RemapCounts;
  readonly startedAt: Date;
  readonly updatedAt: Date;
  readonly finishedAt: Date | null;
  readonly lastError: string | null;
}

/**
 * What `/status` shows of a job.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * import { listRemapJobs } from "../db/remap_state.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const [job] = await listRemapJobs(db, "fts", 1);
 * remapProgress(job).etaSeconds; // 540
 * ```
 */
export function remapProgress(job: RemapJobDoc): RemapProgress {
  const processed = job.counts.releases;
  const share = job.done ? 1 : job.total > 0 ? Math.min(1, processed / job.total) : 0;
  const elapsed = (job.updatedAt.getTime() - job.startedAt.getTime()) / 1000;
  const remaining = Math.max(0, job.total - processed);
  const etaSeconds = job.done
    ? 0
    : processed > 0 && elapsed > 0
    ? Math.round(remaining / (processed / elapsed))
    : null;
  return {
    job: job._id,
    kind: job.kind,
    mappingVersion: job.mappingVersion,
    done: job.done,
    releases: processed,
    total: job.total,
    share,
    etaSeconds,
    counts: job.counts,
    startedAt: job.startedAt,
    updatedAt: job.updatedAt,
    finishedAt: job.finishedAt,
    lastError: job.lastError,
  };
}
