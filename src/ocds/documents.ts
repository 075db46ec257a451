/**
 * The documents the product stores: one {@linkcode Contract} per notice, keyed by
 * `{source, noticeId}`, and one {@linkcode Buyer} per buying organisation, keyed by `orgId`.
 * Produced by the mapper from untrusted OCDS releases; no field here is ever `undefined`
 * (absent values are `null` or empty arrays, so documents have one shape).
 * @module
 */
import type { SourceId } from "../config.ts";

export type { SourceId };

/** Bumped whenever mapping or sector rules change, so stored documents can be re-mapped. */
export const MAPPING_VERSION = 1;

/** Stage of a notice in the procurement process, derived from the release tags. */
export type Stage = "planning" | "tender" | "award" | "contract" | "implementation" | "unknown";

/** Lifecycle status; a cancelled notice always reads `cancelled`. */
export type ContractStatus =
  | "planned"
  | "active"
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
}

/** One award of an award/contract notice. */
export interface Award {
  readonly id: string | null;
  readonly title: string | null;
  readonly status: string | null;
  readonly date: Date | null;
  readonly value: Money | null;
  readonly suppliers: readonly Supplier[];
}

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
  readonly mainProcurementCategory: string | null;
  // money
  /** `minValue.amount` ?? `value.amount` (net). */
  readonly valueMin: number | null;
  /** `value.amount` (net). */
  readonly valueMax: number | null;
  /** Gross amounts, when published (FTS `amountGross`). */
  readonly valueGrossMin: number | null;
  readonly valueGrossMax: number | null;
  readonly currency: string | null;
  readonly awards: readonly Award[];
  readonly suppliers: readonly Supplier[];
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
  readonly contractEnd: Date | null;
  readonly region: string | null;
  readonly postcode: string | null;
  /** The notice's page on the source's public website. */
  readonly url: string | null;
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
