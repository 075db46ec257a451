/**
 * What `GET /status` answers and the dashboard shows: per source, where its streams stand,
 * how far behind it is, its last runs, its quarantine, who holds its lease, and a verdict.
 * Reads MongoDB and Deno KV only; never a secret (run errors are stored redacted).
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const kv = await Deno.openKv();
 * const intervalMs = 3_600_000, now = Date.now();
 * const report = await readStatus({ db, kv }, {
 *   sources: ["fts", "cf"], schedule: "0 * * * *", intervalMs, now,
 * });
 * report.sources[0].verdict; // "ok" | "lagging" | "failing"
 * ```
 * @module
 */
import type { Db } from "mongodb";
import { SOURCE_CATALOG, type SourceId } from "../sources/catalog.ts";
import { contractsCollection } from "../db/contracts.ts";
import { countQuarantine } from "../db/quarantine.ts";
import { recentRuns, type RunDoc } from "../db/runs.ts";
import { readStorage, type StorageReport } from "../db/storage.ts";
import { listStates, type SyncStateDoc } from "../db/sync_state.ts";
import { listRemapJobs, type RemapJobDoc } from "../db/remap_state.ts";
import { type RemapProgress, remapProgress } from "../sync/remap.ts";
import { shareDone } from "../sync/advance.ts";
import type { DateWindow } from "../sources/source.ts";
import { instancesOf } from "../db/instances.ts";
import type { StaleIndex } from "../db/indexes.ts";
import { leaseAndFence, type LeaseValue } from "../sync/lease.ts";
import { fenceProblem, instanceProblems, type KvProblem } from "../sync/kv_probe.ts";
import { judge, type Verdict, worst } from "./verdict.ts";
import { clause } from "../text.ts";

/** A run as the status shows it. */
export interface RunSummary {
  readonly id: string;
  readonly stream: string;
  readonly trigger: RunDoc["trigger"];
  readonly outcome: RunDoc["outcome"];
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly seconds: number;
  readonly pages: number;
  readonly releases: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly stale: number;
  readonly quarantined: number;
  readonly requests: number;
  readonly retries: number;
  readonly waitedSeconds: number;
  readonly error: string | null;
  /** Until when the API throttled the run, when its outcome is `throttled`. */
  readonly throttledUntil: Date | null;
  readonly warnings: number;
}

/** A stream (the main sync or a range backfill) as the status shows it. */
export interface StreamStatus {
  readonly stream: string;
  readonly kind: SyncStateDoc["kind"];
  readonly mode: SyncStateDoc["mode"];
  readonly status: SyncStateDoc["status"];
  readonly rangeFrom: Date;
  /** `null` for the main stream, which follows now. */
  readonly rangeTo: Date | null;
  readonly window: DateWindow | null;
  readonly watermark: Date | null;
  /** Share of the range done, 0–1 (`shareDone` in `src/sync/advance.ts`). */
  readonly progress: number;
  readonly totals: SyncStateDoc["totals"];
  readonly lastSuccessAt: Date | null;
  readonly lastError: SyncStateDoc["lastError"];
}

/** One source. */
export interface SourceStatus {
  readonly source: SourceId;
  readonly name: string;
  readonly verdict: Verdict;
  readonly reason: string;
  /** The main stream; `null` before its first run. */
  readonly main: StreamStatus | null;
  /** Shortcuts into `main`, for monitors. */
  readonly mode: SyncStateDoc["mode"] | null;
  readonly window: DateWindow | null;
  readonly watermark: Date | null;
  /** now − watermark, in seconds; `null` without a watermark. */
  readonly lagSeconds: number | null;
  /** Until when the API throttles the main stream (its last run stopped on it), else `null`. */
  readonly throttledUntil: Date | null;
  /** Operators' range backfills. */
  readonly backfills: readonly StreamStatus[];
  readonly lease: LeaseValue | null;
  readonly contracts: number;
  readonly quarantine: number;
  /** Newest first. */
  readonly runs: readonly RunSummary[];
  /**
   * The latest re-mapping from stored releases (the background job after a mapping change,
   * or a `deno task remap`): progress and ETA; `null` when none ever ran.
   */
  readonly remap: RemapProgress | null;
}

/** Something the operator should fix that no verdict shows: a stale index, KV not shared. */
export interface StatusWarning {
  /** `index-stale`, `kv-path-on-deploy`, `kv-fence-behind`, `kv-not-shared`. */
  readonly code: string;
  /** What is wrong and the fix. */
  readonly message: string;
}

/** The whole answer of `GET /status`. */
export interface StatusReport {
  readonly now: Date;
  readonly verdict: Verdict;
  readonly cron: { readonly schedule: string; readonly intervalSeconds: number };
  /** How full the database is against `STORAGE_LIMIT` (`level` "unknown" where not told). */
  readonly storage: StorageReport;
  readonly sources: readonly SourceStatus[];
  /** Start-up findings (stale indexes, KV settings) and live KV checks; `[]` when all is well. */
  readonly warnings: readonly StatusWarning[];
}

/** Options of {@linkcode readStatus}. */
export interface StatusOptions {
  readonly sources: readonly SourceId[];
  readonly schedule: string;
  readonly intervalMs: number;
  readonly now: number;
  /**
   * `STORAGE_LIMIT`, in bytes (512 MB, an Atlas free cluster, by default).
   *
   * @default {536870912}
   */
  readonly storageLimitBytes?: number;
  /**
   * Runs listed per source.
   *
   * @default {10}
   */
  readonly runs?: number;
  /**
   * How long finished range backfills stay listed, in ms; absent: always.
   *
   * @default {undefined}
   */
  readonly finishedBackfillsShownMs?: number;
  /** Found at start-up (stale indexes, KV settings); shown as they are. */
  readonly warnings?: readonly StatusWarning[];
  /** `DENO_DEPLOYMENT_ID` on Deploy: instances of it are compared (KV sharing). */
  readonly deploymentId?: string | null;
  /** When the first cron run is due (epoch ms); see `JudgeInput.firstRunDueAt`. */
  readonly firstRunDueAt?: number;
}

/** What {@linkcode summariseSource} needs, read by {@linkcode readStatus} or the dashboard. */
export interface SourceParts {
  /** The source's streams (main first). */
  readonly states: readonly SyncStateDoc[];
  /** Its newest runs, newest first. */
  readonly runs: readonly RunDoc[];
  readonly lease: LeaseValue | null;
  /** Notices stored. */
  readonly contracts: number;
  /** Quarantine entries. */
  readonly quarantine: number;
  /** The source's newest remap job, or `null`. */
  readonly remap: RemapJobDoc | null;
}

/** The warnings of indexes that do not match their spec (see `src/db/indexes.ts`). */
export function indexWarnings(stale: readonly StaleIndex[]): StatusWarning[] {
  return stale.map((s) => ({
    code: "index-stale",
    message: `Index ${s.collection}.${s.name} does not match its spec` +
      (s.existing.length > 0 ? ` (the old ${s.existing.join(", ")} is in its place)` : "") +
      `: ${clause(s.reason)}. Drop the old index by hand or grant the dropIndex privilege, then ` +
      "restart; queries work meanwhile, perhaps slower.",
  }));
}

function stream(state: SyncStateDoc, now: number): StreamStatus {
  return {
    stream: state._id,
    kind: state.kind,
    mode: state.mode,
    status: state.status,
    rangeFrom: state.rangeFrom,
    rangeTo: state.rangeTo,
    window: state.window,
    watermark: state.watermark,
    progress: shareDone(state, now),
    totals: state.totals,
    lastSuccessAt: state.lastSuccessAt,
    lastError: state.lastError,
  };
}

function runSummary(run: RunDoc): RunSummary {
  return {
    id: run._id,
    stream: run.streamId,
    trigger: run.trigger,
    outcome: run.outcome,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    seconds: Math.round((run.endedAt.getTime() - run.startedAt.getTime()) / 100) / 10,
    pages: run.pages,
    releases: run.releases,
    inserted: run.inserted,
    updated: run.updated,
    unchanged: run.unchanged,
    stale: run.stale,
    quarantined: run.quarantined,
    requests: run.requests,
    retries: run.retries,
    waitedSeconds: run.waitedSeconds,
    error: run.error,
    throttledUntil: run.throttledUntil ?? null,
    warnings: run.warnings.length,
  };
}

async function sourceStatus(
  deps: { db: Db; kv: Deno.Kv },
  source: SourceId,
  options: StatusOptions,
): Promise<{ status: SourceStatus; kvProblem: KvProblem | null }> {
  const { db, kv } = deps;
  const [states, runs, { holder: lease, fence }, contracts, quarantine, remapJobs] = await Promise
    .all([
      listStates(db, source, {
        finishedBefore: options.finishedBackfillsShownMs === undefined
          ? undefined
          : new Date(options.now - options.finishedBackfillsShownMs),
      }),
      recentRuns(db, source, options.runs ?? 10),
      leaseAndFence(kv, source, options.now),
      contractsCollection(db).countDocuments({ source }),
      countQuarantine(db, source),
      listRemapJobs(db, source, 1),
    ]);
  const storedFence = Math.max(0, ...states.map((s) => s.fence ?? 0));
  const status = summariseSource(source, {
    states,
    runs,
    lease,
    contracts,
    quarantine,
    remap: remapJobs[0] ?? null,
  }, options);
  return { status, kvProblem: fenceProblem(source, fence, storedFence) };
}

/**
 * One source's status from what was read about it (pure).
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * import type { SyncStateDoc } from "../db/sync_state.ts";
 * import { recentRuns } from "../db/runs.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * declare const states: SyncStateDoc[]; // the source's streams, main first
 * const runs = await recentRuns(db, "fts", 10);
 * const options = {
 *   sources: ["fts", "cf"] as const, schedule: "0 * * * *", intervalMs: 3_600_000, now: Date.now(),
 * };
 * summariseSource("fts", { states, runs, lease: null, contracts: 10, quarantine: 0, remap: null }, options);
 * ```
 */
export function summariseSource(
  source: SourceId,
  parts: SourceParts,
  options: StatusOptions,
): SourceStatus {
  const { states, runs, lease, contracts, quarantine, remap } = parts;
  const mainState = states.find((s) => s.kind === "main") ?? null;
  const main = mainState && stream(mainState, options.now);
  const { verdict, reason } = judge({
    now: options.now,
    intervalMs: options.intervalMs,
    state: mainState,
    runs: runs.filter((r) => r.streamId === source),
    progress: main?.progress,
    firstRunDueAt: options.firstRunDueAt,
  });
  const watermark = mainState?.watermark ?? null;
  return {
    source,
    name: SOURCE_CATALOG[source].label,
    verdict,
    reason,
    main,
    mode: mainState?.mode ?? null,
    window: mainState?.window ?? null,
    watermark,
    lagSeconds: watermark ? Math.round((options.now - watermark.getTime()) / 1000) : null,
    throttledUntil: mainState?.throttledUntil ?? null,
    backfills: states.filter((s) => s.kind === "range").map((s) => stream(s, options.now)),
    lease,
    contracts,
    quarantine,
    runs: runs.map(runSummary),
    remap: remap ? remapProgress(remap) : null,
  };
}

/**
 * Reads the status of every enabled source.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const kv = await Deno.openKv();
 * const options = {
 *   sources: ["fts", "cf"] as const, schedule: "0 * * * *", intervalMs: 3_600_000, now: Date.now(),
 * };
 * const report = await readStatus({ db, kv }, options);
 * ```
 */
export async function readStatus(
  deps: { db: Db; kv: Deno.Kv },
  options: StatusOptions,
): Promise<StatusReport> {
  const [storage, read, instances] = await Promise.all([
    readStorage(deps.db, options.storageLimitBytes ?? 512 * 1024 ** 2),
    Promise.all(options.sources.map((s) => sourceStatus(deps, s, options))),
    options.deploymentId
      ? instancesOf(deps.db, options.deploymentId, new Date(options.now - 86_400_000))
      : [],
  ]);
  const sources = read.map((r) => r.status);
  const kvProblems = [...read.flatMap((r) => r.kvProblem ?? []), ...instanceProblems(instances)];
  return {
    now: new Date(options.now),
    verdict: worst(sources.map((s) => s.verdict)),
    cron: { schedule: options.schedule, intervalSeconds: options.intervalMs / 1000 },
    storage,
    sources,
    warnings: [...(options.warnings ?? []), ...kvProblems],
  };
}
