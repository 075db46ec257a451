/**
 * Strict, linear-time reading of a query string against a list of allowed parameters: an
 * unknown or repeated parameter, a value of the wrong form, a control character or an
 * over-long query string is a {@linkcode BadRequest} naming the parameter. Values never reach
 * MongoDB as anything but plain strings, numbers and dates (no operator, no regular
 * expression); every pattern here is anchored and fixed-width or a single character class, so
 * no input can make a check backtrack.
 *
 * @example
 * ```ts
 * import { LIMIT } from "./resource.ts";
 * const values = parseParams(new URL("http://x/?limit=5"), [LIMIT]);
 * values.limit; // 5
 * ```
 * @module
 */

/** The forms a parameter can take. */
export type ParamKind =
  | { readonly kind: "text"; readonly max: number }
  | { readonly kind: "enum"; readonly values: readonly string[] }
  /** `YYYY-MM-DD` (a whole UTC day) or `YYYY-MM-DDTHH:MM:SSZ`; `end` → the day's end. */
  | { readonly kind: "date"; readonly end: boolean }
  /** A non-negative amount: digits, optionally `.` and up to 2 decimals. */
  | { readonly kind: "amount" }
  | { readonly kind: "integer"; readonly min: number; readonly max: number }
  /** An identifier: 1–200 printable characters, no spaces. */
  | { readonly kind: "id" }
  /** Digits only, `min`–`max` of them (CPV prefixes). */
  | { readonly kind: "digits"; readonly min: number; readonly max: number }
  /** Upper-case letters then letters/digits, 2–5 characters (ITL/NUTS region codes). */
  | { readonly kind: "region" }
  /** An opaque cursor token (checked by its own module). */
  | { readonly kind: "cursor" };

/** One allowed parameter. */
export interface ParamSpec {
  readonly name: string;
  readonly kind: ParamKind;
  /** For people and the OpenAPI document. */
  readonly description: string;
}

/** A parsed value. */
export type ParamValue = string | number | Date;

import { BadRequest } from "../errors.ts";

export { BadRequest };

/** Longest query string accepted, in characters (as sent, percent-encoded). */
export const MAX_QUERY_LENGTH = 2048;

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const AMOUNT = /^\d{1,15}(\.\d{1,2})?$/;
const INTEGER = /^\d{1,9}$/;
const ID = /^[\x21-\x7e\u00a0-\uffff]{1,200}$/;
const DIGITS = /^\d+$/;
const REGION = /^[A-Z]{2}[A-Z0-9]{0,3}$/;

/**
 * A date parameter: calendar-checked (`2025-02-30` is refused, never rolled into March).
 * `end` makes a bare day mean the end of that day (an exclusive bound: the next midnight).
 *
 * @example
 * ```ts
 * parseDate("2025-02-28", true)?.toISOString(); // "2025-03-01T00:00:00.000Z"
 * parseDate("2025-02-30", false); // null
 * ```
 */
export function parseDate(text: string, end: boolean): Date | null {
  const m = DAY.exec(text) ?? INSTANT.exec(text);
  if (!m) return null;
  const [y, mo, d, h = "0", mi = "0", s = "0"] = m.slice(1).map((x) => x ?? "0");
  const n = [y, mo, d, h, mi, s].map(Number);
  const ms = Date.UTC(n[0], n[1] - 1, n[2], n[3], n[4], n[5]);
  const back = new Date(ms);
  const same = back.getUTCFullYear() === n[0] && back.getUTCMonth() === n[1] - 1 &&
    back.getUTCDate() === n[2] && back.getUTCHours() === n[3] &&
    back.getUTCMinutes() === n[4] && back.getUTCSeconds() === n[5];
  if (!same || n[0] < 1900 || n[0] > 2200) return null;
  const bareDay = m.length === 4;
  return new Date(end && bareDay ? ms + 86_400_000 : ms);
}

function parseValue(spec: ParamSpec, raw: string): ParamValue {
  const k = spec.kind;
  const bad = (form: string): never => {
    throw new BadRequest(spec.name, `${spec.name} must be ${form}.`);
  };
  switch (k.kind) {
    case "text":
      if (raw.length > k.max) bad(`at most ${k.max} characters (got ${raw.length})`);
      return raw;
    case "enum":
      return k.values.includes(raw) ? raw : bad(`one of ${k.values.join(", ")}`);
    case "date":
      return parseDate(raw, k.end) ??
        bad("a real date such as 2026-01-31, or an instant such as 2026-01-31T09:00:00Z");
    case "amount":
      return AMOUNT.test(raw) ? Number(raw) : bad("a non-negative amount such as 25000 or 99.50");
    case "integer": {
      const n = INTEGER.test(raw) ? Number(raw) : NaN;
      return n >= k.min && n <= k.max ? n : bad(`an integer from ${k.min} to ${k.max}`);
    }
    case "id":
      return ID.test(raw) ? raw : bad("an identifier of 1–200 characters without spaces");
    case "digits":
      return raw.length >= k.min && raw.length <= k.max && DIGITS.test(raw)
        ? raw
        : bad(`${k.min}–${k.max} digits`);
    case "region":
      return REGION.test(raw) ? raw : bad("a region code such as UKI or UKD3 (ITL/NUTS)");
    case "cursor":
      return raw.length <= 600 ? raw : bad("a cursor from the `next` of an earlier answer");
  }
}

/**
 * Reads `url`'s query string against `specs`. Throws {@linkcode BadRequest} on the first
 * problem: an over-long query string (naming its longest parameter), a parameter not in
 * `specs`, one given twice, a control character, or a value of the wrong form.
 *
 * @example
 * ```ts
 * import { NOTICES } from "./notice_resource.ts";
 * import { listParams } from "./resource.ts";
 * const specs = listParams(NOTICES);
 * parseParams(new URL("http://x/?q=road&q=rail"), specs); // throws: q is given twice
 * ```
 */
export function parseParams(
  url: URL,
  specs: readonly ParamSpec[],
): Record<string, ParamValue> {
  if (url.search.length > MAX_QUERY_LENGTH) {
    // name the parameter that carries most of it: one split, linear
    let longest = "", size = -1;
    for (const part of url.search.slice(1).split("&")) {
      if (part.length > size) {
        size = part.length;
        longest = part.slice(0, Math.min(part.length, 40)).split("=")[0];
      }
    }
    let name = longest;
    try {
      name = decodeURIComponent(longest);
    } catch {
      // a broken escape: name it as sent
    }
    throw new BadRequest(
      name.slice(0, 40),
      `The query string is ${url.search.length} characters, more than ${MAX_QUERY_LENGTH}; ` +
        `${JSON.stringify(name.slice(0, 40))} is the longest parameter. Narrow the query.`,
    );
  }
  const byName = new Map(specs.map((s) => [s.name, s]));
  const out: Record<string, ParamValue> = {};
  const seen = new Set<string>();
  for (const [name, raw] of url.searchParams) {
    const spec = byName.get(name);
    const shown = JSON.stringify(name.slice(0, 40));
    if (!spec) {
      throw new BadRequest(
        name.slice(0, 40),
        `Unknown parameter ${shown}; allowed: ${specs.map((s) => s.name).join(", ")}.`,
      );
    }
    if (seen.has(name)) {
      throw new BadRequest(name, `${name} is given more than once; give it once.`);
    }
    seen.add(name);
    if (CONTROL.test(raw)) {
      throw new BadRequest(name, `${name} contains a control character; send plain text.`);
    }
    if (raw === "") continue; // an empty form field means "no filter"
    out[name] = parseValue(spec, raw);
  }
  return out;
}
