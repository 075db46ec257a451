/**
 * Tolerant readers for untrusted JSON: each one looks at one field, checks its type at run
 * time, and either returns a usable value or records a {@linkcode MappingWarning} and returns
 * `undefined`. None of them throws, whatever the input.
 *
 * Paths are only built when a warning is recorded, so reading a well-formed release costs no
 * string concatenation.
 *
 * @example
 * ```ts
 * import { amount, isRecord, text, Warnings } from "./read.ts";
 * const w = new Warnings();
 * const raw: unknown = JSON.parse('{"value":{"amount":"1,000.50"},"title":" Roads "}');
 * if (isRecord(raw)) {
 *   text(raw, "title", "", w); // "Roads"
 * }
 * w.toArray(); // []
 * ```
 * @module
 */
import type { MappingWarning } from "./documents.ts";

/** A JSON object whose values are not yet trusted. */
export type UnknownRecord = { readonly [key: string]: unknown };

/** Every warning code the mapper can emit (the README lists what each means). */
export type WarningCode =
  | "wrong-type"
  | "text-truncated"
  | "array-truncated"
  | "invalid-id"
  | "amount-as-string"
  | "non-numeric-amount"
  | "negative-amount"
  | "invalid-date"
  | "date-without-offset"
  | "currency-mismatch"
  | "missing-buyer"
  | "buyer-not-in-parties"
  | "party-without-name"
  | "malformed-cpv"
  | "unknown-cpv-division"
  | "cpv-without-scheme"
  | "no-cpv"
  | "notice-id-without-sequence"
  | "ocid-prefix-mismatch"
  | "placeholder-amount"
  | "value-range-inverted"
  | "award-outside-estimate"
  | "date-only-deadline"
  | "invalid-duration"
  | "invalid-url"
  | "too-many-warnings";

/** Longest text kept (title, description …); longer text is cut, with a warning. */
export const MAX_TEXT = 20_000;
/** Longest identifier accepted; real ids are under 100 characters. */
export const MAX_ID = 256;
/** Most elements read from one array (parties, items, suppliers …). */
export const MAX_ARRAY = 1_000;
/** Most warnings kept per release, so junk input cannot grow a document without bound. */
export const MAX_WARNINGS = 50;

/**
 * Collects the warnings of one release, capped at {@linkcode MAX_WARNINGS}.
 *
 * @example
 * ```ts
 * import { Warnings } from "./read.ts";
 * const w = new Warnings();
 * w.add("invalid-date", "not a date: 'soon'", "tender.tenderPeriod.endDate");
 * w.toArray().length; // 1
 * ```
 */
export class Warnings {
  readonly #list: MappingWarning[] = [];

  /** Records one warning (or, past the cap, a single `too-many-warnings`). */
  add(code: WarningCode, message: string, path: string | null): void {
    if (this.#list.length < MAX_WARNINGS) {
      this.#list.push({ code, message, path });
    } else if (this.#list.length === MAX_WARNINGS) {
      this.#list.push({
        code: "too-many-warnings",
        message: `more than ${MAX_WARNINGS} warnings; the rest were dropped`,
        path: null,
      });
    }
  }

  /** The warnings recorded so far, oldest first. */
  toArray(): MappingWarning[] {
    return [...this.#list];
  }
}

/**
 * True for a JSON object (not `null`, not an array).
 *
 * @example
 * ```ts
 * import { isRecord } from "./read.ts";
 * isRecord({}); // true
 * isRecord([]); // false
 * ```
 */
export function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `parent.key`, or `key` at the top level. */
export function join(parent: string, key: string): string {
  return parent === "" ? key : `${parent}.${key}`;
}

/** Short description of a value's JSON type for warning messages. */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/**
 * An own property of `obj` (never one inherited from `Object.prototype`, so a key such as
 * `constructor` in the input cannot surprise us), or `undefined`.
 *
 * @example
 * ```ts
 * import { field } from "./read.ts";
 * field({ a: 1 }, "a"); // 1
 * field({}, "constructor"); // undefined
 * ```
 */
export function field(obj: UnknownRecord | undefined, key: string): unknown {
  if (obj === undefined) return undefined;
  const v = obj[key];
  // Most reads miss (optional fields); a hit is checked to be the object's own.
  return v !== undefined && Object.hasOwn(obj, key) ? v : undefined;
}

/**
 * Reads a nested object. `null`/absent → `undefined` quietly; any other type → a warning.
 *
 * @example
 * ```ts
 * import { record, Warnings } from "./read.ts";
 * record({ tender: { id: "1" } }, "tender", "", new Warnings()); // { id: "1" }
 * ```
 */
export function record(
  obj: UnknownRecord | undefined,
  key: string,
  at: string,
  w: Warnings,
): UnknownRecord | undefined {
  const v = field(obj, key);
  if (isRecord(v)) return v;
  if (v !== undefined && v !== null) {
    w.add("wrong-type", `expected an object, found ${typeName(v)}; ignored`, join(at, key));
  }
  return undefined;
}

/**
 * Reads an array, capped at {@linkcode MAX_ARRAY} elements. A lone object where an array is
 * expected is read as a one-element array (some publishers do that); other types warn.
 *
 * @example
 * ```ts
 * import { array, Warnings } from "./read.ts";
 * array({ tag: ["tender"] }, "tag", "", new Warnings()); // ["tender"]
 * ```
 */
export function array(
  obj: UnknownRecord | undefined,
  key: string,
  at: string,
  w: Warnings,
): readonly unknown[] {
  const v = field(obj, key);
  if (Array.isArray(v)) {
    if (v.length <= MAX_ARRAY) return v;
    w.add(
      "array-truncated",
      `${v.length} elements; only the first ${MAX_ARRAY} were read`,
      join(at, key),
    );
    return v.slice(0, MAX_ARRAY);
  }
  if (v === undefined || v === null) return [];
  if (isRecord(v)) {
    w.add("wrong-type", "expected an array, found one object; read as [object]", join(at, key));
    return [v];
  }
  w.add("wrong-type", `expected an array, found ${typeName(v)}; ignored`, join(at, key));
  return [];
}

/**
 * Calls `read` on every object element of an array, skipping (with a warning) elements that
 * are not objects. `read` gets the element and its path.
 *
 * @example
 * ```ts
 * import { objects, text, Warnings } from "./read.ts";
 * const w = new Warnings();
 * objects({ items: [{ id: "1" }, 2] }, "items", "", w, (o, at) => text(o, "id", at, w));
 * // ["1", …] and a warning for `items[1]`
 * ```
 */
export function objects<T>(
  obj: UnknownRecord | undefined,
  key: string,
  at: string,
  w: Warnings,
  read: (element: UnknownRecord, path: string) => T,
): T[] {
  const list = array(obj, key, at, w);
  const out: T[] = [];
  for (let i = 0; i < list.length; i++) {
    const el = list[i];
    const path = `${join(at, key)}[${i}]`;
    if (isRecord(el)) out.push(read(el, path));
    else if (el !== null) {
      w.add("wrong-type", `expected an object, found ${typeName(el)}; skipped`, path);
    }
  }
  return out;
}

function cut(raw: string, path: string, w: Warnings): string {
  // Lone UTF-16 surrogates cannot be encoded as UTF-8 (BSON, JSON lines, URLs): replace them.
  const s = raw.isWellFormed() ? raw : raw.toWellFormed();
  if (s.length <= MAX_TEXT) return s;
  w.add("text-truncated", `${s.length} characters; cut to ${MAX_TEXT}`, path);
  const head = s.slice(0, MAX_TEXT);
  // Never cut an emoji (a surrogate pair) in half: that would leave a lone surrogate.
  return head.isWellFormed() ? head : head.slice(0, -1);
}

/**
 * Reads human text: trimmed, empty → `undefined`, cut at {@linkcode MAX_TEXT}. A number or
 * boolean is turned into text with a warning; other types warn and read as absent.
 *
 * @example
 * ```ts
 * import { text, Warnings } from "./read.ts";
 * text({ title: "  Roads " }, "title", "tender", new Warnings()); // "Roads"
 * ```
 */
export function text(
  obj: UnknownRecord | undefined,
  key: string,
  at: string,
  w: Warnings,
): string | undefined {
  const v = field(obj, key);
  if (typeof v === "string") {
    const s = v.trim();
    return s === "" ? undefined : cut(s, join(at, key), w);
  }
  if (v === undefined || v === null) return undefined;
  const path = join(at, key);
  if (typeof v === "number" || typeof v === "boolean") {
    w.add("wrong-type", `expected text, found ${typeof v}; converted`, path);
    return String(v);
  }
  w.add("wrong-type", `expected text, found ${typeName(v)}; ignored`, path);
  return undefined;
}

/**
 * Reads an identifier: a non-empty string of at most {@linkcode MAX_ID} characters, or an
 * integer (OCDS allows integer ids), as a trimmed string.
 *
 * @example
 * ```ts
 * import { id, Warnings } from "./read.ts";
 * id({ id: 1 }, "id", "awards[0]", new Warnings()); // "1"
 * ```
 */
export function id(
  obj: UnknownRecord | undefined,
  key: string,
  at: string,
  w: Warnings,
): string | undefined {
  const v = field(obj, key);
  if (typeof v === "string") {
    const s = v.trim();
    if (s === "") return undefined;
    if (s.length > MAX_ID) {
      w.add("invalid-id", `identifier of ${s.length} characters; ignored`, join(at, key));
      return undefined;
    }
    if (!s.isWellFormed()) {
      w.add(
        "invalid-id",
        "identifier holds broken unicode (a lone surrogate); ignored",
        join(at, key),
      );
      return undefined;
    }
    return s;
  }
  if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
  if (v === undefined || v === null) return undefined;
  w.add("invalid-id", `expected a string id, found ${typeName(v)}; ignored`, join(at, key));
  return undefined;
}

/** Thousands separators, spaces and a leading currency sign, as seen in hand-typed amounts. */
const AMOUNT_NOISE = /[,\s\u00a0]|^[£$€]/g;
const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * Reads a money amount. A finite number is taken as is; a string such as `"1,000.50"` or
 * `"£95000"` is parsed with an `amount-as-string` warning; anything else (text, `Infinity`
 * from `1e9999`, objects …) warns `non-numeric-amount` and reads as absent.
 *
 * @example
 * ```ts
 * import { amount, Warnings } from "./read.ts";
 * const w = new Warnings();
 * amount({ amount: "1,000.50" }, "amount", "tender.value", w); // 1000.5
 * w.toArray()[0].code; // "amount-as-string"
 * ```
 */
export function amount(
  obj: UnknownRecord | undefined,
  key: string,
  at: string,
  w: Warnings,
): number | undefined {
  const v = field(obj, key);
  if (v === undefined || v === null) return undefined;
  const path = join(at, key);
  let n: number | undefined;
  if (typeof v === "number") {
    if (Number.isFinite(v)) n = v;
  } else if (typeof v === "string" && v.length <= 64) {
    const cleaned = v.trim().replace(AMOUNT_NOISE, "");
    if (DECIMAL.test(cleaned)) {
      n = Number(cleaned);
      w.add("amount-as-string", `amount given as text ${JSON.stringify(v)}; read as ${n}`, path);
    }
  }
  if (n === undefined) {
    const shown = typeof v === "string" ? JSON.stringify(v.slice(0, 40)) : typeName(v);
    w.add("non-numeric-amount", `amount ${shown} is not a number; ignored`, path);
    return undefined;
  }
  if (n < 0) w.add("negative-amount", `negative amount ${n} kept as published`, path);
  return n;
}

/**
 * Reads a list of short strings (tags, roles), skipping non-strings with a warning.
 *
 * @example
 * ```ts
 * import { strings, Warnings } from "./read.ts";
 * strings({ tag: ["award", 3, "contract"] }, "tag", "", new Warnings()); // ["award", "contract"]
 * ```
 */
export function strings(
  obj: UnknownRecord | undefined,
  key: string,
  at: string,
  w: Warnings,
): string[] {
  const v = field(obj, key);
  // A lone string where a list is expected (`"tag": "tender"`) is a common slip; accept it.
  const list = typeof v === "string" ? [v] : array(obj, key, at, w);
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const el = list[i];
    if (typeof el === "string" && el.trim() !== "" && el.length <= MAX_ID && el.isWellFormed()) {
      out.push(el.trim());
    } else {
      w.add(
        "wrong-type",
        `expected a short string, found ${typeName(el)}; skipped`,
        `${join(at, key)}[${i}]`,
      );
    }
  }
  return out;
}

// ISO 8601 date or date-time as OCDS publishes it. Anything looser is refused because
// `new Date()` reads many other shapes in the host's local zone, which differs per machine.
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses an ISO 8601 date or date-time. Date-only values read as UTC midnight. A date-time
 * without an offset is read as UTC and reported as `no-offset`; anything else that is not a
 * real calendar instant is `invalid`.
 *
 * @example
 * ```ts
 * import { parseIsoDate } from "./read.ts";
 * parseIsoDate("2026-04-10T10:50:13+01:00"); // { date: 2026-04-10T09:50:13.000Z }
 * parseIsoDate("tomorrow"); // { problem: "invalid" }
 * ```
 */
export function parseIsoDate(
  s: string,
): { readonly date: Date; readonly problem?: "no-offset" } | { readonly problem: "invalid" } {
  const fast = fastDateTime(s);
  if (fast !== undefined) return { date: fast };
  const m = ISO_DATE.exec(s.trim());
  if (m === null) return { problem: "invalid" };
  const [, y, mo, d, h, mi, , zone] = m;
  const month = Number(mo), day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return { problem: "invalid" };
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59)) return { problem: "invalid" };
  const noOffset = h !== undefined && zone === undefined;
  const normalised = s.trim().replace(" ", "T") + (noOffset ? "Z" : "");
  const date = new Date(h === undefined ? `${y}-${mo}-${d}T00:00:00Z` : normalised);
  if (Number.isNaN(date.getTime())) return { problem: "invalid" };
  // Reject 31 February and the like, which Date silently rolls over into March.
  const probe = new Date(0);
  probe.setUTCFullYear(Number(y), month - 1, day);
  if (probe.getUTCDate() !== day) return { problem: "invalid" };
  return noOffset ? { date, problem: "no-offset" } : { date };
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number of the two digits at `i`, or -1 when they are not two ASCII digits. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48, b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The common shapes, `YYYY-MM-DDTHH:MM:SSZ` and `YYYY-MM-DDTHH:MM:SS±HH:MM`, read from their
 * character codes (a page holds hundreds of dates; the regex and `Date` parsing cost more than
 * the rest of the release). `undefined` for anything else or anything doubtful, which the
 * full parser then decides.
 */
function fastDateTime(s: string): Date | undefined {
  const n = s.length;
  if (n !== 20 && n !== 25) return undefined;
  if (s[4] !== "-" || s[7] !== "-" || s[10] !== "T" || s[13] !== ":" || s[16] !== ":") {
    return undefined;
  }
  const century = twoDigits(s, 0), yy = twoDigits(s, 2);
  const month = twoDigits(s, 5), day = twoDigits(s, 8);
  const hour = twoDigits(s, 11), minute = twoDigits(s, 14), second = twoDigits(s, 17);
  // Years before 100 would be read as 19xx by Date.UTC: leave them to the full parser.
  if (century < 1 || yy < 0 || month < 1 || month > 12 || day < 1) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return undefined;
  }
  const year = century * 100 + yy;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1] || (month === 2 && day === 29 && !leap)) return undefined;
  let offsetMinutes = 0;
  if (n === 20) {
    if (s[19] !== "Z") return undefined;
  } else {
    const sign = s[19] === "+" ? 1 : s[19] === "-" ? -1 : 0;
    const oh = twoDigits(s, 20), om = twoDigits(s, 23);
    if (sign === 0 || s[22] !== ":" || oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute - offsetMinutes, second));
}

/**
 * Reads a date field into a `Date`, warning on text that is not an ISO 8601 instant.
 *
 * @example
 * ```ts
 * import { date, Warnings } from "./read.ts";
 * date({ endDate: "2026-05-08T23:59:59+01:00" }, "endDate", "tender.tenderPeriod", new Warnings());
 * ```
 */
export function date(
  obj: UnknownRecord | undefined,
  key: string,
  at: string,
  w: Warnings,
): Date | undefined {
  const v = field(obj, key);
  if (v === undefined || v === null) return undefined;
  const path = join(at, key);
  if (typeof v !== "string") {
    w.add("invalid-date", `expected a date string, found ${typeName(v)}; ignored`, path);
    return undefined;
  }
  if (v.trim() === "") return undefined;
  const parsed = parseIsoDate(v);
  if (parsed.problem === "invalid") {
    w.add("invalid-date", `not an ISO 8601 date: ${JSON.stringify(v.slice(0, 40))}; ignored`, path);
    return undefined;
  }
  if (parsed.problem === "no-offset") {
    w.add("date-without-offset", `date-time ${JSON.stringify(v)} has no offset; read as UTC`, path);
  }
  return parsed.date;
}
