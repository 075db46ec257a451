/**
 * The safety net of exact buyer counts: every buyer's `contractCount` and `procurementCount`
 * (distinct ocids) recounted from `contracts` and corrected where either differs (`deno task recount`). Pages keep counts exact
 * by themselves; this proves it (a healthy database reports 0 corrected) and repairs a
 * database written by something else (an older version, a manual edit, a restore).
 *
 * Buyers are taken in `orgId` order, a batch at a time; with transactions each batch is read,
 * counted and corrected in one, so it runs safely while syncs write: a page that changes a
 * buyer of the batch meanwhile conflicts with it, and one of the two is redone. Without
 * transactions, run it while no sync runs.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const result = await recountAllBuyers(db, { now: new Date() });
 * result.corrected; // 0 on a healthy database
 * ```
 * @module
 */
import type { ClientSession, Db } from "mongodb";
import { buyersCollection, countBuyerNotices } from "./buyers.ts";
import { inTransaction, transactionsSupported } from "./transactions.ts";

/** Options of {@linkcode recountAllBuyers}. */
export interface RecountOptions {
  readonly now: Date;
  /** Buyers per batch (one transaction each). @default {200} */
  readonly batchSize?: number;
  /** Called after each batch, for a progress line. */
  readonly onBatch?: (progress: RecountResult) => void;
}

/** What a recount found. */
export interface RecountResult {
  /** Buyers recounted. */
  buyers: number;
  /** Buyers whose stored count was wrong, and was corrected. */
  corrected: number;
  /** Batches (transactions) run. */
  batches: number;
  /** Whether batches ran in transactions (safe while syncs write). */
  transactional: boolean;
}

/** Recounts every buyer (see the module doc). */
export async function recountAllBuyers(db: Db, options: RecountOptions): Promise<RecountResult> {
  const size = Math.max(1, options.batchSize ?? 200);
  const transactional = await transactionsSupported(db);
  const result: RecountResult = { buyers: 0, corrected: 0, batches: 0, transactional };
  let after: string | null = null;
  for (;;) {
    const from: string | null = after;
    const batch = (session?: ClientSession): Promise<BatchResult> =>
      recountBatch(db, from, size, options.now, session);
    const done: BatchResult = transactional
      ? await inTransaction(db, batch, { what: "Recounting buyers" })
      : await batch();
    if (done.buyers === 0) return result;
    result.buyers += done.buyers;
    result.corrected += done.corrected;
    result.batches++;
    options.onBatch?.({ ...result });
    if (done.buyers < size || done.last === null) return result;
    after = done.last;
  }
}

interface BatchResult {
  readonly buyers: number;
  readonly corrected: number;
  readonly last: string | null;
}

async function recountBatch(
  db: Db,
  after: string | null,
  size: number,
  now: Date,
  session?: ClientSession,
): Promise<BatchResult> {
  const buyers = await buyersCollection(db)
    .find(after === null ? {} : { orgId: { $gt: after } }, {
      projection: { _id: 0, orgId: 1, contractCount: 1, procurementCount: 1 },
      session,
    })
    .sort({ orgId: 1 })
    .limit(size)
    .toArray();
  if (buyers.length === 0) return { buyers: 0, corrected: 0, last: null };
  const { contracts: counts, procurements } = await countBuyerNotices(
    db,
    buyers.map((b) => b.orgId),
    { session },
  );
  const wrong = buyers.filter((b) =>
    counts.get(b.orgId) !== b.contractCount ||
    procurements.get(b.orgId) !== b.procurementCount
  );
  if (wrong.length > 0) {
    await buyersCollection(db).bulkWrite(
      wrong.map((b) => ({
        updateOne: {
          filter: { orgId: b.orgId },
          update: {
            $set: {
              contractCount: counts.get(b.orgId) ?? 0,
              procurementCount: procurements.get(b.orgId) ?? 0,
              countedAt: now,
            },
          },
        },
      })),
      { ordered: false, session },
    );
  }
  return { buyers: buyers.length, corrected: wrong.length, last: buyers[buyers.length - 1].orgId };
}
