/**
 * Documents and links of a notice: every published document with an http(s) URL, once each,
 * and the web address where tenders are submitted. URLs are untrusted text: only `http:` and
 * `https:` URLs that parse are kept (never `javascript:` or `data:`), at most
 * {@linkcode MAX_URL} characters (a cut URL would point elsewhere, so a longer one is dropped
 * with a warning).
 *
 * @example
 * ```ts
 * import { webUrl } from "./links.ts";
 * webUrl("https://www.example.gov.uk/Notice/Attachment/A-14581"); // the same URL
 * webUrl("javascript:alert(1)"); // null
 * ```
 * @module
 */
import type { DocumentLink } from "./documents.ts";
import type { Warnings } from "./read.ts";
import type { OcdsDocument } from "./release.ts";

/** Longest URL kept. */
export const MAX_URL = 2_000;
/** Most documents kept per notice. */
export const MAX_DOCUMENTS = 50;
/** Longest document title kept (titles are often whole descriptions). */
export const MAX_DOCUMENT_TITLE = 300;

/**
 * Whether `text` is already what the URL parser would return: a lower-case `http(s)://`, a
 * lower-case host of letters, digits, dots and hyphens, then only printable ASCII that needs
 * no escaping. Almost every published URL is; checking costs far less than parsing.
 */
function isPlainUrl(text: string): boolean {
  const start = text.startsWith("https://") ? 8 : text.startsWith("http://") ? 7 : -1;
  if (start < 0) return false;
  let i = start;
  let labelStart = start;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) labelStart = i + 1;
    else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45)) break;
  }
  // A host whose last label starts with a letter (so never an IPv4 address, which the parser
  // rewrites), then a path: no port, user or trailing dot (the parser decides those).
  const last = text.charCodeAt(labelStart);
  if (i === text.length || text[i] !== "/" || labelStart >= i || !(last >= 97 && last <= 122)) {
    return false;
  }
  // The rest in one native pass: printable ASCII that needs no escaping, and no dot
  // segments ("/./", "/../", also spelt "%2e") in the path, which the parser resolves.
  const rest = text.slice(i);
  if (!SAFE_REST.test(rest)) return false;
  const end = rest.search(/[?#]/);
  const path = end === -1 ? rest : rest.slice(0, end);
  return !path.includes("/.") && !/%2e/i.test(path);
}

// Printable ASCII except what the URL parser escapes or treats specially in a path, query or
// fragment: space, " ' < > \ ^ ` { | }. One character class, so the test is linear.
const SAFE_REST = /^[!#-&(-;=?-[\]_a-z~]*$/;

/**
 * `text` as a web address: an absolute `http:`/`https:` URL, normalised by the URL parser,
 * or `null`.
 *
 * @example
 * ```ts
 * // see the module example
 * ```
 */
export function webUrl(text: string): string | null {
  if (text.length > MAX_URL || !/^https?:\/\//i.test(text)) return null;
  if (isPlainUrl(text)) return text;
  try {
    const url = new URL(text);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    const href = url.href;
    return href.length > MAX_URL ? null : href;
  } catch {
    return null; // not a URL: prose such as "via the portal"
  }
}

/**
 * The documents of a release as links, deduplicated by URL, in publication order, capped at
 * {@linkcode MAX_DOCUMENTS}, without the notice's own page (`noticeUrl`). A URL that is
 * present but unusable warns `invalid-url`.
 *
 * @example
 * ```ts
 * import { documentLinks } from "./links.ts";
 * import { Warnings } from "./read.ts";
 * documentLinks([{ url: "https://x.example/a.pdf", title: "Spec", documentType: "biddingDocuments" }],
 *   null, new Warnings());
 * // [{ title: "Spec", type: "biddingDocuments", url: "https://x.example/a.pdf" }]
 * ```
 */
export function documentLinks(
  docs: readonly OcdsDocument[],
  noticeUrl: string | null,
  w: Warnings,
): DocumentLink[] {
  const out: DocumentLink[] = [];
  // The notice's own page is the contract's `url` already.
  const seen = new Set<string>(noticeUrl === null ? [] : [noticeUrl]);
  let dropped = 0;
  for (const d of docs) {
    if (d.url === undefined) continue;
    const url = webUrl(d.url);
    if (url === null) {
      dropped++;
      continue;
    }
    if (seen.has(url)) continue;
    seen.add(url);
    if (out.length >= MAX_DOCUMENTS) continue;
    const title = d.title === undefined
      ? null
      : d.title.length > MAX_DOCUMENT_TITLE
      ? `${d.title.slice(0, MAX_DOCUMENT_TITLE - 1).toWellFormed()}…`
      : d.title;
    out.push({ title, type: d.documentType ?? null, url });
  }
  if (dropped > 0) {
    w.add(
      "invalid-url",
      `${dropped} document URL(s) not http(s), unparseable or over ${MAX_URL} characters; left out`,
      "documents",
    );
  }
  if (seen.size - (noticeUrl === null ? 0 : 1) > MAX_DOCUMENTS) {
    w.add(
      "array-truncated",
      `${seen.size} documents; only the first ${MAX_DOCUMENTS} were kept`,
      "documents",
    );
  }
  return out;
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r", "\u00a0"]);
const TRAILING = new Set([".", ",", ";", ":", ")", "]", "'", '"']);

/**
 * The submission address: `submissionMethodDetails` when it is, or contains, an http(s) URL
 * (it is often an email address or prose instead: then `null`).
 *
 * @example
 * ```ts
 * import { submissionUrlOf } from "./links.ts";
 * submissionUrlOf("Submit via https://supplier.in-tend.co.uk/cb/home by noon"); // "https://supplier.in-tend.co.uk/cb/home"
 * submissionUrlOf("tenders@example.gov.uk"); // null
 * ```
 */
export function submissionUrlOf(details: string | undefined): string | null {
  if (details === undefined) return null;
  const lower = details.toLowerCase();
  const at = lower.indexOf("http");
  if (at === -1) return null;
  // The URL runs to the next whitespace; one indexOf-like scan, linear in the text.
  let end = at;
  while (end < details.length && end - at <= MAX_URL && !WHITESPACE.has(details[end])) end++;
  // Sentence punctuation after a URL is not part of it.
  while (end > at && TRAILING.has(details[end - 1])) end--;
  return webUrl(details.slice(at, end));
}
