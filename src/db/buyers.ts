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
import type { Buyer, Contract } from "../ocds/documents.ts";
import type { BuyerMove } from "./contracts.ts";
import { contractsCollection } from "./contracts.ts";

/** A stored buyer. */
export interface BuyerDoc extends Buyer {
  /** Contracts naming this buyer (`buyerOrgs`); always equal to a count over `contracts`. */
  readonly contractCount: number;
  /**
   * Procurements naming this buyer: the distinct ocids of the contracts above, which is what
   * `procurements` holds (a procurement's `buyerOrgs` are its notices' buyers).
   */
  readonly procurementCount: number;
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

/** The fields of a notice that place it in a procurement and name its buyers. */
export type NoticeBuyers = Pick<Contract, "source" | "noticeId" | "ocid" | "buyerOrgs">;

/**
 * How each buyer's `procurementCount` moves between two states of the same procurements:
 * `before` and `after` hold every stored notice of those procurements (`{source, ocid}`) before
 * and after a write. A buyer gains a procurement (+1) when no notice of it named the buyer
 * before and one does after, and loses it (−1) in the reverse case. A notice that moved to
 * another ocid counts in its old procurement before and its new one after, so both must be
 * complete in both lists. Buyers whose count does not move are left out.
 *
 * @example
 * ```ts
 * const n = (noticeId: string, ocid: string, buyerOrgs: string[]) =>
 *   ({ source: "cf" as const, noticeId, ocid, buyerOrgs });
 * procurementDeltas([n("1", "o", ["a"])], [n("1", "o", ["a"]), n("2", "o", ["a", "b"])]);
 * // Map { b: 1 }
 * ```
 */
export function procurementDeltas(
  before: readonly NoticeBuyers[],
  after: readonly NoticeBuyers[],
): Map<string, number> {
  const buyersOf = (notices: readonly NoticeBuyers[]) => {
    const byKey = new Map<string, Set<string>>();
    for (const n of notices) {
      const key = `${n.source}\u0000${n.ocid}`;
      const set = byKey.get(key) ?? new Set<string>();
      for (const id of n.buyerOrgs ?? []) set.add(id);
      byKey.set(key, set);
    }
    return byKey;
  };
  const was = buyersOf(before);
  const is = buyersOf(after);
  const deltas = new Map<string, number>();
  const add = (id: string, d: number) => deltas.set(id, (deltas.get(id) ?? 0) + d);
  for (const key of new Set([...was.keys(), ...is.keys()])) {
    const from = was.get(key) ?? new Set<string>();
    const to = is.get(key) ?? new Set<string>();
    for (const id of to) if (!from.has(id)) add(id, 1);
    for (const id of from) if (!to.has(id)) add(id, -1);
  }
  for (const [id, d] of deltas) if (d === 0) deltas.delete(id);
  return deltas;
}

/**
 * How {@linkcode writeBuyers} sets counts: `delta` adds to the stored count (only inside the
 * transaction that wrote the notices), `exact` sets counts taken from `contracts`.
 */
export type CountUpdate =
  | {
    readonly kind: "delta";
    readonly deltas: ReadonlyMap<string, number>;
    /** Added to `procurementCount` ({@linkcode procurementDeltas}). */
    readonly procurements?: ReadonlyMap<string, number>;
  }
  | {
    readonly kind: "exact";
    readonly counts: ReadonlyMap<string, number>;
    /** Sets `procurementCount` too (every buyer of `counts` gets one; absent: 0). */
    readonly procurements?: ReadonlyMap<string, number>;
  };

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
  const procurements = count.procurements ?? new Map<string, number>();
  const ids = [...new Set([...known.keys(), ...named.keys(), ...procurements.keys()])];
  if (ids.length === 0) return;
  const ops: AnyBulkWriteOperation<BuyerDoc>[] = [];
  for (const orgId of ids) {
    const n = named.get(orgId);
    const p = procurements.get(orgId);
    const value = n ?? p;
    const counted = count.kind === "delta"
      ? { $inc: { contractCount: n ?? 0, procurementCount: p ?? 0 } }
      : count.procurements
      ? { $set: { contractCount: n ?? 0, procurementCount: p ?? 0, countedAt: now } }
      : { $set: { contractCount: n ?? 0, countedAt: now } };
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
  return (await countBuyerNotices(db, orgIds, options)).contracts;
}

/**
 * {@linkcode countContracts} with each buyer's procurements beside (the distinct ocids of its
 * contracts), in the same single aggregation: the exact counts of the recount and of the page
 * path without transactions.
 */
export async function countBuyerNotices(
  db: Db,
  orgIds: readonly string[],
  options: { readonly session?: ClientSession } = {},
): Promise<{ contracts: Map<string, number>; procurements: Map<string, number> }> {
  const contracts = new Map<string, number>(orgIds.map((id) => [id, 0]));
  const procurements = new Map<string, number>(orgIds.map((id) => [id, 0]));
  if (orgIds.length === 0) return { contracts, procurements };
  const ids = [...contracts.keys()];
  // `buyerOrgs` holds distinct ids (the mapper merges buyers by orgId), so $unwind counts
  // each contract once per buyer, as buyerDeltas does. The ocid lists travel whole because
  // jongodb cannot $size them.
  const groups = contractsCollection(db).aggregate<{ _id: string; n: number; ocids: string[] }>([
    { $match: { buyerOrgs: { $in: ids } } },
    { $project: { _id: 0, buyerOrgs: 1, ocid: 1 } },
    { $unwind: "$buyerOrgs" },
    { $match: { buyerOrgs: { $in: ids } } },
    { $group: { _id: "$buyerOrgs", n: { $sum: 1 }, ocids: { $addToSet: "$ocid" } } },
  ], { session: options.session });
  for await (const g of groups) {
    contracts.set(g._id, g.n);
    procurements.set(g._id, g.ocids.length);
  }
  return { contracts, procurements };
}
