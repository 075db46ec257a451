/**
 * Applies the `RETAIN_*` settings ({@linkcode RETENTION_RULES}): removes documents older than
 * their rule's age, a bounded number of batches per call (the cron calls it after each tick),
 * so a large backlog is worked off over several ticks instead of one long delete.
 *
 * Notices are removed with their buyers' counts: with transactions, a batch of notices and the
 * decrements of their buyers are one transaction; without, the batch's buyers are recounted
 * after the delete.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * import { loadConfig } from "../config.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const config = loadConfig(Deno.env.toObject());
 * const removed = await applyRetention(db, config.retention, { now: new Date() });
 * removed.map((r) => `${r.collection}: ${r.removed}`);
 * ```
 * @module
 */
import type { Db, Document } from "mongodb";
import { RETENTION_RULES, type RetentionRule, type RetentionSetting } from "../retention_rules.ts";
import { buyerDeltas, countContracts, writeBuyers } from "./buyers.ts";
import { inTransaction, TransactionConflict, transactionsSupported } from "./transactions.ts";

/** Options of {@linkcode applyRetention}. */
export interface RetentionOptions {
  readonly now: Date;
  /** Documents per batch (one query and one delete; one transaction for notices). @default 1000 */
  readonly batchSize?: number;
  /** Batches per rule per call. @default 10 */
  readonly maxBatches?: number;
}

/** What one rule removed. */
export interface RetentionResult {
  readonly setting: RetentionSetting;
  readonly collection: string;
  readonly cutoff: Date;
  readonly removed: number;
  /** More documents are older than the cutoff: the next call goes on. */
  readonly more: boolean;
}

/**
 * Removes what the configured ages allow (rules whose age is `null` are skipped). Returns one
 * result per rule that is on.
 */
export async function applyRetention(
  db: Db,
  ages: Readonly<Record<RetentionSetting, number | null>>,
  options: RetentionOptions,
): Promise<RetentionResult[]> {
  const size = Math.max(1, options.batchSize ?? 1000);
  const maxBatches = Math.max(1, options.maxBatches ?? 10);
  const results: RetentionResult[] = [];
  for (const rule of RETENTION_RULES as readonly RetentionRule[]) {
    const age = ages[rule.setting as RetentionSetting];
    if (age === null || age === undefined) continue;
    const cutoff = new Date(options.now.getTime() - age);
    let removed = 0;
    let more = true;
    for (let n = 0; n < maxBatches && more; n++) {
      const done = rule.countsBuyers
        ? await removeNotices(db, rule, cutoff, size, options.now)
        : await removeBatch(db, rule, cutoff, size);
      removed += done;
      more = done === size;
    }
    results.push({
      setting: rule.setting as RetentionSetting,
      collection: rule.collection,
      cutoff,
      removed,
      more,
    });
  }
  return results;
}

function olderThan(rule: RetentionRule, cutoff: Date): Document {
  return { ...rule.scope, [rule.field]: { $lt: cutoff } };
}

/** One batch of a plain rule: the ids of old documents, then a delete of those still old. */
async function removeBatch(
  db: Db,
  rule: RetentionRule,
  cutoff: Date,
  size: number,
): Promise<number> {
  const filter = olderThan(rule, cutoff);
  const collection = db.collection(rule.collection);
  const ids = (await collection.find(filter, { projection: { _id: 1 } }).limit(size).toArray())
    .map((d) => d._id);
  if (ids.length === 0) return 0;
  return (await collection.deleteMany({ ...filter, _id: { $in: ids } })).deletedCount;
}

/** One batch of notices, removed together with their share of their buyers' counts. */
async function removeNotices(
  db: Db,
  rule: RetentionRule,
  cutoff: Date,
  size: number,
  now: Date,
): Promise<number> {
  const filter = olderThan(rule, cutoff);
  const collection = db.collection<{ buyerOrgs: string[] }>(rule.collection);
  const projection = { _id: 1, buyerOrgs: 1 };
  if (await transactionsSupported(db)) {
    return await inTransaction(db, async (session) => {
      const docs = await collection.find(filter, { projection, session }).limit(size).toArray();
      if (docs.length === 0) return 0;
      const res = await collection.deleteMany({ _id: { $in: docs.map((d) => d._id) } }, {
        session,
      });
      if (res.deletedCount !== docs.length) {
        throw new TransactionConflict(`${docs.length - res.deletedCount} notices went meanwhile`);
      }
      const deltas = buyerDeltas(docs.map((d) => ({ from: d.buyerOrgs ?? [], to: [] })));
      await writeBuyers(db, [], { kind: "delta", deltas }, now, { session });
      return docs.length;
    }, { what: `Removing notices older than ${cutoff.toISOString()}` });
  }
  const docs = await collection.find(filter, { projection }).limit(size).toArray();
  if (docs.length === 0) return 0;
  const res = await collection.deleteMany({ ...filter, _id: { $in: docs.map((d) => d._id) } });
  const ids = [...new Set(docs.flatMap((d) => d.buyerOrgs ?? []))];
  await writeBuyers(db, [], { kind: "exact", counts: await countContracts(db, ids) }, now);
  return res.deletedCount;
}
