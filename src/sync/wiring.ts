/**
 * Builds the engine's dependencies from the configuration, for main.ts and the CLI alike.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * import { getMongoClient } from "../db/client.ts";
 * const config = loadConfig(Deno.env.toObject());
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const kv = await Deno.openKv();
 * const deps = engineDeps(config, { db, kv });
 * await syncSources(deps, config.sync.sources, "cron");
 * ```
 * @module
 */
import type { Db } from "mongodb";
import type { Config, SourceId } from "../config.ts";
import { type Clock, systemClock } from "../clock.ts";
import type { RunDoc, RunTrigger } from "../db/runs.ts";
import { createSources } from "../sources/mod.ts";
import { type EngineDeps, type Progress, type RunRequest, runSync } from "./engine.ts";

/** What {@linkcode engineDeps} needs besides the configuration. */
export interface WiringOptions {
  readonly db: Db;
  readonly kv: Deno.Kv;
  readonly clock?: Clock;
  readonly fetch?: typeof fetch;
  readonly onProgress?: (progress: Progress) => void;
}

/** The engine's dependencies: both sources built from `config`, one clock for all. */
export function engineDeps(config: Config, options: WiringOptions): EngineDeps {
  const clock = options.clock ?? systemClock;
  return {
    db: options.db,
    kv: options.kv,
    clock,
    sync: config.sync,
    sources: createSources(config, { clock, fetch: options.fetch }),
    startDates: { fts: config.sources.fts.startDate, cf: config.sources.cf.startDate },
    onProgress: options.onProgress,
  };
}

/**
 * Runs the main stream of each source, concurrently (each under its own lease and budget).
 * Never throws: each source's run record says how it went.
 */
export function syncSources(
  deps: EngineDeps,
  sources: readonly SourceId[],
  trigger: RunTrigger,
  overrides: Omit<RunRequest, "source" | "trigger" | "runId"> = {},
): Promise<RunDoc[]> {
  return Promise.all(sources.map((source) => runSync(deps, { ...overrides, source, trigger })));
}

/** Opens the configured Deno KV database (`KV_PATH`, or Deno's default). */
export function openKv(config: Pick<Config, "kvPath">): Promise<Deno.Kv> {
  return Deno.openKv(config.kvPath ?? undefined);
}
