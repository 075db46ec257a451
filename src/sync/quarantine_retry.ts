/**
 * Re-tries quarantined releases with today's mapper: those that map now are written like any
 * page (newer wins, exact buyer counts) and leave the quarantine; the others stay, with the
 * new error, mapping version and one more attempt. Page text that could not be parsed stays
 * as it is (there is no release to map). Idempotent: running it twice writes nothing more.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const result = await retryQuarantine(db, { source: "fts", limit: 500, now: new Date() });
 * result.resolved; // releases that mapped and were stored
 * ```
 * @module
 */
import type { AnyBulkWriteOperation, Db } from "mongodb";
import type { SourceId } from "../config.ts";
import { quarantineBatches, quarantineCollection, type QuarantineDoc } from "../db/quarantine.ts";
import { MAPPING_VERSION } from "../ocds/documents.ts";
import { mapRelease } from "../ocds/map_release.ts";
import { storePage } from "./store_page.ts";

/** Options of {@linkcode retryQuarantine}. */
export interface RetryOptions {
  /**
   * Only this source's entries; absent: every source's.
   *
   * @default {undefined}
   */
  readonly source?: SourceId;
  /** Only entries last tried with an older mapping version (the automatic retry). */
  readonly belowVersion?: number;
  /** At most this many entries, oldest first. */
  readonly limit: number;
  /** Entries read and stored at a time. @default {100} */
  readonly batchSize?: number;
  readonly now: Date;
}

/** What a retry did. */
export interface RetryResult {
  /** Entries looked at. */
  readonly tried: number;
  /** Entries that mapped, were stored and left the quarantine. */
  readonly resolved: number;
  /** Entries that still fail (kept, with the new error). */
  readonly stillFailing: number;
  /** Entries whose raw text is cut or not JSON: they cannot be re-tried (kept). */
  readonly unreadable: number;
  /** Contracts written: inserted, updated, unchanged, stale. */
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly stale: number;
}

function parseRaw(doc: QuarantineDoc): { ok: true; value: unknown } | { ok: false } {
  if (doc.truncated) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(doc.raw) };
  } catch {
    return { ok: false }; // stored text that is not JSON: nothing to map
  }
}

/**
 * Re-tries up to `limit` quarantined releases (see the module doc).
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * await retryQuarantine(db, { limit: 1000, now: new Date() });
 * ```
 */
export async function retryQuarantine(db: Db, options: RetryOptions): Promise<RetryResult> {
  const total = {
    tried: 0,
    resolved: 0,
    stillFailing: 0,
    unreadable: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    stale: 0,
  };
  for await (const batch of quarantineBatches(db, options)) {
    const result = await retryBatch(db, batch, options.now);
    for (const key of Object.keys(total) as (keyof RetryResult)[]) total[key] += result[key];
  }
  return total;
}

/** Re-tries one batch: what maps now is stored, then leaves; the rest is updated. */
async function retryBatch(db: Db, entries: QuarantineDoc[], now: Date): Promise<RetryResult> {
  const counts = { inserted: 0, updated: 0, unchanged: 0, stale: 0 };
  let unreadable = 0;
  const resolved: string[] = [];
  const failing: AnyBulkWriteOperation<QuarantineDoc>[] = [];
  const bySource = new Map<SourceId, unknown[]>();
  for (const doc of entries) {
    const raw = parseRaw(doc);
    if (!raw.ok) {
      unreadable++;
      continue;
    }
    const result = mapRelease(doc.source, raw.value);
    if (result.ok) {
      resolved.push(doc._id);
      bySource.set(doc.source, [...(bySource.get(doc.source) ?? []), raw.value]);
    } else {
      failing.push({
        updateOne: {
          filter: { _id: doc._id },
          update: {
            $set: {
              reason: result.reason,
              error: result.error,
              mappingVersion: MAPPING_VERSION,
              lastSeenAt: now,
            },
            $inc: { attempts: 1 },
          },
        },
      });
    }
  }
  // Stored first, then let go: a crash in between leaves the entry for the next retry.
  for (const [source, releases] of bySource) {
    const written = await storePage(db, source, { releases, rejected: [] }, null, now);
    counts.inserted += written.inserted;
    counts.updated += written.updated;
    counts.unchanged += written.unchanged;
    counts.stale += written.stale;
  }
  if (resolved.length > 0) await quarantineCollection(db).deleteMany({ _id: { $in: resolved } });
  if (failing.length > 0) await quarantineCollection(db).bulkWrite(failing, { ordered: false });
  return {
    tried: entries.length,
    resolved: resolved.length,
    stillFailing: failing.length,
    unreadable,
    ...counts,
  };
}
