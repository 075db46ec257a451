/**
 * The `contracts` collection: one document per notice, keyed by `{source, noticeId}`.
 * A page is written with one read and one bulk write; newer releases win, so overlapping
 * windows and replays never move a notice backwards.
 *
 * @example
 * ```ts
 * const result = await writeContracts(db, contracts, new Date());
 * result.inserted; // notices seen for the first time
 * ```
 * @module
 */
import type { AnyBulkWriteOperation, Collection, Db } from "mongodb";
import type { Contract, SourceId } from "../ocds/contract.ts";
import { compareReleaseIds } from "../ocds/map_page.ts";

/** A stored contract: the mapped notice plus bookkeeping. */
export interface ContractDoc extends Contract {
  /** When this notice was first stored; set once. */
  readonly firstSeenAt: Date;
  /** When a write last changed it. */
  readonly updatedAt: Date;
  /** Hash of the mapped fields, to tell "unchanged" from "updated". */
  readonly contentHash: string;
}

/** What writing one page did. */
export interface WriteCounts {
  /** Notices stored for the first time. */
  inserted: number;
  /** Notices replaced by a newer or different release. */
  updated: number;
  /** Notices whose stored document already equals the release. */
  unchanged: number;
  /** Releases older than the stored one, which never overwrite it. */
  stale: number;
}

/** Outcome of {@linkcode writeContracts}. */
export interface ContractWrite extends WriteCounts {
  /** Buyer ids whose counts may have changed (new and previous `buyerOrgs`). */
  readonly touchedBuyers: readonly string[];
}

/** The collection, typed. */
export function contractsOf(db: Db): Collection<ContractDoc> {
  return db.collection<ContractDoc>("contracts");
}

/** Creates the collection's indexes (idempotent). */
export async function ensureContractIndexes(db: Db): Promise<void> {
  await contractsOf(db).createIndexes([
    { key: { source: 1, noticeId: 1 }, name: "source_noticeId", unique: true },
    { key: { buyerOrgs: 1 }, name: "buyerOrgs" },
    { key: { releaseDate: -1 }, name: "releaseDate" },
    { key: { sector: 1, releaseDate: -1 }, name: "sector_releaseDate" },
    { key: { firstSeenAt: -1 }, name: "firstSeenAt" },
  ]);
}

/**
 * Orders releases of one notice: by release date, then by id (numerically where ids end in
 * numbers, as CF's `{guid}-{sequence}` do). Positive when `a` is newer than `b`.
 */
export function compareReleases(
  a: Pick<Contract, "releaseDate" | "releaseId">,
  b: Pick<Contract, "releaseDate" | "releaseId">,
): number {
  const byDate = a.releaseDate.getTime() - b.releaseDate.getTime();
  if (byDate !== 0) return byDate;
  return compareReleaseIds(a.releaseId, b.releaseId);
}

/** A stable hash of a contract's mapped fields. */
export async function contentHash(contract: Contract): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(contract));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Writes one page of contracts (at most one per notice: the mapper keeps the newest of a page)
 * in two round trips: read what is stored, then one bulk write. Replays change nothing.
 */
export async function writeContracts(
  db: Db,
  contracts: readonly Contract[],
  now: Date,
): Promise<ContractWrite> {
  const counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0, stale: 0 };
  if (contracts.length === 0) return { ...counts, touchedBuyers: [] };
  const bySource = new Map<SourceId, string[]>();
  for (const c of contracts) {
    bySource.set(c.source, [...(bySource.get(c.source) ?? []), c.noticeId]);
  }
  const stored = new Map<
    string,
    Pick<ContractDoc, "releaseDate" | "releaseId" | "contentHash" | "buyerOrgs">
  >();
  const cursor = contractsOf(db).find(
    { $or: [...bySource].map(([source, ids]) => ({ source, noticeId: { $in: ids } })) },
    {
      projection: {
        source: 1,
        noticeId: 1,
        releaseDate: 1,
        releaseId: 1,
        contentHash: 1,
        buyerOrg: 1,
      },
    },
  );
  for await (const doc of cursor) stored.set(`${doc.source}\u0000${doc.noticeId}`, doc);

  const touched = new Set<string>();
  const ops: AnyBulkWriteOperation<ContractDoc>[] = [];
  for (const contract of contracts) {
    const hash = await contentHash(contract);
    const old = stored.get(`${contract.source}\u0000${contract.noticeId}`);
    if (old && compareReleases(contract, old) < 0) {
      counts.stale++;
      continue;
    }
    if (old && old.contentHash === hash) {
      counts.unchanged++;
      continue;
    }
    for (const id of [...contract.buyerOrgs, ...(old?.buyerOrgs ?? [])]) touched.add(id);
    const key = { source: contract.source, noticeId: contract.noticeId };
    if (old) {
      counts.updated++;
      // Guarded by what was read: a concurrent newer write is never overwritten.
      ops.push({
        updateOne: {
          filter: { ...key, releaseDate: old.releaseDate, releaseId: old.releaseId },
          update: { $set: { ...contract, contentHash: hash, updatedAt: now } },
        },
      });
    } else {
      counts.inserted++;
      ops.push({
        updateOne: {
          filter: key,
          update: {
            $setOnInsert: { ...contract, contentHash: hash, updatedAt: now, firstSeenAt: now },
          },
          upsert: true,
        },
      });
    }
  }
  if (ops.length > 0) await contractsOf(db).bulkWrite(ops, { ordered: false });
  return { ...counts, touchedBuyers: [...touched] };
}
