/**
 * What the procurement compiler reads: a stored contract document, with the richer fields of
 * issue 12 read when present, and the one total order of notices.
 *
 * @example
 * ```ts
 * import { compareNotices } from "./procurement_notice.ts";
 * const at = new Date("2026-01-01T00:00:00Z");
 * compareNotices({ releaseDate: at, releaseId: "a", noticeId: "a" },
 *   { releaseDate: at, releaseId: "b", noticeId: "b" }); // -1
 * ```
 * @module
 */
import type { Award, Contract, Money, Supplier } from "./documents.ts";
import { compareReleaseIds } from "./map_page.ts";

/** A lot as issue 12 maps it onto the contract documents. */
export interface NoticeLot {
  readonly id: string | null;
  readonly title: string | null;
  readonly status: string | null;
  readonly value: Money | null;
  readonly contractStart: Date | null;
  readonly contractEnd: Date | null;
  readonly contractDurationDays: number | null;
  readonly cpvCodes: readonly string[];
}

/**
 * Contract fields added by issue 12 (names agreed across issues 12–14). Read when present,
 * so documents mapped before and after that change compile alike.
 */
export interface RicherNoticeFields {
  readonly awardedValue: number | null;
  readonly awardedValueGross: number | null;
  readonly valueKind: "estimate" | "awarded" | "both" | "none";
  readonly contractDurationDays: number | null;
  readonly deliveryRegions: readonly { readonly code: string | null; readonly name: string }[];
  readonly procedure: string | null;
  readonly framework: boolean;
  readonly dps: boolean;
  readonly callOff: boolean;
  readonly legalRegime: string | null;
  readonly suitability: { readonly sme: boolean | null; readonly vcse: boolean | null };
  readonly lots: readonly NoticeLot[];
  readonly documents: readonly { readonly title: string | null; readonly type: string | null }[];
  readonly submissionUrl: string | null;
  readonly amendments: readonly {
    readonly date: Date | null;
    readonly rationale: string | null;
    readonly description: string | null;
  }[];
}

/** What the compiler reads: a stored contract document (bookkeeping fields are ignored). */
export type CompilerNotice = Contract & Partial<RicherNoticeFields>;

/** An award as issue 12 maps it (with the lots it covers). */
export type AwardExtra = Award & { readonly lotIds?: readonly string[] };
/** A supplier as issue 12 maps it (with its size). */
export type SupplierExtra = Supplier & { readonly scale?: "sme" | "large" | null };

/**
 * The total order of notices: release date, then release id (trailing numbers compared as
 * numbers), then notice id. Negative when `a` comes first.
 *
 * @example
 * ```ts
 * import { compareNotices } from "./procurement_notice.ts";
 * const at = new Date("2026-01-01T00:00:00Z");
 * compareNotices({ releaseDate: at, releaseId: "g-9", noticeId: "g" },
 *   { releaseDate: at, releaseId: "g-10", noticeId: "g" }) < 0; // true
 * ```
 */
export function compareNotices(
  a: Pick<Contract, "releaseDate" | "releaseId" | "noticeId">,
  b: Pick<Contract, "releaseDate" | "releaseId" | "noticeId">,
): number {
  const byDate = a.releaseDate.getTime() - b.releaseDate.getTime();
  if (byDate !== 0) return byDate;
  const byRelease = compareReleaseIds(a.releaseId, b.releaseId);
  if (byRelease !== 0) return byRelease;
  return a.noticeId < b.noticeId ? -1 : a.noticeId > b.noticeId ? 1 : 0;
}
