/**
 * Tells MongoDB's duplicate-key error (code 11000) from other failures: a unique key another
 * writer stored first. Writers that race on purpose (fenced upserts, idempotent inserts, a
 * retried transaction, a run record written twice) treat it as "already there".
 *
 * @example
 * ```ts
 * import { isDuplicateKeyError } from "./duplicate_key.ts";
 * isDuplicateKeyError({ code: 11000 }); // true
 * isDuplicateKeyError(new Error("timeout")); // false
 * ```
 * @module
 */

/** MongoDB's `DuplicateKey` error code (a unique index refused the write). */
const DUPLICATE_KEY = 11000;

/**
 * Whether `error` is a duplicate-key error: a driver error (or a bulk write error, whose code
 * is that of its first failed write) with code 11000.
 *
 * @example
 * ```ts
 * import { isDuplicateKeyError } from "./duplicate_key.ts";
 * const already = (e: unknown) => {
 *   if (!isDuplicateKeyError(e)) throw e; // anything else is a real failure
 *   return true; // another writer stored it first
 * };
 * already({ code: 11000 }); // true
 * ```
 */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === "object" && error !== null &&
    (error as { code?: unknown }).code === DUPLICATE_KEY;
}
