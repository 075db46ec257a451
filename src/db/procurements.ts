/**
 * The `procurements` collection: one document per `{source, ocid}` (`_id` `"{source}:{ocid}"`),
 * compiled from every stored notice of that ocid. The two sources are never merged. Kept by
 * the sync for the ocids each page touched, in two round trips — one read of those ocids'
 * notices, one bulk write — and rebuildable at any time from `contracts` alone.
 *
 * Every write replaces the whole document with what the stored notices compile to, so a
 * replay, a crash between steps or notices arriving in any order all end in the same
 * document (the compiler is a pure function of the notices).
 *
 * @example
 * ```ts
 * await compileProcurements(db, "fts", ["ocds-h6vhtk-067fb8"]);
 * await procurementsCollection(db).findOne({ _id: procurementId("fts", "ocds-h6vhtk-067fb8") });
 * ```
 * @module
 */
import type { AnyBulkWriteOperation, Collection, Db } from "mongodb";
import type { SourceId } from "../ocds/documents.ts";
import { compileProcurement, type CompilerNotice } from "../ocds/procurement.ts";
import type { Procurement } from "../ocds/procurement_doc.ts";
import { contractsCollection } from "./contracts.ts";

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
 * procurementId("cf", "ocds-b5fd17-1"); // "cf:ocds-b5fd17-1"
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
 * const { compiled } = await compileProcurements(db, "cf", ["ocds-b5fd17-1", "ocds-b5fd17-2"]);
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
  if (wanted.length > 0) {
    const cursor = contractsCollection(db).find(
      { source, ocid: { $in: wanted } },
      { projection: NOT_READ },
    );
    for await (const doc of cursor) {
      byOcid.get(doc.ocid)?.push(doc);
      notices++;
    }
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
