/**
 * The `buyers` collection, keyed by `orgId`. What is known is never overwritten
 * (`$setOnInsert`); `sources` and `identifiers` are merged. `contractCount` is exact: a page's
 * notices and the count changes they cause ({@linkcode buyerDeltas}) are written in one
 * transaction, so the work per page does not grow with a buyer's history, and a replayed page
 * (whose notices are then unchanged) moves nothing. Without transactions the page's buyers
 * are recounted from `contracts` instead ({@linkcode countContracts}).
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * import { mapPage } from "../ocds/map_page.ts";
 * import { writeContracts } from "./contracts.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const page = JSON.parse(await Deno.readTextFile("fts_page.json"));
 * const { mapped, buyers } = mapPage("fts", page.releases);
 * const contracts = mapped.map((m) => m.contract);
 * const write = await writeContracts(db, contracts, new Date());
 * await writeBuyers(db, buyers, { kind: "delta", deltas: buyerDeltas(write.moves) }, new Date());
 * ```
 * @module
 */
import type { AnyBulkWriteOperation, ClientSession, Collection, Db } from "mongodb";
import type { Buyer } from "../ocds/documents.ts";
import type { BuyerMove } from "./contracts.ts";
import { contractsCollection } from "./contracts.ts";

/** A stored buyer. */
export interface BuyerDoc extends Buyer {
  /** Contracts naming this buyer (`buyerOrgs`); always equal to a count over `contracts`. */
  readonly contractCount: number;
  readonly firstSeenAt: Date;
  /** When `contractCount` was last set from a count over `contracts` (or the buyer created). */
  readonly countedAt: Date;
}

/** The collection, typed. */
export function buyersCollection(db: Db): Collection<BuyerDoc> {
  return db.collection<BuyerDoc>("buyers");
}

/**
 * How each buyer's count moves when notices move from `from` to `to` buyers (a new notice
 * comes from none): +1 for every buyer a notice gains, −1 for every one it loses. Buyers
 * whose count does not move are left out.
 *
 * @example
 * ```ts
 * buyerDeltas([{ from: ["a"], to: ["b"] }, { from: null, to: ["b"] }]); // Map { a: -1, b: 2 }
 * ```
 */
export function buyerDeltas(moves: readonly BuyerMove[]): Map<string, number> {
  const deltas = new Map<string, number>();
  const add = (id: string, d: number) => deltas.set(id, (deltas.get(id) ?? 0) + d);
  for (const move of moves) {
    const before = new Set(move.from ?? []);
    const after = new Set(move.to);
    for (const id of after) if (!before.has(id)) add(id, 1);
    for (const id of before) if (!after.has(id)) add(id, -1);
  }
  for (const [id, d] of deltas) if (d === 0) deltas.delete(id);
  return deltas;
}

/**
 * How {@linkcode writeBuyers} sets counts: `delta` adds to the stored count (only inside the
 * transaction that wrote the notices), `exact` sets counts taken from `contracts`.
 */
export type CountUpdate =
  | { readonly kind: "delta"; readonly deltas: ReadonlyMap<string, number> }
  | { readonly kind: "exact"; readonly counts: ReadonlyMap<string, number> };

/**
 * Upserts the page's buyers without overwriting known fields and applies `count` to them and
 * to any other buyer it names (one that lost a notice is updated, never created). One bulk
 * write.
 */
export async function writeBuyers(
  db: Db,
  buyers: readonly Buyer[],
  count: CountUpdate,
  now: Date,
  options: { readonly session?: ClientSession } = {},
): Promise<void> {
  const known = new Map(buyers.map((b) => [b.orgId, b]));
  const named = count.kind === "delta" ? count.deltas : count.counts;
  const ids = [...new Set([...known.keys(), ...named.keys()])];
  if (ids.length === 0) return;
  const ops: AnyBulkWriteOperation<BuyerDoc>[] = [];
  for (const orgId of ids) {
    const value = named.get(orgId);
    const counted = count.kind === "delta"
      ? { $inc: { contractCount: value ?? 0 } }
      : { $set: { contractCount: value ?? 0, countedAt: now } };
    const buyer = known.get(orgId);
    if (!buyer) {
      if (value !== undefined) ops.push({ updateOne: { filter: { orgId }, update: counted } });
      continue;
    }
    const { sources, identifiers, ...rest } = buyer;
    const inserted = count.kind === "delta"
      ? { ...rest, firstSeenAt: now, countedAt: now }
      : { ...rest, firstSeenAt: now };
    ops.push({
      updateOne: {
        filter: { orgId },
        update: {
          ...counted,
          $setOnInsert: inserted,
          $addToSet: { sources: { $each: [...sources] }, identifiers: { $each: [...identifiers] } },
        },
        upsert: true,
      },
    });
  }
  if (ops.length > 0) {
    await buyersCollection(db).bulkWrite(ops, { ordered: false, session: options.session });
  }
}

/**
 * Counts the contracts naming each of `orgIds` (0 for none) with one aggregation over the
 * `buyerOrgs` index. Its cost grows with those buyers' history: the page path uses it only
 * where transactions are missing; the full recount uses it in batches.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * (await countContracts(db, ["GB-PPON-ABCD-1234-EFGH"])).get("GB-PPON-ABCD-1234-EFGH"); // 12
 * ```
 */
export async function countContracts(
  db: Db,
  orgIds: readonly string[],
  options: { readonly session?: ClientSession } = {},
): Promise<Map<string, number>> {
  const counts = new Map<string, number>(orgIds.map((id) => [id, 0]));
  if (orgIds.length === 0) return counts;
  const ids = [...counts.keys()];
  // `buyerOrgs` holds distinct ids (the mapper merges buyers by orgId), so $unwind counts
  // each contract once per buyer, as buyerDeltas does.
  const groups = contractsCollection(db).aggregate<{ _id: string; n: number }>([
    { $match: { buyerOrgs: { $in: ids } } },
    { $project: { _id: 0, buyerOrgs: 1 } },
    { $unwind: "$buyerOrgs" },
    { $match: { buyerOrgs: { $in: ids } } },
    { $group: { _id: "$buyerOrgs", n: { $sum: 1 } } },
  ], { session: options.session });
  for await (const g of groups) counts.set(g._id, g.n);
  return counts;
}
