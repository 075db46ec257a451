/**
 * Free-text search without `$text`: every stored notice carries `searchTokens`, the distinct
 * normalised words of its title, description, buyer and suppliers, in a multikey index. A
 * query's words are normalised the same way and matched with `$all`, so free text is an
 * indexed equality match on every MongoDB (and on the embedded test server, which has no text
 * search), and a user's text never becomes a regular expression.
 *
 * Normalising is a few linear passes: Unicode NFKD, combining marks dropped, lower case, split
 * on runs of anything that is not a letter or digit. Words of one character and a few very common
 * English words are left out; words are cut at {@linkcode TOKEN_MAX_LENGTH} characters.
 *
 * @example
 * ```ts
 * searchWords("Café  cleaning — Leeds!"); // ["cafe", "cleaning", "leeds"]
 * ```
 * @module
 */

/** Longest word kept, in characters (longer words are cut, in documents and queries alike). */
export const TOKEN_MAX_LENGTH = 32;
/** Characters of a description that are searched (its start). */
export const DESCRIPTION_CHARS = 2000;
/** Most distinct words kept per document. */
export const TOKENS_PER_DOCUMENT = 400;

const STOP_WORDS: ReadonlySet<string> = new Set([
  "a",
  "an",
  "and",
  "are",
  "as",
  "at",
  "be",
  "by",
  "for",
  "from",
  "in",
  "is",
  "it",
  "of",
  "on",
  "or",
  "the",
  "to",
  "with",
]);

// Single character classes, no nesting: each pass is linear in the text, whatever it holds.
const COMBINING_MARKS = /\p{M}+/gu;
const SEPARATORS = /[^\p{L}\p{N}]+/u;
// deno-lint-ignore no-control-regex
const ASCII = /^[\x00-\x7f]*$/;
const ASCII_SEPARATORS = /[^a-z0-9]+/;

/**
 * The distinct search words of a text, in order of first appearance, at most `max`.
 *
 * @example
 * ```ts
 * searchWords("The NHS — the N.H.S.", 10); // ["nhs"] (one-letter words and "the" are left out)
 * ```
 */
export function searchWords(text: string, max = TOKENS_PER_DOCUMENT): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  // most notices are plain ASCII: no Unicode normalising, and a byte-class split (both faster)
  const words = ASCII.test(text)
    ? text.toLowerCase().split(ASCII_SEPARATORS)
    : text.normalize("NFKD").replace(COMBINING_MARKS, "").toLowerCase().split(SEPARATORS);
  for (const whole of words) {
    const word = whole.length > TOKEN_MAX_LENGTH ? whole.slice(0, TOKEN_MAX_LENGTH) : whole;
    if (word.length > 1 && !STOP_WORDS.has(word) && !seen.has(word)) {
      seen.add(word);
      out.push(word);
      if (out.length >= max) break;
    }
  }
  return out;
}

/** The fields of a notice that free text searches. */
export interface Searchable {
  readonly noticeId: string;
  readonly title: string | null;
  readonly description: string | null;
  readonly buyerName: string | null;
  readonly suppliers: readonly { readonly name: string | null }[];
}

/**
 * The `searchTokens` of a notice: words of its title, buyer, suppliers, notice id and the first
 * {@linkcode DESCRIPTION_CHARS} characters of its description (in that order, so the word cap
 * drops the end of a long description first).
 *
 * @example
 * ```ts
 * searchTokens({ noticeId: "094477-2026", title: "Road gritting", description: null,
 *   buyerName: "Leeds City Council", suppliers: [] });
 * // ["road", "gritting", "leeds", "city", "council", "094477", "2026"]
 * ```
 */
export function searchTokens(doc: Searchable): string[] {
  const text = [
    doc.title,
    doc.buyerName,
    ...doc.suppliers.map((s) => s.name),
    doc.noticeId,
    // the start of a description says what it is about; the cap bounds the work per notice
    doc.description?.slice(0, DESCRIPTION_CHARS),
  ].filter((t): t is string => typeof t === "string").join(" \u0000 ");
  return searchWords(text);
}
