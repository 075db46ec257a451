/**
 * The `buyers` collection, keyed by `orgId`. What is known is never overwritten
 * (`$setOnInsert`); the contract count is derived from `contracts` for the buyers a page
 * touched, so replaying a page any number of times leaves it exact.
 *
 * @example
 * ```ts
 * await writeBuyers(db, buyers, ["GB-PPON-ABCD-1234-EFGH"], new Date());
 * ```
 * @module
 */
import type { AnyBulkWriteOperation, Collection, Db } from "mongodb";
import type { Buyer } from "../ocds/documents.ts";
import { contractsCollection } from "./contracts.ts";

/** A stored buyer. */
export interface BuyerDoc extends Buyer {
  /** Contracts naming this buyer (`buyerOrgs`); always equal to a count over `contracts`. */
  readonly contractCount: number;
  readonly firstSeenAt: Date;
  readonly countedAt: Date;
}

/** The collection, typed. */
export function buyersCollection(db: Db): Collection<BuyerDoc> {
  return db.collection<BuyerDoc>("buyers");
}

/**
 * Upserts the page's buyers without overwriting known fields, then sets the exact contract
 * count of every buyer in `touched` (plus the page's own buyers). Two round trips: one
 * aggregation over `contracts`, one bulk write.
 */
export async function writeBuyers(
  db: Db,
  buyers: readonly Buyer[],
  touched: readonly string[],
  now: Date,
): Promise<void> {
  const ids = [...new Set([...touched, ...buyers.map((b) => b.orgId)])];
  if (ids.length === 0) return;
  const counts = new Map<string, number>(ids.map((id) => [id, 0]));
  const groups = contractsCollection(db).aggregate<{ _id: string; n: number }>([
    { $match: { buyerOrgs: { $in: ids } } },
    { $unwind: "$buyerOrgs" },
    { $match: { buyerOrgs: { $in: ids } } },
    { $group: { _id: "$buyerOrgs", n: { $sum: 1 } } },
  ]);
  for await (const g of groups) counts.set(g._id, g.n);

  const known = new Map(buyers.map((b) => [b.orgId, b]));
  const ops: AnyBulkWriteOperation<BuyerDoc>[] = ids.map((orgId) => {
    const count = { $set: { contractCount: counts.get(orgId) ?? 0, countedAt: now } };
    const buyer = known.get(orgId);
    // A buyer only touched (a contract moved away from it) is recounted, never created.
    if (!buyer) return { updateOne: { filter: { orgId }, update: count } };
    const { sources, identifiers, ...rest } = buyer;
    return {
      updateOne: {
        filter: { orgId },
        update: {
          ...count,
          $setOnInsert: { ...rest, firstSeenAt: now },
          $addToSet: { sources: { $each: [...sources] }, identifiers: { $each: [...identifiers] } },
        },
        upsert: true,
      },
    };
  });
  await buyersCollection(db).bulkWrite(ops, { ordered: false });
}
