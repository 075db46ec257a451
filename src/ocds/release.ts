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
  id,
  isRecord,
  objects,
  record,
  strings,
  text,
  type UnknownRecord,
  type Warnings,
} from "./read.ts";

/** `value`/`minValue`: net `amount`, FTS's `amountGross`, `currency`. */
export interface OcdsValue {
  readonly amount?: number;
  readonly amountGross?: number;
  readonly currency?: string;
  /** JSON path, for warnings raised later. */
  readonly path: string;
}

/** A period; only the two ends are used. */
export interface OcdsPeriod {
  readonly startDate?: Date;
  readonly endDate?: Date;
}

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
  readonly url?: string;
  readonly datePublished?: Date;
}

/** An item: what is bought and where it is delivered. */
export interface OcdsItem {
  readonly classification?: OcdsClassification;
  readonly additionalClassifications: readonly OcdsClassification[];
  readonly deliveryAddresses: readonly OcdsAddress[];
}

/** A lot of a tender. */
export interface OcdsLot {
  readonly id?: string;
  readonly value?: OcdsValue;
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
  readonly mainProcurementCategory?: string;
  readonly tenderPeriod?: OcdsPeriod;
  readonly contractPeriod?: OcdsPeriod;
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
}

/** One entry of `contracts[]` (FTS contract details notices). */
export interface OcdsContractSection {
  readonly status?: string;
  readonly value?: OcdsValue;
  readonly period?: OcdsPeriod;
  readonly items: readonly OcdsItem[];
  readonly documents: readonly OcdsDocument[];
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
    amount: amount(v, "amount", path, w),
    amountGross: amount(v, "amountGross", path, w),
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
  return { startDate: date(p, "startDate", path, w), endDate: date(p, "endDate", path, w) };
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
    url: text(d, "url", path, w),
    datePublished: date(d, "datePublished", path, w),
  };
}

function readItem(it: UnknownRecord, path: string, w: Warnings): OcdsItem {
  return {
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
    value: readValue(l, "value", path, w),
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
    mainProcurementCategory: text(t, "mainProcurementCategory", at, w),
    tenderPeriod: readPeriod(t, "tenderPeriod", at, w),
    contractPeriod: readPeriod(t, "contractPeriod", at, w),
  };
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
  };
}

function readContractSection(c: UnknownRecord, path: string, w: Warnings): OcdsContractSection {
  return {
    status: text(c, "status", path, w),
    value: readValue(c, "value", path, w),
    period: readPeriod(c, "period", path, w),
    items: readItems(c, path, w),
    documents: readDocuments(c, path, w),
  };
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
  };
}
