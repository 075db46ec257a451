/**
 * Opaque page cursors of the read API. A cursor holds the last item's position (sort value
 * and `_id`) and is bound to the query that made it: it carries a digest of the query's
 * filters and sort, and a check over both, so a cursor used with another query, or edited, is
 * refused with a 400 instead of silently paging something else. (The check is a digest, not a
 * secret: a forged cursor can only ever name a position in the same public query.)
 *
 * @example
 * ```ts
 * import { ObjectId } from "mongodb";
 * const position = { value: new Date("2026-11-30T09:00:00Z"), id: new ObjectId() };
 * const token = await encodeCursor(position, "q=road&sort=-published");
 * const back = await decodeCursor(token, "q=road&sort=-published"); // the same position
 * ```
 * @module
 */
import { ObjectId } from "mongodb";
import type { Position } from "../../db/keyset.ts";
import { BadRequest } from "./params.ts";

const encoder = new TextEncoder();

/** Longest text `_id` a cursor carries (procurement keys: `{source}:{ocid}`). */
const MAX_TEXT_ID = 300;
/** Longest cursor body, base64url characters (a text key of MAX_TEXT_ID and its position). */
const MAX_BODY = 560;

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

async function digest(text: string, bytes = 12): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", encoder.encode(text));
  return base64url(new Uint8Array(hash).subarray(0, bytes));
}

/** The form of the position inside a cursor. */
interface Payload {
  /** `d` date (ms), `n` number, `s` text. */
  readonly t: "d" | "n" | "s";
  readonly v: number | string;
  /** `_id`: 24 hex digits of an `ObjectId`, or the text key itself when `k` is `s`. */
  readonly i: string;
  /** Kind of `_id`: `s` a text key; absent, an `ObjectId`. */
  readonly k?: "s";
  /** Digest of the query. */
  readonly q: string;
}

/**
 * A cursor for `position` in the query whose canonical form is `query` (its filters and
 * sort, not its limit or cursor).
 *
 * @example
 * ```ts
 * import { ObjectId } from "mongodb";
 * await encodeCursor({ value: new Date(), id: new ObjectId() }, "sort=-published");
 * ```
 */
export async function encodeCursor(position: Position, query: string): Promise<string> {
  const v = position.value;
  const payload: Payload = {
    t: v instanceof Date ? "d" : typeof v === "number" ? "n" : "s",
    v: v instanceof Date ? v.getTime() : v,
    i: typeof position.id === "string" ? position.id : position.id.toHexString(),
    ...(typeof position.id === "string" ? { k: "s" as const } : {}),
    q: await digest(query),
  };
  const body = base64url(encoder.encode(JSON.stringify(payload)));
  return `${body}.${await digest(`${body}\n${query}`)}`;
}

/**
 * The position in a cursor, checked against the query it is used with; a
 * {@linkcode BadRequest} naming `cursor` when it is malformed, edited, or from another query.
 *
 * @example
 * ```ts
 * await decodeCursor("eyJ0Ijo…", "sort=-published");
 * ```
 */
export async function decodeCursor(token: string, query: string): Promise<Position> {
  const bad = (why: string) =>
    new BadRequest(
      "cursor",
      `cursor ${why}; use the \`next\` of the previous answer with the same parameters, or ` +
        "leave cursor out to start again.",
    );
  const dot = token.indexOf(".");
  const body = dot > 0 ? token.slice(0, dot) : "";
  const check = dot > 0 ? token.slice(dot + 1) : "";
  const bytes = body.length <= MAX_BODY ? fromBase64url(body) : null;
  if (!bytes || check.length === 0) throw bad("is not a cursor of this API");
  let payload: Partial<Payload>;
  try {
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw bad("is not a cursor of this API");
  }
  if (typeof payload !== "object" || payload === null) throw bad("is not a cursor of this API");
  if (payload.q !== await digest(query)) throw bad("belongs to another query");
  if (check !== await digest(`${body}\n${query}`)) throw bad("has been altered");
  const { t, v, i, k } = payload;
  const textKey = k === "s";
  if (
    typeof i !== "string" ||
    (textKey ? i.length === 0 || i.length > MAX_TEXT_ID : !/^[0-9a-f]{24}$/.test(i))
  ) {
    throw bad("has been altered");
  }
  const id = textKey ? i : new ObjectId(i);
  if ((t === "d" || t === "n") && typeof v === "number" && Number.isFinite(v)) {
    return { value: t === "d" ? new Date(v) : v, id };
  }
  if (t === "s" && typeof v === "string" && v.length <= 200) {
    return { value: v, id };
  }
  throw bad("has been altered");
}
