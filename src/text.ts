/**
 * Untrusted text made safe to show: control characters and bidi overrides made visible, and
 * lengths capped with an ellipsis. Notice titles, upstream error bodies and cursors come from
 * the internet; a NUL or BEL rings or hides text in a terminal, and a right-to-left override
 * (U+202E) reorders what a person reads in a page. Every function here is one linear pass.
 *
 * @example
 * ```ts
 * import { capText, visibleText } from "./text.ts";
 * visibleText("bell\u0007 and \u202Eevil"); // "bell␇ and �evil"
 * capText("a".repeat(10), 5); // "aaaa…"
 * ```
 * @module
 */

/**
 * C0 controls other than tab, line feed and carriage return, DEL, C1 controls, the bidi
 * embedding/override/isolate controls, the Arabic letter mark, LRM/RLM and the Unicode line
 * and paragraph separators. A character class: one step per character, no backtracking.
 */
const INVISIBLE = new RegExp(
  "[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f" +
    "\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]",
  "g",
);

/** Options of {@linkcode visibleText}. */
export interface VisibleOptions {
  /**
   * Also make a carriage return visible (`␍`): on a terminal it moves the cursor back and
   * lets text overwrite a line. HTML ignores it, so pages keep it.
   * @default {false}
   */
  readonly carriageReturn?: boolean;
}

function picture(c: string): string {
  const code = c.charCodeAt(0);
  // C0 controls have pictures at U+2400 + code (␀ … ␟), DEL at U+2421 (␡)
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return "\u2421";
  return "\ufffd"; // C1 controls, bidi controls and separators: the replacement character
}

/**
 * Replaces control characters and bidi controls with visible stand-ins (see the module doc);
 * every other character, tab and line feed included, is kept as it is.
 *
 * @example
 * ```ts
 * visibleText("a\u0000b"); // "a␀b"
 * visibleText("x\ry", { carriageReturn: true }); // "x␍y"
 * ```
 */
export function visibleText(text: string, options: VisibleOptions = {}): string {
  const out = text.replace(INVISIBLE, picture);
  return options.carriageReturn ? out.replaceAll("\r", "\u240d") : out;
}

/**
 * Escapes, inside a JSON text, the characters `JSON.stringify` leaves raw but that a
 * terminal or log viewer acts on (DEL, C1, bidi controls, line separators) as `\uXXXX`: the
 * JSON means exactly the same, and nothing reorders or hides the line.
 *
 * @example
 * ```ts
 * jsonVisible(JSON.stringify("a\u202Eb")); // '"a\\u202eb"'
 * ```
 */
export function jsonVisible(json: string): string {
  // JSON.stringify already escapes C0; the class still lists them, harmlessly
  return json.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * `text` cut to at most `max` characters, ending with `…` when cut (never in the middle of a
 * surrogate pair).
 *
 * @example
 * ```ts
 * capText("abcdef", 4); // "abc…"
 * capText("abc", 4); // "abc"
 * ```
 */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  let head = text.slice(0, Math.max(0, max - 1));
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  return `${head}…`;
}

/**
 * `text` without its final full stop (and surrounding blanks), so it can be followed by `;`,
 * `:` or `.` without doubling punctuation (`same position.; cf:`). An ellipsis is kept.
 *
 * @example
 * ```ts
 * clause("fts: the next run resumes from the same position. "); // "fts: the next run resumes from the same position"
 * clause("cut…"); // "cut…"
 * ```
 */
export function clause(text: string): string {
  const trimmed = text.trim();
  return trimmed.endsWith(".") && !trimmed.endsWith("..") ? trimmed.slice(0, -1) : trimmed;
}

/**
 * `text` without the `/` characters it ends with, in one pass from the end: linear however
 * many there are (`/\/+$/` retries from every slash of a long run, quadratic in its length).
 *
 * @example
 * ```ts
 * import { trimTrailingSlashes } from "./text.ts";
 * trimTrailingSlashes("/status//"); // "/status"
 * trimTrailingSlashes("/a/b"); // "/a/b"
 * ```
 */
export function trimTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x2f) end--;
  return end === text.length ? text : text.slice(0, end);
}
