/**
 * Procurements (`procurements` documents, one per `{source, ocid}`, compiled from all of its
 * notices) as a read-API resource: `GET /api/v1/procurements` with the notices' filters plus
 * `phase`, its sorts, public form, CSV columns and schema. Every filter is an equality, a range
 * or an `$elemMatch` range on an indexed field (`INDEX_SPECS`, collection `procurements`); free
 * text is `$all` over the indexed `searchTokens` (`src/db/procurement_search.ts`); `source` is
 * a range of `_id` (`"{source}:{ocid}"`), which needs no index of its own.
 *
 * The stored phase never depends on the clock (the document is a pure function of its notices),
 * so `open` turns into `evaluation` at read time, when `tenderDeadline` has passed
 * (`phaseAt`): `phase=open` and `phase=evaluation` compare the deadline with the request's time.
 *
 * @example
 * ```ts
 * import { PROCUREMENTS } from "./procurement_resource.ts";
 * import { readListRequest } from "./resource.ts";
 * const url = new URL("http://x/api/v1/procurements?phase=open");
 * const req = await readListRequest(PROCUREMENTS, url);
 * ```
 * @module
 */
import type { Document, Filter } from "mongodb";
import {
  type ProcurementDoc,
  procurementId,
  procurementsCollection,
} from "../../db/procurements.ts";
import { type Phase, phaseAt } from "../../ocds/procurement_doc.ts";
import { COMMON_FILTERS, commonFilter, valueField } from "./notice_resource.ts";
import type { ParamSpec, ParamValue } from "./params.ts";
import { joinCells, plain, type Resource, type Schema } from "./resource.ts";

/** Every phase a procurement can be in, as the API shows it. */
export const PHASES: readonly Phase[] = [
  "planned",
  "market-engagement",
  "open",
  "evaluation",
  "awarded",
  "contracted",
  "changed",
  "cancelled",
  "terminated",
  "unknown",
];

const PROCUREMENT_FILTERS: readonly ParamSpec[] = [
  ...COMMON_FILTERS.map((f) =>
    f.name === "publishedFrom" || f.name === "publishedTo"
      ? { ...f, description: `${f.description} Compares the first notice's publication date.` }
      : f
  ),
  {
    name: "phase",
    kind: { kind: "enum", values: PHASES },
    description: `Where the procurement stands across its notices: ${PHASES.join(", ")} ` +
      "(open: tender published, deadline ahead or not given; evaluation: deadline passed, " +
      "no award). See docs/PROCUREMENTS.md.",
  },
];

/** Stored fields never shown. */
const HIDDEN = ["_id", "searchTokens"] as const;

/** The public path of a procurement. */
export function procurementPath(p: { source: string; ocid: string }): string {
  return `/api/v1/procurements/${p.source}/${encodeURIComponent(p.ocid)}`;
}

/** The explorer page of a procurement. */
export function procurementPagePath(p: { source: string; ocid: string }): string {
  return `/explore/procurements/${p.source}/${encodeURIComponent(p.ocid)}`;
}

/** The MongoDB filter of `phase` at `now` (the stored `open` splits by deadline). */
export function phaseFilter(phase: string, now: Date): Filter<Document> {
  if (phase === "open") {
    return { phase: "open", $or: [{ tenderDeadline: null }, { tenderDeadline: { $gt: now } }] };
  }
  if (phase === "evaluation") return { phase: "open", tenderDeadline: { $lte: now } };
  return { phase };
}

/** The `_id` range of one source's procurements (`;` is the character after `:`). */
export function sourceRange(source: string): Filter<Document> {
  // procurement keys are text, where the driver's generic filter expects an ObjectId
  const range: Document = { _id: { $gt: `${source}:`, $lt: `${source};` } };
  return range as Filter<Document>;
}

function toFilter(values: Readonly<Record<string, ParamValue>>, now: Date): Filter<Document> {
  const { source, ...rest } = values;
  const parts = commonFilter(rest, { published: "firstPublished" });
  if (typeof source === "string") parts.push(sourceRange(source));
  if (typeof values.phase === "string") parts.push(phaseFilter(values.phase, now));
  return parts.length === 0 ? {} : { $and: parts };
}

function publicProcurement(doc: ProcurementDoc, now: Date): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (!(HIDDEN as readonly string[]).includes(k)) out[k] = plain(v);
  }
  out.phase = phaseAt(doc, now);
  const current = doc.timeline.filter((t) => t.current && t.url);
  out.links = {
    self: procurementPath(doc),
    record: `${procurementPath(doc)}/record`,
    page: procurementPagePath(doc),
    official: current.at(-1)?.url ?? null,
  };
  return out;
}

const nullable = (type: string, extra: Schema = {}): Schema => ({ type: [type, "null"], ...extra });
const nullableDateTime = { type: ["string", "null"], format: "date-time" };
const money = nullable("object", {
  required: ["amount", "amountGross", "currency"],
  properties: {
    amount: nullable("number"),
    amountGross: nullable("number"),
    currency: nullable("string"),
  },
});
const supplier: Schema = {
  type: "object",
  required: ["id", "name", "scale"],
  properties: {
    id: nullable("string"),
    name: nullable("string"),
    scale: { type: ["string", "null"], enum: ["sme", "large", null] },
  },
};
const award: Schema = {
  type: "object",
  required: ["noticeId", "awardId", "status", "date", "value", "suppliers", "lotIds"],
  properties: {
    noticeId: { type: "string" },
    awardId: nullable("string"),
    status: nullable("string"),
    date: nullableDateTime,
    value: money,
    suppliers: { type: "array", items: supplier },
    lotIds: { type: "array", items: { type: "string" } },
  },
};

/** Schema of one public procurement. */
export const PROCUREMENT_SCHEMA: Schema = {
  type: "object",
  required: [
    "source",
    "ocid",
    "phase",
    "title",
    "buyerName",
    "buyerOrg",
    "buyerOrgs",
    "cpvCodes",
    "sectors",
    "tenderDeadline",
    "currency",
    "valueMin",
    "valueMax",
    "awardedValue",
    "awards",
    "suppliers",
    "lots",
    "timeline",
    "firstPublished",
    "lastChanged",
    "counts",
    "noticesMissing",
    "warnings",
    "links",
  ],
  properties: {
    source: { type: "string", enum: ["fts", "cf"] },
    ocid: { type: "string" },
    phase: {
      type: "string",
      enum: [...PHASES],
      description: "At the time of the answer: a stored open past its deadline is evaluation.",
    },
    title: nullable("string"),
    description: nullable("string"),
    buyerName: nullable("string"),
    buyerOrg: nullable("string"),
    buyerOrgs: { type: "array", items: { type: "string" } },
    cpvCodes: { type: "array", items: { type: "string" } },
    sector: nullable("string"),
    sectors: { type: "array", items: { type: "string" } },
    deliveryRegions: {
      type: "array",
      items: {
        type: "object",
        required: ["code", "name"],
        properties: { code: nullable("string"), name: { type: "string" } },
      },
    },
    procurementMethod: nullable("string"),
    procedure: nullable("string"),
    framework: { type: "boolean" },
    dps: { type: "boolean" },
    callOff: { type: "boolean" },
    legalRegime: nullable("string"),
    submissionUrl: nullable("string"),
    tenderDeadline: nullableDateTime,
    contractStart: nullableDateTime,
    contractEnd: nullableDateTime,
    currency: nullable("string"),
    valueMin: nullable("number"),
    valueMax: nullable("number", { description: "The estimate (net), from the tender." }),
    awardedValue: nullable("number", { description: "Net total of the current awards." }),
    awards: { type: "array", items: award },
    suppliers: { type: "array", items: supplier },
    lots: {
      type: "array",
      items: {
        type: "object",
        required: ["id", "title", "status", "value", "awards"],
        properties: {
          id: nullable("string"),
          title: nullable("string"),
          status: nullable("string"),
          value: money,
          awards: { type: "array", items: award },
        },
      },
    },
    timeline: {
      type: "array",
      items: {
        type: "object",
        required: [
          "noticeId",
          "noticeType",
          "stage",
          "status",
          "releaseDate",
          "publishedDate",
          "url",
          "summary",
          "current",
        ],
        properties: {
          noticeId: { type: "string" },
          releaseId: { type: "string" },
          noticeType: nullable("string", { description: "UK1…UK17 (Procurement Act 2023)" }),
          stage: { type: "string" },
          tags: { type: "array", items: { type: "string" } },
          status: { type: "string" },
          releaseDate: { type: "string", format: "date-time" },
          publishedDate: nullableDateTime,
          url: nullable("string"),
          summary: { type: "string" },
          current: { type: "boolean" },
          supersededBy: nullable("string"),
        },
      },
    },
    firstPublished: nullableDateTime,
    lastChanged: { type: "string", format: "date-time" },
    counts: { type: "object", additionalProperties: { type: "integer" } },
    noticesMissing: { type: "array", items: { type: "object" } },
    provenance: { type: "object", additionalProperties: { type: "string" } },
    warnings: {
      type: "array",
      items: {
        type: "object",
        required: ["code", "message", "noticeIds"],
        properties: {
          code: { type: "string" },
          message: { type: "string" },
          noticeIds: { type: "array", items: { type: "string" } },
        },
      },
    },
    compileVersion: { type: "integer" },
    links: {
      type: "object",
      required: ["self", "record", "page", "official"],
      properties: {
        self: { type: "string" },
        record: { type: "string" },
        page: { type: "string" },
        official: nullable("string"),
      },
    },
  },
};

/** Procurements as a read-API resource. */
export const PROCUREMENTS: Resource<ProcurementDoc> = {
  name: "procurements",
  singular: "procurement",
  collection: procurementsCollection,
  filters: PROCUREMENT_FILTERS,
  toFilter,
  sorts: [
    { name: "published", field: () => "firstPublished" },
    { name: "deadline", field: () => "tenderDeadline" },
    { name: "value", field: valueField },
  ],
  defaultSort: "-published",
  hidden: HIDDEN,
  toPublic: publicProcurement,
  csv: [
    { header: "source", value: (d) => d.source },
    { header: "ocid", value: (d) => d.ocid },
    { header: "phase", value: (d, now) => phaseAt(d, now) },
    { header: "title", value: (d) => d.title },
    { header: "buyerName", value: (d) => d.buyerName },
    { header: "buyerOrg", value: (d) => d.buyerOrg },
    { header: "firstPublished", value: (d) => d.firstPublished },
    { header: "lastChanged", value: (d) => d.lastChanged },
    { header: "tenderDeadline", value: (d) => d.tenderDeadline },
    { header: "valueMin", value: (d) => d.valueMin },
    { header: "valueMax", value: (d) => d.valueMax },
    { header: "awardedValue", value: (d) => d.awardedValue },
    { header: "currency", value: (d) => d.currency },
    { header: "sector", value: (d) => d.sector },
    {
      header: "regions",
      value: (d) => joinCells(d.deliveryRegions.map((r) => r.code ?? r.name)),
    },
    { header: "cpvCodes", value: (d) => d.cpvCodes.join(" ") },
    { header: "suppliers", value: (d) => joinCells(d.suppliers.map((s) => s.name)) },
    { header: "notices", value: (d) => d.counts.notices },
    {
      header: "noticeTypes",
      value: (d) =>
        d.timeline.filter((t) => t.current).map((t) => t.noticeType ?? t.stage).join(" "),
    },
  ],
  itemSchema: PROCUREMENT_SCHEMA,
  itemKeys: ["source", "ocid"],
  itemFilter: (key) => {
    const filter: Document = { _id: procurementId(key.source as "fts" | "cf", key.ocid) };
    return filter as Filter<Document>;
  },
};
