/**
 * A page's notices and buyers, written so that every buyer's `contractCount` stays exact at a
 * cost that follows the page, not the buyers' history.
 *
 * - **With transactions** (Atlas, any replica set): one transaction reads the page's stored
 *   notices, writes the changed and new ones, and adds to each buyer's count what the page
 *   moved ({@linkcode buyerDeltas}). Either all of it is committed or none, so a crash never
 *   leaves a count behind its notices, and a replay (whose notices are then unchanged) moves
 *   nothing. Concurrent writers sharing a buyer conflict and one of them is redone. Round
 *   trips: read, insert, bulk update (when any changed), buyers, commit.
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
import type { Db } from "mongodb";
import type { Buyer, Contract } from "../ocds/documents.ts";
import { buyerDeltas, countContracts, writeBuyers } from "./buyers.ts";
import { writeContracts, type WriteCounts } from "./contracts.ts";
import { inTransaction, transactionsSupported } from "./transactions.ts";

/**
 * Writes a page's contracts and buyers (see the module doc). Idempotent: writing the same
 * page again changes nothing.
 */
export async function writePage(
  db: Db,
  contracts: readonly Contract[],
  buyers: readonly Buyer[],
  now: Date,
  options: { readonly exactBuyerCounts?: boolean; readonly pageKey?: string | null } = {},
): Promise<PageWrite> {
  if (contracts.length === 0 && buyers.length === 0) {
    return { inserted: 0, updated: 0, unchanged: 0, stale: 0, newByDay: {} };
  }
  const { pageKey } = options;
  // Deltas are exact only against counts that were exact before the page; a rebuild (remap,
  // after buyers were lost) asks for a recount of the page's buyers instead.
  if (!options.exactBuyerCounts && await transactionsSupported(db)) {
    return await inTransaction(db, async (session) => {
      const written = await writeContracts(db, contracts, now, { session, pageKey });
      const deltas = buyerDeltas(written.moves);
      await writeBuyers(db, buyers, { kind: "delta", deltas }, now, { session });
      return counts(written);
    }, { what: `Writing ${contracts.length} notices` });
  }
  const written = await writeContracts(db, contracts, now, { pageKey });
  const ids = [...new Set([...written.touchedBuyers, ...buyers.map((b) => b.orgId)])];
  await writeBuyers(db, buyers, { kind: "exact", counts: await countContracts(db, ids) }, now);
  return counts(written);
}

/** What a page write did: its counts and the notices it added per release day. */
export interface PageWrite extends WriteCounts {
  /** See `ContractWrite.newByDay` (the dashboard's figures). */
  readonly newByDay: Readonly<Record<string, number>>;
}

function counts(w: WriteCounts & Pick<PageWrite, "newByDay">): PageWrite {
  return {
    inserted: w.inserted,
    updated: w.updated,
    unchanged: w.unchanged,
    stale: w.stale,
    newByDay: w.newByDay,
  };
}
