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
    serverSelectionTimeoutMS: 30_000,
    connectTimeoutMS: 10_000,
    socketTimeoutMS: 60_000,
    serverMonitoringMode: "poll",
  } satisfies Partial<MongoClientOptions> as MongoClientOptions,
);

/**
 * What went wrong on the way to a usable database: the name resolution (`dns`, including the
 * SRV lookup of a `mongodb+srv://` URI), the connection (`refused`, `tls`, `timeout`), the
 * credentials (`auth`), or the user's rights (`db-not-allowed`: may not use the database at
 * all; `read-only`: may read but not write).
 */
export type ConnectProblem =
  | "dns"
  | "refused"
  | "tls"
  | "timeout"
  | "auth"
  | "db-not-allowed"
  | "read-only"
  | "unknown";

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
  /** What kind of failure it is. */
  readonly problem: ConnectProblem;
  constructor(hosts: string, problem: ConnectProblem, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MongoConnectError";
    this.hosts = hosts;
    this.problem = problem;
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

/** Where the error happened: reaching the server, reading the database, or writing to it. */
export type ConnectStage = "connect" | "read" | "write";

/** Everything an error chain says: codes, system calls, messages (driver errors nest). */
function facts(error: unknown): { codes: Set<string>; syscalls: Set<string>; text: string } {
  const codes = new Set<string>(), syscalls = new Set<string>(), texts: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number) => {
    if (depth > 8 || e === null || typeof e !== "object" || seen.has(e)) return;
    seen.add(e);
    const x = e as {
      code?: unknown;
      codeName?: unknown;
      name?: unknown;
      syscall?: unknown;
      message?: unknown;
      cause?: unknown;
      reason?: { servers?: Map<string, { error?: unknown }> };
    };
    if (x.code !== undefined) codes.add(String(x.code));
    if (typeof x.codeName === "string") codes.add(x.codeName);
    if (typeof x.name === "string") codes.add(x.name);
    if (typeof x.syscall === "string") syscalls.add(x.syscall);
    if (typeof x.message === "string") texts.push(x.message.slice(0, 300));
    visit(x.cause, depth + 1);
    // a server-selection error keeps each server's own error in its topology description
    if (x.reason?.servers instanceof Map) {
      for (const server of x.reason.servers.values()) visit(server.error, depth + 1);
    }
  };
  visit(error, 0);
  if (texts.length === 0) texts.push(String(error).slice(0, 300));
  // nested driver errors often repeat one message: each is said once
  return { codes, syscalls, text: [...new Set(texts)].join(" / ") };
}

/** Classifies an error chain (see {@linkcode ConnectProblem}). */
export function classifyConnectError(
  error: unknown,
  stage: ConnectStage = "connect",
): ConnectProblem {
  const { codes, syscalls, text } = facts(error);
  const has = (...c: string[]) => c.some((x) => codes.has(x));
  if (has("18", "AuthenticationFailed") || /authentication failed|saslstart|scram/i.test(text)) {
    return "auth";
  }
  if (
    has("13", "Unauthorized", "8000", "AtlasError") || /not (authori[sz]ed|allowed)/i.test(text)
  ) {
    return stage === "write" ? "read-only" : "db-not-allowed";
  }
  if (
    has("ENOTFOUND", "EAI_AGAIN", "ESERVFAIL", "ENODATA") ||
    syscalls.has("querySrv") || syscalls.has("queryTxt") || syscalls.has("getaddrinfo")
  ) return "dns";
  if (has("ECONNREFUSED")) return "refused";
  // Deno 2.5's node:tls reports a non-TLS peer as "corrupt message" without an ERR_SSL code
  if (
    [...codes].some((c) =>
      /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(c)
    ) ||
    /\b(SSL|TLS)\b|certificate|handshake|corrupt message|InvalidContentType/i.test(text)
  ) return "tls";
  if (has("ETIMEDOUT", "MongoNetworkTimeoutError") || /timed out|timeout/i.test(text)) {
    return "timeout";
  }
  return "unknown";
}

/**
 * Turns a driver error into an actionable {@linkcode MongoConnectError}: what failed, for which
 * host (never the password), and what to check. `stage` tells a read refusal (the database is
 * not allowed) from a write refusal (a read-only user).
 */
export function describeConnectError(
  uri: string,
  error: unknown,
  options: { readonly stage?: ConnectStage; readonly database?: string } = {},
): MongoConnectError {
  const hosts = hostsOf(uri);
  const srv = /^mongodb\+srv:/i.test(uri);
  const database = options.database ?? "the database";
  const problem = classifyConnectError(error, options.stage);
  const reason = redact(facts(error).text);
  const within = `within ${STARTUP_PING_TIMEOUT_MS} ms`;
  const messages: Record<ConnectProblem, string> = {
    dns:
      `Cannot reach MongoDB at ${hosts}: its name does not resolve${
        srv ? " (the SRV lookup of mongodb+srv:// failed)" : ""
      } (${reason}). Check the host name in MONGODB_URI (Atlas: copy the connection string ` +
      "again) and this machine's DNS.",
    refused: `Cannot reach MongoDB at ${hosts}: the connection was refused (${reason}). ` +
      "Check that MONGODB_URI names a running server and port.",
    tls: `Cannot reach MongoDB at ${hosts}: the TLS handshake failed (${reason}). Check tls ` +
      "options in MONGODB_URI; on Deno Deploy, ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR is a known " +
      "intermittent issue (docs/DEPLOY.md): the next tick usually connects.",
    timeout: `Cannot reach MongoDB at ${hosts} ${within} (${reason}). Check that MONGODB_URI ` +
      "names a running server and that its network access allows this machine (Atlas: " +
      "allow 0.0.0.0/0 for Deno Deploy).",
    auth: `MongoDB at ${hosts} refused the credentials (${reason}). Check the user and ` +
      "password in MONGODB_URI (and authSource, if the user lives in another database).",
    "db-not-allowed": `MongoDB at ${hosts} does not let this user use ${database} ` +
      `(${reason}). Give the user readWrite on ${database}, or set MONGODB_DB to a database ` +
      "it may use.",
    "read-only": `MongoDB at ${hosts} lets this user read ${database} but not write to it ` +
      `(${reason}). Give the user readWrite on ${database} (Atlas: Database Access → Edit).`,
    unknown: `Cannot reach MongoDB at ${hosts} ${within} (${reason}). Check that MONGODB_URI ` +
      "names a running server and that its network access allows this machine (Atlas: " +
      "allow 0.0.0.0/0 for Deno Deploy).",
  };
  return new MongoConnectError(hosts, problem, messages[problem], { cause: error });
}

/** Closes every client of the process (on shutdown; idempotent). */
export async function closeMongoClients(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.allSettled(all.map((c) => c.close()));
}
