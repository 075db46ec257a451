/**
 * The documents the product stores: one {@linkcode Contract} per notice, keyed by
 * `{source, noticeId}`, and one {@linkcode Buyer} per buying organisation, keyed by `orgId`.
 * Produced by the mapper from untrusted OCDS releases; no field here is ever `undefined`
 * (absent values are `null` or empty arrays, so documents have one shape).
 * @module
 */
import type { SourceId } from "../config.ts";

export type { SourceId };

/**
 * Bumped whenever mapping or sector rules change, so stored documents can be re-mapped (the
 * cron re-maps stored raw releases in the background when it changes; see `sync/remap.ts`).
 * 2: awarded values, placeholders, deadlines, durations, delivery regions, procedure flags,
 * legal regime, suitability, lots, links, amendments, date signed, bid count.
 */
export const MAPPING_VERSION = 2;

/** Stage of a notice in the procurement process, derived from the release tags. */
export type Stage = "planning" | "tender" | "award" | "contract" | "implementation" | "unknown";

/**
 * Lifecycle status; a cancelled notice always reads `cancelled`; a change notice (FTS UK10,
 * UK15; CF `tenderAmendment`) reads `amended`.
 */
export type ContractStatus =
  | "planned"
  | "active"
  | "amended"
  | "complete"
  | "cancelled"
  | "unsuccessful"
  | "withdrawn"
  | "unknown";

/** An amount of money as published. `amount` is net where the source says so. */
export interface Money {
  readonly amount: number | null;
  /** Gross amount (FTS `amountGross`), kept apart from net. */
  readonly amountGross: number | null;
  readonly currency: string | null;
}

/** A supplier named in an award. */
export interface Supplier {
  readonly id: string | null;
  readonly name: string | null;
  /** The supplier party's `details.scale`: `sme` (micro included), `large`, or unknown. */
  readonly scale: "sme" | "large" | null;
}

/** One award of an award/contract notice. */
export interface Award {
  readonly id: string | null;
  readonly title: string | null;
  readonly status: string | null;
  readonly date: Date | null;
  readonly value: Money | null;
  readonly suppliers: readonly Supplier[];
  /** `relatedLots`: the ids of the lots this award is for. */
  readonly lotIds: readonly string[];
}

/** What {@linkcode Contract.valueKind} says about the value fields. */
export type ValueKind = "estimate" | "awarded" | "both" | "none";

/** A lot of a tender. */
export interface Lot {
  readonly id: string | null;
  readonly title: string | null;
  readonly status: string | null;
  readonly value: Money | null;
  readonly contractStart: Date | null;
  /** As published, else derived from the start and `contractDurationDays`. */
  readonly contractEnd: Date | null;
  readonly contractDurationDays: number | null;
  /** The lot's own CPV codes: its classifications and the items related to it. */
  readonly cpvCodes: readonly string[];
}

/** A delivery place: an ITL/NUTS code with its name, or a name that has no code. */
export interface DeliveryRegion {
  /** `UKI`, `UKH25` … (`UK` for the whole country); `null` for a place without a code. */
  readonly code: string | null;
  readonly name: string;
}

/** A published document or link (http and https only). */
export interface DocumentLink {
  readonly title: string | null;
  /** OCDS `documentType` (`tenderNotice`, `biddingDocuments` …). */
  readonly type: string | null;
  readonly url: string;
}

/** A published change to the notice or its contract. */
export interface Amendment {
  readonly date: Date | null;
  readonly rationale: string | null;
  readonly description: string | null;
}

/** Who the procurement says it suits (`tender.suitability`). */
export interface Suitability {
  readonly sme: boolean | null;
  readonly vcse: boolean | null;
}

/** The law a procurement runs under. */
export type LegalRegime =
  | "PA2023"
  | "PCR2015"
  | "UCR2016"
  | "CCR2016"
  | "DSPCR2011"
  | "PSR2023"
  | "other";

/** Something odd in a release and how the mapper handled it. */
export interface MappingWarning {
  /** Machine-readable kind, e.g. `non-numeric-amount`, `currency-mismatch`, `missing-buyer`. */
  readonly code: string;
  /** What was found and what was done, for a person. */
  readonly message: string;
  /** JSON path of the field, e.g. `tender.value.amount`. */
  readonly path: string | null;
}

/** The stored notice. */
export interface Contract {
  // identity
  readonly source: SourceId;
  /** FTS: the release id (`094477-2026`); CF: the release id without its trailing `-N`. */
  readonly noticeId: string;
  readonly ocid: string;
  readonly releaseId: string;
  readonly releaseDate: Date;
  readonly releaseTags: readonly string[];
  /** `UK1`…`UK17` from `documents[].noticeType`, when given. */
  readonly noticeType: string | null;
  readonly stage: Stage;
  readonly status: ContractStatus;
  // what and who
  readonly title: string | null;
  readonly description: string | null;
  readonly buyerName: string | null;
  /** The buyer party's id or `buyer.id`; `auto-{slug(name)}` when there is none. */
  readonly buyerOrg: string | null;
  /** `orgId` of every buyer of the notice (joint procurements have several), main first. */
  readonly buyerOrgs: readonly string[];
  readonly procurementMethod: string | null;
  /** `procurementMethodDetails` as published (`Competitive flexible procedure` …). */
  readonly procedure: string | null;
  /** A framework agreement is set up or used (structured flag, else the procedure or title). */
  readonly framework: boolean;
  /** A dynamic purchasing system or (Procurement Act) dynamic market is set up or used. */
  readonly dps: boolean;
  /** A call-off from a framework or DPS. */
  readonly callOff: boolean;
  readonly legalRegime: LegalRegime | null;
  readonly suitability: Suitability;
  readonly mainProcurementCategory: string | null;
  // money
  /** The estimate: `minValue.amount` ?? `value.amount` (net), else the sum of lot values. */
  readonly valueMin: number | null;
  /** The estimate: `value.amount` (net), else the sum of lot values. */
  readonly valueMax: number | null;
  /** Gross estimates, when published (FTS `amountGross`). */
  readonly valueGrossMin: number | null;
  readonly valueGrossMax: number | null;
  /** What was awarded: the sum of active awards, else of contracts (same currency). */
  readonly awardedValue: number | null;
  readonly awardedValueGross: number | null;
  /** Which of the value fields are known: the estimate, the awarded value, both or none. */
  readonly valueKind: ValueKind;
  readonly currency: string | null;
  readonly awards: readonly Award[];
  readonly suppliers: readonly Supplier[];
  readonly lots: readonly Lot[];
  /** Number of bids received (`bids.statistics`, measure `bids`), where published. */
  readonly bidCount: number | null;
  // classification
  /** 8-digit CPV codes, main first, deduplicated. */
  readonly cpvCodes: readonly string[];
  /** Slug of the primary sector (of the main CPV code). */
  readonly sector: string | null;
  /** Slugs of every sector the CPV codes fall in, primary first. */
  readonly sectors: readonly string[];
  // dates and place
  readonly publishedDate: Date | null;
  readonly tenderDeadline: Date | null;
  readonly contractStart: Date | null;
  /** As published, else derived from the start and `contractDurationDays`. */
  readonly contractEnd: Date | null;
  /** `contractPeriod.durationInDays` (the tender's, else the longest lot's …). */
  readonly contractDurationDays: number | null;
  /** Earliest `contracts[].dateSigned`. */
  readonly dateSigned: Date | null;
  /** Every delivery place, normalised to ITL/NUTS codes where one exists; `[]` when none. */
  readonly deliveryRegions: readonly DeliveryRegion[];
  /** First postcode of a delivery address (never the buyer's office). */
  readonly deliveryPostcode: string | null;
  /** The notice's page on the source's public website. */
  readonly url: string | null;
  /** Documents and links, http(s) only, at most 50. */
  readonly documents: readonly DocumentLink[];
  /** Where to submit a tender, when `submissionMethodDetails` holds a web address. */
  readonly submissionUrl: string | null;
  /** Changes published in `amendments[]` (tender, awards, contracts). */
  readonly amendments: readonly Amendment[];
  // quality
  readonly warnings: readonly MappingWarning[];
  readonly mappingVersion: number;
}

/** A buying organisation. No personal contact details are ever stored. */
export interface Buyer {
  readonly orgId: string;
  readonly name: string | null;
  /** Identifiers such as `GB-PPON-…`, as `scheme:id` strings. */
  readonly identifiers: readonly string[];
  readonly address: {
    readonly streetAddress: string | null;
    readonly locality: string | null;
    readonly region: string | null;
    readonly postalCode: string | null;
    readonly countryName: string | null;
  } | null;
  readonly url: string | null;
  readonly sources: readonly SourceId[];
}

/** Why a release could not become a contract. */
export type MappingErrorReason =
  | "not-an-object"
  | "missing-id"
  | "missing-ocid"
  | "missing-date"
  | "invalid-date"
  | "invalid-field"
  /** A bug in the mapper, caught so that one release cannot stop a page; please report it. */
  | "internal-error";

/** Result of mapping one release: a contract with its buyers, or a typed error. */
export type MapResult =
  | { readonly ok: true; readonly contract: Contract; readonly buyers: readonly Buyer[] }
  | {
    readonly ok: false;
    readonly releaseId: string | null;
    readonly reason: MappingErrorReason;
    readonly error: string;
  };
