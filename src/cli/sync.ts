/**
 * `deno task sync` — runs the sync engine once from a terminal, with a live progress line and
 * a summary. Exit code 0 when every run ended well, 1 when one failed, 2 for bad arguments.
 *
 * ```sh
 * deno task sync --source fts --from 2026-01-01 --to 2026-02-01 --max-pages 50 --budget 10m
 * ```
 * @module
 */
import { ConfigError, loadConfig, parseDuration, SOURCE_IDS, type SourceId } from "../config.ts";
import { errorText, secretsOfUri, setupLogging } from "../log.ts";
import { openDatabase } from "../db/open.ts";
import { ensureIndexes } from "../db/indexes.ts";
import type { RunDoc } from "../db/runs.ts";
import type { Progress } from "../sync/engine.ts";
import { visibleText } from "../text.ts";
import { engineDeps, openKv, syncSources } from "../sync/wiring.ts";
import { parseFlags, UsageError } from "./flags.ts";

/** Parsed command line. */
export interface SyncArgs {
  readonly sources: readonly SourceId[];
  /** `to` is `null` without `--to`: up to now, in the one stream of that start. */
  readonly range: { readonly from: Date; readonly to: Date | null } | null;
  readonly maxPages: number | undefined;
  readonly budgetMs: number | undefined;
}

const USAGE =
  "Usage: deno task sync [--source fts|cf|all] [--from DATE] [--to DATE] [--max-pages N] [--budget 10m]";
const SYNC_FLAGS = {
  source: "value",
  from: "value",
  to: "value",
  "max-pages": "value",
  budget: "value",
} as const;

/**
 * Parses the arguments; throws an Error whose message says what is wrong and the usage.
 *
 * @example
 * ```ts
 * parseSyncArgs(["--source", "fts", "--max-pages", "3"], new Date()).maxPages; // 3
 * ```
 */
export function parseSyncArgs(args: readonly string[], now: Date): SyncArgs {
  const values = parseFlags(args, SYNC_FLAGS);
  if (values === "help") throw new UsageError(USAGE);
  const source = values.get("source") ?? "all";
  if (source !== "all" && !(SOURCE_IDS as readonly string[]).includes(source)) {
    throw new UsageError(
      `--source must be fts, cf or all, not ${JSON.stringify(source)}.\n${USAGE}`,
    );
  }
  const date = (name: string) => {
    const text = values.get(name);
    if (text === undefined) return undefined;
    const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
    if (Number.isNaN(d.getTime())) {
      throw new UsageError(`--${name} must be a date such as 2026-01-01 or 2026-01-01T06:00:00Z.`);
    }
    return d;
  };
  const from = date("from");
  const to = date("to");
  if (to && !from) throw new UsageError(`--to needs --from.\n${USAGE}`);
  const range = from ? { from, to: to ?? null } : null;
  if (range && range.from >= (range.to ?? now)) {
    throw new UsageError(range.to ? "--from must be before --to." : "--from must be in the past.");
  }
  const pages = values.get("max-pages");
  if (pages !== undefined && !/^[1-9]\d*$/.test(pages)) {
    throw new UsageError(`--max-pages must be a positive integer, not ${JSON.stringify(pages)}.`);
  }
  const budget = values.get("budget");
  const budgetMs = budget === undefined ? undefined : parseDuration(budget);
  if (budgetMs === null) throw new UsageError(`--budget must be a duration such as 90s or 10m.`);
  return {
    sources: source === "all" ? SOURCE_IDS : [source as SourceId],
    range,
    maxPages: pages === undefined ? undefined : Number(pages),
    budgetMs,
  };
}

/** One progress line: pages, releases, rate, position, share done and ETA. */
export function progressLine(p: Progress): string {
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? p.releases / seconds : 0;
  const eta = p.done > 0 && p.done < 1 ? (seconds / p.done) * (1 - p.done) : null;
  const at = p.at ?? (p.window ? p.window.from.toISOString().slice(0, 16) : "caught up");
  return `${p.source}  pages ${p.pages}  releases ${p.releases}  ${rate.toFixed(1)}/s  at ${at}  ` +
    `${(p.done * 100).toFixed(1)}%${eta === null ? "" : `  ETA ${formatSeconds(eta)}`}`;
}

function formatSeconds(s: number): string {
  if (s < 90) return `${Math.round(s)}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  return `${(s / 3600).toFixed(1)}h`;
}

/**
 * Whether a run ended well (the next run simply continues): caught up, or stopped by its
 * budget, its page limit or the API's throttling.
 */
export function endedWell(run: RunDoc): boolean {
  return ["caught-up", "budget", "page-limit", "throttled"].includes(run.outcome);
}

/**
 * A run's summary line for the terminal: its control characters and bidi controls made
 * visible, since its error and position quote upstream text.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * import { recentRuns } from "../db/runs.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const [run] = await recentRuns(db, "fts", 1);
 * console.log(summaryLine(run)); // "fts: caught-up — 3 pages, 250 releases (…)"
 * ```
 */
export function summaryLine(run: RunDoc): string {
  const until = run.throttledUntil ? ` until ${run.throttledUntil.toISOString()}` : "";
  return visibleText(
    `${run.source}: ${run.outcome}${until} — ${run.pages} pages, ${run.releases} releases ` +
      `(${run.inserted} new, ${run.updated} updated, ${run.unchanged} unchanged, ` +
      `${run.stale} stale, ${run.quarantined} quarantined), ${run.requests} requests, ` +
      `${run.retries} retries, ${run.waitedSeconds}s waited` +
      (run.error ? `\n  ${run.error}` : ""),
    { carriageReturn: true },
  );
}

async function main(): Promise<number> {
  let args: SyncArgs;
  let config;
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  try {
    args = parseSyncArgs(Deno.args, new Date());
    config = loadConfig(Deno.env.toObject());
  } catch (error) {
    console.error(visibleText(error instanceof ConfigError ? error.message : errorText(error)));
    return 2;
  }
  setupLogging({
    level: "warning",
    format: config.logFormat,
    secrets: secretsOfUri(config.mongodbUri),
  });
  const open = await openDatabase(config).catch((error) => {
    console.error(visibleText(errorText(error)));
    return null;
  });
  if (!open) return 1;
  const kv = await openKv(config);
  const tty = Deno.stderr.isTerminal();
  const deps = engineDeps(config, {
    db: open.db,
    kv,
    onProgress: (p) => {
      const line = visibleText(progressLine(p), { carriageReturn: true });
      if (tty) Deno.stderr.writeSync(new TextEncoder().encode(`\r\x1b[2K${line}`));
      else console.error(line);
    },
  });
  try {
    await ensureIndexes(open.db);
    const runs = await syncSources(deps, args.sources, "cli", {
      range: args.range ?? undefined,
      maxPages: args.maxPages,
      budgetMs: args.budgetMs,
    });
    if (tty) console.error("");
    for (const run of runs) console.log(summaryLine(run));
    return runs.every(endedWell) ? 0 : 1;
  } finally {
    kv.close();
    await open.close();
  }
}

if (import.meta.main) Deno.exit(await main());
