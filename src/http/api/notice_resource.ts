/**
 * Notices (`contracts` documents) as a read-API resource: `GET /api/v1/notices` with its
 * filters, sorts, public form, CSV columns and schema. Every filter is an equality, a range or
 * an `$elemMatch` range on an indexed field (`READ_INDEXES`); free text is `$all` over the
 * indexed `searchTokens` — never a regular expression.
 *
 * @example
 * ```ts
 * import { readListRequest } from "./resource.ts";
 * const req = await readListRequest(NOTICES, new URL("http://x/api/v1/notices?cpv=45"));
 * ```
 * @module
 */
import type { Document, Filter } from "mongodb";
import { type ContractDoc, contractsCollection } from "../../db/contracts.ts";
import { SECTORS } from "../../ocds/cpv.ts";
import { searchWords } from "../../ocds/search_tokens.ts";
import { SOURCE_IDS } from "../../sources/catalog.ts";
import { BadRequest, type ParamSpec, type ParamValue } from "./params.ts";
import { joinCells, plain, type Resource, type Schema } from "./resource.ts";

/** Statuses a notice can have. */
export const NOTICE_STATUSES = [
  "planned",
  "active",
  "complete",
  "cancelled",
  "unsuccessful",
  "withdrawn",
  "amended",
  "unknown",
] as const;

/** Most words in `q`. */
export const MAX_QUERY_WORDS = 10;

/** The filters shared by notices and procurements. */
export const COMMON_FILTERS: readonly ParamSpec[] = [
  {
    name: "q",
    kind: { kind: "text", max: 200 },
    description: "Free text: every word must appear in the title, description, buyer or " +
      `suppliers (whole words, accents and case ignored; at most ${MAX_QUERY_WORDS} words).`,
  },
  {
    name: "source",
    kind: { kind: "enum", values: SOURCE_IDS },
    description: `${SOURCE_IDS.join(" or ")}.`,
  },
  { name: "buyer", kind: { kind: "id" }, description: "Buyer orgId (exact), e.g. GB-PPON-…" },
  {
    name: "sector",
    kind: { kind: "enum", values: SECTORS.map((s) => s.slug) },
    description: "Sector slug (see /api/v1/sectors); any of the notice's sectors.",
  },
  {
    name: "cpv",
    kind: { kind: "digits", min: 2, max: 8 },
    description: "CPV code prefix, 2–8 digits (45 = construction work).",
  },
  {
    name: "region",
    kind: { kind: "region" },
    description: "Delivery region code prefix (ITL/NUTS), e.g. UKI (London) or TLI.",
  },
  { name: "supplier", kind: { kind: "id" }, description: "Supplier id (exact)." },
  {
    name: "valueBasis",
    kind: { kind: "enum", values: ["estimate", "awarded"] },
    description: "What minValue, maxValue and sort=value look at: estimate (the tender's " +
      "value, net; default) or awarded (the sum of awards).",
  },
  { name: "minValue", kind: { kind: "amount" }, description: "Value at least (see valueBasis)." },
  { name: "maxValue", kind: { kind: "amount" }, description: "Value at most (see valueBasis)." },
  {
    name: "deadlineFrom",
    kind: { kind: "date", end: false },
    description: "Tender deadline on or after (YYYY-MM-DD, UTC, or an instant …Z).",
  },
  {
    name: "deadlineTo",
    kind: { kind: "date", end: true },
    description: "Tender deadline on or before (a bare day includes the whole day).",
  },
  {
    name: "publishedFrom",
    kind: { kind: "date", end: false },
    description: "Published on or after.",
  },
  {
    name: "publishedTo",
    kind: { kind: "date", end: true },
    description: "Published on or before (a bare day includes the whole day).",
  },
];

/** The end of a prefix range: `"45"` → `"46"` (the last character moved up by one). */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** The words of `q`, or a 400 when it has none or too many. */
export function queryWords(q: string): string[] {
  const words = searchWords(q, MAX_QUERY_WORDS + 1);
  if (words.length === 0) {
    throw new BadRequest(
      "q",
      "q has no word to search for: use letters or digits (2 or more), e.g. q=road gritting.",
    );
  }
  if (words.length > MAX_QUERY_WORDS) {
    throw new BadRequest("q", `q has more than ${MAX_QUERY_WORDS} words; use fewer.`);
  }
  return words;
}

/** The value field `minValue`/`maxValue`/`sort=value` use. */
export function valueField(values: Readonly<Record<string, ParamValue>>): string {
  return values.valueBasis === "awarded" ? "awardedValue" : "valueMax";
}

/** Stored fields the common filters look at, where a resource names them differently. */
export interface FilterFields {
  /**
   * The date `publishedFrom`/`publishedTo` compare.
   * @default "publishedDate"
   */
  readonly published?: string;
}

/**
 * The MongoDB filter of the common filters (see {@linkcode COMMON_FILTERS}).
 *
 * @example
 * ```ts
 * commonFilter({ cpv: "45", source: "fts" }); // { $and: [{ source: "fts" }, { cpvCodes: { $elemMatch: … } }] }
 * ```
 */
export function commonFilter(
  values: Readonly<Record<string, ParamValue>>,
  fields: FilterFields = {},
): Filter<Document>[] {
  const parts: Filter<Document>[] = [];
  const v = values;
  if (typeof v.q === "string") parts.push({ searchTokens: { $all: queryWords(v.q) } });
  if (typeof v.source === "string") parts.push({ source: v.source });
  if (typeof v.buyer === "string") parts.push({ buyerOrgs: v.buyer });
  if (typeof v.sector === "string") parts.push({ sectors: v.sector });
  if (typeof v.cpv === "string") {
    parts.push({ cpvCodes: { $elemMatch: { $gte: v.cpv, $lt: prefixEnd(v.cpv) } } });
  }
  if (typeof v.region === "string") {
    parts.push({
      deliveryRegions: { $elemMatch: { code: { $gte: v.region, $lt: prefixEnd(v.region) } } },
    });
  }
  if (typeof v.supplier === "string") parts.push({ "suppliers.id": v.supplier });
  const range = (field: string, low: unknown, high: unknown, inclusiveHigh: boolean) => {
    const r: Record<string, unknown> = {};
    if (low !== undefined) r.$gte = low;
    if (high !== undefined) r[inclusiveHigh ? "$lte" : "$lt"] = high;
    if (Object.keys(r).length > 0) parts.push({ [field]: r });
  };
  range(valueField(v), v.minValue, v.maxValue, true);
  range("tenderDeadline", v.deadlineFrom, v.deadlineTo, false);
  range(fields.published ?? "publishedDate", v.publishedFrom, v.publishedTo, false);
  return parts;
}

const NOTICE_FILTERS: readonly ParamSpec[] = [
  ...COMMON_FILTERS,
  {
    name: "status",
    kind: { kind: "enum", values: NOTICE_STATUSES },
    description: `Notice status: ${NOTICE_STATUSES.join(", ")}.`,
  },
];

const HIDDEN = ["_id", "searchTokens", "contentHash", "firstSeenPage"] as const;

/** The public path of a notice. */
export function noticePath(doc: { source: string; noticeId: string }): string {
  return `/api/v1/notices/${doc.source}/${encodeURIComponent(doc.noticeId)}`;
}

/** The explorer page of a notice. */
export function noticePagePath(doc: { source: string; noticeId: string }): string {
  return `/explore/notices/${doc.source}/${encodeURIComponent(doc.noticeId)}`;
}

function publicNotice(doc: ContractDoc): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (!(HIDDEN as readonly string[]).includes(k)) out[k] = plain(v);
  }
  out.links = { self: noticePath(doc), page: noticePagePath(doc), official: doc.url };
  return out;
}

const nullable = (type: string, extra: Schema = {}): Schema => ({ type: [type, "null"], ...extra });
const dateTime = { type: "string", format: "date-time" };
const nullableDateTime = { type: ["string", "null"], format: "date-time" };

/** Schema of one public notice (fields added later by the mapper are allowed too). */
export const NOTICE_SCHEMA: Schema = {
  type: "object",
  required: [
    "source",
    "noticeId",
    "ocid",
    "releaseId",
    "releaseDate",
    "noticeType",
    "stage",
    "status",
    "title",
    "buyerName",
    "buyerOrgs",
    "valueMin",
    "valueMax",
    "currency",
    "cpvCodes",
    "sector",
    "sectors",
    "publishedDate",
    "tenderDeadline",
    "suppliers",
    "awards",
    "url",
    "links",
  ],
  properties: {
    source: { type: "string", enum: [...SOURCE_IDS] },
    noticeId: { type: "string" },
    ocid: { type: "string" },
    releaseId: { type: "string" },
    releaseDate: dateTime,
    releaseTags: { type: "array", items: { type: "string" } },
    noticeType: nullable("string", { description: "UK1…UK17 (Procurement Act 2023)" }),
    stage: { type: "string" },
    status: { type: "string" },
    title: nullable("string"),
    description: nullable("string"),
    buyerName: nullable("string"),
    buyerOrg: nullable("string"),
    buyerOrgs: { type: "array", items: { type: "string" } },
    valueMin: nullable("number"),
    valueMax: nullable("number", { description: "The tender's value (net): the estimate." }),
    awardedValue: nullable("number", { description: "Sum of the awards (net), when known." }),
    valueKind: { type: "string", enum: ["estimate", "awarded", "both", "none"] },
    legalRegime: nullable("string"),
    procedure: nullable("string"),
    framework: { type: "boolean" },
    dps: { type: "boolean" },
    deliveryRegions: {
      type: "array",
      items: {
        type: "object",
        required: ["code", "name"],
        properties: { code: nullable("string"), name: { type: "string" } },
      },
    },
    lots: { type: "array", items: { type: "object" } },
    documents: {
      type: "array",
      items: {
        type: "object",
        required: ["url"],
        properties: {
          title: nullable("string"),
          type: nullable("string"),
          url: { type: "string" },
        },
      },
    },
    submissionUrl: nullable("string"),
    amendments: { type: "array", items: { type: "object" } },
    currency: nullable("string"),
    cpvCodes: { type: "array", items: { type: "string", pattern: "^\\d{8}$" } },
    sector: nullable("string"),
    sectors: { type: "array", items: { type: "string" } },
    publishedDate: nullableDateTime,
    tenderDeadline: nullableDateTime,
    contractStart: nullableDateTime,
    contractEnd: nullableDateTime,
    suppliers: {
      type: "array",
      items: {
        type: "object",
        required: ["id", "name"],
        properties: { id: nullable("string"), name: nullable("string") },
      },
    },
    awards: { type: "array", items: { type: "object" } },
    url: nullable("string"),
    firstSeenAt: dateTime,
    updatedAt: dateTime,
    links: {
      type: "object",
      required: ["self", "page", "official"],
      properties: {
        self: { type: "string" },
        page: { type: "string" },
        official: nullable("string"),
      },
    },
  },
};

/** Notices as a read-API resource. */
export const NOTICES: Resource<ContractDoc> = {
  name: "notices",
  singular: "notice",
  collection: contractsCollection,
  filters: NOTICE_FILTERS,
  toFilter: (values) => {
    const parts = commonFilter(values);
    if (typeof values.status === "string") parts.push({ status: values.status });
    return parts.length === 0 ? {} : { $and: parts };
  },
  sorts: [
    { name: "published", field: () => "publishedDate" },
    { name: "deadline", field: () => "tenderDeadline" },
    { name: "value", field: valueField },
  ],
  defaultSort: "-published",
  hidden: HIDDEN,
  toPublic: publicNotice,
  csv: [
    { header: "source", value: (d) => d.source },
    { header: "noticeId", value: (d) => d.noticeId },
    { header: "ocid", value: (d) => d.ocid },
    { header: "noticeType", value: (d) => d.noticeType },
    { header: "status", value: (d) => d.status },
    { header: "title", value: (d) => d.title },
    { header: "buyerName", value: (d) => d.buyerName },
    { header: "buyerOrg", value: (d) => d.buyerOrg },
    { header: "publishedDate", value: (d) => d.publishedDate },
    { header: "tenderDeadline", value: (d) => d.tenderDeadline },
    { header: "valueMin", value: (d) => d.valueMin },
    { header: "valueMax", value: (d) => d.valueMax },
    { header: "awardedValue", value: (d) => d.awardedValue ?? null },
    { header: "valueKind", value: (d) => d.valueKind ?? null },
    { header: "currency", value: (d) => d.currency },
    { header: "sector", value: (d) => d.sector },
    { header: "legalRegime", value: (d) => d.legalRegime ?? null },
    {
      header: "regions",
      value: (d) => joinCells((d.deliveryRegions ?? []).map((r) => r.code ?? r.name)),
    },
    { header: "cpvCodes", value: (d) => d.cpvCodes.join(" ") },
    { header: "suppliers", value: (d) => joinCells(d.suppliers.map((s) => s.name)) },
    { header: "url", value: (d) => d.url },
  ],
  itemSchema: NOTICE_SCHEMA,
  itemKeys: ["source", "noticeId"],
};
