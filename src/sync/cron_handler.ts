/**
 * The cron job that runs the sync: what `Deno.cron` calls on every tick. It waits for the
 * database (main.ts opens it in the background), runs the main stream of every enabled source
 * concurrently — each under its own lease and time budget — and never lets an error pass
 * without a log line and a run record. A tick delivered twice (cron is at-least-once) is
 * harmless: the second delivery finds the leases held (recorded as `lease-held`) or, when the
 * first has finished, re-reads a little and writes nothing new.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * import { getMongoClient } from "../db/client.ts";
 * import { engineDeps } from "./wiring.ts";
 * const config = loadConfig(Deno.env.toObject());
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const kv = await Deno.openKv();
 * const engine = Promise.resolve(engineDeps(config, { db, kv }));
 * Deno.cron(CRON_NAME, config.cron.schedule, { backoffSchedule: [...CRON_BACKOFF] },
 *   cronCallback(createCronHandler({ config, ready: () => engine })));
 * ```
 * @module
 */
import type { Config, SourceId } from "../config.ts";
import { errorText, getLog } from "../log.ts";
import { clause } from "../text.ts";
import { recordRun, type RunDoc, runRecord, type RunTrigger } from "../db/runs.ts";
import type { EngineDeps } from "./engine.ts";
import { syncSources } from "./wiring.ts";
import { retryQuarantine } from "./quarantine_retry.ts";
import { MAPPING_VERSION } from "../ocds/documents.ts";
import { compileTarget, rebuildStep } from "./procurement_rebuild.ts";
import { loadRemapJob } from "../db/remap_state.ts";
import { remapJobId, runRemap } from "./remap.ts";
import { applyRetention } from "../db/retention.ts";

/** The cron's name, as the Deploy dashboard lists it (≤ 64 characters, unique). */
export const CRON_NAME = "procurement sync";

/**
 * Retries after a tick that failed: 1 and 5 minutes later. With runs bounded by
 * `SYNC_BUDGET` (at most half the interval), a tick and its retries stay near one interval;
 * a retry only resumes from the saved cursors.
 */
export const CRON_BACKOFF: readonly number[] = Object.freeze([60_000, 300_000]);

/** What the handler needs. */
export interface CronDeps {
  readonly config: Pick<Config, "sync" | "retention">;
  /** Resolves once the database is open and indexed, with the engine's dependencies. */
  readonly ready: () => Promise<EngineDeps>;
  /**
   * What started the runs: `cron`, or `startup` for the run at start-up (`SYNC_ON_START`, or
   * the embedded database's first sync).
   * @default {"cron"}
   */
  readonly trigger?: RunTrigger;
}

/**
 * Thrown by the handler when a run failed, so `Deno.cron` retries on its backoff schedule.
 * It carries no stack frames: the failure is a fact about the APIs or the database, not a
 * bug, and Deno prints what a cron handler throws — one line, not a trace.
 */
export class CronRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CronRunError";
    this.stack = `${this.name}: ${message}`;
  }
}

/** Options of {@linkcode cronCallback}. */
export interface CronCallbackOptions {
  /**
   * Throw after a failed tick, so `Deno.cron` retries it on {@linkcode CRON_BACKOFF}: on Deno
   * Deploy, where the retry brings the data sooner and the console shows the tick as failed.
   * Locally nothing is thrown: the handler's log line is the one line a person reads, and
   * the next tick resumes from the saved cursors anyway.
   * @default {false}
   */
  readonly retry?: boolean;
}

/**
 * What `Deno.cron` calls: the tick, whose failures the handler has already logged as one
 * line. With `retry`, a failed tick rejects with a one-line {@linkcode CronRunError} (Deno
 * prints `Exception in cron handler … [CronRunError: …]` and retries); without, it resolves.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * import { getMongoClient } from "../db/client.ts";
 * import { engineDeps } from "./wiring.ts";
 * const config = loadConfig(Deno.env.toObject());
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const kv = await Deno.openKv();
 * const ready = () => Promise.resolve(engineDeps(config, { db, kv }));
 * Deno.cron(CRON_NAME, "0 * * * *", { backoffSchedule: [...CRON_BACKOFF] },
 *   cronCallback(createCronHandler({ config, ready }), { retry: config.platform.deploy }));
 * ```
 */
export function cronCallback(
  tick: () => Promise<unknown>,
  options: CronCallbackOptions = {},
): () => Promise<void> {
  return async () => {
    try {
      await tick();
    } catch (error) {
      if (!options.retry) return;
      // the detail is on the log line just written; Deno's line only says a retry follows
      throw new CronRunError(
        `the ${CRON_NAME} tick failed (${
          error instanceof CronRunError ? "logged above" : errorText(error)
        }); Deno Deploy retries it on the backoff schedule`,
      );
    }
  };
}

/**
 * Builds the cron handler. It resolves with the runs (one per enabled source) and throws a
 * {@linkcode CronRunError} — after logging and recording it — when any run ended in error,
 * so Deploy shows the tick as failed and retries it on {@linkcode CRON_BACKOFF}.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * import { getMongoClient } from "../db/client.ts";
 * import { engineDeps } from "./wiring.ts";
 * const config = loadConfig(Deno.env.toObject());
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const kv = await Deno.openKv();
 * const deps = engineDeps(config, { db, kv });
 * const tick = createCronHandler({ config, ready: () => Promise.resolve(deps) });
 * const runs = await tick(); // one RunDoc per enabled source
 * ```
 */
export function createCronHandler(deps: CronDeps): () => Promise<RunDoc[]> {
  const log = getLog("sync");
  const trigger = deps.trigger ?? "cron";
  return async () => {
    const sources = deps.config.sync.sources;
    let engine: EngineDeps;
    try {
      engine = await deps.ready();
    } catch (error) {
      // No database: nothing can be recorded there; the log is the record.
      const message = `The ${trigger} sync could not start: the database is not available ` +
        `(${
          clause(errorText(error))
        }). Check MONGODB_URI and the network; the next tick tries again.`;
      log.error(message);
      throw new CronRunError(message);
    }
    let runs: RunDoc[];
    try {
      // Before the sync, so the rebuild's hold on the leases never meets a run asked for right
      // after the tick; on a fresh database it finds nothing to walk and is done at once.
      await rebuildAfterVersionChange(engine);
      runs = await syncSources(engine, sources, trigger);
    } catch (error) {
      // runSync records its own failures; reaching here means something around it broke.
      const message = `The ${trigger} sync failed before its runs could record themselves: ` +
        errorText(error);
      log.error(message);
      await recordFailure(engine, sources, trigger, message);
      throw new CronRunError(message);
    }
    const failed = runs.filter((r) => r.outcome === "error");
    const line = runs.map((r) => `${r.source}: ${r.outcome} (${r.releases} releases)`).join(", ");
    if (failed.length > 0) {
      const message = `The ${trigger} sync had failures (${line}): ` +
        failed.map((r) => `${r.source}: ${clause(r.error ?? "failed")}`).join("; ") +
        ". Each failed run resumes from its saved cursor.";
      log.error(message);
      throw new CronRunError(message);
    }
    log.info(`The ${trigger} sync finished: ${line}.`);
    await retryAfterMappingChange(engine);
    await remapAfterMappingChange(engine);
    await removeExpired(engine, deps.config.retention);
    return runs;
  };
}

/**
 * Quarantined releases last tried with an older mapping are tried again with this one (a
 * mapping fix then heals them without anyone asking). Bounded per tick; never throws.
 */
async function retryAfterMappingChange(engine: EngineDeps): Promise<void> {
  const log = getLog("sync");
  try {
    const result = await retryQuarantine(engine.db, {
      belowVersion: MAPPING_VERSION,
      limit: QUARANTINE_RETRY_LIMIT,
      now: new Date(engine.clock.now()),
    });
    if (result.tried > 0) {
      log.info(
        `Quarantine retried with mapping version ${MAPPING_VERSION}: ${result.resolved} ` +
          `resolved, ${result.stillFailing} still failing, ${result.unreadable} unreadable.`,
      );
    }
  } catch (error) {
    log.error(
      `Could not retry the quarantine: ${clause(errorText(error))}; the next tick tries again.`,
    );
  }
}

/** Time one tick may spend rebuilding procurements after a compile version change. */
export const REBUILD_TICK_BUDGET_MS = 60_000;

/**
 * Procurements compiled under other rules (`COMPILE_VERSION`), or never compiled (a database
 * that predates them), are rebuilt from the stored notices, a time-bounded share per tick under
 * each source's lease, resuming where the last tick stopped. One read per tick once they are
 * built. Never throws.
 */
async function rebuildAfterVersionChange(engine: EngineDeps): Promise<void> {
  const log = getLog("sync");
  try {
    const step = await rebuildStep(engine.db, {
      kv: engine.kv,
      leaseTtlMs: engine.sync.leaseTtlMs,
      now: () => engine.clock.now(),
      budgetMs: REBUILD_TICK_BUDGET_MS,
    });
    if (step.waitingFor !== null) {
      log.info(
        `Procurements rebuild waits for the ${step.source} lease (held by ` +
          `${step.waitingFor.owner}); the next tick continues.`,
      );
    } else if (step.ran) {
      log.info(
        `Procurements rebuilt for ${compileTarget()}: ${step.compiled} compiled this tick, ` +
          (step.done ? "done." : `continuing at ${step.source} next tick.`),
      );
    }
  } catch (error) {
    log.error(`Could not rebuild procurements: ${errorText(error)}; the next tick continues.`);
  }
}

/**
 * After a `MAPPING_VERSION` change, stored releases mapped by an older version are re-mapped
 * in the background: one slice of at most `REMAP_BUDGET` per tick (shared by the sources),
 * each source under its lease, resuming where the last tick stopped. Once a version's job is
 * done a tick costs one read. Never throws.
 */
async function remapAfterMappingChange(engine: EngineDeps): Promise<void> {
  const log = getLog("sync");
  const deadline = engine.clock.now() + engine.sync.remapBudgetMs;
  for (const source of engine.sync.sources) {
    try {
      const held = await loadRemapJob(engine.db, remapJobId({ source, kind: "auto" }));
      if (held?.done) continue;
      const budgetMs = deadline - engine.clock.now();
      if (budgetMs <= 0) return;
      const { db, kv, clock, sync } = engine;
      const r = await runRemap({ db, kv, clock, sync }, { source, kind: "auto", budgetMs });
      const c = r.job?.counts;
      if (r.outcome === "error") log.error(r.error ?? `Re-mapping ${source} failed.`);
      else if (r.counts.releases > 0 || r.outcome === "lease-held") {
        log.info(
          `Re-mapping ${source} with mapping version ${MAPPING_VERSION}: ${r.outcome}, ` +
            `${c?.releases ?? 0} of ${r.job?.total ?? 0} releases done.`,
        );
      }
    } catch (error) {
      log.error(
        `Could not re-map ${source}: ${clause(errorText(error))}; the next tick tries again.`,
      );
    }
  }
}

/**
 * The `RETAIN_*` settings, applied after a good tick: a bounded amount per tick (see
 * `applyRetention`), so a backlog is worked off over several ticks. Never throws.
 */
async function removeExpired(engine: EngineDeps, ages: Config["retention"]): Promise<void> {
  if (Object.values(ages).every((age) => age === null)) return;
  const log = getLog("sync");
  try {
    const results = await applyRetention(engine.db, ages, { now: new Date(engine.clock.now()) });
    for (const r of results.filter((r) => r.removed > 0)) {
      log.info(
        `${r.setting}: removed ${r.removed} from ${r.collection} older than ` +
          `${r.cutoff.toISOString()}${r.more ? "; more next tick" : ""}.`,
      );
    }
  } catch (error) {
    log.error(
      `Could not apply the RETAIN_* settings: ${errorText(error)}; the next tick tries again.`,
    );
  }
}

/** Quarantine entries retried per tick after a mapping change. */
export const QUARANTINE_RETRY_LIMIT = 500;

async function recordFailure(
  engine: EngineDeps,
  sources: readonly SourceId[],
  trigger: RunTrigger,
  message: string,
): Promise<void> {
  const at = new Date(engine.clock.now());
  for (const source of sources) {
    const run = runRecord({
      _id: crypto.randomUUID(),
      source,
      streamId: source,
      trigger,
      startedAt: at,
      endedAt: at,
      outcome: "error",
      error: message,
    });
    await recordRun(engine.db, run, engine.sync.runsKept).catch((e) =>
      getLog("sync").error(`Could not record the failed ${source} run: ${errorText(e)}`)
    );
  }
}
