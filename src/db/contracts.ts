/**
 * The `contracts` collection: one document per notice, keyed by `{source, noticeId}`.
 * A page is written with one read and at most two writes (updates, then inserts of new
 * notices); newer releases win, so overlapping
 * windows and replays never move a notice backwards.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * import { mapPage } from "../ocds/map_page.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const page = JSON.parse(await Deno.readTextFile("fts_page.json"));
 * const { mapped, buyers } = mapPage("fts", page.releases);
 * const contracts = mapped.map((m) => m.contract);
 * const result = await writeContracts(db, contracts, new Date());
 * result.inserted; // notices seen for the first time
 * ```
 * @module
 */
import type { AnyBulkWriteOperation, ClientSession, Collection, Db } from "mongodb";
import type { Contract, SourceId } from "../ocds/documents.ts";
import { compareReleases } from "../ocds/map_page.ts";
import { searchTokens } from "../ocds/search_tokens.ts";
import { TransactionConflict } from "./transactions.ts";
import { isDuplicateKeyError } from "./duplicate_key.ts";

/** A stored contract: the mapped notice plus bookkeeping. */
export interface ContractDoc extends Contract {
  /** When this notice was first stored; set once. */
  readonly firstSeenAt: Date;
  /** When a write last changed it. */
  readonly updatedAt: Date;
  /** Hash of the mapped fields, to tell "unchanged" from "updated". */
  readonly contentHash: string;
  /**
   * The page that first stored it (see {@linkcode WriteContractsOptions.pageKey}); `null` when
   * stored outside a stream (quarantine retries, remaps). Set once.
   */
  readonly firstSeenPage: string | null;
  /** Normalised words for free-text search (`src/ocds/search_tokens.ts`), indexed. */
  readonly searchTokens: readonly string[];
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

/** How one written notice moved between buyers: `from` is `null` for a new notice. */
export interface BuyerMove {
  readonly from: readonly string[] | null;
  readonly to: readonly string[];
}

/** Outcome of {@linkcode writeContracts}. */
export interface ContractWrite extends WriteCounts {
  /** Buyer ids whose counts may have changed (new and previous `buyerOrgs`). */
  readonly touchedBuyers: readonly string[];
  /** Ocids that updated notices left (a newer release moved the notice to another ocid). */
  readonly leftOcids: readonly string[];
  /**
   * With `withOcids`: every stored notice of the page's notices and of their ocids as read
   * before the write (whole documents), for the procurement step to compile from without a
   * read of its own. Otherwise empty.
   */
  readonly before: readonly ContractDoc[];
  /** The page's contracts this write stored (inserted or updated); the others stayed as read. */
  readonly written: readonly Contract[];
  /**
   * The buyers of every notice this write changed, before and after. Exact only inside a
   * transaction, where every planned write either happens or the whole page is redone.
   */
  readonly moves: readonly BuyerMove[];
  /**
   * Notices this page added, by UTC day (`YYYY-MM-DD`) of their release date: inserted now,
   * or inserted by an earlier attempt of the same page (same `pageKey`).
   */
  readonly newByDay: Readonly<Record<string, number>>;
}

/** Options of {@linkcode writeContracts}. */
export interface WriteContractsOptions {
  /**
   * Also read every stored notice of the page's ocids, whole, in the same read, and return
   * them as `before` (the procurement step's input).
   * @default false
   */
  readonly withOcids?: boolean;
  /**
   * A session in a transaction: reads and writes join it, and a write that misses what was
   * read throws {@linkcode TransactionConflict} (the caller redoes the transaction) instead
   * of being counted as lost to a concurrent writer.
   */
  readonly session?: ClientSession;
  /**
   * Names the page being stored, the same on every attempt until the stream's cursor moves
   * past it (the engine uses stream, stream creation and the stream's page count). A notice
   * first stored under this key counts as new again when the same page is stored again, so a
   * page retried after a crash still reports the notices it added, and a page replayed after
   * its cursor moved reports none.
   * @default {null}
   */
  readonly pageKey?: string | null;
  /**
   * Called once the write is decided, before anything is written, with what was read and
   * what is about to be stored: the procurement step, which must come first so that a crash
   * between the two leaves the contracts unwritten, and their replay still counts as a change.
   */
  readonly beforeWrite?: (plan: ContractPlan) => Promise<void>;
}

/** What a page's contracts write is about to do (see `beforeWrite`). */
export interface ContractPlan {
  /** With `withOcids`: the stored notices of the page's notices and ocids, as read. */
  readonly before: readonly ContractDoc[];
  /** The page's contracts about to be stored (new or changed). */
  readonly written: readonly Contract[];
  /** Ocids that notices about to be updated leave. */
  readonly leftOcids: readonly string[];
}

/** The collection, typed. */
export function contractsCollection(db: Db): Collection<ContractDoc> {
  return db.collection<ContractDoc>("contracts");
}

/**
 * The fields a page's write reads back, as one list: the projection and the type come from
 * it, so they cannot drift apart (jongodb ignores projections, so a field missing from the
 * projection would pass every test here and only fail on a real MongoDB).
 */
const STORED_FIELDS = [
  "source",
  "noticeId",
  "releaseDate",
  "releaseId",
  "contentHash",
  "buyerOrgs",
  "ocid",
  "firstSeenPage",
] as const;
type StoredKey = Pick<ContractDoc, typeof STORED_FIELDS[number]>;
const STORED_PROJECTION = Object.fromEntries(STORED_FIELDS.map((f) => [f, 1]));

/** A stable hash of a contract's mapped fields. */
export async function contentHash(contract: Contract): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(contract));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Writes one page of contracts (at most one per notice: the mapper keeps the newest of a page)
 * in at most three round trips: read what is stored, one bulk update of changed notices, one
 * insert of new ones. Replays change nothing. With `options.session` every step joins the
 * session's transaction (see {@linkcode WriteContractsOptions}).
 */
export async function writeContracts(
  db: Db,
  contracts: readonly Contract[],
  now: Date,
  options: WriteContractsOptions = {},
): Promise<ContractWrite> {
  const { session } = options;
  const counts: WriteCounts = { inserted: 0, updated: 0, unchanged: 0, stale: 0 };
  const pageKey = options.pageKey ?? null;
  const newByDay: Record<string, number> = {};
  const addNew = (date: Date) => {
    const day = date.toISOString().slice(0, 10);
    newByDay[day] = (newByDay[day] ?? 0) + 1;
  };
  if (contracts.length === 0) {
    return {
      ...counts,
      touchedBuyers: [],
      moves: [],
      leftOcids: [],
      before: [],
      written: [],
      newByDay,
    };
  }
  const bySource = new Map<SourceId, { ids: string[]; ocids: Set<string> }>();
  for (const c of contracts) {
    const entry = bySource.get(c.source) ?? { ids: [], ocids: new Set<string>() };
    entry.ids.push(c.noticeId);
    entry.ocids.add(c.ocid);
    bySource.set(c.source, entry);
  }
  const stored = new Map<string, StoredKey>();
  const before: ContractDoc[] = [];
  const cursor = contractsCollection(db).find(
    {
      $or: [...bySource].flatMap(([source, { ids, ocids }]) => [
        { source, noticeId: { $in: ids } },
        ...(options.withOcids ? [{ source, ocid: { $in: [...ocids] } }] : []),
      ]),
    },
    options.withOcids ? { session } : { projection: STORED_PROJECTION, session },
  );
  for await (const doc of cursor) {
    stored.set(`${doc.source}\u0000${doc.noticeId}`, doc);
    if (options.withOcids) before.push(doc);
  }

  const touched = new Set<string>();
  const left = new Set<string>();
  const written: Contract[] = [];
  const moves: BuyerMove[] = [];
  const fresh: ContractDoc[] = [];
  const updates: AnyBulkWriteOperation<ContractDoc>[] = [];
  for (const contract of contracts) {
    const hash = await contentHash(contract);
    const old = stored.get(`${contract.source}\u0000${contract.noticeId}`);
    // stored by an earlier attempt of this very page, whose cursor never moved: still new
    if (old && pageKey !== null && old.firstSeenPage === pageKey) {
      addNew(compareReleases(contract, old) < 0 ? old.releaseDate : contract.releaseDate);
    }
    if (old && compareReleases(contract, old) < 0) {
      counts.stale++;
      continue;
    }
    if (old && old.contentHash === hash) {
      counts.unchanged++;
      continue;
    }
    for (const id of [...contract.buyerOrgs, ...(old?.buyerOrgs ?? [])]) touched.add(id);
    written.push(contract);
    moves.push({ from: old ? old.buyerOrgs : null, to: contract.buyerOrgs });
    if (!old) {
      fresh.push({
        ...contract,
        contentHash: hash,
        updatedAt: now,
        firstSeenAt: now,
        firstSeenPage: pageKey,
        searchTokens: searchTokens(contract),
      });
      continue;
    }
    if (old.ocid !== contract.ocid) left.add(old.ocid);
    // Guarded by what was read: a concurrent newer write is never overwritten.
    const key = { source: contract.source, noticeId: contract.noticeId };
    updates.push({
      updateOne: {
        filter: { ...key, releaseDate: old.releaseDate, releaseId: old.releaseId },
        update: {
          $set: {
            ...contract,
            contentHash: hash,
            updatedAt: now,
            searchTokens: searchTokens(contract),
          },
        },
      },
    });
  }
  await options.beforeWrite?.({ before, written, leftOcids: [...left] });
  if (updates.length > 0) {
    const res = await contractsCollection(db).bulkWrite(updates, { ordered: false, session });
    const lost = updates.length - res.matchedCount;
    if (lost > 0 && session) {
      throw new TransactionConflict(
        `${lost} of ${updates.length} stored notices changed after they were read`,
      );
    }
    // Outside a transaction, a notice another writer changed meanwhile kept that writer's
    // release: it is as stale as one older than what is stored.
    counts.updated += res.matchedCount;
    counts.stale += lost;
  }
  if (fresh.length > 0) {
    if (session) {
      // a duplicate key aborts the transaction, which is then redone from its read
      await contractsCollection(db).insertMany(fresh, { ordered: false, session });
      counts.inserted += fresh.length;
      for (const doc of fresh) addNew(doc.releaseDate);
    } else {
      const inserted = await insertNewContracts(db, fresh);
      counts.inserted += inserted;
      counts.unchanged += fresh.length - inserted;
      // Only outside a transaction can another writer (a quarantine retry or a remap, which
      // count nothing) store one of these first; then which ones is unknown, and none of the
      // batch is counted rather than any twice.
      if (inserted === fresh.length) { for (const doc of fresh) addNew(doc.releaseDate); }
    }
  }
  return {
    ...counts,
    touchedBuyers: [...touched],
    moves,
    leftOcids: [...left],
    before,
    written,
    newByDay,
  };
}

/**
 * Inserts notices that were absent when the page was read: a plain insert is the cheapest
 * write. Should another writer have inserted some meanwhile, the others are still stored (by
 * the insert itself on MongoDB, which goes on past a duplicate with `ordered: false`, and by
 * idempotent upserts that keep whatever is there). Resolves to the number of documents this
 * call stored; those another writer stored first are not counted.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * import type { Contract } from "../ocds/documents.ts";
 * import { searchTokens } from "../ocds/search_tokens.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * declare const contract: Contract; // a mapped notice not stored yet
 * const now = new Date();
 * await insertNewContracts(db, [{
 *   ...contract, contentHash: await contentHash(contract), firstSeenAt: now, updatedAt: now,
 *   firstSeenPage: null, searchTokens: searchTokens(contract),
 * }]);
 * ```
 */
export async function insertNewContracts(db: Db, docs: readonly ContractDoc[]): Promise<number> {
  try {
    return (await contractsCollection(db).insertMany(docs, { ordered: false })).insertedCount;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    // What the failed insert did store (MongoDB: all but the duplicates; some servers: none).
    const partial = (error as { result?: { insertedCount?: unknown } }).result?.insertedCount;
    const res = await contractsCollection(db).bulkWrite(
      docs.map((doc) => ({
        updateOne: {
          filter: { source: doc.source, noticeId: doc.noticeId },
          update: { $setOnInsert: doc },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    return (typeof partial === "number" ? partial : 0) + res.upsertedCount;
  }
}
