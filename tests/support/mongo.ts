/**
 * MongoDB for tests: the server `MONGODB_URI` names when set (so the suite proves parity on a
 * real MongoDB), otherwise jongodb, started on first use per test file and stopped when the
 * file's process ends: a single-node replica set by default (the product then writes pages in
 * transactions, as on Atlas), or a standalone server for tests of the path without
 * transactions and for the long crash test (jongodb copies a collection into every
 * transaction that writes it, which makes transactional pages slow once it holds thousands). Each test gets its own database name, so files and tests run in
 * parallel without seeing each other's data, and drops it when done where the server can
 * (`dropDatabase`; jongodb cannot, and its data dies with the process), so repeated runs on a
 * real server do not pile up databases.
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
import { closeMongoClients, getMongoClient } from "../../src/db/client.ts";

const servers = new Map<boolean, Promise<{ uri: string; embedded: EmbeddedMongo | null }>>();

/** Options of {@linkcode testMongoUri}. */
export interface TestServerOptions {
  /** A replica set (transactions) or a standalone jongodb; `MONGODB_URI` wins. @default true */
  readonly replicaSet?: boolean;
}

/** The URI of this file's test server; starts jongodb on first call when needed. */
export async function testMongoUri(options: TestServerOptions = {}): Promise<string> {
  const replicaSet = options.replicaSet ?? true;
  let server = servers.get(replicaSet);
  if (!server) {
    server = (async () => {
      const given = Deno.env.get("MONGODB_URI");
      if (given) return { uri: given, embedded: null };
      const embedded = await startEmbeddedMongo({ replicaSet });
      globalThis.addEventListener("unload", () => void embedded.stop());
      return { uri: embedded.uri, embedded };
    })();
    servers.set(replicaSet, server);
  }
  return (await server).uri;
}

/** Whether the suite runs against jongodb (some gaps of jongodb are documented there). */
export function usingJongodb(): boolean {
  return !Deno.env.get("MONGODB_URI");
}

/**
 * The name suffix of tests that only a real MongoDB can run; on jongodb they are `ignore`d,
 * so the test output lists them as ignored under a name that says why.
 */
export const NEEDS_REAL_MONGODB = "(needs a real MongoDB: set MONGODB_URI)";

let counter = 0;

/** A database name no other test uses, valid on real MongoDB (≤ 63 characters). */
export function freshDbName(label = "t"): string {
  const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, "_").slice(0, 24);
  return `test_${slug}_${Date.now().toString(36)}_${crypto.randomUUID().slice(0, 8)}_${counter++}`;
}

/** A fresh database for one test; `await using` drops it at the end of the scope. */
export interface TestDb extends AsyncDisposable {
  readonly db: Db;
  readonly client: MongoClient;
}

/** A fresh database (and the shared client) for one test, dropped when disposed. */
export async function freshDb(label?: string, options: TestServerOptions = {}): Promise<TestDb> {
  const client = getMongoClient(await testMongoUri(options));
  const db = client.db(freshDbName(label));
  return { db, client, [Symbol.asyncDispose]: () => dropTestDb(db) };
}

let dropSupported: boolean | null = null;

/**
 * Drops a test database where the server supports `dropDatabase` (a real MongoDB); on a
 * server without it (jongodb: "no such command") it does nothing, and fresh names keep tests
 * apart. Never throws: a failed clean-up must not fail the test that used the database.
 */
export async function dropTestDb(db: Db): Promise<void> {
  if (dropSupported === false) return;
  try {
    await db.dropDatabase();
    dropSupported = true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 59) dropSupported = false; // CommandNotFound
    else console.warn(`Could not drop test database ${db.databaseName}: ${error}`);
  }
}

/**
 * Drops `db` at the end of the scope: `await using _ = dropping(db);` (see
 * {@linkcode dropTestDb}).
 */
export function dropping(db: Db): AsyncDisposable {
  return { [Symbol.asyncDispose]: () => dropTestDb(db) };
}

const warmed = new Set<boolean>();

/**
 * Starts this file's test server in a `beforeAll` hook (once per kind), so that no test owns
 * the jongodb process and its drained output pipes, which would fail its resource and op
 * sanitizers. {@linkcode mongoTest} calls it; a file whose tests call `testMongoUri` directly
 * calls it at the top.
 */
export function startTestServerFirst(options: TestServerOptions = {}): void {
  const replicaSet = options.replicaSet ?? true;
  if (warmed.has(replicaSet)) return;
  warmed.add(replicaSet);
  Deno.test.beforeAll(async () => void await testMongoUri({ replicaSet }));
}

/**
 * `Deno.test` with a fresh database, dropped afterwards (see {@linkcode dropTestDb}), under
 * the resource sanitizer: what outlives a test is set up outside every test. The test server
 * is started in a `beforeAll` hook ({@linkcode startTestServerFirst}), and the pooled clients
 * are closed when each test ends (their pool and monitor timers would fire during the next
 * test). The op sanitizer stays off: jongodb prints a line for every client connection that
 * closes ("tcp client io failure: Connection reset"), so the read of its output, pending since
 * start-up, completes during a test that closes one.
 */
export function mongoTest(
  name: string,
  fn: (db: Db, t: Deno.TestContext) => Promise<void>,
  options: { ignore?: boolean } & TestServerOptions = {},
): void {
  if (!options.ignore) startTestServerFirst(options);
  Deno.test({
    name,
    ignore: options.ignore,
    sanitizeOps: false,
    fn: async (t) => {
      try {
        await using fresh = await freshDb(name, options);
        await fn(fresh.db, t);
      } finally {
        await closeMongoClients();
        // let jongodb print its "Connection reset" lines now, not during the next test
        if (usingJongodb()) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  });
}

/**
 * A {@linkcode mongoTest} that only a real MongoDB can run (jongodb lacks what it checks): on
 * jongodb it is listed as ignored, its name ending in {@linkcode NEEDS_REAL_MONGODB}.
 */
export function realMongoTest(name: string, fn: (db: Db, t: Deno.TestContext) => Promise<void>) {
  mongoTest(`${name} ${NEEDS_REAL_MONGODB}`, fn, { ignore: usingJongodb() });
}
