/**
 * `JSON.parse` that repairs the invalid number forms the APIs are known to send (GUIDE §2)
 * and says what it changed:
 * - numbers with leading zeros (` 000,`, `007`) are a syntax error: they become `0`, `7`;
 * - numbers out of range (`1e9999`) parse as `Infinity`, which no database stores: they
 *   become `null`.
 * Strings are never touched. The strict parse runs first, so valid pages pay nothing extra.
 *
 * @example
 * ```ts
 * import { parseJson } from "./json_repair.ts";
 * parseJson('{"a": 000, "b": 1e9999}');
 * // { ok: true, value: { a: 0, b: null }, repairs: ["1 number(s) with leading zeros …", …] }
 * ```
 * @module
 */

/** The result of {@linkcode parseJson}. */
export type JsonResult =
  | { readonly ok: true; readonly value: unknown; readonly repairs: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** Strings (skipped) or number tokens (checked), in document order. */
const TOKENS = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
/** A cheap hint that a number may overflow: an exponent of three or more digits. */
const BIG_EXPONENT = /\d[eE][+-]?\d{3}/;

/**
 * Parses JSON, repairing known invalid number forms (see the module doc).
 *
 * @example
 * ```ts
 * parseJson("[1, 2]"); // { ok: true, value: [1, 2], repairs: [] }
 * parseJson("[1, "); // { ok: false, error: "…" }
 * ```
 */
export function parseJson(text: string): JsonResult {
  let strict: { value: unknown } | { error: string };
  try {
    strict = { value: JSON.parse(text) };
    if (!BIG_EXPONENT.test(text)) return { ok: true, value: strict.value, repairs: [] };
  } catch (error) {
    strict = { error: error instanceof Error ? error.message : String(error) };
  }
  const { text: repaired, repairs } = repairNumbers(text);
  if (repairs.length === 0) {
    // nothing to repair: the strict answer stands (a big exponent inside a string, say)
    return "value" in strict
      ? { ok: true, value: strict.value, repairs: [] }
      : { ok: false, error: strict.error };
  }
  try {
    return { ok: true, value: JSON.parse(repaired), repairs };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Rewrites leading-zero and out-of-range number tokens outside strings.
 *
 * @example
 * ```ts
 * repairNumbers('{"n": 007, "s": "007"}').text; // '{"n": 7, "s": "007"}'
 * ```
 */
export function repairNumbers(text: string): { text: string; repairs: string[] } {
  let zeros = 0;
  let huge = 0;
  let zeroExample = "";
  let hugeExample = "";
  const out = text.replace(TOKENS, (token) => {
    if (token.charCodeAt(0) === 34 /* " */) return token;
    if (/^-?0\d/.test(token)) {
      zeros++;
      zeroExample ||= token;
      token = token.replace(/^(-?)0+(?=\d)/, "$1");
    }
    if (!Number.isFinite(Number(token))) {
      huge++;
      hugeExample ||= token;
      return "null";
    }
    return token;
  });
  const repairs: string[] = [];
  if (zeros > 0) {
    repairs.push(
      `${zeros} number(s) with leading zeros repaired (e.g. ${zeroExample.slice(0, 20)})`,
    );
  }
  if (huge > 0) {
    repairs.push(
      `${huge} out-of-range number(s) replaced by null (e.g. ${hugeExample.slice(0, 20)})`,
    );
  }
  return { text: out, repairs };
}
