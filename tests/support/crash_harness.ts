/**
 * Crash-resume equivalence: a range backfill runs in a subprocess (`src/cli/sync.ts`) that is
 * killed with SIGKILL at seeded random moments and restarted until the stream is done; the
 * resulting database is compared with an uninterrupted run's by a canonical snapshot.
 *
 * @example
 * ```ts
 * const result = await crashResume({ releases: 5000, kills: 20, seed: 1 });
 * assertEquals(result.crashedHash, result.referenceHash);
 * ```
 * @module
 */
import type { Db } from "mongodb";
import { getMongoClient } from "../../src/db/client.ts";
import { loadState, rangeStreamId } from "../../src/db/sync_state.ts";
import { recountAllBuyers } from "../../src/db/buyer_recount.ts";
import { dropTestDb, freshDbName, testMongoUri } from "./mongo.ts";
import { childEnv, projectPath } from "./process.ts";
import { startReplayServer } from "./replay_server.ts";
import { syntheticReleases } from "./replay_data.ts";
import { snapshotHash } from "./snapshot.ts";
import { prng } from "./random.ts";

/** Options of {@linkcode crashResume}. */
export interface CrashOptions {
  readonly releases: number;
  /** SIGKILLs to deliver (at least; each restart after a kill counts once). */
  readonly kills: number;
  readonly seed: number;
  /** Kill after a random delay in `[minMs, maxMs)` after the child's start. */
  readonly minMs?: number;
  readonly maxMs?: number;
  /** Called with a line per event, for scripts. */
  readonly onEvent?: (line: string) => void;
  /**
   * Run on a replica set (pages in transactions, as on Atlas) or a standalone server (buyers
   * recounted per page). @default true
   */
  readonly replicaSet?: boolean;
}

/** What happened. */
export interface CrashResult {
  readonly referenceHash: string;
  readonly crashedHash: string;
  readonly kills: number;
  readonly starts: number;
  readonly referenceMs: number;
  readonly crashedMs: number;
  readonly contracts: number;
  /** Buyer counts of the crashed run that a full recount had to correct (0 when exact). */
  readonly corrected: number;
}

const FROM = "2026-10-01T00:00:00Z";
const TO = "2026-10-08T00:00:00Z";

/** Runs the reference and the crashed backfill; see the module doc. */
export async function crashResume(options: CrashOptions): Promise<CrashResult> {
  const log = options.onEvent ?? (() => {});
  await using server = startReplayServer({ rateLimit: { fts: false, cf: false } });
  server.setReleases(
    "fts",
    syntheticReleases("fts", options.releases, {
      from: new Date(FROM),
      to: new Date(TO),
      seed: options.seed,
    }),
  );
  const uri = await testMongoUri({ replicaSet: options.replicaSet ?? true });
  const kvDir = await Deno.makeTempDir({ prefix: "crash_kv_" });
  const streamId = rangeStreamId("fts", new Date(FROM), new Date(TO));
  const spawn = (dbName: string) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        projectPath("src/cli/sync.ts"),
        "--source",
        "fts",
        "--from",
        FROM,
        "--to",
        TO,
      ],
      env: childEnv({
        MONGODB_URI: uri,
        MONGODB_DB: dbName,
        KV_PATH: `${kvDir}/${dbName}.sqlite`,
        FTS_BASE_URL: server.url,
        CF_BASE_URL: server.url,
        FTS_RATE_LIMIT: "100000/1s",
        FTS_PAGE_SIZE: "50",
        FTS_WINDOW: "12h",
        SYNC_LEASE_TTL: "1s",
        // jongodb applies each update in time linear in the collection's size, so thousands
        // of raw-release upserts take many minutes there; raw releases under kills are
        // covered by tests/sync/engine_test.ts and tests/sync/remap_test.ts.
        KEEP_RAW_RELEASES: Deno.env.get("MONGODB_URI") ? "true" : "false",
      }),
      clearEnv: true,
      stdout: "null",
      stderr: "null",
    }).spawn();
  const done = async (db: Db) => {
    const state = await loadState(db, streamId);
    return state !== null && state.window === null && state.status === "ok";
  };
  const refName = freshDbName("crash_ref");
  const refDb = getMongoClient(uri).db(refName);
  const name = freshDbName("crash_run");
  const db = getMongoClient(uri).db(name);
  try {
    let started = performance.now();
    const status = await spawn(refName).status;
    if (!status.success || !(await done(refDb))) {
      throw new Error(`the uninterrupted run failed (exit ${status.code})`);
    }
    const referenceMs = performance.now() - started;
    log(`reference run: ${referenceMs.toFixed(0)} ms`);

    const random = prng(options.seed);
    let kills = 0;
    let starts = 0;
    started = performance.now();
    while (!(await done(db))) {
      const child = spawn(name);
      starts++;
      if (kills < options.kills) {
        const min = options.minMs ?? 300;
        const delay = min + random() * ((options.maxMs ?? 1_500) - min);
        const timer = setTimeout(() => {
          try {
            child.kill("SIGKILL");
          } catch {
            // it already exited: that start simply finished its work
          }
        }, delay);
        const s = await child.status;
        clearTimeout(timer);
        if (s.signal === "SIGKILL") kills++;
        log(
          `start ${starts}: ${
            s.signal === "SIGKILL" ? `killed after ${delay.toFixed(0)} ms` : `exit ${s.code}`
          }`,
        );
      } else {
        const s = await child.status;
        log(`start ${starts}: exit ${s.code}`);
      }
      // a killed holder's lease must expire (SYNC_LEASE_TTL) before the next start can work
      if (!(await done(db))) await new Promise((r) => setTimeout(r, 1_050));
      if (starts > options.kills * 4 + 20) throw new Error(`not done after ${starts} starts`);
    }
    const crashedMs = performance.now() - started;
    const contracts = await db.collection("contracts").countDocuments({});
    const referenceHash = await snapshotHash(refDb);
    const crashedHash = await snapshotHash(db);
    const { corrected } = await recountAllBuyers(db, { now: new Date() });
    return {
      referenceHash,
      crashedHash,
      kills,
      starts,
      referenceMs,
      crashedMs,
      contracts,
      corrected,
    };
  } finally {
    await Deno.remove(kvDir, { recursive: true }).catch(() => {});
    await Promise.all([dropTestDb(refDb), dropTestDb(db)]);
  }
}
