/**
 * Opens the product's database from its configuration: the MongoDB that `MONGODB_URI` names,
 * or an embedded in-memory jongodb for local runs when it is unset.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * const { db, close } = await openDatabase(loadConfig(Deno.env.toObject()));
 * ```
 * @module
 */
import type { Db } from "mongodb";
import type { Config } from "../config.ts";
import { getLog } from "../log.ts";
import { closeMongoClients, connectDatabase, hostsOf } from "./client.ts";
import { startEmbeddedMongo } from "./embedded.ts";
import { transactionsSupported } from "./transactions.ts";

/** An open database and how to let it go. */
export interface OpenDatabase {
  readonly db: Db;
  /** `true` when data lives in an embedded in-memory server. */
  readonly embedded: boolean;
  /** Closes the client and stops an embedded server (idempotent). */
  close(): Promise<void>;
}

/**
 * Thrown on Deno Deploy when `MONGODB_URI` is unset: an embedded in-memory database there
 * would lose everything at each instance's end and spend the APIs' budgets for nothing.
 */
export class MissingDatabaseError extends Error {
  constructor() {
    super(
      "MONGODB_URI is not set, and on Deno Deploy the product never starts an embedded " +
        "database: nothing will sync. Add it as a secret (deno deploy env add MONGODB_URI " +
        '"mongodb+srv://…" --secret, or the console\'s Environment Variables) for this ' +
        'context, then redeploy. See README "Deploying".',
    );
    this.name = "MissingDatabaseError";
  }
}

/**
 * Connects and pings; throws an error naming the host (never credentials) when MongoDB cannot
 * be reached within the server-selection timeout, and a {@linkcode MissingDatabaseError} on
 * Deno Deploy without `MONGODB_URI` (no embedded server is started there).
 */
export async function openDatabase(
  config: Pick<Config, "mongodbUri" | "mongodbDb" | "platform" | "mongodbTimeouts">,
): Promise<OpenDatabase> {
  const log = getLog("db");
  if (config.mongodbUri === null && config.platform.deploy) throw new MissingDatabaseError();
  if (config.mongodbUri !== null) {
    const db = await connectDatabase(config.mongodbUri, config.mongodbDb, config.mongodbTimeouts);
    const hosts = hostsOf(config.mongodbUri);
    log.info(`Connected to MongoDB at ${hosts}, database ${config.mongodbDb}.`);
    if (!(await transactionsSupported(db))) {
      log.warn(
        `MongoDB at ${hosts} is a standalone server, which has no transactions: every page ` +
          "recounts its buyers from all their notices, which grows with history. Run it as a " +
          "replica set (Atlas always is one; a local mongod: start it with --replSet rs0, then " +
          "run rs.initiate() once).",
      );
    }
    return { db, embedded: false, close: closeMongoClients };
  }
  // Standalone: jongodb copies a collection into every transaction that writes it, which made
  // the demo's pages 20× slower as a replica set; local runs recount buyers per page instead.
  const server = await startEmbeddedMongo();
  log.warn(
    `MONGODB_URI is not set: using an embedded in-memory MongoDB (jongodb) at ${server.uri}. ` +
      "Data is lost when the process stops. Set MONGODB_URI (e.g. in .env) to use a real MongoDB.",
  );
  try {
    const db = await connectDatabase(server.uri, config.mongodbDb, config.mongodbTimeouts);
    return {
      db,
      embedded: true,
      close: async () => {
        await closeMongoClients();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
