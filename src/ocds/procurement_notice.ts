/**
 * What the procurement compiler reads: a stored contract document, with the richer fields of
 * mapping version 2 read when present, and the one total order of notices.
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
import type { Award, Contract, Supplier } from "./documents.ts";
import { compareReleaseIds } from "./map_page.ts";

/**
 * Fields mapping version 2 added. Notices stored by version 1 lack them until the background
 * re-mapping reaches them, and the procurement step compiles such notices all the same.
 */
type V2Field =
  | "awardedValue"
  | "awardedValueGross"
  | "valueKind"
  | "contractDurationDays"
  | "deliveryRegions"
  | "deliveryPostcode"
  | "procedure"
  | "framework"
  | "dps"
  | "callOff"
  | "legalRegime"
  | "suitability"
  | "lots"
  | "documents"
  | "submissionUrl"
  | "amendments"
  | "dateSigned"
  | "bidCount";

/** A supplier as stored by either mapping version (`scale` since version 2). */
export type NoticeSupplier = Omit<Supplier, "scale"> & { readonly scale?: Supplier["scale"] };

/** An award as stored by either mapping version (`lotIds` since version 2). */
export type NoticeAward = Omit<Award, "lotIds" | "suppliers"> & {
  readonly lotIds?: readonly string[];
  readonly suppliers: readonly NoticeSupplier[];
};

/** What the compiler reads: a stored contract document of either mapping version. */
export type CompilerNotice =
  & Omit<Contract, V2Field | "awards" | "suppliers">
  & Partial<Pick<Contract, V2Field>>
  & { readonly awards: readonly NoticeAward[]; readonly suppliers: readonly NoticeSupplier[] };

/** A lot of a notice (mapping version 2). */
export type NoticeLot = Contract["lots"][number];

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
