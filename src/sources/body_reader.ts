/**
 * Reads a response body with a byte limit, from its stream: a body over the limit is never
 * held whole. A Deno Deploy isolate has about 512 MB, and one page of 100 MB once took a
 * process from 110 MB to 636 MB; a page of releases is normally 0.1–2 MB.
 *
 * Over the limit, the answer says what the source needs to go on:
 * - by default the read stops at once, reporting how many release objects were complete in
 *   the bytes read so far (so a smaller `limit` that fits can be asked for);
 * - with `skim` (a one-release page that is still too big) the body is read to its end but
 *   only its first and last bytes are kept: the start of the release (for the quarantine)
 *   and the `links.next` at the end (to page on past it).
 *
 * @example
 * ```ts
 * import { readBody } from "./body_reader.ts";
 * import { decodeBody } from "./decode.ts";
 * const url = "https://api.example.org/api/1.0/ocdsReleasePackages";
 * const response = await fetch(url);
 * const body = await readBody(response, { maxBytes: 32 * 1_048_576, skim: false });
 * if (body.kind === "whole") decodeBody(body.bytes);
 * ```
 * @module
 */

/** What {@linkcode readBody} read. */
export type Body =
  | { readonly kind: "whole"; readonly bytes: Uint8Array }
  | {
    readonly kind: "oversized";
    /** Bytes counted while reading (the whole body with `skim`, else at least this many). */
    readonly size: number;
    /**
     * Release objects complete within the first `maxBytes`: how many fit (with `skim`, where
     * one release alone is too large, 0).
     */
    readonly fittingReleases: number;
    /** With `skim`: the first {@linkcode ReadOptions.headBytes} bytes, else `null`. */
    readonly head: Uint8Array | null;
    /** With `skim`: the last {@linkcode ReadOptions.tailBytes} bytes, else `null`. */
    readonly tail: Uint8Array | null;
  };

/** Options of {@linkcode readBody}. */
export interface ReadOptions {
  /** Largest body returned whole. */
  readonly maxBytes: number;
  /** Read an oversized body to its end, keeping its head and tail (see the module doc). */
  readonly skim: boolean;
  /** @default {32768} */
  readonly headBytes?: number;
  /** @default {65536} */
  readonly tailBytes?: number;
}

/**
 * Reads `response`'s body under `options.maxBytes` (see the module doc). Rejects like the
 * stream does (a reset connection, an aborted request).
 */
export async function readBody(response: Response, options: ReadOptions): Promise<Body> {
  // `content-length` is not trusted to refuse early: reading up to the limit costs bytes, but
  // counting what fits saves requests, which the APIs' rate limits make the dearer of the two
  const { maxBytes, skim } = options;
  if (response.body === null) return { kind: "whole", bytes: new Uint8Array(0) };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { kind: "whole", bytes: concat(chunks, total) };
    chunks.push(value);
    total += value.byteLength;
    if (total > maxBytes) break;
  }
  if (!skim) {
    const fittingReleases = completeReleases(chunks, maxBytes);
    chunks.length = 0;
    await reader.cancel().catch(() => {});
    return { kind: "oversized", size: total, fittingReleases, head: null, tail: null };
  }
  const head = firstBytes(chunks, options.headBytes ?? 32_768);
  const tailBytes = options.tailBytes ?? 65_536;
  let tail = lastBytes(chunks, tailBytes);
  chunks.length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    tail = lastBytes([tail, value], tailBytes);
  }
  return { kind: "oversized", size: total, fittingReleases: 0, head, tail };
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** A copy of the first `n` bytes of `chunks` (only those are copied). */
function firstBytes(chunks: readonly Uint8Array[], n: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let got = 0;
  for (const chunk of chunks) {
    if (got >= n) break;
    const part = chunk.subarray(0, n - got);
    parts.push(part);
    got += part.byteLength;
  }
  return concat(parts, got).slice();
}

/** A copy of the last `n` bytes of `chunks` (only those are copied). */
function lastBytes(chunks: readonly Uint8Array[], n: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let got = 0;
  for (let i = chunks.length - 1; i >= 0 && got < n; i--) {
    const chunk = chunks[i];
    const part = chunk.subarray(Math.max(0, chunk.byteLength - (n - got)));
    parts.unshift(part);
    got += part.byteLength;
  }
  return concat(parts, got).slice();
}

/**
 * How many objects of the package's top-level array (`releases`) end within the first
 * `limit` bytes: one pass over the bytes tracking nesting and strings (a truncated JSON text
 * cannot be parsed, but its complete elements can be counted).
 */
export function completeReleases(chunks: readonly Uint8Array[], limit: number): number {
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** Container kinds at depths 1 and 2: `{` and `[` (deeper ones do not matter). */
  const kinds: number[] = [];
  let count = 0;
  let seen = 0;
  for (const chunk of chunks) {
    const n = Math.min(chunk.byteLength, limit - seen);
    for (let i = 0; i < n; i++) {
      const b = chunk[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (b === 0x5c) escaped = true; // backslash
        else if (b === 0x22) inString = false;
        continue;
      }
      if (b === 0x22) inString = true;
      else if (b === 0x7b || b === 0x5b) { // { [
        depth++;
        if (depth <= 2) kinds[depth] = b;
      } else if (b === 0x7d || b === 0x5d) { // } ]
        // an object closing at depth 3 inside an array inside the package: one release
        if (depth === 3 && b === 0x7d && kinds[2] === 0x5b && kinds[1] === 0x7b) count++;
        depth--;
      }
    }
    seen += n;
    if (seen >= limit) break;
  }
  return count;
}

/**
 * The first `n` bytes of a body (an error page: only its start is ever shown), then the rest
 * is cancelled unread.
 *
 * @example
 * ```ts
 * const url = "https://api.example.org/api/1.0/ocdsReleasePackages";
 * const response = await fetch(url);
 * const start = await readHead(response, 4096);
 * ```
 */
export async function readHead(response: Response, n: number): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let got = 0;
  while (got < n) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    got += value.byteLength;
  }
  if (got >= n) await reader.cancel().catch(() => {});
  return firstBytes(chunks, n);
}
