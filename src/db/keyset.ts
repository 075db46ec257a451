/**
 * Keyset pagination over any collection: a page is the first `limit` documents after a
 * position `(sort value, _id)` in `(sort field, _id)` order, never an offset. Items inserted
 * while a client pages cannot shift later pages (no duplicates, nothing skipped among the
 * items that were there), and each page costs one indexed `find` whatever its depth.
 * Documents without a sort value are left out (an index serves `$ne: null`), so the order is
 * total and the position always comparable.
 *
 * @example
 * ```ts
 * import { contractsCollection } from "./contracts.ts";
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const page = await findPage(contractsCollection(db), {
 *   filter: { source: "fts" }, sortField: "publishedDate", direction: -1, after: null, limit: 20,
 * });
 * page.next; // position of the last item, or null on the last page
 * ```
 * @module
 */
import type { Collection, Document, Filter, ObjectId } from "mongodb";

/** A sort value: a date, a number or a text. */
export type SortValue = Date | number | string;

/**
 * Where a page ends: the last item's sort value and `_id` (an `ObjectId` for notices, a text
 * key such as `"fts:ocds-…"` for procurements).
 */
export interface Position {
  readonly value: SortValue;
  readonly id: ObjectId | string;
}

/** One page's query. */
export interface PageQuery {
  /** The caller's filter (already validated; plain values and operators only). */
  readonly filter: Filter<Document>;
  readonly sortField: string;
  /** 1 ascending, -1 descending (ties broken by `_id` in the same direction). */
  readonly direction: 1 | -1;
  /** Start after this position; `null` for the first page. */
  readonly after: Position | null;
  /** Items per page (the query asks for one more, to know whether there is a next page). */
  readonly limit: number;
  /** Fields to leave out of the answer (real MongoDB honours it; jongodb ignores it). */
  readonly exclude?: readonly string[];
}

/** One page. */
export interface Page<T> {
  readonly items: T[];
  /** Position of the last item when more follow, else `null`. */
  readonly next: Position | null;
}

/**
 * The full filter of a page: the caller's, the sort field present, and after the position.
 *
 * @example
 * ```ts
 * import { ObjectId } from "mongodb";
 * const v = 5_000_000, id = new ObjectId();
 * const after = { value: v, id };
 * pageFilter({ filter: {}, sortField: "valueMax", direction: -1, after, limit: 10 });
 * // { $and: [{}, { valueMax: { $ne: null } }, { $or: [{ valueMax: { $lt: v } }, { valueMax: v, _id: { $lt: id } }] }] }
 * ```
 */
export function pageFilter(query: PageQuery): Filter<Document> {
  const { sortField: f, direction, after } = query;
  const parts: Filter<Document>[] = [query.filter, { [f]: { $ne: null } }];
  if (after) {
    const beyond = direction === 1 ? "$gt" : "$lt";
    parts.push({
      $or: [{ [f]: { [beyond]: after.value } }, { [f]: after.value, _id: { [beyond]: after.id } }],
    });
  }
  return { $and: parts };
}

/**
 * Reads one page in one MongoDB command (the first batch holds `limit + 1` documents).
 *
 * @example
 * ```ts
 * import type { ContractDoc } from "./contracts.ts";
 * import type { Collection } from "mongodb";
 * declare const collection: Collection<ContractDoc>;
 * const query = {
 *   filter: {}, sortField: "releaseDate", direction: -1 as const, after: null, limit: 20,
 * };
 * const { items, next } = await findPage(collection, query);
 * ```
 */
export async function findPage<T extends Document>(
  collection: Collection<T>,
  query: PageQuery,
): Promise<Page<T & { _id: ObjectId | string }>> {
  const projection = query.exclude?.length
    ? Object.fromEntries(query.exclude.map((f) => [f, 0]))
    : undefined;
  const docs = await collection
    .find(pageFilter(query) as Filter<T>, { projection, batchSize: query.limit + 1 })
    .sort({ [query.sortField]: query.direction, _id: query.direction })
    .limit(query.limit + 1)
    .toArray() as (T & { _id: ObjectId | string })[];
  const more = docs.length > query.limit;
  const items = more ? docs.slice(0, query.limit) : docs;
  const last = items.at(-1);
  return {
    items,
    next: more && last ? { value: last[query.sortField] as SortValue, id: last._id } : null,
  };
}
