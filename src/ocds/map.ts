/**
 * The mapping entry point the sync engine imports: one release with
 * {@linkcode mapRelease}, a whole page with {@linkcode mapPage}.
 *
 * @example
 * ```ts
 * import { mapPage } from "./map.ts";
 * const { mapped, failed } = mapPage("fts", []);
 * [mapped.length, failed.length]; // [0, 0]
 * ```
 * @module
 */
export { mapRelease } from "./map_release.ts";
export {
  type FailedRelease,
  mapPage,
  type MappedRelease,
  type PageMapping,
  type SupersededRelease,
} from "./map_page.ts";
