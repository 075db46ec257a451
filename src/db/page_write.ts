/**
 * A page's notices and buyers, written so that every buyer's `contractCount` stays exact at a
 * cost that follows the page, not the buyers' history.
 *
 * - **With transactions** (Atlas, any replica set): one transaction reads the page's stored
 *   notices, writes the changed and new ones, and adds to each buyer's count what the page
 *   moved ({@linkcode buyerDeltas}), and to its `procurementCount` the procurements it gained
 *   or lost ({@linkcode procurementDeltas}, from the same read of the page's ocids). Either
 *   all of it is committed or none, so a crash never leaves a count behind its notices, and a
 *   replay (whose notices are then unchanged) moves nothing. Concurrent writers sharing a
 *   buyer conflict and one of them is redone. Round trips: read, the caller's `beforeWrite`
 *   (the procurement step), insert, bulk update (when any changed), buyers, commit.
 * - **Without** (a standalone `mongod`): the notices are written, then the page's buyers are
 *   recounted from `contracts` — exact under replay and crash too, but each page then reads
 *   every notice of its buyers. Start-up logs a warning saying so.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * import { mapPage } from "../ocds/map_page.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const page = JSON.parse(await Deno.readTextFile("fts_page.json"));
 * const { mapped, buyers } = mapPage("fts", page.releases);
 * const contracts = mapped.map((m) => m.contract);
 * const counts = await writePage(db, contracts, buyers, new Date());
 * counts.inserted; // notices stored for the first time
 * ```
 * @module
 */
import type { ClientSession, Db } from "mongodb";
import type { Buyer, Contract } from "../ocds/documents.ts";
import {
  buyerDeltas,
  countBuyerNotices,
  type NoticeBuyers,
  procurementDeltas,
  writeBuyers,
} from "./buyers.ts";
import {
  contractsCollection,
  type ContractWrite,
  writeContracts,
  type WriteContractsOptions,
} from "./contracts.ts";
import { inTransaction, transactionsSupported } from "./transactions.ts";

/** Options of {@linkcode writePage}. */
export interface PageWriteOptions {
  /**
   * The procurement step, called with what the contracts read saw and what is about to be
   * stored, before any notice is written (see `WriteContractsOptions.beforeWrite`).
   * @default undefined
   */
  readonly beforeWrite?: WriteContractsOptions["beforeWrite"];
  /**
   * Recount the page's buyers from `contracts` (notices and procurements) instead of adding
   * deltas: deltas are exact only against counts that were exact before the page, and a
   * rebuild (remap, after buyers were lost) cannot promise that.
   * @default false
   */
  readonly exactBuyerCounts?: boolean;
  /** See `WriteContractsOptions.pageKey` (the dashboard's notices per day). @default null */
  readonly pageKey?: string | null;
}

/**
 * Writes a page's contracts and buyers (see the module doc). Idempotent: writing the same
 * page again changes nothing. Resolves to the contracts write, whose `before` (every stored
 * notice of the page's notices and ocids, read once) feeds the procurement step.
 */
export async function writePage(
  db: Db,
  contracts: readonly Contract[],
  buyers: readonly Buyer[],
  now: Date,
  options: PageWriteOptions = {},
): Promise<ContractWrite> {
  if (contracts.length === 0 && buyers.length === 0) {
    return {
      inserted: 0,
      updated: 0,
      unchanged: 0,
      stale: 0,
      touchedBuyers: [],
      moves: [],
      leftOcids: [],
      before: [],
      written: [],
      newByDay: {},
    };
  }
  const { pageKey } = options;
  // Deltas are exact only against counts that were exact before the page; a rebuild (remap,
  // after buyers were lost) asks for a recount of the page's buyers instead.
  if (!options.exactBuyerCounts && await transactionsSupported(db)) {
    return await inTransaction(db, async (session) => {
      const written = await writeContracts(db, contracts, now, {
        session,
        pageKey,
        withOcids: true,
        beforeWrite: options.beforeWrite,
      });
      const deltas = buyerDeltas(written.moves);
      const procurements = await pageProcurementDeltas(db, contracts, written, session);
      await writeBuyers(db, buyers, { kind: "delta", deltas, procurements }, now, { session });
      return written;
    }, { what: `Writing ${contracts.length} notices` });
  }
  const written = await writeContracts(db, contracts, now, {
    pageKey,
    withOcids: true,
    beforeWrite: options.beforeWrite,
  });
  const ids = [...new Set([...written.touchedBuyers, ...buyers.map((b) => b.orgId)])];
  const exact = await countBuyerNotices(db, ids);
  await writeBuyers(
    db,
    buyers,
    { kind: "exact", counts: exact.contracts, procurements: exact.procurements },
    now,
  );
  return written;
}

/**
 * `procurementCount` deltas of a page: its procurements before (`written.before`, every
 * stored notice of the page's ocids) and after (the same with what the write stored laid
 * over). An ocid a notice left that is not one of the page's is read whole (after the write,
 * in the transaction) — one more command, only when notices move between ocids.
 */
async function pageProcurementDeltas(
  db: Db,
  contracts: readonly Contract[],
  written: ContractWrite,
  session: ClientSession,
): Promise<Map<string, number>> {
  const key = (n: NoticeBuyers) => `${n.source}\u0000${n.noticeId}`;
  const before = new Map<string, NoticeBuyers>(written.before.map((n) => [key(n), n]));
  const after = new Map(before);
  const stored = new Set<string>();
  for (const n of written.written) {
    after.set(key(n), n);
    stored.add(key(n));
  }
  const pageOcids = new Set(contracts.map((c) => c.ocid));
  const outside = written.leftOcids.filter((o) => !pageOcids.has(o));
  if (outside.length > 0) {
    const sources = [...new Set(contracts.map((c) => c.source))];
    const rest = contractsCollection(db).find(
      { source: { $in: sources }, ocid: { $in: outside } },
      { projection: { _id: 0, source: 1, noticeId: 1, ocid: 1, buyerOrgs: 1 }, session },
    );
    for await (const n of rest) {
      if (!stored.has(key(n))) before.set(key(n), n);
      after.set(key(n), n);
    }
  }
  return procurementDeltas([...before.values()], [...after.values()]);
}
