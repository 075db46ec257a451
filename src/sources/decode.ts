/**
 * Response bytes → text. UTF-8 when the bytes are valid UTF-8 (the fast, usual case);
 * otherwise byte by byte: every valid UTF-8 sequence stays UTF-8 and every invalid byte is
 * read as Windows-1252 (CF sends stray ISO-8859-1/Windows-1252 bytes). Decoding a whole
 * mixed body as Windows-1252 would turn its valid multi-byte characters into mojibake.
 *
 * @example
 * ```ts
 * import { decodeBody } from "./decode.ts";
 * decodeBody(new Uint8Array([0x43, 0x61, 0x66, 0xe9])); // { text: "Café", warnings: [...] }
 * ```
 * @module
 */

const utf8Strict = new TextDecoder("utf-8", { fatal: true });
const utf8 = new TextDecoder("utf-8");
const windows1252 = new TextDecoder("windows-1252");

/** Decoded text and what was odd about the bytes. */
export interface DecodedBody {
  readonly text: string;
  readonly warnings: readonly string[];
}

/**
 * Decodes a response body (see the module doc). A leading byte-order mark is dropped.
 *
 * @example
 * ```ts
 * decodeBody(new TextEncoder().encode('{"a":1}')).text; // '{"a":1}'
 * ```
 */
export function decodeBody(bytes: Uint8Array): DecodedBody {
  try {
    return { text: utf8Strict.decode(bytes), warnings: [] };
  } catch {
    // not valid UTF-8: fall through to the byte-by-byte reading below
  }
  const parts: string[] = [];
  let runStart = 0;
  let invalid = 0;
  let i = 0;
  while (i < bytes.length) {
    const n = utf8SequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (i > runStart) parts.push(utf8.decode(bytes.subarray(runStart, i)));
    parts.push(windows1252.decode(bytes.subarray(i, i + 1)));
    invalid++;
    i++;
    runStart = i;
  }
  if (runStart < bytes.length) parts.push(utf8.decode(bytes.subarray(runStart)));
  let text = parts.join("");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return {
    text,
    warnings: [`${invalid} byte(s) were not UTF-8 and were read as Windows-1252`],
  };
}

function isContinuation(b: number | undefined): boolean {
  return b !== undefined && b >= 0x80 && b <= 0xbf;
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the byte there starts none. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  if (b < 0x80) return 1;
  const b1 = bytes[i + 1];
  if (b >= 0xc2 && b <= 0xdf) return isContinuation(b1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    // E0 needs A0–BF (no overlong forms), ED needs 80–9F (no surrogates)
    const lo = b === 0xe0 ? 0xa0 : 0x80;
    const hi = b === 0xed ? 0x9f : 0xbf;
    return b1 !== undefined && b1 >= lo && b1 <= hi && isContinuation(bytes[i + 2]) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const lo = b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xf4 ? 0x8f : 0xbf;
    return b1 !== undefined && b1 >= lo && b1 <= hi && isContinuation(bytes[i + 2]) &&
        isContinuation(bytes[i + 3])
      ? 4
      : 0;
  }
  return 0;
}
