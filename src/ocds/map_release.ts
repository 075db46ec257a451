/**
 * One OCDS release → one {@linkcode Contract} and its {@linkcode Buyer}s, or a typed mapping
 * error. Pure and total: no I/O, and no exception escapes whatever the input.
 *
 * @example
 * ```ts
 * import { mapRelease } from "./map_release.ts";
 * import { SOURCE_CATALOG } from "../sources/catalog.ts";
 * const { ocidPrefix, origin } = SOURCE_CATALOG.fts;
 * const result = mapRelease("fts", {
 *   id: "032703-2026", ocid: `${ocidPrefix}-067fb8`, date: "2026-04-10T10:50:13+01:00",
 *   tag: ["tender"], buyer: { id: "GB-PPON-PDTL-7248-GWZW", name: "Harrogate Town Council" },
 * });
 * if (result.ok) result.contract.url === `${origin}/Notice/032703-2026`; // true
 * ```
 * @module
 */
import {
  type Amendment,
  type Award,
  type Contract,
  MAPPING_VERSION,
  type MappingErrorReason,
  type MapResult,
  type SourceId,
  type Supplier,
} from "./documents.ts";
import { readBuyers } from "./buyers.ts";
import { classifyRelease } from "./classification.ts";
import { contractMoney, toMoney } from "./money.ts";
import { documentLinks, submissionUrlOf } from "./links.ts";
import { lotsOf } from "./lots.ts";
import { contractSpan } from "./periods.ts";
import { deliveryPlace } from "./place.ts";
import { legalRegimeOf, procedureFlags, suitabilityOf } from "./procedure.ts";
import {
  documentsOf,
  isAmendment,
  noticeDocument,
  noticeIdOf,
  stageOf,
  statusOf,
} from "./notice.ts";
import { noticeUrl, SOURCE_CATALOG, sourceOfOcid } from "../sources/catalog.ts";
import {
  field,
  isRecord,
  MAX_ID,
  parseIsoDate,
  typeName,
  type UnknownRecord,
  Warnings,
} from "./read.ts";
import type { OcdsParty, OcdsRelease } from "./release.ts";
import { readRelease } from "./release.ts";

function failure(
  releaseId: string | null,
  reason: MappingErrorReason,
  error: string,
): MapResult {
  return { ok: false, releaseId, reason, error };
}

/** A required identifier of the release: usable text, or why not. */
function requiredId(
  raw: UnknownRecord,
  key: "id" | "ocid",
  read: string | undefined,
): string | { reason: MappingErrorReason; error: string } {
  if (read !== undefined) return read;
  const v = field(raw, key);
  if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) {
    return { reason: key === "id" ? "missing-id" : "missing-ocid", error: `release has no ${key}` };
  }
  const shown = typeof v === "string"
    ? `text of ${v.length} characters (max ${MAX_ID})`
    : typeName(v);
  return { reason: "invalid-field", error: `release ${key} is not a usable identifier: ${shown}` };
}

// OCDS partyScale codes; micro businesses are SMEs in the UK definition.
const SCALE: ReadonlyMap<string, "sme" | "large"> = new Map([
  ["sme", "sme"],
  ["micro", "sme"],
  ["small", "sme"],
  ["medium", "sme"],
  ["large", "large"],
]);

/** An award entry that says nothing (UK15 notices publish dozens): not kept. */
function isEmptyAward(a: Award): boolean {
  return a.title === null && a.date === null && a.value === null && a.suppliers.length === 0;
}

function suppliersOf(r: OcdsRelease): { awards: Award[]; suppliers: Supplier[] } {
  if (r.awards.length === 0) return { awards: [], suppliers: [] };
  const partyOf = new Map<string, OcdsParty>();
  for (const p of r.parties) if (p.id !== undefined && !partyOf.has(p.id)) partyOf.set(p.id, p);
  const suppliers: Supplier[] = [];
  const seen = new Set<string>();
  const awards: Award[] = [];
  for (const a of r.awards) {
    const list: Supplier[] = [];
    for (const s of a.suppliers) {
      const party = s.id !== undefined ? partyOf.get(s.id) : undefined;
      const name = s.name ?? party?.name ?? null;
      if (s.id === undefined && name === null) continue;
      const scale = party?.scale === undefined
        ? null
        : SCALE.get(party.scale.toLowerCase()) ?? null;
      const supplier: Supplier = { id: s.id ?? null, name, scale };
      list.push(supplier);
      const key = s.id !== undefined ? `id:${s.id}` : `name:${name}`;
      if (!seen.has(key)) {
        seen.add(key);
        suppliers.push(supplier);
      }
    }
    const award: Award = {
      id: a.id ?? null,
      title: a.title ?? null,
      status: a.status ?? null,
      date: a.date ?? null,
      value: toMoney(a.value),
      suppliers: list,
      lotIds: [...a.relatedLots],
    };
    if (!isEmptyAward(award)) awards.push(award);
  }
  return { awards, suppliers };
}

/** Longest amendment rationale or description kept. */
const MAX_AMENDMENT_TEXT = 4_000;
/** Most amendments kept per notice. */
const MAX_AMENDMENTS = 50;

function clip(s: string | undefined, path: string, w: Warnings): string | null {
  if (s === undefined) return null;
  if (s.length <= MAX_AMENDMENT_TEXT) return s;
  w.add("text-truncated", `${s.length} characters; cut to ${MAX_AMENDMENT_TEXT}`, path);
  return s.slice(0, MAX_AMENDMENT_TEXT).toWellFormed();
}

/**
 * `amendments[]` of the tender, the awards and the contracts. A change notice that
 * publishes none (CF's `tenderAmendment` never does) gets one entry dated by the release,
 * so that "changed on" is never lost.
 */
function amendmentsOf(
  r: OcdsRelease,
  amending: boolean,
  releaseDate: Date,
  w: Warnings,
): Amendment[] {
  const none = (r.tender?.amendments.length ?? 0) === 0 &&
    r.awards.every((a) => a.amendments.length === 0) &&
    r.contracts.every((c) => c.amendments.length === 0);
  if (none) return amending ? [{ date: releaseDate, rationale: null, description: null }] : [];
  const all = [
    ...(r.tender?.amendments ?? []),
    ...r.awards.flatMap((a) => a.amendments),
    ...r.contracts.flatMap((c) => c.amendments),
  ];
  if (all.length > MAX_AMENDMENTS) {
    w.add(
      "array-truncated",
      `${all.length} amendments; the first ${MAX_AMENDMENTS} kept`,
      "amendments",
    );
  }
  const out: Amendment[] = all.slice(0, MAX_AMENDMENTS).map((a) => ({
    date: a.date ?? null,
    rationale: clip(a.rationale, "amendments.rationale", w),
    description: clip(a.description, "amendments.description", w),
  }));
  if (out.length === 0 && amending) {
    out.push({ date: releaseDate, rationale: null, description: null });
  }
  return out;
}

/** Bids received: the whole-tender `bids` figure, else the sum over lots (one per lot). */
function bidCountOf(r: OcdsRelease): number | null {
  let whole: number | null = null;
  const perLot = new Map<string, number>();
  for (const s of r.bidStatistics) {
    if (s.measure !== "bids" || s.value === undefined) continue;
    if (s.relatedLot === undefined) whole = Math.max(whole ?? 0, s.value);
    else perLot.set(s.relatedLot, s.value);
  }
  if (whole !== null) return whole;
  if (perLot.size === 0) return null;
  let total = 0;
  for (const n of perLot.values()) total += n;
  return total;
}

function earliest(dates: readonly (Date | undefined)[]): Date | null {
  let min: Date | null = null;
  for (const d of dates) if (d !== undefined && (min === null || d < min)) min = d;
  return min;
}

const UK_NOTICE_TYPE = /^uk\d{1,2}$/i;

function mapUnsafe(source: SourceId, raw: unknown): MapResult {
  if (!isRecord(raw)) {
    return failure(
      null,
      "not-an-object",
      `a release must be a JSON object, found ${typeName(raw)}`,
    );
  }
  const w = new Warnings();
  const r = readRelease(raw, w);
  if (r === undefined) return failure(null, "not-an-object", "a release must be a JSON object");

  const releaseId = requiredId(raw, "id", r.id);
  if (typeof releaseId !== "string") return failure(null, releaseId.reason, releaseId.error);
  const ocid = requiredId(raw, "ocid", r.ocid);
  if (typeof ocid !== "string") return failure(releaseId, ocid.reason, ocid.error);
  const rawDate = field(raw, "date");
  if (rawDate === undefined || rawDate === null || rawDate === "") {
    return failure(releaseId, "missing-date", "release has no date");
  }
  const parsedDate = typeof rawDate === "string"
    ? parseIsoDate(rawDate)
    : { problem: "invalid" as const };
  if (!("date" in parsedDate)) {
    const shown = typeof rawDate === "string"
      ? JSON.stringify(rawDate.slice(0, 40))
      : typeName(rawDate);
    return failure(releaseId, "invalid-date", `release date ${shown} is not an ISO 8601 date`);
  }
  if (parsedDate.problem === "no-offset") {
    w.add(
      "date-without-offset",
      `release date ${JSON.stringify(rawDate)} has no offset; read as UTC`,
      "date",
    );
  }
  const releaseDate = parsedDate.date;

  if (sourceOfOcid(ocid) !== source) {
    w.add(
      "ocid-prefix-mismatch",
      `ocid does not start with ${SOURCE_CATALOG[source].ocidPrefix}- as ${source} ocids do`,
      "ocid",
    );
  }
  const { noticeId, sequenced } = noticeIdOf(source, releaseId);
  if (!sequenced) {
    w.add(
      "notice-id-without-sequence",
      "release id has no trailing -N; used whole as the notice id",
      "id",
    );
  }
  const url = noticeUrl(source, noticeId);
  const docs = documentsOf(r);
  const noticeDoc = noticeDocument(docs, noticeId, url);
  const rawType = noticeDoc?.noticeType;
  const noticeType = rawType === undefined
    ? null
    : UK_NOTICE_TYPE.test(rawType)
    ? rawType.toUpperCase()
    : rawType;
  const stage = stageOf(r.tag);
  const t = r.tender;

  const buyers = readBuyers(source, r, w);
  const money = contractMoney(r, w);
  const classification = classifyRelease(r, w);
  if (classification.cpvCodes.length === 0) {
    w.add("no-cpv", "no CPV code anywhere in the release", null);
  }
  const { awards, suppliers } = suppliersOf(r);
  const span = contractSpan(r);
  const place = deliveryPlace(r);
  const title = t?.title ?? r.title ?? awards.find((a) => a.title !== null)?.title ?? null;
  const procedure = t?.procurementMethodDetails ?? null;
  const flags = procedureFlags({
    procedure,
    title,
    noticeType,
    techniques: [t?.techniques, ...(t?.lots ?? []).map((l) => l.techniques)]
      .filter((x) => x !== undefined),
    relationships: r.relationships,
  });

  const contract: Contract = {
    source,
    noticeId,
    ocid,
    releaseId,
    releaseDate,
    releaseTags: [...r.tag],
    noticeType,
    stage,
    status: statusOf(r.tag, t?.status, noticeType, stage),
    title,
    description: t?.description ?? r.description ?? null,
    buyerName: buyers.buyerName,
    buyerOrg: buyers.buyerOrg,
    buyerOrgs: buyers.buyers.map((b) => b.orgId),
    procurementMethod: t?.procurementMethod ?? null,
    procedure,
    // Spelt out, not spread: spreads in the middle of this large literal cost V8 a slow path.
    framework: flags.framework,
    dps: flags.dps,
    callOff: flags.callOff,
    legalRegime: legalRegimeOf(t?.legalBasis, noticeType),
    suitability: suitabilityOf(t),
    mainProcurementCategory: t?.mainProcurementCategory ??
      r.awards.find((a) => a.mainProcurementCategory !== undefined)?.mainProcurementCategory ??
      null,
    valueMin: money.valueMin,
    valueMax: money.valueMax,
    valueGrossMin: money.valueGrossMin,
    valueGrossMax: money.valueGrossMax,
    awardedValue: money.awardedValue,
    awardedValueGross: money.awardedValueGross,
    valueKind: money.valueKind,
    currency: money.currency,
    awards,
    suppliers,
    lots: lotsOf(t, r.awards),
    bidCount: bidCountOf(r),
    cpvCodes: classification.cpvCodes,
    sector: classification.sector,
    sectors: classification.sectors,
    // The notice document's date is when this notice was published; tender.datePublished
    // (CF) is the first publication; the release date is when this version was.
    publishedDate: noticeDoc?.datePublished ?? t?.datePublished ?? releaseDate,
    tenderDeadline: t?.deadline ?? null,
    contractStart: span.start,
    contractEnd: span.end,
    contractDurationDays: span.durationDays,
    dateSigned: earliest(r.contracts.map((c) => c.dateSigned)),
    deliveryRegions: place.deliveryRegions,
    deliveryPostcode: place.deliveryPostcode,
    url,
    documents: documentLinks(docs, url, w),
    submissionUrl: submissionUrlOf(t?.submissionMethodDetails),
    amendments: amendmentsOf(r, isAmendment(r.tag, noticeType), releaseDate, w),
    warnings: w.toArray(),
    mappingVersion: MAPPING_VERSION,
  };
  return { ok: true, contract, buyers: buyers.buyers };
}

/**
 * Maps one untrusted release from `source` to a contract and its buyers. Returns a typed
 * error (`not-an-object`, `missing-id`, `missing-ocid`, `missing-date`, `invalid-date`,
 * `invalid-field`) when the release cannot identify a notice; everything else odd becomes a
 * warning on the contract. Never throws.
 *
 * @example
 * ```ts
 * import { mapRelease } from "./map_release.ts";
 * mapRelease("cf", 42); // { ok: false, releaseId: null, reason: "not-an-object", … }
 * ```
 */
export function mapRelease(source: SourceId, raw: unknown): MapResult {
  try {
    return mapUnsafe(source, raw);
  } catch (e) {
    // Only a bug can land here (the readers check every type); keep the page going and say so.
    const releaseId = isRecord(raw) && typeof raw.id === "string" ? raw.id.slice(0, MAX_ID) : null;
    return failure(
      releaseId,
      "internal-error",
      `mapper failed: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}
