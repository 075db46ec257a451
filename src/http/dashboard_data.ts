/**
 * Gathers what the dashboard shows, at a cost that does not grow with the data: the streams'
 * states (which carry the notice figures the sync keeps per day, see `SyncStateDoc.days`),
 * each source's last runs, the quarantine counts, the remap jobs, the newest notices and the
 * storage figures (`dbStats`) — 5 + one per source MongoDB commands, however many notices are
 * stored. A short shared cache makes a burst of
 * loads cost one gathering: concurrent loads wait for the same one.
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const kv = await Deno.openKv();
 * const schedule = "0 * * * *", intervalMs = 3_600_000;
 * const gather = dashboardGatherer({ sources: ["fts", "cf"], schedule, intervalMs });
 * const data = await gather({ db, kv }, Date.now());
 * data.report.sources[0].contracts; // notices stored, from the sync's own figures
 * ```
 * @module
 */
import type { Db } from "mongodb";
import type { SourceId } from "../config.ts";
import { quarantineCollection } from "../db/quarantine.ts";
import { remapStateCollection } from "../db/remap_state.ts";
import { readStorage } from "../db/storage.ts";
import { recentRuns } from "../db/runs.ts";
import { syncStateCollection, type SyncStateDoc } from "../db/sync_state.ts";
import { leaseHolder } from "../sync/lease.ts";
import { type DayCount, latestNotices, type NoticeLine } from "./notices.ts";
import { type StatusReport, type StatusWarning, summariseSource } from "./status.ts";
import { worst } from "./verdict.ts";

/** What the dashboard shows, gathered. */
export interface DashboardFacts {
  readonly report: StatusReport;
  /** New notices per UTC day by release date, oldest first, `chartDays` days to today. */
  readonly days: readonly DayCount[];
  readonly notices: readonly NoticeLine[];
  /** When the first cron run is due, while no source has run (epoch ms). */
  readonly firstRunDueAt: number | null;
}

/** Options of {@linkcode dashboardGatherer}. */
export interface GatherOptions {
  readonly sources: readonly SourceId[];
  readonly schedule: string;
  readonly intervalMs: number;
  /** When the first cron run is due (epoch ms), for the empty state. */
  readonly firstRunDueAt?: number;
  /**
   * How long a gathering is reused, in ms.
   * @default {5000}
   */
  readonly ttlMs?: number;
  /**
   * Days in the chart.
   * @default {30}
   */
  readonly chartDays?: number;
  /**
   * Newest notices listed.
   * @default {12}
   */
  readonly newest?: number;
  /**
   * Runs read per source.
   * @default {10}
   */
  readonly runs?: number;
  /** Start-up findings shown as they are (stale indexes, KV settings). */
  readonly warnings?: () => readonly StatusWarning[];
  /** How long a finished range backfill stays listed, in ms (`STATUS_FINISHED_BACKFILLS_FOR`). */
  readonly finishedBackfillsShownMs?: number;
  /**
   * The database's storage quota in bytes, for the storage panel (512 MiB, the Atlas free
   * tier, by default).
   *
   * @default {536870912}
   */
  readonly storageLimitBytes?: number;
}

const DAY = 86_400_000;

/**
 * New notices per day from the streams' `days` figures (main and range streams added up).
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * import { syncStateCollection } from "../db/sync_state.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const states = await syncStateCollection(db).find({ source: "fts" }).toArray();
 * chartDays(states, ["fts"], 30, Date.now()).length; // 30
 * ```
 */
export function chartDays(
  states: readonly Pick<SyncStateDoc, "source" | "days">[],
  sources: readonly SourceId[],
  days: number,
  now: number,
): DayCount[] {
  const today = Math.floor(now / DAY) * DAY;
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(today - (days - 1 - i) * DAY).toISOString().slice(0, 10);
    const counts: Partial<Record<SourceId, number>> = {};
    for (const source of sources) {
      counts[source] = states.filter((s) => s.source === source)
        .reduce((n, s) => n + (s.days?.[day] ?? 0), 0);
    }
    return { day, counts };
  });
}

/**
 * The start of the most recent UTC day from which the streams' figures count at least `n`
 * new notices (one more day for notices stored late), or `null` when the kept days hold
 * fewer (then the read is unbounded — a small database).
 *
 * @example
 * ```ts
 * const now = Date.parse("2026-11-30T12:00:00Z");
 * newestSince([{ days: { "2026-11-30": 20 } }], 12, now); // 2026-11-29T00:00Z
 * ```
 */
export function newestSince(
  states: readonly Pick<SyncStateDoc, "days">[],
  n: number,
  now: number,
): Date | null {
  const byDay = new Map<string, number>();
  for (const s of states) {
    for (const [day, count] of Object.entries(s.days ?? {})) {
      byDay.set(day, (byDay.get(day) ?? 0) + count);
    }
  }
  const today = new Date(now).toISOString().slice(0, 10);
  let total = 0;
  // newest first; days after today (clock skew of a source) count too
  for (const day of [...byDay.keys()].sort().reverse()) {
    total += byDay.get(day)!;
    if (total >= n && day <= today) return new Date(Date.parse(day) - DAY);
  }
  return null;
}

/**
 * A cached gatherer: `gather(deps, now)` answers from a gathering at most `ttlMs` old, or
 * starts one (shared by every caller until it settles; a failed one is not kept).
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const deps = { db, kv: await Deno.openKv() };
 * const now = Date.now();
 * const options = {
 *   sources: ["fts", "cf"] as const, schedule: "0 * * * *", intervalMs: 3_600_000,
 * };
 * const gather = dashboardGatherer(options);
 * const [a, b] = await Promise.all([gather(deps, now), gather(deps, now)]); // one gathering
 * ```
 */
export function dashboardGatherer(
  options: GatherOptions,
): (deps: { db: Db; kv: Deno.Kv }, now: number) => Promise<DashboardFacts> {
  const ttl = options.ttlMs ?? 5_000;
  let cached: { at: number; value: Promise<DashboardFacts> } | null = null;
  return (deps, now) => {
    if (cached && now - cached.at < ttl && now >= cached.at) return cached.value;
    const value = gatherDashboard(deps, options, now);
    const entry = { at: now, value };
    cached = entry;
    value.catch(() => {
      if (cached === entry) cached = null;
    });
    return value;
  };
}

/**
 * Gathers the dashboard once, uncached (see the module doc for its cost).
 *
 * @example
 * ```ts
 * import { getMongoClient } from "../db/client.ts";
 * const db = getMongoClient("mongodb://127.0.0.1:27017").db("procurement");
 * const kv = await Deno.openKv();
 * const options = {
 *   sources: ["fts", "cf"] as const, schedule: "0 * * * *", intervalMs: 3_600_000,
 * };
 * const facts = await gatherDashboard({ db, kv }, options, Date.now());
 * ```
 */
export async function gatherDashboard(
  deps: { db: Db; kv: Deno.Kv },
  options: GatherOptions,
  now: number,
): Promise<DashboardFacts> {
  const { db, kv } = deps;
  const sources = options.sources;
  const newest = options.newest ?? 12;
  // the states first: their figures say how far back the newest notices reach
  const states = await syncStateCollection(db).find({ source: { $in: [...sources] } })
    .sort({ kind: 1, _id: 1 }).toArray();
  const [runs, leases, quarantine, remaps, notices, storage] = await Promise.all([
    Promise.all(sources.map((s) => recentRuns(db, s, options.runs ?? 10))),
    Promise.all(sources.map((s) => leaseHolder(kv, s, now))),
    quarantineCollection(db).aggregate<{ _id: SourceId; n: number }>([
      { $match: { source: { $in: [...sources] } } },
      { $group: { _id: "$source", n: { $sum: 1 } } },
    ]).toArray(),
    // remap jobs are few (one per mapping change and source): all of them, one read
    remapStateCollection(db).find({ source: { $in: [...sources] } }).sort({ updatedAt: -1 })
      .toArray(),
    latestNotices(db, newest, newestSince(states, newest, now)),
    readStorage(db, options.storageLimitBytes ?? 512 * 1024 ** 2),
  ]);
  const statusOptions = {
    sources,
    schedule: options.schedule,
    intervalMs: options.intervalMs,
    now,
    firstRunDueAt: options.firstRunDueAt,
  };
  // finished range backfills drop off the list after a while, as on /status (their figures stay)
  const shownSince = options.finishedBackfillsShownMs === undefined
    ? null
    : now - options.finishedBackfillsShownMs;
  const shown = (s: SyncStateDoc) =>
    shownSince === null || s.kind === "main" || s.status !== "ok" || s.window !== null ||
    s.updatedAt.getTime() >= shownSince;
  const summaries = sources.map((source, i) => {
    const own = states.filter((s) => s.source === source);
    return summariseSource(source, {
      states: own.filter(shown),
      runs: runs[i],
      lease: leases[i],
      // the sync's own count of notices it stored, moved with each stream's cursor
      contracts: own.reduce((n, s) => n + (s.totals.notices ?? 0), 0),
      quarantine: quarantine.find((q) => q._id === source)?.n ?? 0,
      remap: remaps.find((r) => r.source === source) ?? null,
    }, statusOptions);
  });
  const neverRan = states.length === 0 && runs.every((r) => r.length === 0);
  return {
    report: {
      now: new Date(now),
      verdict: worst(summaries.map((s) => s.verdict)),
      cron: { schedule: options.schedule, intervalSeconds: options.intervalMs / 1000 },
      sources: summaries,
      // start-up findings (stale indexes, KV settings): known without a read
      warnings: options.warnings?.() ?? [],
      storage,
    },
    days: chartDays(states, sources, options.chartDays ?? 30, now),
    notices,
    firstRunDueAt: neverRan ? options.firstRunDueAt ?? null : null,
  };
}
