/**
 * The start of a maintenance task (`compile`, `recount`, `remap`): log lines at `warning` in the
 * configured format with the URI's secrets redacted, then the database opened — or one line
 * saying why it could not be, for the task to exit 1.
 *
 * @example
 * ```ts
 * import { openTaskDatabase } from "./task_database.ts";
 * import { loadConfig } from "../config.ts";
 * const open = await openTaskDatabase(loadConfig(Deno.env.toObject()));
 * if (open === null) Deno.exit(1);
 * ```
 * @module
 */
import type { Config } from "../config.ts";
import { type OpenDatabase, openDatabase } from "../db/open.ts";
import { errorText, secretsOfUri, setupLogging } from "../log.ts";

/** Sets up logging for a task and opens its database; `null` (reason printed) when it cannot. */
export async function openTaskDatabase(config: Config): Promise<OpenDatabase | null> {
  setupLogging({
    level: "warning",
    format: config.logFormat,
    secrets: secretsOfUri(config.mongodbUri),
  });
  return await openDatabase(config).catch((error) => {
    console.error(errorText(error));
    return null;
  });
}
