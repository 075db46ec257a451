/**
 * The process's MongoDB client: created lazily, reused, closed on shutdown, with settings
 * that suit short-lived serverless instances.
 *
 * @example
 * ```ts
 * const db = await connectDatabase("mongodb://127.0.0.1:27017", "procurement");
 * await db.collection("contracts").countDocuments();
 * ```
 * @module
 */
import { type Db, MongoClient, type MongoClientOptions } from "mongodb";
import { redact } from "../log.ts";

/**
 * Settings for every client: a small pool, a short server selection, an app name.
 *
 * Built as a `Partial` and then typed as the whole: under TypeScript 5.9 (Deno 2.5, the runtime
 * Deploy names) the driver's TLS option types resolve without `node:tls`, so every field of
 * `MongoClientOptions` picked from them reads as required and no literal is assignable to it.
 * `satisfies` still refuses a misspelt option on every version.
 */
export const CLIENT_OPTIONS: Readonly<MongoClientOptions> = Object.freeze(
  {
    appName: "procurement-sync",
    maxPoolSize: 5,
    minPoolSize: 0,
    maxIdleTimeMS: 60_000,
    serverSelectionTimeoutMS: 5_000,
    connectTimeoutMS: 5_000,
  } satisfies Partial<MongoClientOptions> as MongoClientOptions,
);

/** Thrown when MongoDB cannot be reached or refuses us; the message has no credentials. */
export class MongoConnectError extends Error {
  /** The `host:port` list of the URI. */
  readonly hosts: string;
  constructor(hosts: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MongoConnectError";
    this.hosts = hosts;
  }
}

/** The `host[:port]` list of a MongoDB URI, without credentials. */
export function hostsOf(uri: string): string {
  const m = /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]*)/.exec(uri);
  return m?.[1] || "(no host)";
}

const clients = new Map<string, MongoClient>();

/** The process's client for `uri`, created on first use (no I/O until an operation runs). */
export function getMongoClient(uri: string): MongoClient {
  let client = clients.get(uri);
  if (!client) {
    client = new MongoClient(uri, CLIENT_OPTIONS);
    clients.set(uri, client);
  }
  return client;
}

/**
 * Returns database `dbName` after a `ping` proves the server is reachable. On failure throws
 * a {@linkcode MongoConnectError} naming the host (never the password) and what to check.
 */
export async function connectDatabase(uri: string, dbName: string): Promise<Db> {
  const db = getMongoClient(uri).db(dbName);
  try {
    await db.command({ ping: 1 });
    return db;
  } catch (error) {
    throw describeConnectError(uri, error);
  }
}

/** Turns a driver error at connect time into an actionable {@linkcode MongoConnectError}. */
export function describeConnectError(uri: string, error: unknown): MongoConnectError {
  const hosts = hostsOf(uri);
  const reason = redact(error instanceof Error ? error.message : String(error));
  const code = (error as { code?: unknown })?.code;
  const auth = code === 18 || /auth/i.test(reason);
  const message = auth
    ? `MongoDB at ${hosts} refused the credentials (${reason}). ` +
      "Check the user and password in MONGODB_URI."
    : `Cannot reach MongoDB at ${hosts} within ${CLIENT_OPTIONS.serverSelectionTimeoutMS} ms ` +
      `(${reason}). Check that MONGODB_URI names a running server and that its network ` +
      "access allows this machine (Atlas: allow 0.0.0.0/0 for Deno Deploy).";
  return new MongoConnectError(hosts, message, { cause: error });
}

/** Closes every client of the process (on shutdown; idempotent). */
export async function closeMongoClients(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.allSettled(all.map((c) => c.close()));
}
