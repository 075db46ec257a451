/**
 * MongoDB for tests: the server `MONGODB_URI` names when set (so the suite proves parity on a
 * real MongoDB), otherwise one jongodb per test file, started on first use and stopped when
 * the file's process ends. Each test gets its own database name, so files and tests run in
 * parallel without seeing each other's data.
 *
 * @example
 * ```ts
 * import { mongoTest } from "./support/mongo.ts";
 * mongoTest("stores a contract", async (db) => {
 *   await db.collection("contracts").insertOne({ noticeId: "1" });
 * });
 * ```
 * @module
 */
import type { Db, MongoClient } from "mongodb";
import { type EmbeddedMongo, startEmbeddedMongo } from "../../src/db/embedded.ts";
import { getMongoClient } from "../../src/db/client.ts";

let server: Promise<{ uri: string; embedded: EmbeddedMongo | null }> | null = null;

/** The URI of this file's test server; starts jongodb on first call when needed. */
export async function testMongoUri(): Promise<string> {
  server ??= (async () => {
    const given = Deno.env.get("MONGODB_URI");
    if (given) return { uri: given, embedded: null };
    const embedded = await startEmbeddedMongo();
    globalThis.addEventListener("unload", () => void embedded.stop());
    return { uri: embedded.uri, embedded };
  })();
  return (await server).uri;
}

/** Whether the suite runs against jongodb (some gaps of jongodb are documented there). */
export function usingJongodb(): boolean {
  return !Deno.env.get("MONGODB_URI");
}

let counter = 0;

/** A database name no other test uses, valid on real MongoDB (≤ 63 characters). */
export function freshDbName(label = "t"): string {
  const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, "_").slice(0, 24);
  return `test_${slug}_${Date.now().toString(36)}_${crypto.randomUUID().slice(0, 8)}_${counter++}`;
}

/** A fresh database (and the shared client) for one test. */
export async function freshDb(label?: string): Promise<{ db: Db; client: MongoClient }> {
  const client = getMongoClient(await testMongoUri());
  return { db: client.db(freshDbName(label)), client };
}

/**
 * `Deno.test` with a fresh database. The shared client and server outlive single tests, so
 * the op and resource sanitizers are off for these tests only.
 */
export function mongoTest(
  name: string,
  fn: (db: Db, t: Deno.TestContext) => Promise<void>,
  options: { ignore?: boolean } = {},
): void {
  Deno.test({
    name,
    ignore: options.ignore,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async (t) => {
      const { db } = await freshDb(name);
      await fn(db, t);
    },
  });
}
