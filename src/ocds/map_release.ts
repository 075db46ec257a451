/**
 * One OCDS release → one {@linkcode Contract} and its {@linkcode Buyer}s, or a typed mapping
 * error. Pure and total: no I/O, and no exception escapes whatever the input.
 *
 * @example
 * ```ts
 * import { mapRelease } from "./map_release.ts";
 * const result = mapRelease("fts", {
 *   id: "032703-2026", ocid: "ocds-h6vhtk-067fb8", date: "2026-04-10T10:50:13+01:00",
 *   tag: ["tender"], buyer: { id: "GB-PPON-PDTL-7248-GWZW", name: "Harrogate Town Council" },
 * });
 * if (result.ok) result.contract.url; // "https://www.find-tender.service.gov.uk/Notice/032703-2026"
 * ```
 * @module
 */
import {
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
import {
  documentsOf,
  noticeDocument,
  noticeIdOf,
  noticeUrl,
  OCID_PREFIXES,
  sourceOfOcid,
  stageOf,
  statusOf,
} from "./notice.ts";
import {
  field,
  isRecord,
  MAX_ID,
  parseIsoDate,
  typeName,
  type UnknownRecord,
  Warnings,
} from "./read.ts";
import type { OcdsAddress, OcdsPeriod, OcdsRelease } from "./release.ts";
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

function suppliersOf(r: OcdsRelease): { awards: Award[]; suppliers: Supplier[] } {
  const partyName = new Map<string, string>();
  for (const p of r.parties) {
    if (p.id !== undefined && p.name !== undefined) partyName.set(p.id, p.name);
  }
  const suppliers: Supplier[] = [];
  const seen = new Set<string>();
  const awards = r.awards.map((a): Award => {
    const list: Supplier[] = [];
    for (const s of a.suppliers) {
      const name = s.name ?? (s.id !== undefined ? partyName.get(s.id) : undefined) ?? null;
      if (s.id === undefined && name === null) continue;
      const supplier = { id: s.id ?? null, name };
      list.push(supplier);
      const key = s.id !== undefined ? `id:${s.id}` : `name:${name}`;
      if (!seen.has(key)) {
        seen.add(key);
        suppliers.push(supplier);
      }
    }
    return {
      id: a.id ?? null,
      title: a.title ?? null,
      status: a.status ?? null,
      date: a.date ?? null,
      value: toMoney(a.value),
      suppliers: list,
    };
  });
  return { awards, suppliers };
}

/** Earliest start and latest end of the first group of periods that has any date. */
function contractPeriod(r: OcdsRelease): { start: Date | null; end: Date | null } {
  // Most specific first: a signed contract, then what was awarded, then what was tendered.
  const groups: (OcdsPeriod | undefined)[][] = [
    r.contracts.map((c) => c.period),
    r.awards.map((a) => a.contractPeriod),
    [r.tender?.contractPeriod],
    (r.tender?.lots ?? []).map((l) => l.contractPeriod),
  ];
  for (const group of groups) {
    const starts = group.map((p) => p?.startDate).filter((d): d is Date => d !== undefined);
    const ends = group.map((p) => p?.endDate).filter((d): d is Date => d !== undefined);
    if (starts.length > 0 || ends.length > 0) {
      return {
        start: starts.length > 0 ? new Date(Math.min(...starts.map((d) => d.getTime()))) : null,
        end: ends.length > 0 ? new Date(Math.max(...ends.map((d) => d.getTime()))) : null,
      };
    }
  }
  return { start: null, end: null };
}

/** Delivery places first (where the work is), then the main buyer's address. */
function place(r: OcdsRelease, buyerAddress: OcdsAddress | undefined) {
  const t = r.tender;
  const addresses: OcdsAddress[] = [
    ...(t?.items ?? []).flatMap((i) => i.deliveryAddresses),
    ...(t?.lots ?? []).flatMap((l) => l.items.flatMap((i) => i.deliveryAddresses)),
    ...r.awards.flatMap((a) => a.items.flatMap((i) => i.deliveryAddresses)),
    ...r.contracts.flatMap((c) => c.items.flatMap((i) => i.deliveryAddresses)),
  ];
  if (buyerAddress !== undefined) addresses.push(buyerAddress);
  return {
    region: addresses.find((a) => a.region !== undefined)?.region ?? null,
    postcode: addresses.find((a) => a.postalCode !== undefined)?.postalCode ?? null,
  };
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
      `ocid does not start with ${OCID_PREFIXES[source]}- as ${source} ocids do`,
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
  const mainParty = r.parties.find((p) => p.id !== undefined && p.id === buyers.buyerOrg) ??
    r.parties.find((p) => p.roles.includes("buyer"));
  const money = contractMoney(r, w);
  const classification = classifyRelease(r, w);
  if (classification.cpvCodes.length === 0) {
    w.add("no-cpv", "no CPV code anywhere in the release", null);
  }
  const { awards, suppliers } = suppliersOf(r);
  const period = contractPeriod(r);
  const { region, postcode } = place(r, mainParty?.address);

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
    title: t?.title ?? r.title ?? awards.find((a) => a.title !== null)?.title ?? null,
    description: t?.description ?? r.description ?? null,
    buyerName: buyers.buyerName,
    buyerOrg: buyers.buyerOrg,
    buyerOrgs: buyers.buyers.map((b) => b.orgId),
    procurementMethod: t?.procurementMethod ?? null,
    mainProcurementCategory: t?.mainProcurementCategory ??
      r.awards.find((a) => a.mainProcurementCategory !== undefined)?.mainProcurementCategory ??
      null,
    ...money,
    awards,
    suppliers,
    ...classification,
    // The notice document's date is when this notice was published; tender.datePublished
    // (CF) is the first publication; the release date is when this version was.
    publishedDate: noticeDoc?.datePublished ?? t?.datePublished ?? releaseDate,
    tenderDeadline: t?.tenderPeriod?.endDate ?? null,
    contractStart: period.start,
    contractEnd: period.end,
    region,
    postcode,
    url,
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
