/**
 * The subset of an OCDS 1.1 release (with the UK extension) that the mapper reads, and
 * {@linkcode readRelease}, which builds it from untrusted JSON. Every scalar field is optional
 * because any of them can be missing or of the wrong type in real data; arrays are always
 * present (empty when absent) so the mapper never has to ask. Wrong types are dropped with a
 * warning rather than guessed at, except for the tolerant cases documented in `read.ts`.
 *
 * `contactPoint` is deliberately not part of these types: personal names, emails and phone
 * numbers are never read, so they cannot end up stored.
 *
 * @example
 * ```ts
 * import { readRelease } from "./release.ts";
 * import { Warnings } from "./read.ts";
 * const r = readRelease({ id: "032703-2026", tag: ["tender"] }, new Warnings());
 * r?.tag; // ["tender"]
 * ```
 * @module
 */
import {
  amount,
  date,
  field,
  id,
  isRecord,
  join,
  objects,
  record,
  strings,
  text,
  typeName,
  type UnknownRecord,
  type Warnings,
} from "./read.ts";
import { endOfUkDay } from "./uk_time.ts";

/** `value`/`minValue`: net `amount`, FTS's `amountGross`, `currency`. */
export interface OcdsValue {
  readonly amount?: number;
  readonly amountGross?: number;
  readonly currency?: string;
  /** JSON path, for warnings raised later. */
  readonly path: string;
}

/** A period: its two ends and, when published, its length in days. */
export interface OcdsPeriod {
  readonly startDate?: Date;
  readonly endDate?: Date;
  /** `durationInDays`: a whole number of days, 0–{@linkcode MAX_DURATION_DAYS}. */
  readonly durationInDays?: number;
}

/** The longest plausible contract length (100 years); longer is read as a typo. */
export const MAX_DURATION_DAYS = 36_525;

/** A classification (CPV or another scheme). `id` keeps the text as published. */
export interface OcdsClassification {
  readonly scheme?: string;
  readonly id?: string;
  readonly path: string;
}

/** An address of a party or a delivery place. */
export interface OcdsAddress {
  readonly streetAddress?: string;
  readonly locality?: string;
  readonly region?: string;
  readonly postalCode?: string;
  readonly countryName?: string;
}

/** A document; FTS puts the notice type (`UK4` …) here. */
export interface OcdsDocument {
  readonly id?: string;
  readonly documentType?: string;
  readonly noticeType?: string;
  /** `title`, else `description` (both APIs title documents in `description`). */
  readonly title?: string;
  readonly url?: string;
  readonly datePublished?: Date;
}

/** An amendment (`tender`/`awards[]`/`contracts[]` `.amendments[]`). */
export interface OcdsAmendment {
  readonly date?: Date;
  readonly rationale?: string;
  readonly description?: string;
}

/** `suitability` (OCDS suitability extension, UK `vcse`). */
export interface OcdsSuitability {
  readonly sme?: boolean;
  readonly vcse?: boolean;
}

/** `techniques` (OCDS techniques extension): the structured framework / DPS flags. */
export interface OcdsTechniques {
  readonly hasFrameworkAgreement?: boolean;
  readonly hasDynamicPurchasingSystem?: boolean;
}

/** An item: what is bought and where it is delivered. */
export interface OcdsItem {
  /** The lot this item belongs to (FTS puts lot items on the tender). */
  readonly relatedLot?: string;
  readonly classification?: OcdsClassification;
  readonly additionalClassifications: readonly OcdsClassification[];
  readonly deliveryAddresses: readonly OcdsAddress[];
}

/** A lot of a tender. */
export interface OcdsLot {
  readonly id?: string;
  readonly title?: string;
  readonly status?: string;
  readonly value?: OcdsValue;
  readonly suitability?: OcdsSuitability;
  readonly techniques?: OcdsTechniques;
  readonly contractPeriod?: OcdsPeriod;
  readonly classification?: OcdsClassification;
  readonly additionalClassifications: readonly OcdsClassification[];
  readonly items: readonly OcdsItem[];
}

/** A reference to an organisation (`buyer`, `awards[].suppliers[]`). */
export interface OcdsOrgRef {
  readonly id?: string;
  readonly name?: string;
}

/** The tender section. */
export interface OcdsTender {
  readonly title?: string;
  readonly description?: string;
  readonly status?: string;
  readonly datePublished?: Date;
  readonly value?: OcdsValue;
  readonly minValue?: OcdsValue;
  readonly classification?: OcdsClassification;
  readonly additionalClassifications: readonly OcdsClassification[];
  readonly items: readonly OcdsItem[];
  readonly lots: readonly OcdsLot[];
  readonly documents: readonly OcdsDocument[];
  readonly procurementMethod?: string;
  /** `procurementMethodDetails`, as published (`Competitive flexible procedure` …). */
  readonly procurementMethodDetails?: string;
  readonly mainProcurementCategory?: string;
  readonly tenderPeriod?: OcdsPeriod;
  /**
   * `tenderPeriod.endDate`; a date without a time is the end of that day in UK time
   * (23:59:59 Europe/London), with a `date-only-deadline` warning.
   */
  readonly deadline?: Date;
  readonly contractPeriod?: OcdsPeriod;
  /** `legalBasis` (`UKPGA 2023/54`, `CELEX 32014L0024` …). */
  readonly legalBasis?: { readonly scheme?: string; readonly id?: string };
  readonly suitability?: OcdsSuitability;
  readonly techniques?: OcdsTechniques;
  /** `submissionMethodDetails`: a URL, an email address or prose. */
  readonly submissionMethodDetails?: string;
  readonly amendments: readonly OcdsAmendment[];
}

/** One award. */
export interface OcdsAward {
  readonly id?: string;
  readonly title?: string;
  readonly status?: string;
  readonly date?: Date;
  readonly datePublished?: Date;
  readonly value?: OcdsValue;
  readonly mainProcurementCategory?: string;
  readonly suppliers: readonly OcdsOrgRef[];
  readonly items: readonly OcdsItem[];
  readonly documents: readonly OcdsDocument[];
  readonly contractPeriod?: OcdsPeriod;
  /** `relatedLots`: the lots this award is for. */
  readonly relatedLots: readonly string[];
  readonly amendments: readonly OcdsAmendment[];
}

/** One entry of `contracts[]` (FTS contract details and change notices). */
export interface OcdsContractSection {
  readonly status?: string;
  readonly value?: OcdsValue;
  readonly period?: OcdsPeriod;
  readonly dateSigned?: Date;
  readonly items: readonly OcdsItem[];
  readonly documents: readonly OcdsDocument[];
  readonly amendments: readonly OcdsAmendment[];
}

/** One entry of `bids.statistics[]`. */
export interface OcdsBidStatistic {
  readonly measure?: string;
  readonly value?: number;
  readonly relatedLot?: string;
}

/** A party, without its contact point. */
export interface OcdsParty {
  readonly id?: string;
  readonly name?: string;
  readonly roles: readonly string[];
  /** `scheme:id` of `identifier` then `additionalIdentifiers[]`. */
  readonly identifiers: readonly string[];
  readonly address?: OcdsAddress;
  /** `details.url` (UK extension), else `details.buyerProfile`. */
  readonly url?: string;
  /** `details.scale` (`sme`, `large`, `micro` …), as published. */
  readonly scale?: string;
}

/** The release, as far as the mapper reads it. */
export interface OcdsRelease {
  readonly id?: string;
  readonly ocid?: string;
  readonly tag: readonly string[];
  readonly title?: string;
  readonly description?: string;
  readonly buyer?: OcdsOrgRef;
  readonly parties: readonly OcdsParty[];
  readonly planningDocuments: readonly OcdsDocument[];
  readonly tender?: OcdsTender;
  readonly awards: readonly OcdsAward[];
  readonly contracts: readonly OcdsContractSection[];
  readonly bidStatistics: readonly OcdsBidStatistic[];
  /** `relatedProcesses[].relationship` values (`framework` marks a call-off). */
  readonly relationships: readonly string[];
}

/**
 * True for an amount that stands for "not given" rather than a price: 0 and 0.01 (both
 * APIs' forms need a number; buyers type the smallest they can).
 *
 * @example
 * ```ts
 * import { isPlaceholderAmount } from "./release.ts";
 * isPlaceholderAmount(0.01); // true
 * isPlaceholderAmount(95000); // false
 * ```
 */
export function isPlaceholderAmount(n: number): boolean {
  return n === 0 || n === 0.01;
}

function realAmount(
  v: UnknownRecord,
  key: string,
  path: string,
  w: Warnings,
): number | undefined {
  const n = amount(v, key, path, w);
  if (n === undefined || !isPlaceholderAmount(n)) return n;
  w.add(
    "placeholder-amount",
    `amount ${n} stands for "not given"; left out of the value fields`,
    `${path}.${key}`,
  );
  return undefined;
}

function readValue(
  obj: UnknownRecord | undefined,
  key: string,
  at: string,
  w: Warnings,
): OcdsValue | undefined {
  const path = at === "" ? key : `${at}.${key}`;
  const v = record(obj, key, at, w);
  if (v === undefined) return undefined;
  return {
    amount: realAmount(v, "amount", path, w),
    amountGross: realAmount(v, "amountGross", path, w),
    currency: text(v, "currency", path, w)?.toUpperCase(),
    path,
  };
}

function readPeriod(
  obj: UnknownRecord | undefined,
  key: string,
  at: string,
  w: Warnings,
): OcdsPeriod | undefined {
  const path = at === "" ? key : `${at}.${key}`;
  const p = record(obj, key, at, w);
  if (p === undefined) return undefined;
  return {
    startDate: date(p, "startDate", path, w),
    endDate: date(p, "endDate", path, w),
    durationInDays: readDuration(p, path, w),
  };
}

function readDuration(p: UnknownRecord, path: string, w: Warnings): number | undefined {
  const v = field(p, "durationInDays");
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "string" && /^\s*\d{1,6}\s*$/.test(v) ? Number(v) : v;
  if (typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= MAX_DURATION_DAYS) {
    if (typeof v === "string") {
      w.add(
        "wrong-type",
        "durationInDays given as text; read as a number",
        `${path}.durationInDays`,
      );
    }
    return n;
  }
  // Only primitives are shown: String() of an object can throw (a "toString" key from JSON).
  const shown = typeof v === "string"
    ? JSON.stringify(v.slice(0, 40))
    : typeof v === "number" || typeof v === "boolean"
    ? String(v)
    : typeName(v);
  w.add(
    "invalid-duration",
    `durationInDays ${shown} is not a whole number of days from 0 to ${MAX_DURATION_DAYS}; ignored`,
    `${path}.durationInDays`,
  );
  return undefined;
}

function readBoolean(
  obj: UnknownRecord | undefined,
  key: string,
  at: string,
  w: Warnings,
): boolean | undefined {
  const v = field(obj, key);
  if (typeof v === "boolean") return v;
  if (v === undefined || v === null) return undefined;
  // "true"/"false" as text is a common slip; anything else is not a yes or a no.
  if (v === "true" || v === "false") {
    w.add(
      "wrong-type",
      `expected true or false, found text ${JSON.stringify(v)}; read`,
      join(at, key),
    );
    return v === "true";
  }
  w.add("wrong-type", `expected true or false, found ${typeName(v)}; ignored`, join(at, key));
  return undefined;
}

function readSuitability(
  obj: UnknownRecord,
  at: string,
  w: Warnings,
): OcdsSuitability | undefined {
  const s = record(obj, "suitability", at, w);
  if (s === undefined) return undefined;
  const path = join(at, "suitability");
  return { sme: readBoolean(s, "sme", path, w), vcse: readBoolean(s, "vcse", path, w) };
}

function readTechniques(obj: UnknownRecord, at: string, w: Warnings): OcdsTechniques | undefined {
  const t = record(obj, "techniques", at, w);
  if (t === undefined) return undefined;
  const path = join(at, "techniques");
  return {
    hasFrameworkAgreement: readBoolean(t, "hasFrameworkAgreement", path, w),
    hasDynamicPurchasingSystem: readBoolean(t, "hasDynamicPurchasingSystem", path, w),
  };
}

function readAmendment(a: UnknownRecord, path: string, w: Warnings): OcdsAmendment {
  return {
    date: date(a, "date", path, w),
    rationale: text(a, "rationale", path, w),
    description: text(a, "description", path, w),
  };
}

function readAmendments(obj: UnknownRecord, at: string, w: Warnings): OcdsAmendment[] {
  return objects(obj, "amendments", at, w, (a, p) => readAmendment(a, p, w));
}

const DATE_ONLY = /^\s*\d{4}-\d{2}-\d{2}\s*$/;

/**
 * `tenderPeriod.endDate` as read by `readPeriod`, except that a date without a time is the
 * end of that day in UK time (a deadline "on 19 June" runs to midnight, not from it).
 */
function readDeadline(
  t: UnknownRecord,
  period: OcdsPeriod | undefined,
  w: Warnings,
): Date | undefined {
  const read = period?.endDate;
  if (read === undefined) return undefined;
  const v = field(field(t, "tenderPeriod") as UnknownRecord, "endDate");
  if (typeof v !== "string" || !DATE_ONLY.test(v)) return read;
  const day = v.trim();
  const end = endOfUkDay(day);
  w.add(
    "date-only-deadline",
    `deadline ${
      JSON.stringify(day)
    } has no time; read as the end of that day in UK time (${end.toISOString()})`,
    "tender.tenderPeriod.endDate",
  );
  return end;
}

function readClassification(c: UnknownRecord, path: string, w: Warnings): OcdsClassification {
  return { scheme: text(c, "scheme", path, w), id: text(c, "id", path, w), path };
}

function readOneClassification(
  obj: UnknownRecord | undefined,
  at: string,
  w: Warnings,
): OcdsClassification | undefined {
  const c = record(obj, "classification", at, w);
  return c === undefined
    ? undefined
    : readClassification(c, at === "" ? "classification" : `${at}.classification`, w);
}

function readAddress(a: UnknownRecord, path: string, w: Warnings): OcdsAddress {
  return {
    streetAddress: text(a, "streetAddress", path, w),
    locality: text(a, "locality", path, w),
    region: text(a, "region", path, w),
    postalCode: text(a, "postalCode", path, w),
    countryName: text(a, "countryName", path, w),
  };
}

function readDocument(d: UnknownRecord, path: string, w: Warnings): OcdsDocument {
  return {
    id: id(d, "id", path, w),
    documentType: text(d, "documentType", path, w),
    noticeType: text(d, "noticeType", path, w),
    title: text(d, "title", path, w) ?? text(d, "description", path, w),
    url: text(d, "url", path, w),
    datePublished: date(d, "datePublished", path, w),
  };
}

function readItem(it: UnknownRecord, path: string, w: Warnings): OcdsItem {
  return {
    relatedLot: id(it, "relatedLot", path, w),
    classification: readOneClassification(it, path, w),
    additionalClassifications: objects(
      it,
      "additionalClassifications",
      path,
      w,
      (c, p) => readClassification(c, p, w),
    ),
    deliveryAddresses: objects(it, "deliveryAddresses", path, w, (a, p) => readAddress(a, p, w)),
  };
}

function readItems(obj: UnknownRecord, at: string, w: Warnings): OcdsItem[] {
  return objects(obj, "items", at, w, (it, p) => readItem(it, p, w));
}

function readDocuments(obj: UnknownRecord | undefined, at: string, w: Warnings): OcdsDocument[] {
  return objects(obj, "documents", at, w, (d, p) => readDocument(d, p, w));
}

function readOrgRef(o: UnknownRecord, path: string, w: Warnings): OcdsOrgRef {
  return { id: id(o, "id", path, w), name: text(o, "name", path, w) };
}

function readLot(l: UnknownRecord, path: string, w: Warnings): OcdsLot {
  return {
    id: id(l, "id", path, w),
    title: text(l, "title", path, w),
    status: text(l, "status", path, w),
    value: readValue(l, "value", path, w),
    suitability: readSuitability(l, path, w),
    techniques: readTechniques(l, path, w),
    contractPeriod: readPeriod(l, "contractPeriod", path, w),
    classification: readOneClassification(l, path, w),
    additionalClassifications: objects(
      l,
      "additionalClassifications",
      path,
      w,
      (c, p) => readClassification(c, p, w),
    ),
    items: readItems(l, path, w),
  };
}

function readTender(t: UnknownRecord, w: Warnings): OcdsTender {
  const at = "tender";
  const tenderPeriod = readPeriod(t, "tenderPeriod", at, w);
  return {
    title: text(t, "title", at, w),
    description: text(t, "description", at, w),
    status: text(t, "status", at, w),
    datePublished: date(t, "datePublished", at, w),
    value: readValue(t, "value", at, w),
    minValue: readValue(t, "minValue", at, w),
    classification: readOneClassification(t, at, w),
    additionalClassifications: objects(
      t,
      "additionalClassifications",
      at,
      w,
      (c, p) => readClassification(c, p, w),
    ),
    items: readItems(t, at, w),
    lots: objects(t, "lots", at, w, (l, p) => readLot(l, p, w)),
    documents: readDocuments(t, at, w),
    procurementMethod: text(t, "procurementMethod", at, w),
    procurementMethodDetails: text(t, "procurementMethodDetails", at, w),
    mainProcurementCategory: text(t, "mainProcurementCategory", at, w),
    tenderPeriod,
    deadline: readDeadline(t, tenderPeriod, w),
    contractPeriod: readPeriod(t, "contractPeriod", at, w),
    legalBasis: readLegalBasis(t, w),
    suitability: readSuitability(t, at, w),
    techniques: readTechniques(t, at, w),
    submissionMethodDetails: text(t, "submissionMethodDetails", at, w),
    amendments: readAmendments(t, at, w),
  };
}

function readLegalBasis(t: UnknownRecord, w: Warnings): OcdsTender["legalBasis"] {
  const b = record(t, "legalBasis", "tender", w);
  if (b === undefined) return undefined;
  const path = "tender.legalBasis";
  return { scheme: text(b, "scheme", path, w), id: id(b, "id", path, w) };
}

function readAward(a: UnknownRecord, path: string, w: Warnings): OcdsAward {
  return {
    id: id(a, "id", path, w),
    title: text(a, "title", path, w),
    status: text(a, "status", path, w),
    date: date(a, "date", path, w),
    datePublished: date(a, "datePublished", path, w),
    value: readValue(a, "value", path, w),
    mainProcurementCategory: text(a, "mainProcurementCategory", path, w),
    suppliers: objects(a, "suppliers", path, w, (s, p) => readOrgRef(s, p, w)),
    items: readItems(a, path, w),
    documents: readDocuments(a, path, w),
    contractPeriod: readPeriod(a, "contractPeriod", path, w),
    relatedLots: strings(a, "relatedLots", path, w),
    amendments: readAmendments(a, path, w),
  };
}

function readContractSection(c: UnknownRecord, path: string, w: Warnings): OcdsContractSection {
  return {
    status: text(c, "status", path, w),
    value: readValue(c, "value", path, w),
    period: readPeriod(c, "period", path, w),
    dateSigned: date(c, "dateSigned", path, w),
    items: readItems(c, path, w),
    documents: readDocuments(c, path, w),
    amendments: readAmendments(c, path, w),
  };
}

function readBidStatistic(s: UnknownRecord, path: string, w: Warnings): OcdsBidStatistic {
  const v = field(s, "value");
  let value: number | undefined;
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) value = v;
  else if (v !== undefined && v !== null) {
    w.add(
      "wrong-type",
      `expected a count (a whole number from 0), found ${
        typeof v === "number" ? v : typeName(v)
      }; ignored`,
      `${path}.value`,
    );
  }
  return { measure: text(s, "measure", path, w), value, relatedLot: id(s, "relatedLot", path, w) };
}

function readIdentifier(o: UnknownRecord, path: string, w: Warnings): string | undefined {
  const scheme = text(o, "scheme", path, w);
  const value = id(o, "id", path, w);
  return scheme !== undefined && value !== undefined ? `${scheme}:${value}` : undefined;
}

function readParty(p: UnknownRecord, path: string, w: Warnings): OcdsParty {
  const identifiers: string[] = [];
  const main = record(p, "identifier", path, w);
  const first = main === undefined ? undefined : readIdentifier(main, `${path}.identifier`, w);
  if (first !== undefined) identifiers.push(first);
  for (
    const extra of objects(p, "additionalIdentifiers", path, w, (o, q) => readIdentifier(o, q, w))
  ) {
    if (extra !== undefined && !identifiers.includes(extra)) identifiers.push(extra);
  }
  const details = record(p, "details", path, w);
  const address = record(p, "address", path, w);
  return {
    id: id(p, "id", path, w),
    name: text(p, "name", path, w),
    roles: strings(p, "roles", path, w),
    identifiers,
    address: address === undefined ? undefined : readAddress(address, `${path}.address`, w),
    url: text(details, "url", `${path}.details`, w) ??
      text(details, "buyerProfile", `${path}.details`, w),
    scale: text(details, "scale", `${path}.details`, w),
  };
}

/**
 * Reads the parts of a release the mapper uses. Returns `undefined` when `raw` is not a JSON
 * object; otherwise never fails, recording what it had to drop in `w`.
 *
 * @example
 * ```ts
 * import { readRelease } from "./release.ts";
 * import { Warnings } from "./read.ts";
 * const w = new Warnings();
 * const r = readRelease({ id: "1", tender: { value: { amount: "12" } } }, w);
 * r?.tender?.value?.amount; // 12 (with an `amount-as-string` warning in w)
 * ```
 */
export function readRelease(raw: unknown, w: Warnings): OcdsRelease | undefined {
  if (!isRecord(raw)) return undefined;
  const buyer = record(raw, "buyer", "", w);
  const planning = record(raw, "planning", "", w);
  const tender = record(raw, "tender", "", w);
  const bids = record(raw, "bids", "", w);
  // `tag` is read as a list even when published as one string.
  return {
    id: id(raw, "id", "", w),
    ocid: id(raw, "ocid", "", w),
    tag: strings(raw, "tag", "", w),
    title: text(raw, "title", "", w),
    description: text(raw, "description", "", w),
    buyer: buyer === undefined ? undefined : readOrgRef(buyer, "buyer", w),
    parties: objects(raw, "parties", "", w, (p, at) => readParty(p, at, w)),
    planningDocuments: readDocuments(planning, "planning", w),
    tender: tender === undefined ? undefined : readTender(tender, w),
    awards: objects(raw, "awards", "", w, (a, at) => readAward(a, at, w)),
    contracts: objects(raw, "contracts", "", w, (c, at) => readContractSection(c, at, w)),
    bidStatistics: objects(bids, "statistics", "bids", w, (s, at) => readBidStatistic(s, at, w)),
    relationships: objects(
      raw,
      "relatedProcesses",
      "",
      w,
      (p, at) => strings(p, "relationship", at, w),
    ).flat(),
  };
}
