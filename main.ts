/**
 * Entry point: wiring only. Deno Deploy evaluates this module's top level to find crons, so
 * nothing here waits on I/O before `Deno.serve`.
 * @module
 */
import { ConfigError, loadConfig } from "./src/config.ts";
import { errorText, getLog, secretsOfUri, setupLogging } from "./src/log.ts";
import { openDatabase } from "./src/db/open.ts";
import { createHandler } from "./src/http/app.ts";
import { installShutdownSignals, onShutdown, shutdown } from "./src/shutdown.ts";

let config;
try {
  config = loadConfig(Deno.env.toObject());
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`${error.message}\nFix these environment variables (see README) and restart.`);
  Deno.exit(1);
}
setupLogging({ level: config.logLevel, secrets: secretsOfUri(config.mongodbUri) });
const log = getLog("app");
installShutdownSignals();

/** The database, opened in the background so nothing Deploy needs at start-up waits on it. */
const database = openDatabase(config);
database.then(
  (open) => onShutdown(open.close),
  async (error) => {
    log.fatal(`Cannot start: ${errorText(error)}`);
    await shutdown();
    Deno.exit(1);
  },
);

try {
  const server = Deno.serve({
    port: config.port,
    onListen: ({ hostname, port }) =>
      log.info(`Listening on http://${hostname}:${port}/`, { hostname, port }),
  }, createHandler());
  onShutdown(() => server.shutdown());
} catch (error) {
  log.fatal(`Cannot listen on port ${config.port}: ${errorText(error)}. Set PORT to a free port.`);
  await shutdown();
  Deno.exit(1);
}
