/**
 * The `quarantine` collection: releases that could not be mapped and page text that could not
 * be parsed, kept with their raw text (size-capped) so nothing is silently lost. Entries are
 * re-tried when the mapping version changes, and on demand.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * await quarantine(db, [{ source: "fts", kind: "release", releaseId: "1", reason: "missing-ocid",
 *   error: "no ocid", raw: "{}", position: null, mappingVersion: 1 }], new Date());
 * ```
 * @module
 */
import type { AnyBulkWriteOperation, Collection, Db, Filter } from "mongodb";
import type { SourceId } from "../config.ts";
import type { Position } from "../sources/source.ts";

/** Raw text beyond this many characters is cut (and marked `truncated`). */
export const RAW_LIMIT = 256 * 1024;

/** What to set aside. */
export interface QuarantineItem {
  readonly source: SourceId;
  /** `release`: parsed but not mappable; `page`: text the source could not parse. */
  readonly kind: "release" | "page";
  readonly releaseId: string | null;
  /** Machine-readable reason, e.g. `missing-ocid` or `invalid-json`. */
  readonly reason: string;
  /** For a person: what was wrong. */
  readonly error: string;
  readonly raw: string;
  readonly position: Position | null;
  /** Mapping version that failed on it. */
  readonly mappingVersion: number;
}

/** A stored entry. */
export interface QuarantineDoc extends Omit<QuarantineItem, "raw"> {
  readonly _id: string;
  readonly raw: string;
  readonly truncated: boolean;
  /** How many times it was met or re-tried. */
  readonly attempts: number;
  readonly firstSeenAt: Date;
  readonly lastSeenAt: Date;
}

/** The collection, typed. */
export function quarantineCollection(db: Db): Collection<QuarantineDoc> {
  return db.collection<QuarantineDoc>("quarantine");
}

/** The entry's key: the release when its id is known, else a hash of its text. */
async function quarantineId(item: QuarantineItem): Promise<string> {
  if (item.releaseId !== null) return `${item.source}:${item.kind}:${item.releaseId}`;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(item.raw));
  const hex = Array.from(
    new Uint8Array(digest).subarray(0, 12),
    (b) => b.toString(16).padStart(2, "0"),
  );
  return `${item.source}:${item.kind}:sha256-${hex.join("")}`;
}

/** Sets items aside in one bulk write; meeting an item again bumps its `attempts`. */
export async function quarantine(
  db: Db,
  items: readonly QuarantineItem[],
  now: Date,
): Promise<void> {
  if (items.length === 0) return;
  const ops: AnyBulkWriteOperation<QuarantineDoc>[] = [];
  for (const item of items) {
    const truncated = item.raw.length > RAW_LIMIT;
    ops.push({
      updateOne: {
        filter: { _id: await quarantineId(item) },
        update: {
          $set: {
            ...item,
            raw: truncated ? item.raw.slice(0, RAW_LIMIT) : item.raw,
            truncated,
            lastSeenAt: now,
          },
          $setOnInsert: { firstSeenAt: now },
          $inc: { attempts: 1 },
        },
        upsert: true,
      },
    });
  }
  await quarantineCollection(db).bulkWrite(ops, { ordered: false });
}

/** Number of entries, per source or in all. */
export function countQuarantine(db: Db, source?: SourceId): Promise<number> {
  return quarantineCollection(db).countDocuments(source ? { source } : {});
}

/** Options of {@linkcode quarantineBatches}. */
export interface RetryBatchOptions {
  /**
   * Only this source's entries; absent: every source's.
   *
   * @default {undefined}
   */
  readonly source?: SourceId;
  /** Only entries last tried with an older mapping version. */
  readonly belowVersion?: number;
  /** At most this many entries in all. */
  readonly limit: number;
  /** Entries per batch. @default {100} */
  readonly batchSize?: number;
}

/**
 * Releases to re-try, oldest first, in batches read through the `kind_firstSeenAt` index: each
 * batch is one query that starts after the last entry of the previous one, so entries removed
 * or updated meanwhile never shift what comes next, and memory holds one batch at a time.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * for await (const batch of quarantineBatches(db, { limit: 1000 })) console.log(batch.length);
 * ```
 */
export async function* quarantineBatches(
  db: Db,
  options: RetryBatchOptions,
): AsyncGenerator<QuarantineDoc[]> {
  const size = Math.max(1, options.batchSize ?? 100);
  let left = options.limit;
  let after: Pick<QuarantineDoc, "firstSeenAt" | "_id"> | null = null;
  while (left > 0) {
    const filter: Filter<QuarantineDoc> = {
      kind: "release",
      ...(options.source ? { source: options.source } : {}),
      ...(options.belowVersion !== undefined
        ? { mappingVersion: { $lt: options.belowVersion } }
        : {}),
      ...(after
        ? {
          firstSeenAt: { $gte: after.firstSeenAt },
          $or: [{ firstSeenAt: { $gt: after.firstSeenAt } }, { _id: { $gt: after._id } }],
        }
        : {}),
    };
    const batch = await quarantineCollection(db).find(filter)
      .sort({ firstSeenAt: 1, _id: 1 })
      .limit(Math.min(size, left))
      .toArray();
    if (batch.length === 0) return;
    yield batch;
    left -= batch.length;
    const last = batch[batch.length - 1];
    after = { firstSeenAt: last.firstSeenAt, _id: last._id };
  }
}
