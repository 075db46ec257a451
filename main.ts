/**
 * Entry point: wiring only. Deno Deploy evaluates this module's top level to find crons, so
 * the cron is registered here, before `Deno.serve`, and nothing waits on I/O first: the
 * database opens in the background and the cron handler and the HTTP routes wait for it.
 * @module
 */
import { ConfigError, loadConfig } from "./src/config.ts";
import { errorText, getLog, secretsOfUri, setupLogging } from "./src/log.ts";
import { clause } from "./src/text.ts";
import { MissingDatabaseError, openDatabase } from "./src/db/open.ts";
import { ensureIndexes } from "./src/db/indexes.ts";
import { createApp } from "./src/http/app.ts";
import { indexWarnings, type StatusWarning } from "./src/http/status.ts";
import { startupKvProblems } from "./src/sync/kv_probe.ts";
import { installShutdownSignals, isShuttingDown, onShutdown, shutdown } from "./src/shutdown.ts";
import {
  createCronHandler,
  CRON_BACKOFF,
  CRON_NAME,
  cronCallback,
} from "./src/sync/cron_handler.ts";
import type { EngineDeps } from "./src/sync/engine.ts";
import { startupSyncAnnouncement } from "./src/sync/startup.ts";
import { engineDeps, openKv } from "./src/sync/wiring.ts";

let config;
try {
  config = loadConfig(Deno.env.toObject());
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`${error.message}\nFix these environment variables (see README) and restart.`);
  Deno.exit(1);
}
setupLogging({
  level: config.logLevel,
  format: config.logFormat,
  deploy: config.platform.deploy,
  secrets: [...secretsOfUri(config.mongodbUri), config.triggerToken, config.api.readToken],
});
const log = getLog("app");
installShutdownSignals();

// Cleanups are registered before anything resolves, so a SIGINT during start-up still stops
// an embedded server that is starting (each waits for its resource, at most 4 s).
const database = openDatabase(config);
onShutdown(async () => (await database.catch(() => null))?.close());
const kvOpen = openKv(config);
onShutdown(async () => (await kvOpen.catch(() => null))?.close());

/** Start-up findings shown on /status: stale indexes, KV settings. */
const warnings: StatusWarning[] = [];
/** Set when the product cannot work at all but must keep serving (see below). */
let problem: string | null = null;

/** The engine's dependencies, once the database is open and indexed (indexes: once, here). */
const engine: Promise<EngineDeps> = (async () => {
  const [open, kv] = await Promise.all([database, kvOpen]);
  // an index that cannot be brought in line is reported (log, /status), never fatal
  warnings.push(...indexWarnings((await ensureIndexes(open.db)).stale));
  for (const found of await startupKvProblems({ config, db: open.db, kv })) {
    log.warn(found.message);
    if (found.code === "kv-path-on-deploy") warnings.push(found);
  }
  return engineDeps(config, { db: open.db, kv });
})();
engine.catch(async (error) => {
  // After a shutdown began (SIGINT, or a port clash reported below), the database failing is
  // its consequence — the client was closed — not a second cause: one FATAL per cause.
  if (isShuttingDown()) return;
  log.fatal(`Cannot start: ${errorText(error)}`);
  if (error instanceof MissingDatabaseError) {
    // On Deploy the process stays up: its cron stays registered (each tick fails, saying why)
    // and /health answers 503 with the reason, rather than a crash loop that says nothing.
    problem = error.message;
    return;
  }
  await shutdown();
  Deno.exit(1);
});

/** The engine for the cron and the routes; once shutting down, its failure is nobody's news. */
const ready = () =>
  engine.catch((error) => isShuttingDown() ? new Promise<never>(() => {}) : Promise.reject(error));
const syncTick = createCronHandler({ config, ready });
// A failed tick is one log line; only on Deploy is it thrown again, for Deploy's retries.
Deno.cron(
  CRON_NAME,
  config.cron.schedule,
  { backoffSchedule: [...CRON_BACKOFF] },
  cronCallback(syncTick, { retry: config.platform.deploy }),
);
log.info(`Cron "${CRON_NAME}" scheduled: ${config.cron.schedule} (UTC).`);
const startup = startupSyncAnnouncement(config);
if (startup !== null) {
  // One run now, so a newcomer sees data within minutes; the handler logs its failures.
  log.info(startup);
  cronCallback(createCronHandler({ config, ready, trigger: "startup" }))();
}

try {
  const app = createApp({ config, ready, problem: () => problem, warnings: () => warnings });
  const server = Deno.serve({
    port: config.port,
    onListen: ({ hostname, port }) =>
      log.info(`Listening on http://${hostname}:${port}/`, { hostname, port }),
  }, app.handler);
  onShutdown(() => server.shutdown());
} catch (error) {
  log.fatal(
    `Cannot listen on port ${config.port}: ${clause(errorText(error))}. Set PORT to a free port.`,
  );
  await shutdown();
  Deno.exit(1);
}
