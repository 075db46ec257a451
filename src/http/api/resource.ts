/**
 * What the read API needs to know about a collection to list, filter, sort, page, export and
 * show its documents. The routes (`routes.ts`), the exports and the explorer are written once
 * against this shape; notices are one resource (`notice_resource.ts`), and procurements plug
 * in as another when their collection exists.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../../db/client.ts";
 * import { NOTICES } from "./notice_resource.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const url = new URL("http://localhost:8000/api/v1/notices?q=road");
 * const page = await listPage(db, NOTICES, await readListRequest(NOTICES, url)); // { items, next }
 * ```
 * @module
 */
import type { Collection, Db, Document, Filter } from "mongodb";
import { findPage, type PageQuery, type Position } from "../../db/keyset.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { BadRequest, type ParamSpec, type ParamValue, parseParams } from "./params.ts";

/** A sort a client can ask for (`sort=name` descending-first fields use `-name`). */
export interface SortSpec {
  /** Name in `sort=` (`published`); `-published` is the other direction. */
  readonly name: string;
  /** The field sorted on, which may depend on other parameters (`valueBasis`). */
  readonly field: (values: Readonly<Record<string, ParamValue>>) => string;
}

/** A JSON Schema (OpenAPI 3.1 dialect) as a plain object. */
export type Schema = Record<string, unknown>;

/** A listable collection. */
export interface Resource<D extends Document> {
  /** Path segment: `/api/v1/{name}`. */
  readonly name: string;
  /** One item, for people (`notice`). */
  readonly singular: string;
  readonly collection: (db: Db) => Collection<D>;
  /** Filter parameters (the routes add `sort`, `limit` and `cursor`). */
  readonly filters: readonly ParamSpec[];
  /**
   * Compiles validated filter values to a MongoDB filter (each part served by an index);
   * `now` for filters that depend on the time (a procurement is `open` until its deadline).
   */
  readonly toFilter: (values: Readonly<Record<string, ParamValue>>, now: Date) => Filter<Document>;
  readonly sorts: readonly SortSpec[];
  /** `sort` when none is given, e.g. `-published`. */
  readonly defaultSort: string;
  /** Stored fields never shown (bookkeeping). */
  readonly hidden: readonly string[];
  /** The public form of a document at `now` (dates as ISO text, links added). */
  readonly toPublic: (doc: D, now: Date) => Record<string, unknown>;
  /** Columns of the CSV export: header and value of each. */
  readonly csv: readonly {
    readonly header: string;
    readonly value: (doc: D, now: Date) => unknown;
  }[];
  /** Schema of one public item, for the OpenAPI document. */
  readonly itemSchema: Schema;
  /** Fields of the item route's path after `/{name}/`, e.g. `["source", "noticeId"]`. */
  readonly itemKeys: readonly string[];
  /**
   * The filter that finds one item from its path fields (an indexed equality).
   * @default the path fields as an equality filter
   */
  readonly itemFilter?: (key: Readonly<Record<string, string>>) => Filter<Document>;
}

/** `limit` of list routes. */
export const LIMIT: ParamSpec = {
  name: "limit",
  kind: { kind: "integer", min: 1, max: 100 },
  description: "Items per page, 1–100 (default 20).",
};

/** `cursor` of list routes. */
export const CURSOR: ParamSpec = {
  name: "cursor",
  kind: { kind: "cursor" },
  description: "The `next` of the previous page, with the same other parameters.",
};

/** Any resource, whatever its document type (lists of resources). */
// deno-lint-ignore no-explicit-any
export type AnyResource = Resource<any>;

/** The `sort` parameter of a resource. */
export function sortParam(resource: AnyResource): ParamSpec {
  const values = resource.sorts.flatMap((s) => [s.name, `-${s.name}`]);
  return {
    name: "sort",
    kind: { kind: "enum", values },
    description: `Order: ${
      values.join(", ")
    } (\`-\`: newest, latest or largest first; default ${resource.defaultSort}). Items without the sort key are left out.`,
  };
}

/** Every parameter of a resource's list route (exports: all but `limit` and `cursor`). */
export function listParams(resource: AnyResource, paged = true): ParamSpec[] {
  return [...resource.filters, sortParam(resource), ...(paged ? [LIMIT, CURSOR] : [])];
}

/** A validated list request. */
export interface ListRequest {
  readonly values: Readonly<Record<string, ParamValue>>;
  readonly query: Omit<PageQuery, "after" | "limit">;
  /** Canonical text of the resource, filters and sort, which a cursor is bound to. */
  readonly canonical: string;
  /** The time the request is answered at (time-dependent filters and public forms). */
  readonly now: Date;
  readonly limit: number;
  readonly after: Position | null;
}

/**
 * Validates a list request's query string and compiles it (see `params.ts` for what is
 * refused). `paged: false` for exports (no `limit`/`cursor`); `now` for the filters that
 * depend on the time.
 *
 * @example
 * ```ts
 * import { NOTICES } from "./notice_resource.ts";
 * const req = await readListRequest(NOTICES, new URL("http://x/api/v1/notices?q=road"));
 * ```
 */
export async function readListRequest(
  resource: AnyResource,
  url: URL,
  paged = true,
  now: Date = new Date(),
): Promise<ListRequest> {
  const values = parseParams(url, listParams(resource, paged));
  checkRanges(resource, values);
  const sortText = String(values.sort ?? resource.defaultSort);
  const descending = sortText.startsWith("-");
  const sort = resource.sorts.find((s) => s.name === sortText.replace(/^-/, ""))!;
  // the resource's name first: a cursor of one resource is never taken by another
  const canonical = `${resource.name}?` +
    Object.keys(values).filter((k) => k !== "limit" && k !== "cursor").sort()
      .map((k) => {
        const v = values[k];
        return `${k}=${v instanceof Date ? v.toISOString() : String(v)}`;
      }).join("&") +
    `&sort=${sortText}`;
  const after = typeof values.cursor === "string"
    ? await decodeCursor(values.cursor, canonical)
    : null;
  return {
    values,
    query: {
      filter: resource.toFilter(values, now),
      sortField: sort.field(values),
      direction: descending ? -1 : 1,
      exclude: resource.hidden,
    },
    canonical,
    now,
    limit: typeof values.limit === "number" ? values.limit : 20,
    after,
  };
}

/** `xFrom` ≤ `xTo` and `minValue` ≤ `maxValue`, else a 400 naming the upper bound. */
function checkRanges(resource: AnyResource, values: Record<string, ParamValue>): void {
  const names = new Set(resource.filters.map((f) => f.name));
  for (const [low, high] of [["minValue", "maxValue"]] as const) {
    const a = values[low], b = values[high];
    if (typeof a === "number" && typeof b === "number" && a > b) {
      throw new BadRequest(high, `${high} (${b}) is below ${low} (${a}).`);
    }
  }
  for (const name of names) {
    if (!name.endsWith("From")) continue;
    const high = `${name.slice(0, -4)}To`;
    const a = values[name], b = values[high];
    // the upper bound is exclusive (a bare day means its whole day): equal bounds are empty
    if (a instanceof Date && b instanceof Date && a >= b) {
      throw new BadRequest(high, `${high} is before ${name}: the range is empty.`);
    }
  }
}

/** One page of a list, in its public form. */
export interface ListAnswer {
  readonly items: Record<string, unknown>[];
  /** Cursor of the next page, `null` on the last. */
  readonly next: string | null;
  readonly limit: number;
  readonly sort: string;
}

/**
 * Reads one page of stored documents and the next page's cursor: one MongoDB command.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../../db/client.ts";
 * import { NOTICES } from "./notice_resource.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const url = new URL("http://localhost:8000/api/v1/notices?q=road");
 * const { docs, next } = await listDocs(db, NOTICES, await readListRequest(NOTICES, url));
 * ```
 */
export async function listDocs<D extends Document>(
  db: Db,
  resource: Resource<D>,
  request: ListRequest,
): Promise<{ docs: D[]; next: string | null }> {
  const page = await findPage(resource.collection(db), {
    ...request.query,
    after: request.after,
    limit: request.limit,
  });
  return {
    docs: page.items,
    next: page.next ? await encodeCursor(page.next, request.canonical) : null,
  };
}

/**
 * Lists one page in public form: one MongoDB command.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../../db/client.ts";
 * import { NOTICES } from "./notice_resource.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const url = new URL("http://localhost:8000/api/v1/notices?q=road");
 * const answer = await listPage(db, NOTICES, await readListRequest(NOTICES, url));
 * ```
 */
export async function listPage<D extends Document>(
  db: Db,
  resource: Resource<D>,
  request: ListRequest,
): Promise<ListAnswer> {
  const { docs, next } = await listDocs(db, resource, request);
  return {
    items: docs.map((d) => resource.toPublic(d, request.now)),
    next,
    limit: request.limit,
    sort: String(request.values.sort ?? resource.defaultSort),
  };
}

/** A CSV cell of several values: the non-empty ones, joined with `; `. */
export const joinCells = (xs: readonly unknown[]): string =>
  xs.filter((x) => x !== null && x !== "").join("; ");

/** Dates as ISO text, recursively (for JSON and CSV). */
export function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object" && value.constructor === Object) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}
