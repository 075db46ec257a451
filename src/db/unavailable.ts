/**
 * Tells "the database is away" from other failures, so callers can answer `503, try again`
 * instead of `500`, with a reason that names no host (the driver's messages name them).
 *
 * @example
 * ```ts
 * import { isDatabaseUnavailable } from "./unavailable.ts";
 * import { getMongoClient } from "./client.ts";
 * import { json, problem } from "../http/respond.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * async function countNotices(): Promise<Response> {
 *   try {
 *     return json({ notices: await db.collection("contracts").countDocuments() });
 *   } catch (e) {
 *     if (isDatabaseUnavailable(e)) return problem(503, "The database is unreachable …");
 *     throw e;
 *   }
 * }
 * ```
 * @module
 */

/**
 * Driver errors that mean MongoDB cannot be reached or the client is gone (by class name, so
 * this module needs no driver import); `MongoConnectError` is ours (`client.ts`).
 */
const UNAVAILABLE = new Set([
  "MongoServerSelectionError",
  "MongoNetworkError",
  "MongoNetworkTimeoutError",
  "MongoTopologyClosedError",
  "MongoNotConnectedError",
  "MongoPoolClearedError",
  "MongoExpiredSessionError",
  "MongoOperationTimeoutError",
  "MongoConnectError",
]);

/**
 * Whether `error` (or one of its causes) says MongoDB is unreachable.
 *
 * @example
 * ```ts
 * isDatabaseUnavailable(new Error("x")); // false
 * ```
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (UNAVAILABLE.has(e.name) || UNAVAILABLE.has(e.constructor.name)) return true;
  }
  return false;
}
