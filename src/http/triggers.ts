/**
 * The manual triggers: `POST /sync`, `POST /backfill` and `POST /quarantine/retry`. Runs
 * start in the background and the answer is `202` with their ids; a source whose lease is
 * held (by the cron, another instance, or a run started here) answers `409` and starts
 * nothing; bad parameters answer `400` saying what is expected.
 *
 * @example
 * ```ts
 * import type { EngineDeps } from "../sync/engine.ts";
 * const triggers = createTriggers({ sources: ["fts", "cf"], now: () => Date.now() });
 * function handleSync(url: URL, engine: EngineDeps): Promise<Response> {
 *   return triggers.sync(url.searchParams, engine);
 * }
 * ```
 * @module
 */
import { isSourceId, SOURCE_CATALOG, SOURCE_IDS, type SourceId } from "../sources/catalog.ts";
import { errorText, getLog } from "../log.ts";
import type { EngineDeps, RunRequest } from "../sync/engine.ts";
import { runSync } from "../sync/engine.ts";
import { leaseHolder } from "../sync/lease.ts";
import { retryQuarantine } from "../sync/quarantine_retry.ts";
import { BadRequest, toErrorStatus } from "./errors.ts";
import { json, problem } from "./respond.ts";

function onlyParams(params: URLSearchParams, allowed: readonly string[]): void {
  for (const key of params.keys()) {
    if (!allowed.includes(key)) {
      throw new BadRequest(
        null,
        `Unknown parameter ${JSON.stringify(key)}: expected ${
          allowed.length ? allowed.join(", ") : "none"
        }.`,
      );
    }
  }
}

function sourceParam(value: string | null, all: readonly SourceId[]): readonly SourceId[] {
  if (value === null || value === "all") return all;
  if (isSourceId(value)) return [value];
  throw new BadRequest(
    "source",
    `source must be ${SOURCE_IDS.join(", ")} or all, not ${JSON.stringify(value)}.`,
  );
}

/**
 * Reads a date parameter: `2026-01-01` (UTC midnight) or a full ISO 8601 instant with its
 * zone (`2026-01-01T06:00:00Z`).
 *
 * @example
 * ```ts
 * parseDateParam("from", "2026-01-01").toISOString(); // "2026-01-01T00:00:00.000Z"
 * ```
 */
export function parseDateParam(name: string, text: string): Date {
  const form = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? `${text}T00:00:00Z`
    : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)
    ? text
    : null;
  const date = form === null ? null : new Date(form);
  const [y, m, d] = text.slice(0, 10).split("-").map(Number);
  // JavaScript rolls 2026-02-30 over to 2 March: refuse days the month does not have
  const realDay = d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (date === null || Number.isNaN(date.getTime()) || !realDay) {
    throw new BadRequest(
      name,
      `${name} must be a date such as 2026-01-01 or an instant such as 2026-01-01T06:00:00Z, ` +
        `not ${JSON.stringify(text)}.`,
    );
  }
  return date;
}

/**
 * Validates `POST /backfill` parameters into a run request. Without `to` the range reads up
 * to now, in the one stream of that source and start (`to: null`): asking again continues
 * it, or re-reads it up to the new now once it has finished.
 *
 * @example
 * ```ts
 * parseBackfill(new URLSearchParams("source=fts&from=2026-01-01"), Date.now()).range;
 * // { from: 2026-01-01T00:00:00.000Z, to: null }
 * ```
 */
export function parseBackfill(
  params: URLSearchParams,
  now: number,
): { readonly source: SourceId; readonly range: { from: Date; to: Date | null } } {
  onlyParams(params, ["source", "from", "to"]);
  const sourceText = params.get("source");
  const either = SOURCE_IDS.join(" or ");
  if (sourceText === null) throw new BadRequest("source", `source is required: ${either}.`);
  if (!isSourceId(sourceText)) {
    throw new BadRequest("source", `source must be ${either}, not ${JSON.stringify(sourceText)}.`);
  }
  const source = sourceText;
  const fromText = params.get("from");
  if (fromText === null) throw new BadRequest("from", "from is required, e.g. from=2026-01-01.");
  const from = parseDateParam("from", fromText);
  const toText = params.get("to");
  const to = toText === null ? null : parseDateParam("to", toText);
  if (from.getTime() >= (to ?? new Date(now)).getTime()) {
    throw new BadRequest("from", to ? "from must be before to." : "from must be in the past.");
  }
  if (to && to.getTime() > now + 60_000) {
    throw new BadRequest("to", "to must not be in the future.");
  }
  const begins = SOURCE_CATALOG[source].dataBegins;
  if (from < new Date(`${begins}T00:00:00Z`)) {
    throw new BadRequest("from", `${source} data begins ${begins}: from must not be earlier.`);
  }
  return { source, range: { from, to } };
}

/** Options of {@linkcode createTriggers}. */
export interface TriggerOptions {
  /** Sources `POST /sync` runs when none is named. */
  readonly sources: readonly SourceId[];
  readonly now: () => number;
}

/** The trigger handlers and the runs they started. */
export interface Triggers {
  sync(params: URLSearchParams, engine: EngineDeps): Promise<Response>;
  backfill(params: URLSearchParams, engine: EngineDeps): Promise<Response>;
  retryQuarantine(params: URLSearchParams, engine: EngineDeps): Promise<Response>;
  /** The run ids started here and still running, by source. */
  running(): ReadonlyMap<SourceId, string>;
  /** Resolves when every run started here has ended (tests, shutdown). */
  idle(): Promise<void>;
}

/**
 * Builds the trigger handlers.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * const config = loadConfig(Deno.env.toObject());
 * const triggers = createTriggers({ sources: config.sync.sources, now: Date.now });
 * ```
 */
export function createTriggers(options: TriggerOptions): Triggers {
  const log = getLog("http");
  const active = new Map<SourceId, string>();
  const inFlight = new Set<Promise<unknown>>();

  async function busy(engine: EngineDeps, sources: readonly SourceId[]): Promise<string | null> {
    for (const source of sources) {
      const mine = active.get(source);
      if (mine) return `A ${source} run started here (run ${mine}) is still going.`;
      const holder = await leaseHolder(engine.kv, source, options.now());
      if (holder) {
        return `The ${source} lease is held by run ${holder.owner} until ${
          new Date(holder.expiresAt).toISOString()
        }.`;
      }
    }
    return null;
  }

  function start(engine: EngineDeps, request: RunRequest & { runId: string }): void {
    active.set(request.source, request.runId);
    const run = runSync(engine, request)
      .catch((error) =>
        log.error(`Manual run ${request.runId} of ${request.source} failed: ${errorText(error)}`)
      )
      .finally(() => {
        if (active.get(request.source) === request.runId) active.delete(request.source);
        inFlight.delete(run);
      });
    inFlight.add(run);
  }

  async function startRuns(
    engine: EngineDeps,
    requests: readonly Omit<RunRequest, "runId" | "trigger">[],
  ): Promise<Response> {
    const held = await busy(engine, requests.map((r) => r.source));
    if (held) return problem(409, `${held} Nothing was started; try again once it has ended.`);
    const runs = requests.map((r) => ({
      ...r,
      trigger: "manual" as const,
      runId: crypto.randomUUID(),
    }));
    for (const run of runs) start(engine, run);
    log.info(`Manual runs started: ${runs.map((r) => `${r.source} ${r.runId}`).join(", ")}`);
    return json({
      runId: runs[0].runId,
      runs: runs.map((r) => ({
        source: r.source,
        runId: r.runId,
        range: r.range ?? null,
        status: `/runs/${r.runId}`,
      })),
      message: "Started in the background; GET /status or the run's status URL shows how it goes.",
    }, 202);
  }

  const guard = async (fn: () => Promise<Response>): Promise<Response> => {
    try {
      return await fn();
    } catch (error) {
      const status = toErrorStatus(error);
      if (status >= 500) throw error; // the app's catch answers it, logged
      return problem(status, (error as Error).message);
    }
  };

  return {
    sync: (params, engine) =>
      guard(() => {
        onlyParams(params, ["source"]);
        const sources = sourceParam(params.get("source"), options.sources);
        return startRuns(engine, sources.map((source) => ({ source })));
      }),
    backfill: (params, engine) =>
      guard(() => {
        const { source, range } = parseBackfill(params, options.now());
        return startRuns(engine, [{ source, range }]);
      }),
    retryQuarantine: (params, engine) =>
      guard(async () => {
        onlyParams(params, ["source", "limit"]);
        const source = params.get("source");
        const sources = source === null ? undefined : sourceParam(source, SOURCE_IDS);
        const limitText = params.get("limit") ?? "1000";
        if (!/^\d+$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 10_000) {
          throw new BadRequest(
            "limit",
            `limit must be an integer from 1 to 10000, not ${JSON.stringify(limitText)}.`,
          );
        }
        const result = await retryQuarantine(engine.db, {
          source: sources?.length === 1 ? sources[0] : undefined,
          limit: Number(limitText),
          now: new Date(options.now()),
        });
        log.info(`Quarantine retry: ${JSON.stringify(result)}`);
        return json(result);
      }),
    running: () => active,
    idle: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
