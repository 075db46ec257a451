/**
 * The run at start-up: whether there is one, and the log line that announces it. There is
 * one with `SYNC_ON_START`, and with the embedded database unless `DEV_FIRST_SYNC_SPAN` is 0
 * (see {@linkcode Config.devFirstSync}): a newcomer's `deno task dev` then shows data within
 * minutes instead of waiting for the next cron tick. Its runs are recorded with the trigger
 * `startup`.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * import { startupSyncAnnouncement } from "./startup.ts";
 * startupSyncAnnouncement(loadConfig({})); // "The startup sync begins now: fts from 3 days ago…"
 * ```
 * @module
 */
import type { Config, StartDate } from "../config.ts";

const DAY = 86_400_000;

/** A start date as a person reads it: `3 days ago`, `12 hours ago`, `2021-01-01`. */
function since(start: StartDate): string {
  if (start.kind === "date") return start.at.toISOString().replace(/T00:00:00\.000Z$/, "");
  const { ms } = start;
  if (ms % DAY === 0) return `${ms / DAY} day${ms === DAY ? "" : "s"} ago`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} hours ago`;
  return `${Math.round(ms / 60_000)} minutes ago`;
}

/**
 * The line that announces the start-up run (with the word `startup`, the trigger its runs
 * are recorded with), or `null` when there is none.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * startupSyncAnnouncement(loadConfig({ MONGODB_URI: "mongodb://h/db" })); // null
 * ```
 */
export function startupSyncAnnouncement(
  config: Pick<Config, "cron" | "devFirstSync" | "sync" | "sources">,
): string | null {
  if (!config.cron.onStart && config.devFirstSync === null) return null;
  const sources = config.sync.sources
    .map((s) => `${s} from ${since(config.sources[s].startDate)}`)
    .join(", ");
  const why = config.devFirstSync !== null
    ? "embedded database, DEV_FIRST_SYNC_SPAN; data appears on the dashboard within minutes"
    : "SYNC_ON_START";
  return `The startup sync begins now: ${sources} (${why}). The cron keeps it up to date.`;
}
