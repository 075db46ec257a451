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
import type { MongoTimeouts } from "../config.ts";
import { redact } from "../log.ts";

/**
 * Settings for every client: a small pool, an app name, and timeouts for failover (the
 * defaults of `MONGODB_SERVER_SELECTION_TIMEOUT` and `MONGODB_OPERATION_TIMEOUT`). Server
 * selection outlasts a replica-set election (median about 12 s), so a failover delays a page
 * instead of failing it. The driver (7.x) ignores `timeoutMS`, so an operation's bound is
 * the socket timeout: no answer for that long and the operation fails. Servers are watched by
 * polling (what MongoDB advises for serverless functions, whose instances sleep between
 * requests) rather than a held-open streaming `hello`, which jongodb's replica-set mode also
 * breaks off ("Server ended moreToCome unexpectedly", clearing the pool mid-operation).
 */
export const CLIENT_OPTIONS: MongoClientOptions = Object.freeze({
  appName: "procurement-sync",
  maxPoolSize: 5,
  minPoolSize: 0,
  maxIdleTimeMS: 60_000,
  serverSelectionTimeoutMS: 30_000,
  connectTimeoutMS: 10_000,
  socketTimeoutMS: 60_000,
  serverMonitoringMode: "poll",
});

/** How long the start-up ping waits: a wrong URI or a closed network fails start-up fast. */
export const STARTUP_PING_TIMEOUT_MS = 5_000;

/**
 * The client settings for `timeouts` (see {@linkcode CLIENT_OPTIONS}).
 *
 * @example
 * ```ts
 * clientOptions({ serverSelectionMs: 30_000, operationMs: 60_000 }).serverSelectionTimeoutMS; // 30000
 * ```
 */
export function clientOptions(timeouts?: MongoTimeouts): MongoClientOptions {
  if (!timeouts) return CLIENT_OPTIONS;
  return {
    ...CLIENT_OPTIONS,
    serverSelectionTimeoutMS: timeouts.serverSelectionMs,
    socketTimeoutMS: timeouts.operationMs,
  };
}

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

/**
 * The process's client for `uri`, created on first use (no I/O until an operation runs) with
 * `timeouts` (the first caller's settings stay: one client per URI).
 */
export function getMongoClient(uri: string, timeouts?: MongoTimeouts): MongoClient {
  let client = clients.get(uri);
  if (!client) {
    client = new MongoClient(uri, clientOptions(timeouts));
    clients.set(uri, client);
  }
  return client;
}

/**
 * Returns database `dbName` after a `ping` proves the server is reachable. On failure throws
 * a {@linkcode MongoConnectError} naming the host (never the password) and what to check.
 * The ping goes through a short-lived client that selects a server for at most
 * {@linkcode STARTUP_PING_TIMEOUT_MS}, so start-up fails fast with the driver's reason, while
 * the process's client keeps the longer server selection of `timeouts` for sync work.
 */
export async function connectDatabase(
  uri: string,
  dbName: string,
  timeouts?: MongoTimeouts,
): Promise<Db> {
  const probe = new MongoClient(uri, {
    ...clientOptions(timeouts),
    serverSelectionTimeoutMS: STARTUP_PING_TIMEOUT_MS,
    connectTimeoutMS: STARTUP_PING_TIMEOUT_MS,
    maxPoolSize: 1,
  });
  try {
    await probe.db(dbName).command({ ping: 1 });
  } catch (error) {
    throw describeConnectError(uri, error);
  } finally {
    await probe.close().catch(() => {});
  }
  return getMongoClient(uri, timeouts).db(dbName);
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
    : `Cannot reach MongoDB at ${hosts} within ${STARTUP_PING_TIMEOUT_MS} ms ` +
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
