/**
 * The `procurements` collection: one document per `{source, ocid}` (`_id` `"{source}:{ocid}"`),
 * compiled from every stored notice of that ocid. The two sources are never merged. Kept by
 * the sync for the ocids each page changes ({@linkcode writePageProcurements}: no read of its
 * own, an insert of new procurements and a replace of the others, before the contracts) and
 * rebuildable at any time from `contracts` alone ({@linkcode compileProcurements}: one read,
 * one bulk write).
 *
 * Every write replaces the whole document with what the notices compile to, so a replay, a
 * crash between steps or notices arriving in any order all end in the same document (the
 * compiler is a pure function of the notices).
 *
 * @example
 * ```ts
 * import { compileProcurements, procurementId, procurementsCollection } from "./procurements.ts";
 * import type { Db } from "mongodb";
 * declare const db: Db;
 * await compileProcurements(db, "fts", ["ocds-example-067fb8"]);
 * await procurementsCollection(db).findOne({ _id: procurementId("fts", "ocds-example-067fb8") });
 * ```
 * @module
 */
import { isDuplicateKeyError } from "./duplicate_key.ts";
import type { AnyBulkWriteOperation, Collection, Db } from "mongodb";
import type { SourceId } from "../ocds/documents.ts";
import { compileProcurement, type CompilerNotice } from "./procurement_search.ts";
import type { Procurement } from "../ocds/procurement_doc.ts";
import { type ContractPlan, contractsCollection } from "./contracts.ts";

/** A stored procurement. */
export interface ProcurementDoc extends Procurement {
  /** `"{source}:{ocid}"`. */
  readonly _id: string;
}

/** The collection, typed. */
export function procurementsCollection(db: Db): Collection<ProcurementDoc> {
  return db.collection<ProcurementDoc>("procurements");
}

/**
 * The document id of a procurement.
 *
 * @example
 * ```ts
 * procurementId("cf", "ocds-example-1"); // "cf:ocds-example-1"
 * ```
 */
export function procurementId(source: SourceId, ocid: string): string {
  return `${source}:${ocid}`;
}

/** Bookkeeping of the stored notices that the compiler never reads. */
const NOT_READ = { _id: 0, firstSeenAt: 0, updatedAt: 0, contentHash: 0, warnings: 0 } as const;

/** Options of {@linkcode compileProcurements}. */
export interface CompileOptions {
  /**
   * Also remove, in the same bulk write, every procurement of the source whose ocid lies in
   * `(after, upTo]` (`after` `null`: from the first; `upTo` `null`: to the last) and is not
   * among `ocids`: the rebuild walks `contracts` in ocid order, so a procurement in a walked
   * range that no stored notice names any more is an orphan.
   */
  readonly sweep?: { readonly after: string | null; readonly upTo: string | null };
  /**
   * Notices about to be written (a page's procurement step runs before its contracts): each
   * takes the place of the stored notice with its id, so a notice moving to another ocid is
   * compiled into that ocid, not into the one it leaves.
   * @default []
   */
  readonly pending?: readonly CompilerNotice[];
  /**
   * Ids of notices about to be removed (retention compiles before it deletes): left out as if
   * already gone.
   * @default []
   */
  readonly removing?: readonly string[];
}

/** What compiling a set of ocids did. */
export interface CompileCounts {
  /** Procurements written (created or replaced). */
  readonly compiled: number;
  /** Procurements removed because no stored notice has their ocid any more. */
  readonly removed: number;
  /** Notices read. */
  readonly notices: number;
}

/**
 * Compiles and stores the procurements of `ocids` (one source) from their stored notices: one
 * read, one unordered bulk write. An ocid without any stored notice left (its notices moved to
 * another ocid) loses its procurement. Idempotent.
 *
 * @example
 * ```ts
 * import { compileProcurements } from "./procurements.ts";
 * import type { Db } from "mongodb";
 * declare const db: Db;
 * const { compiled } = await compileProcurements(db, "cf", ["ocds-example-1", "ocds-example-2"]);
 * ```
 */
export async function compileProcurements(
  db: Db,
  source: SourceId,
  ocids: readonly string[],
  options: CompileOptions = {},
): Promise<CompileCounts> {
  const wanted = [...new Set(ocids)];
  if (wanted.length === 0 && options.sweep === undefined) {
    return { compiled: 0, removed: 0, notices: 0 };
  }
  const byOcid = new Map<string, CompilerNotice[]>(wanted.map((o) => [o, []]));
  let notices = 0;
  const pending = new Map<string, CompilerNotice>();
  for (const n of options.pending ?? []) if (n.source === source) pending.set(n.noticeId, n);
  const removing = new Set(options.removing ?? []);
  if (wanted.length > 0) {
    const cursor = contractsCollection(db).find(
      { source, ocid: { $in: wanted } },
      { projection: NOT_READ },
    );
    const read = new Set<string>();
    for await (const doc of cursor) {
      const n = pending.get(doc.noticeId) ?? doc;
      read.add(doc.noticeId);
      notices++;
      if (!removing.has(doc.noticeId)) byOcid.get(n.ocid)?.push(n);
    }
    for (const n of pending.values()) if (!read.has(n.noticeId)) byOcid.get(n.ocid)?.push(n);
  }
  const ops: AnyBulkWriteOperation<ProcurementDoc>[] = [];
  let compiled = 0;
  for (const [ocid, list] of byOcid) {
    const _id = procurementId(source, ocid);
    const procurement = compileProcurement({ source, ocid }, list);
    if (procurement === null) {
      ops.push({ deleteOne: { filter: { _id } } });
    } else {
      compiled++;
      ops.push({
        // the upsert takes `_id` from the filter
        replaceOne: { filter: { _id }, replacement: procurement, upsert: true },
      });
    }
  }
  if (options.sweep !== undefined) {
    ops.push({ deleteMany: { filter: sweepFilter(source, wanted, options.sweep) } });
  }
  const result = await procurementsCollection(db).bulkWrite(ops, { ordered: false });
  return { compiled, removed: result.deletedCount, notices };
}

/**
 * The procurements of `source` with an ocid in `(after, upTo]` other than `keep`. Ids are
 * `{source}:{ocid}`, so within one source their order is the ocids' order (`;` is the
 * character after `:`, the end of the source's range).
 */
function sweepFilter(
  source: SourceId,
  keep: readonly string[],
  range: { readonly after: string | null; readonly upTo: string | null },
) {
  return {
    _id: {
      ...(range.after === null
        ? { $gt: `${source}:` }
        : { $gt: procurementId(source, range.after) }),
      ...(range.upTo === null
        ? { $lt: `${source};` }
        : { $lte: procurementId(source, range.upTo) }),
      $nin: keep.map((ocid) => procurementId(source, ocid)),
    },
  };
}

/**
 * The procurement step of a page, before its contracts are written and without a read of its
 * own: the notices of an ocid after the page are what the contracts read saw, with the page's
 * new and changed notices laid over. Only ocids that gain a new or changed notice are
 * compiled (a page of unchanged notices writes nothing). Procurements of ocids that had no
 * stored notice are inserted (the cheapest write); the others are replaced. Zero, one or two
 * commands; two more (a read and a bulk write, {@linkcode compileProcurements} with the page's
 * notices pending) only when notices leave an ocid the page does not otherwise change, whose
 * procurement then loses them or is removed.
 *
 * Coming first is what makes skipping unchanged ocids safe: a crash after this step and before
 * the contracts leaves the contracts unwritten, so the page's replay finds its notices changed
 * (or moved) again and compiles them again. Nothing of the step is left for after the
 * contracts: a notice's move is seen only once, by the write that moves it.
 *
 * @example
 * ```ts
 * import { writePageProcurements } from "./procurements.ts";
 * import { writeContracts } from "./contracts.ts";
 * import type { Contract } from "../ocds/documents.ts";
 * import type { Db } from "mongodb";
 * declare const db: Db;
 * declare const contracts: Contract[]; // a page's mapped notices
 * const now = new Date();
 * await writeContracts(db, contracts, now, {
 *   withOcids: true,
 *   beforeWrite: (plan) => writePageProcurements(db, "fts", plan).then(() => {}),
 * });
 * ```
 */
export async function writePageProcurements(
  db: Db,
  source: SourceId,
  plan: Pick<ContractPlan, "before" | "written" | "leftOcids">,
): Promise<CompileCounts> {
  const after = new Map<string, CompilerNotice>();
  const existed = new Set<string>();
  for (const n of plan.before) {
    if (n.source !== source) continue;
    after.set(n.noticeId, n);
    existed.add(n.ocid);
  }
  const dirty = new Set<string>();
  for (const n of plan.written) {
    if (n.source !== source) continue;
    after.set(n.noticeId, n);
    dirty.add(n.ocid);
  }
  const byOcid = new Map<string, CompilerNotice[]>([...dirty].map((o) => [o, []]));
  for (const n of after.values()) byOcid.get(n.ocid)?.push(n);

  const fresh: ProcurementDoc[] = [];
  const replaced: Procurement[] = [];
  for (const [ocid, list] of byOcid) {
    const procurement = compileProcurement({ source, ocid }, list);
    if (procurement === null) continue; // a written notice names this ocid: never empty
    if (existed.has(ocid)) replaced.push(procurement);
    else fresh.push({ _id: procurementId(source, ocid), ...procurement });
  }
  await insertNewProcurements(db, fresh);
  if (replaced.length > 0) await replaceProcurements(db, replaced);
  const left = plan.leftOcids.filter((o) => !dirty.has(o));
  const moved = left.length > 0
    ? await compileProcurements(db, source, left, { pending: plan.written })
    : { compiled: 0, removed: 0, notices: 0 };
  return {
    compiled: fresh.length + replaced.length + moved.compiled,
    removed: moved.removed,
    notices: after.size + moved.notices,
  };
}

function replaceProcurements(db: Db, list: readonly Procurement[]) {
  return procurementsCollection(db).bulkWrite(
    list.map((p) => ({
      // the upsert takes `_id` from the filter
      replaceOne: {
        filter: { _id: procurementId(p.source, p.ocid) },
        replacement: p,
        upsert: true,
      },
    })),
    { ordered: false },
  );
}

/**
 * Inserts procurements of ocids that had no stored notice: a plain insert is the cheapest
 * write (and, on jongodb, far cheaper than a replace). One may exist all the same — left by a
 * notice that moved away in a page whose procurement step never ran — so a duplicate redoes
 * the batch as replacements.
 */
async function insertNewProcurements(db: Db, docs: readonly ProcurementDoc[]): Promise<void> {
  if (docs.length === 0) return;
  try {
    await procurementsCollection(db).insertMany(docs, { ordered: false });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    await replaceProcurements(db, docs.map(({ _id: _, ...p }) => p));
  }
}
