/**
 * Every index the product needs, as data, and how start-up brings a database in line with it.
 *
 * Each spec has a versioned name (`source_noticeId_v1`): to change an index's key or options,
 * change its spec and bump the version. At start-up {@linkcode ensureIndexes} then builds the
 * new index; when the server refuses because an index of that name or key exists with other
 * options (`IndexOptionsConflict`, `IndexKeySpecsConflict`), the old index is dropped and the
 * new one built, with a warning in the log. When even that fails (no `dropIndex` privilege,
 * duplicate keys under a new unique index, a server without `dropIndexes`), start-up goes on
 * with the old index and reports it as stale (log, `/status`, `deno task doctor`): a spec
 * change never turns into a crash loop.
 *
 * Adding an index is one line in {@linkcode INDEX_SPECS}.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const report = await ensureIndexes(db);
 * report.stale; // [] when every index matches its spec
 * ```
 * @module
 */
import { type Db, type Document, MongoServerError } from "mongodb";
import { errorText, getLog } from "../log.ts";
import { clause } from "../text.ts";

/** One index the product needs. */
export interface IndexSpec {
  /** Collection name, as its getter in `src/db/` names it. */
  readonly collection: string;
  /** `<what>_v<N>`: bump N whenever `key` or an option changes. */
  readonly name: string;
  /** Fields in order, 1 ascending, -1 descending. */
  readonly key: Readonly<Record<string, 1 | -1>>;
  /** @default {false} */
  readonly unique?: boolean;
  /** Only documents matching this filter are indexed. */
  readonly partialFilterExpression?: Readonly<Document>;
  /** TTL: documents expire this many seconds after the indexed date. */
  readonly expireAfterSeconds?: number;
}

/**
 * The product's indexes, one line each. Every index slows each page's writes, so an index
 * belongs here only when a query of the product needs it.
 */
const SPECS: IndexSpec[] = [
  // the page write's read-back and upsert key; unique, so a race can never store a notice twice
  {
    collection: "contracts",
    name: "source_noticeId_v1",
    key: { source: 1, noticeId: 1 },
    unique: true,
  },
  // recounts of buyers: deno task recount, and each page on a server without transactions
  { collection: "contracts", name: "buyerOrgs_v1", key: { buyerOrgs: 1 } },
  // newest notices (dashboard)
  { collection: "contracts", name: "releaseDate_v1", key: { releaseDate: -1 } },
  // the read API and the explorer: one per filter, one per sort key with _id (keyset pages);
  // free text is the multikey searchTokens (about 100 entries a notice: the costliest here)
  { collection: "contracts", name: "searchTokens_v1", key: { searchTokens: 1 } },
  { collection: "contracts", name: "publishedDate_id_v1", key: { publishedDate: -1, _id: -1 } },
  { collection: "contracts", name: "tenderDeadline_id_v1", key: { tenderDeadline: -1, _id: -1 } },
  { collection: "contracts", name: "valueMax_id_v1", key: { valueMax: -1, _id: -1 } },
  { collection: "contracts", name: "awardedValue_id_v1", key: { awardedValue: -1, _id: -1 } },
  { collection: "contracts", name: "sectors_v1", key: { sectors: 1 } },
  { collection: "contracts", name: "sector_v1", key: { sector: 1 } },
  { collection: "contracts", name: "cpvCodes_v1", key: { cpvCodes: 1 } },
  { collection: "contracts", name: "deliveryRegions_code_v1", key: { "deliveryRegions.code": 1 } },
  { collection: "contracts", name: "status_v1", key: { status: 1 } },
  { collection: "contracts", name: "suppliers_id_v1", key: { "suppliers.id": 1 } },
  // the explorer's timeline of a procurement
  { collection: "contracts", name: "ocid_v1", key: { ocid: 1 } },
  // a page's procurement step reads the notices of the ocids it touched; the rebuild walks them
  { collection: "contracts", name: "source_ocid_v1", key: { source: 1, ocid: 1 } },
  // open opportunities in a sector closing after a date: equality, equality, range and sort
  {
    collection: "procurements",
    name: "phase_sectors_tenderDeadline_v1",
    key: { phase: 1, sectors: 1, tenderDeadline: 1 },
  },
  // the read API's procurements (/api/v1/procurements, the explorer): one per filter, one per
  // sort key with _id (keyset pages); `source` is a range of `_id` ("{source}:{ocid}"), and
  // `phase` the prefix of the index above
  { collection: "procurements", name: "searchTokens_v1", key: { searchTokens: 1 } },
  {
    collection: "procurements",
    name: "firstPublished_id_v1",
    key: { firstPublished: -1, _id: -1 },
  },
  {
    collection: "procurements",
    name: "tenderDeadline_id_v1",
    key: { tenderDeadline: -1, _id: -1 },
  },
  { collection: "procurements", name: "valueMax_id_v1", key: { valueMax: -1, _id: -1 } },
  { collection: "procurements", name: "awardedValue_id_v1", key: { awardedValue: -1, _id: -1 } },
  // a buyer's procurements, newest first (the buyer route and page; the buyer filter)
  {
    collection: "procurements",
    name: "buyerOrgs_firstPublished_id_v1",
    key: { buyerOrgs: 1, firstPublished: -1, _id: -1 },
  },
  { collection: "procurements", name: "sectors_v1", key: { sectors: 1 } },
  { collection: "procurements", name: "cpvCodes_v1", key: { cpvCodes: 1 } },
  {
    collection: "procurements",
    name: "deliveryRegions_code_v1",
    key: { "deliveryRegions.code": 1 },
  },
  { collection: "procurements", name: "suppliers_id_v1", key: { "suppliers.id": 1 } },
  { collection: "buyers", name: "orgId_v1", key: { orgId: 1 }, unique: true },
  { collection: "buyers", name: "contractCount_v1", key: { contractCount: -1 } },
  { collection: "sync_runs", name: "source_startedAt_v1", key: { source: 1, startedAt: -1 } },
  {
    collection: "quarantine",
    name: "source_mappingVersion_v1",
    key: { source: 1, mappingVersion: 1 },
  },
  // retries read the oldest first, `_id` breaking ties: never a sort of whole raw texts in
  // memory (up to 256 KiB each), which a free-tier cluster refuses past 100 MB
  {
    collection: "quarantine",
    name: "kind_firstSeenAt_v1",
    key: { kind: 1, firstSeenAt: 1, _id: 1 },
  },
  // RETAIN_RELEASES finds old raw releases without a scan
  { collection: "releases", name: "date_v1", key: { date: 1 } },
  // the OCDS record of a procurement reads the raw releases of its ocid
  { collection: "releases", name: "ocid_v1", key: { ocid: 1 } },
  // instances seen (KV sharing check); expire after a day
  {
    collection: "instances",
    name: "seenAt_ttl_v1",
    key: { seenAt: 1 },
    expireAfterSeconds: 86_400,
  },
];

/** Every index spec, frozen: the one list that start-up and `deno task doctor` read. */
export const INDEX_SPECS: readonly IndexSpec[] = Object.freeze(SPECS);

/**
 * Server error codes of an index that exists with another key or other options under the
 * name or key being created (MongoDB's `IndexOptionsConflict` and `IndexKeySpecsConflict`).
 */
export const INDEX_CONFLICT_CODES: Readonly<Record<string, number>> = Object.freeze({
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
});

/** An index as `listIndexes` describes it. */
export interface ExistingIndex {
  readonly name: string;
  readonly key: Readonly<Record<string, unknown>>;
  readonly unique?: boolean;
  readonly sparse?: boolean;
  readonly partialFilterExpression?: Readonly<Document>;
  readonly expireAfterSeconds?: number;
}

/** The three index operations, injectable so tests can stand in for what jongodb lacks. */
export interface IndexOps {
  /** The collection's indexes; `[]` when it does not exist yet. */
  list(collection: string): Promise<readonly ExistingIndex[]>;
  create(spec: IndexSpec): Promise<void>;
  drop(collection: string, name: string): Promise<void>;
}

/** An index that does not match its spec after start-up, and why. */
export interface StaleIndex {
  readonly collection: string;
  /** The spec's name. */
  readonly name: string;
  /** The existing indexes in the way (same name or key). */
  readonly existing: readonly string[];
  readonly reason: string;
}

/** What {@linkcode ensureIndexes} did. */
export interface IndexReport {
  /** Built now. */
  readonly created: string[];
  /** Already there, under the spec's name or an equivalent one (`name (as old)`). */
  readonly kept: string[];
  /** Dropped and built again with the new spec (after a conflict). */
  readonly rebuilt: string[];
  /** Older versions of a spec dropped once the new one existed. */
  readonly dropped: string[];
  /** Specs the database does not match; start-up went on without them. */
  readonly stale: StaleIndex[];
}

/** Options of {@linkcode ensureIndexes}. */
export interface EnsureIndexOptions {
  /** Replaces some of the driver's index operations (tests). */
  readonly ops?: Partial<IndexOps>;
  /** @default {INDEX_SPECS} */
  readonly specs?: readonly IndexSpec[];
}

/** The driver's index operations on `db`. */
export function driverIndexOps(db: Db): IndexOps {
  return {
    async list(collection) {
      try {
        return await db.collection(collection).listIndexes().toArray() as ExistingIndex[];
      } catch (error) {
        // NamespaceNotFound: a collection that does not exist yet has no index
        if (error instanceof MongoServerError && error.code === 26) return [];
        throw error;
      }
    },
    async create(spec) {
      const { collection, key, ...options } = spec;
      await db.collection(collection).createIndex({ ...key }, options);
    },
    async drop(collection, name) {
      await db.collection(collection).dropIndex(name);
    },
  };
}

/** Whether two index keys name the same fields in the same order and directions. */
export function sameKey(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
) {
  const ea = Object.entries(a), eb = Object.entries(b);
  return ea.length === eb.length &&
    ea.every(([k, v], i) => eb[i][0] === k && String(Number(v)) === String(Number(eb[i][1])));
}

/** Whether an existing index does the spec's job: same key and the same options. */
export function satisfies(index: ExistingIndex, spec: IndexSpec): boolean {
  return sameKey(index.key, spec.key) &&
    Boolean(index.unique) === Boolean(spec.unique) &&
    !index.sparse &&
    (index.expireAfterSeconds ?? null) === (spec.expireAfterSeconds ?? null) &&
    JSON.stringify(index.partialFilterExpression ?? null) ===
      JSON.stringify(spec.partialFilterExpression ?? null);
}

/** `source_noticeId_v2` → `source_noticeId`. */
function baseName(name: string): string {
  return name.replace(/_v\d+$/, "");
}

/** Whether `index` is an older version of `spec` (same base name, not the spec's own). */
function olderVersion(index: ExistingIndex, spec: IndexSpec): boolean {
  return index.name !== spec.name && baseName(index.name) === baseName(spec.name);
}

/** How one spec stands against a collection's indexes (for the doctor and start-up). */
export type IndexState =
  | { readonly state: "ok"; readonly servedBy: string }
  | { readonly state: "missing" }
  | { readonly state: "mismatch"; readonly existing: readonly string[] };

/** Compares a spec with the indexes of its collection. */
export function indexState(spec: IndexSpec, existing: readonly ExistingIndex[]): IndexState {
  const own = existing.find((i) => i.name === spec.name && satisfies(i, spec));
  const served = own ?? existing.find((i) => satisfies(i, spec));
  if (served) return { state: "ok", servedBy: served.name };
  const inTheWay = existing.filter((i) =>
    i.name !== "_id_" && (i.name === spec.name || sameKey(i.key, spec.key))
  );
  return inTheWay.length > 0
    ? { state: "mismatch", existing: inTheWay.map((i) => i.name) }
    : { state: "missing" };
}

/** Whether an error is the server refusing an index because of one that exists. */
export function isIndexConflict(error: unknown): boolean {
  return error instanceof MongoServerError &&
    Object.values(INDEX_CONFLICT_CODES).includes(Number(error.code));
}

/**
 * Creates every index in {@linkcode INDEX_SPECS} that the database lacks (safe on every start).
 * An index in the way is dropped and rebuilt; one that cannot be is reported in `stale` and
 * start-up goes on. Throws only when the database cannot be reached (or on a bug).
 */
export async function ensureIndexes(
  db: Db,
  options: EnsureIndexOptions = {},
): Promise<IndexReport> {
  const ops: IndexOps = { ...driverIndexOps(db), ...options.ops };
  const specs = options.specs ?? INDEX_SPECS;
  const report: IndexReport = { created: [], kept: [], rebuilt: [], dropped: [], stale: [] };
  const collections = [...new Set(specs.map((s) => s.collection))];
  await Promise.all(collections.map(async (collection) => {
    const existing = await ops.list(collection);
    for (const spec of specs.filter((s) => s.collection === collection)) {
      const built = await ensureOne(ops, spec, existing, report);
      if (built) await dropOlderVersions(ops, spec, existing, report);
    }
  }));
  return report;
}

/** Brings one spec in line; resolves whether the spec's own index exists afterwards. */
async function ensureOne(
  ops: IndexOps,
  spec: IndexSpec,
  existing: readonly ExistingIndex[],
  report: IndexReport,
): Promise<boolean> {
  const log = getLog("db");
  const label = `${spec.collection}.${spec.name}`;
  const state = indexState(spec, existing);
  if (state.state === "ok") {
    report.kept.push(state.servedBy === spec.name ? label : `${label} (as ${state.servedBy})`);
    return state.servedBy === spec.name;
  }
  try {
    await ops.create(spec);
    report.created.push(label);
    return true;
  } catch (error) {
    if (!(error instanceof MongoServerError)) throw error; // unreachable database, or a bug
    const inTheWay = state.state === "mismatch" ? state.existing : [];
    if (isIndexConflict(error) || inTheWay.length > 0) {
      try {
        for (const name of inTheWay) await ops.drop(spec.collection, name);
        await ops.create(spec);
        report.rebuilt.push(label);
        log.warn(
          `Index ${label} rebuilt: ${inTheWay.join(", ") || "an index"} was in the way ` +
            `(${errorText(error)}); dropped and built again with key ${JSON.stringify(spec.key)}.`,
        );
        return true;
      } catch (again) {
        return stale(report, spec, inTheWay, again);
      }
    }
    return stale(report, spec, inTheWay, error);
  }
}

function stale(report: IndexReport, spec: IndexSpec, existing: readonly string[], error: unknown) {
  const reason = errorText(error);
  report.stale.push({ collection: spec.collection, name: spec.name, existing, reason });
  getLog("db").warn(
    `Index ${spec.collection}.${spec.name} is stale: ${clause(reason)}. Start-up goes on with ` +
      `${existing.length > 0 ? `the old index ${existing.join(", ")}` : "no such index"}; drop ` +
      `it by hand (db.${spec.collection}.dropIndex("…")) or give the user the dropIndex ` +
      "privilege, then restart. `deno task doctor` shows what differs.",
  );
  return false;
}

/** Once `spec`'s own index exists, older versions of it only slow writes: drop them. */
async function dropOlderVersions(
  ops: IndexOps,
  spec: IndexSpec,
  existing: readonly ExistingIndex[],
  report: IndexReport,
): Promise<void> {
  for (const old of existing.filter((i) => olderVersion(i, spec) && !satisfies(i, spec))) {
    try {
      await ops.drop(spec.collection, old.name);
      report.dropped.push(`${spec.collection}.${old.name}`);
      getLog("db").info(`Index ${spec.collection}.${old.name} dropped: ${spec.name} replaces it.`);
    } catch (error) {
      if (!(error instanceof MongoServerError)) throw error;
      getLog("db").warn(
        `Index ${spec.collection}.${old.name} (replaced by ${spec.name}) could not be dropped ` +
          `(${errorText(error)}); it only slows writes: drop it by hand.`,
      );
    }
  }
}
