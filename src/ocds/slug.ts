/**
 * URL- and key-safe slugs of organisation names, for buyers published without an id.
 *
 * @example
 * ```ts
 * import { slug } from "./slug.ts";
 * slug("Thame Town Council"); // "thame-town-council"
 * ```
 * @module
 */

/** Longest slug produced; long enough to keep distinct names distinct in practice. */
export const MAX_SLUG = 80;

/**
 * Lower-case ASCII letters and digits joined by single `-`: accents are folded (`é` → `e`),
 * `&` reads as `and`, everything else separates words. Returns `""` when nothing is left
 * (a name of only symbols or of a script without ASCII folding).
 *
 * @example
 * ```ts
 * import { slug } from "./slug.ts";
 * slug("  Durham Aged Mineworkers' Homes Association "); // "durham-aged-mineworkers-homes-association"
 * slug("Café & Bar Ltd."); // "cafe-and-bar-ltd"
 * slug("★★★"); // ""
 * ```
 */
export function slug(name: string): string {
  // Bound the work first: a hostile multi-megabyte name must not cost more than a short one.
  const head = name.slice(0, MAX_SLUG * 4);
  const s = head
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/['\u2019]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return s.slice(0, MAX_SLUG).replace(/-+$/, "");
}
