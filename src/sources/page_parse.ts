/**
 * Release package text → releases, `links.next`, and what could not be read.
 *
 * Three steps, each only when the one before failed:
 * 1. the whole page through {@linkcode parseJson} (strict, then with known number repairs);
 * 2. a structural scan: when the brackets and strings of the page are intact, every element
 *    of `releases` is parsed on its own; an element that still fails is *rejected* with its
 *    raw text (capped) and the others are kept, with `links.next` as usual;
 * 3. otherwise the page is `broken` (truncated, or a release that breaks the structure):
 *    the answer says how many leading releases were intact (`goodPrefix`) and any
 *    `links.next` URL still readable near the end of the text (`tailNext`), so the source can
 *    narrow its request (see `ocds_source.ts`).
 *
 * @example
 * ```ts
 * import { parsePage } from "./page_parse.ts";
 * const page = parsePage('{"releases":[{"id":"a"}],"links":{"next":"https://x/y?cursor=c"}}');
 * if (page.kind === "ok") page.next; // "https://x/y?cursor=c"
 * ```
 * @module
 */
import { parseJson } from "./json_repair.ts";
import type { RejectedRelease } from "./source.ts";

/** Longest raw text kept for one rejected release (characters). */
export const REJECTED_RAW_CAP = 32_768;

/** The result of {@linkcode parsePage}. */
export type ParsedPage =
  | {
    readonly kind: "ok";
    readonly releases: readonly unknown[];
    readonly next: string | null;
    readonly rejected: readonly RejectedRelease[];
    readonly warnings: readonly string[];
  }
  | {
    readonly kind: "broken";
    /** Why the page could not be read. */
    readonly reason: string;
    /** How many releases at the start of the page were intact before the break. */
    readonly goodPrefix: number;
    /** A `links.next` URL found in the text, if any (unchecked: the caller validates it). */
    readonly tailNext: string | null;
    readonly warnings: readonly string[];
  };

/**
 * Reads one release package page (see the module doc).
 *
 * @example
 * ```ts
 * parsePage('{"releases":[{"id":"a"},{"id":"b", oops}]}');
 * // { kind: "ok", releases: [{ id: "a" }], rejected: [{ releaseId: "b", … }], … }
 * ```
 */
export function parsePage(text: string): ParsedPage {
  const whole = parseJson(text);
  if (whole.ok) {
    const page = readPackage(whole.value);
    if (page !== null) {
      return { kind: "ok", ...page, rejected: [], warnings: whole.repairs };
    }
    return broken("the body is JSON but not a release package with a releases array", 0, text);
  }
  const scan = scanPackage(text);
  if (scan.kind === "broken") {
    return broken(`the body is not valid JSON (${whole.error})`, scan.goodPrefix, text);
  }
  const releases: unknown[] = [];
  const rejected: RejectedRelease[] = [];
  const warnings: string[] = [];
  for (const raw of scan.releases) {
    const one = parseJson(raw);
    if (one.ok && isObject(one.value)) {
      releases.push(one.value);
      warnings.push(...one.repairs);
    } else {
      rejected.push(rejectedRelease(raw, one.ok ? "not a JSON object" : one.error));
    }
  }
  let next: string | null = null;
  if (scan.links !== null) {
    const links = parseJson(scan.links);
    if (!links.ok) return broken(`links cannot be read (${links.error})`, releases.length, text);
    next = readNext(links.value);
  }
  if (rejected.length > 0) {
    warnings.push(`${rejected.length} release(s) could not be parsed and were set aside`);
  }
  return { kind: "ok", releases, next, rejected, warnings };
}

/**
 * A rejected release from its raw text: its `id` when one can be read, the reason, and the
 * text capped at {@linkcode REJECTED_RAW_CAP}.
 *
 * @example
 * ```ts
 * rejectedRelease('{"id": "094477-2026", oops}', "Unexpected token").releaseId; // "094477-2026"
 * ```
 */
export function rejectedRelease(raw: string, reason: string): RejectedRelease {
  const id = /"id"\s*:\s*"((?:[^"\\]|\\.){1,200})"/.exec(raw)?.[1] ?? null;
  return {
    releaseId: id,
    reason,
    raw: raw.length > REJECTED_RAW_CAP ? `${raw.slice(0, REJECTED_RAW_CAP)}…[truncated]` : raw,
  };
}

function broken(reason: string, goodPrefix: number, text: string): ParsedPage {
  return { kind: "broken", reason, goodPrefix, tailNext: findNextLink(text), warnings: [] };
}

/** Longest `links.next` followed (characters); real ones are a few hundred. */
export const MAX_NEXT_CHARS = 2_048;

/** How many `"next"` keys, from the end, {@linkcode findNextLink} tries. */
const NEXT_TRIES = 16;

/**
 * The last `"next": "…"` string in a text that may not be valid JSON (a truncated page, or
 * the tail of one too large to read whole); links come after releases in both APIs' pages.
 * `null` when there is none, or it is longer than {@linkcode MAX_NEXT_CHARS}. Bounded work:
 * at most {@linkcode NEXT_TRIES} keys from the end, each read for at most that many
 * characters, after one backwards search.
 *
 * @example
 * ```ts
 * findNextLink('… "links":{"next":"https://x/y?cursor=c"}}'); // "https://x/y?cursor=c"
 * ```
 */
export function findNextLink(text: string): string | null {
  let at = text.length;
  for (let tries = 0; tries < NEXT_TRIES; tries++) {
    const key = text.lastIndexOf('"next"', at - 1);
    if (key < 0) return null;
    at = key;
    const value = stringAfterColon(text, key + 6);
    if (value !== null) return value;
  }
  return null;
}

/** The JSON string value after `: ` at `i`, decoded, or `null`. */
function stringAfterColon(text: string, i: number): string | null {
  i = skipWs(text, i);
  if (text[i] !== ":") return null;
  i = skipWs(text, i + 1);
  if (text[i] !== '"') return null;
  const limit = Math.min(text.length, i + 1 + MAX_NEXT_CHARS * 6); // \uXXXX is 6 characters
  for (let j = i + 1; j < limit; j++) {
    const c = text[j];
    if (c === "\\") j++;
    else if (c === '"') {
      try {
        const value = JSON.parse(text.slice(i, j + 1));
        return typeof value === "string" && value.length <= MAX_NEXT_CHARS ? value : null;
      } catch {
        return null; // an escape we cannot read: treat as no next
      }
    } else if (c === "\n") return null;
  }
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readNext(links: unknown): string | null {
  return isObject(links) && typeof links.next === "string" && links.next !== "" ? links.next : null;
}

function readPackage(value: unknown): { releases: unknown[]; next: string | null } | null {
  if (!isObject(value) || !Array.isArray(value.releases)) return null;
  return { releases: value.releases, next: readNext(value.links) };
}

type Scan =
  | { kind: "ok"; releases: string[]; links: string | null }
  | { kind: "broken"; goodPrefix: number };

/**
 * Finds the raw text of each `releases` element and of `links` in a package whose brackets
 * and strings are intact (the contents may still be invalid).
 */
function scanPackage(text: string): Scan {
  const releases: string[] = [];
  let links: string | null = null;
  let sawReleases = false;
  let i = skipWs(text, 0);
  if (text[i] !== "{") return { kind: "broken", goodPrefix: 0 };
  i = skipWs(text, i + 1);
  if (text[i] === "}") return { kind: "broken", goodPrefix: 0 };
  for (;;) {
    const keyEnd = endOfString(text, i);
    if (keyEnd < 0) return { kind: "broken", goodPrefix: releases.length };
    const key = text.slice(i + 1, keyEnd - 1);
    i = skipWs(text, keyEnd);
    if (text[i] !== ":") return { kind: "broken", goodPrefix: releases.length };
    i = skipWs(text, i + 1);
    if (key === "releases" && text[i] === "[") {
      sawReleases = true;
      i = skipWs(text, i + 1);
      if (text[i] === "]") i++;
      else {
        for (;;) {
          const end = endOfValue(text, i);
          if (end < 0) return { kind: "broken", goodPrefix: releases.length };
          releases.push(text.slice(i, end));
          i = skipWs(text, end);
          if (text[i] === "]") {
            i++;
            break;
          }
          if (text[i] !== ",") return { kind: "broken", goodPrefix: releases.length - 1 };
          i = skipWs(text, i + 1);
        }
      }
    } else {
      const end = endOfValue(text, i);
      if (end < 0) return { kind: "broken", goodPrefix: releases.length };
      if (key === "links") links = text.slice(i, end);
      i = end;
    }
    i = skipWs(text, i);
    if (text[i] === "}") break;
    if (text[i] !== ",") return { kind: "broken", goodPrefix: releases.length };
    i = skipWs(text, i + 1);
  }
  if (!sawReleases || skipWs(text, i + 1) !== text.length) {
    return { kind: "broken", goodPrefix: releases.length };
  }
  return { kind: "ok", releases, links };
}

function skipWs(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
    i++;
  }
  return i;
}

/** Index just after the string starting at `i` (a `"`), or -1 when it does not end. */
function endOfString(text: string, i: number): number {
  if (text[i] !== '"') return -1;
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === "\\") j++;
    else if (c === '"') return j + 1;
    else if (c === "\n") return -1; // raw newlines are not allowed in JSON strings
  }
  return -1;
}

/**
 * Index just after the value starting at `i`, with matching brackets, or -1 when the value
 * does not end properly (truncated, mismatched bracket, unterminated string).
 */
function endOfValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return endOfString(text, i);
  if (c !== "{" && c !== "[") {
    // a primitive (valid or not): up to the next delimiter
    let j = i;
    while (j < text.length && !",}]\n\r\t ".includes(text[j])) j++;
    return j > i ? j : -1;
  }
  const stack: string[] = [];
  for (let j = i; j < text.length; j++) {
    const ch = text[j];
    if (ch === '"') {
      const end = endOfString(text, j);
      if (end < 0) return -1;
      j = end - 1;
    } else if (ch === "{" || ch === "[") stack.push(ch === "{" ? "}" : "]");
    else if (ch === "}" || ch === "]") {
      if (stack.pop() !== ch) return -1;
      if (stack.length === 0) return j + 1;
    }
  }
  return -1;
}
