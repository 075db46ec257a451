/**
 * Free-text search without `$text`: every stored notice carries `searchTokens`, the distinct
 * normalised words of its title, description, buyer and suppliers, in a multikey index. A
 * query's words are normalised the same way and matched with `$all`, so free text is an
 * indexed equality match on every MongoDB (and on the embedded test server, which has no text
 * search), and a user's text never becomes a regular expression.
 *
 * Normalising is one linear pass: Unicode NFKD, combining marks dropped, lower case, split on
 * anything that is not a letter or digit. Words of one character and a few very common
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

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const COMBINING_MARK = /\p{M}/u;

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
  let word = "";
  const flush = () => {
    if (word.length > 1 && !STOP_WORDS.has(word) && !seen.has(word) && out.length < max) {
      seen.add(word);
      out.push(word);
    }
    word = "";
  };
  // for…of walks code points once; normalize is linear too
  for (const ch of text.normalize("NFKD").toLowerCase()) {
    if (LETTER_OR_DIGIT.test(ch)) {
      if (word.length < TOKEN_MAX_LENGTH) word += ch;
    } else if (!COMBINING_MARK.test(ch)) {
      flush();
    }
  }
  flush();
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
 * The `searchTokens` of a notice: words of its title, buyer, suppliers and description (in
 * that order, so the cap drops the end of long descriptions first), plus its notice id.
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
    doc.description,
  ].filter((t): t is string => typeof t === "string").join(" \u0000 ");
  return searchWords(text);
}
