/**
 * Multi-document transactions, for writes that must land together or not at all (a page's
 * notices and the buyer counts they move). Atlas is always a replica set, so it has them; a
 * standalone `mongod` does not, and callers then take their documented fallback.
 *
 * A transaction is retried as a whole when the server says it may succeed on a second try
 * (`TransientTransactionError`: a write conflict with a concurrent writer, a failover), and
 * when its own work finds that what it read has changed ({@linkcode TransactionConflict}).
 * A commit whose outcome is unknown (`UnknownTransactionCommitResult`) is committed again,
 * which the server makes idempotent.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * if (await transactionsSupported(db)) {
 *   await inTransaction(db, async (session) => {
 *     await db.collection("a").insertOne({ x: 1 }, { session });
 *     await db.collection<{ _id: string; n: number }>("b")
 *       .updateOne({ _id: "n" }, { $inc: { n: 1 } }, { session });
 *   });
 * }
 * ```
 * @module
 */
import type { ClientSession, Db, MongoClient, TransactionOptions } from "mongodb";
import { isDuplicateKeyError } from "./duplicate_key.ts";

/**
 * Thrown by a transaction's work when a write did not find what the transaction read (a
 * guard missed, a key is taken): the transaction is aborted and run again from its reads.
 */
export class TransactionConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TransactionConflict";
  }
}

/** Thrown when a transaction kept conflicting until its retry budget ran out. */
export class TransactionRetriesExhausted extends Error {
  /** Attempts made. */
  readonly attempts: number;
  constructor(what: string, attempts: number, options?: ErrorOptions) {
    super(
      `${what}: the transaction conflicted with concurrent writes ${attempts} times in a row ` +
        "and was given up; nothing of it was written. The next run tries again.",
      options,
    );
    this.name = "TransactionRetriesExhausted";
    this.attempts = attempts;
  }
}

const probes = new WeakMap<MongoClient, Promise<boolean>>();

/**
 * Whether the server behind `db` runs transactions: a replica-set member (Atlas always is one)
 * or a `mongos`. Asked once per client with `hello`; a failed probe is asked again next time.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "./client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const atomic = await transactionsSupported(db);
 * ```
 */
export function transactionsSupported(db: Db): Promise<boolean> {
  const client = db.client;
  let probe = probes.get(client);
  if (probe === undefined) {
    probe = db.admin().command({ hello: 1 }).then((hello) =>
      typeof hello.setName === "string" || hello.msg === "isdbgrid"
    );
    probe.catch(() => probes.delete(client));
    probes.set(client, probe);
  }
  return probe;
}

/** Options of {@linkcode inTransaction}. */
export interface InTransactionOptions {
  /** Names the work in errors, e.g. `"Page of fts"`. @default {"A transaction"} */
  readonly what?: string;
  /** Attempts before giving up. @default {8} */
  readonly maxAttempts?: number;
  /** First wait between attempts, in ms; doubles per attempt, with jitter. @default {50} */
  readonly retryBaseMs?: number;
}

/**
 * Snapshot reads and majority writes: what the transaction reads is one consistent view, and
 * what it commits survives a failover.
 */
const TRANSACTION_OPTIONS: TransactionOptions = Object.freeze({
  readConcern: { level: "snapshot" as const },
  writeConcern: { w: "majority" as const },
  readPreference: "primary" as const,
});

/** Transactions of one client run one at a time in this process (see below). */
const queues = new WeakMap<MongoClient, Promise<unknown>>();

/**
 * Runs `work` in a transaction and commits it, retrying the whole as described in the module
 * doc. `work` must do all its reads and writes with `session` and may run more than once.
 *
 * The transactions of one process take turns. On MongoDB a conflict between two concurrent
 * transactions is detected and one of them retried, so this only spares those retries between
 * the two sources of one instance; it also keeps counts exact on servers that do not detect
 * write conflicts at all (the embedded test server), where two interleaved transactions
 * could otherwise overwrite each other's increments.
 */
export function inTransaction<T>(
  db: Db,
  work: (session: ClientSession) => Promise<T>,
  options: InTransactionOptions = {},
): Promise<T> {
  const client = db.client;
  const previous = queues.get(client) ?? Promise.resolve();
  const run = previous.catch(() => {}).then(() => attempt(client, work, options));
  const settled = run.catch(() => {});
  queues.set(client, settled);
  // forget the queue once idle, so a long-lived client does not keep a chain of promises
  settled.then(() => {
    if (queues.get(client) === settled) queues.delete(client);
  });
  return run;
}

async function attempt<T>(
  client: MongoClient,
  work: (session: ClientSession) => Promise<T>,
  options: InTransactionOptions,
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 8;
  const base = options.retryBaseMs ?? 50;
  for (let n = 1;; n++) {
    const session = client.startSession();
    try {
      session.startTransaction(TRANSACTION_OPTIONS);
      const result = await work(session);
      await commit(session, maxAttempts);
      return result;
    } catch (error) {
      if (session.inTransaction()) {
        // the server aborts it by itself after a while; a failed abort loses nothing
        await session.abortTransaction().catch(() => {});
      }
      if (!retryable(error)) throw error;
      if (n >= maxAttempts) {
        throw new TransactionRetriesExhausted(options.what ?? "A transaction", n, {
          cause: error,
        });
      }
      const wait = Math.min(2_000, base * 2 ** (n - 1));
      await new Promise((r) => setTimeout(r, wait * (0.5 + Math.random() / 2)));
    } finally {
      await session.endSession().catch(() => {});
    }
  }
}

/** Commits, committing again while the outcome is unknown (the server dedupes it). */
async function commit(session: ClientSession, maxAttempts: number): Promise<void> {
  for (let n = 1;; n++) {
    try {
      await session.commitTransaction();
      return;
    } catch (error) {
      if (!hasLabel(error, "UnknownTransactionCommitResult") || n >= maxAttempts) throw error;
    }
  }
}

/**
 * Worth running again from the start: the server's transient errors, a conflict found by the
 * work itself, and a duplicate key (another writer inserted a key after this transaction's
 * snapshot was taken; the next attempt reads it).
 */
function retryable(error: unknown): boolean {
  return error instanceof TransactionConflict || hasLabel(error, "TransientTransactionError") ||
    isDuplicateKeyError(error);
}

function hasLabel(error: unknown, label: string): boolean {
  const e = error as { hasErrorLabel?: (l: string) => boolean } | null;
  return typeof e?.hasErrorLabel === "function" && e.hasErrorLabel(label);
}
