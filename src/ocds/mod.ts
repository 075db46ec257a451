/**
 * OCDS releases → contract and buyer documents: the public surface of `src/ocds`.
 *
 * @example
 * ```ts
 * import { mapPage, mapRelease, slug } from "./mod.ts";
 * const page = mapPage("fts", []);
 * page.mapped.length; // 0
 * ```
 * @module
 */
export * from "./contract.ts";
export { mapRelease } from "./map_release.ts";
export {
  compareReleaseIds,
  type FailedRelease,
  mapPage,
  type MappedRelease,
  mergeBuyers,
  type PageMapping,
  type SupersededRelease,
} from "./map_page.ts";
export { slug } from "./slug.ts";
export { autoOrgId } from "./buyers.ts";
export {
  classifyCpv,
  type CpvNormalisation,
  DIVISION_SECTORS,
  GROUP_SECTORS,
  normaliseCpv,
  type Sector,
  sectorBySlug,
  SECTORS,
} from "./cpv.ts";
export { noticeIdOf, noticeUrl, OCID_PREFIXES, sourceOfOcid } from "./notice.ts";
export type { WarningCode } from "./read.ts";
