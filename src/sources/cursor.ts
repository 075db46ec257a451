/**
 * The cursor a source hands the engine: the API's own cursor, optionally inside a narrowed
 * query of the window. Narrowing keeps the engine's window unchanged (so window planning
 * goes on from its end), while the source asks the API for `[window.from, narrowTo)` only —
 * how the rest of a window is read after a full page that came without `links.next`.
 *
 * Plain API cursors (base64, never containing `|`) are stored as they are, so positions
 * saved before narrowing existed read the same.
 *
 * @example
 * ```ts
 * const text = encodeCursor({ apiCursor: null, narrowTo: new Date(0) }); // "narrow:0"
 * decodeCursor(text); // { apiCursor: null, narrowTo: 1970-01-01T00:00:00.000Z }
 * ```
 * @module
 */

/** Where a source is inside its window. */
export interface WindowCursor {
  /** The API's `cursor`, or `null` for the first page of the (narrowed) query. */
  readonly apiCursor: string | null;
  /** End of the narrowed query, or `null` for the whole window. */
  readonly narrowTo: Date | null;
}

const PREFIX = "narrow:";

/** The cursor as stored in a position (`null` for the window's first page). */
export function encodeCursor(cursor: WindowCursor): string | null {
  if (cursor.narrowTo === null) return cursor.apiCursor;
  const head = `${PREFIX}${cursor.narrowTo.getTime()}`;
  return cursor.apiCursor === null ? head : `${head}|${cursor.apiCursor}`;
}

/** Reads a stored cursor; anything not of the narrowed form is an API cursor. */
export function decodeCursor(text: string | null): WindowCursor {
  if (text === null || !text.startsWith(PREFIX)) return { apiCursor: text, narrowTo: null };
  const [head, ...rest] = text.slice(PREFIX.length).split("|");
  const ms = Number(head);
  if (!/^\d+$/.test(head) || !Number.isSafeInteger(ms)) return { apiCursor: text, narrowTo: null };
  return { apiCursor: rest.length > 0 ? rest.join("|") : null, narrowTo: new Date(ms) };
}
