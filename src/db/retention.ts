/**
 * Applies the `RETAIN_*` settings ({@linkcode RETENTION_RULES}): removes documents older than
 * their rule's age, a bounded number of batches per call (the cron calls it after each tick),
 * so a large backlog is worked off over several ticks instead of one long delete.
 *
 * Notices are removed with their buyers' counts: with transactions, a batch of notices and the
 * decrements of their buyers (`contractCount`, and `procurementCount` where no notice left of
 * an ocid names the buyer) are one transaction; without, the batch's buyers are recounted
 * after the delete. The procurements of a batch's notices are recompiled first, from what will
 * be left (removed when nothing will): a crash between the two leaves the notices stored and
 * old, so the next tick removes them again, where the other order would leave procurements
 * naming notices that no later step would ever look at again.
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
import type { SourceId } from "../ocds/documents.ts";
import { buyerDeltas, countBuyerNotices, procurementDeltas, writeBuyers } from "./buyers.ts";
import { compileProcurements } from "./procurements.ts";
import { inTransaction, TransactionConflict, transactionsSupported } from "./transactions.ts";

/** Options of {@linkcode applyRetention}. */
export interface RetentionOptions {
  readonly now: Date;
  /** Documents per batch (one query and one delete; one transaction for notices). @default {1000} */
  readonly batchSize?: number;
  /** Batches per rule per call. @default {10} */
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
  const collection = db.collection<RemovedNotice>(rule.collection);
  const projection = { _id: 1, source: 1, noticeId: 1, ocid: 1, buyerOrgs: 1 };
  let removed: RemovedNotice[];
  let count: number;
  if (await transactionsSupported(db)) {
    removed = await inTransaction(db, async (session) => {
      const docs = await collection.find(filter, { projection, session }).limit(size).toArray();
      if (docs.length === 0) return docs;
      await compileWithout(db, docs);
      const res = await collection.deleteMany({ _id: { $in: docs.map((d) => d._id) } }, {
        session,
      });
      if (res.deletedCount !== docs.length) {
        throw new TransactionConflict(`${docs.length - res.deletedCount} notices went meanwhile`);
      }
      const deltas = buyerDeltas(docs.map((d) => ({ from: d.buyerOrgs ?? [], to: [] })));
      // a buyer loses a procurement only when no notice of its ocid that is left names it
      const left = await collection.find(
        { $or: bySource(docs).map(([source, ocids]) => ({ source, ocid: { $in: ocids } })) },
        { projection, session },
      ).toArray();
      const procurements = procurementDeltas([...left, ...docs], left);
      await writeBuyers(db, [], { kind: "delta", deltas, procurements }, now, { session });
      return docs;
    }, { what: `Removing notices older than ${cutoff.toISOString()}` });
    count = removed.length;
  } else {
    const docs = await collection.find(filter, { projection }).limit(size).toArray();
    if (docs.length === 0) return 0;
    await compileWithout(db, docs);
    const res = await collection.deleteMany({ ...filter, _id: { $in: docs.map((d) => d._id) } });
    const ids = [...new Set(docs.flatMap((d) => d.buyerOrgs ?? []))];
    const exact = await countBuyerNotices(db, ids);
    await writeBuyers(db, [], {
      kind: "exact",
      counts: exact.contracts,
      procurements: exact.procurements,
    }, now);
    count = res.deletedCount;
    // a notice another writer renewed meanwhile stayed: its procurement is compiled again
    if (count < docs.length) {
      for (const [source, ocids] of bySource(docs)) await compileProcurements(db, source, ocids);
    }
  }
  return count;
}

/** The procurements of `docs`' ocids compiled from their other notices (removed when none). */
async function compileWithout(db: Db, docs: readonly RemovedNotice[]): Promise<void> {
  for (const [source, ocids] of bySource(docs)) {
    const removing = docs.filter((d) => d.source === source).map((d) => d.noticeId);
    await compileProcurements(db, source, ocids, { removing });
  }
}

interface RemovedNotice {
  _id: unknown;
  source: SourceId;
  noticeId: string;
  ocid: string;
  buyerOrgs: string[];
}

function bySource(docs: readonly RemovedNotice[]): [SourceId, string[]][] {
  const map = new Map<SourceId, Set<string>>();
  for (const d of docs) map.set(d.source, (map.get(d.source) ?? new Set()).add(d.ocid));
  return [...map].map(([source, ocids]) => [source, [...ocids]]);
}
