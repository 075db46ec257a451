/**
 * Every fault the replay server injects, at several points of a backfill, through the whole
 * engine: each ends with every good release stored once, the cursor where it should be, and
 * a record of what happened. Also MongoDB going away mid-run.
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { MongoClient } from "mongodb";
import { manualClock } from "../../src/clock.ts";
import { loadConfig, type SourceId } from "../../src/config.ts";
import { contractsCollection } from "../../src/db/contracts.ts";
import { CLIENT_OPTIONS, getMongoClient } from "../../src/db/client.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { quarantineCollection } from "../../src/db/quarantine.ts";
import { type RunDoc, runsCollection } from "../../src/db/runs.ts";
import { loadState } from "../../src/db/sync_state.ts";
import { type EngineDeps, runSync } from "../../src/sync/engine.ts";
import { engineDeps } from "../../src/sync/wiring.ts";
import { dropping, freshDb, freshDbName, testMongoUri } from "../support/mongo.ts";
import { type Fault, startReplayServer } from "../support/replay_server.ts";
import { type ReleaseJson, syntheticReleases } from "../support/replay_data.ts";
import { snapshot } from "../support/snapshot.ts";
import { startTcpProxy } from "../support/tcp_proxy.ts";

const FROM = new Date("2026-11-20T00:00:00Z");
const NOW = Date.parse("2026-11-22T00:00:00Z");
const ENV = {
  FTS_START_DATE: "2026-11-20",
  CF_START_DATE: "2026-11-20",
  FTS_WINDOW: "12h",
  CF_WINDOW: "12h",
  FTS_PAGE_SIZE: "20",
  CF_PAGE_SIZE: "20",
  FTS_RATE_LIMIT: "10000/1s",
  CF_RATE_LIMIT: "10000/1s",
  HTTP_MAX_ATTEMPTS: "3",
  HTTP_TIMEOUT: "300ms",
};

function releasesOf(source: SourceId): ReleaseJson[] {
  return syntheticReleases(source, 120, { from: FROM, to: new Date(NOW - 6 * 3_600_000), seed: 5 });
}

/** A release 3–9 h into the window of fault point `point` (0, 3, 7 → day 1 early … day 2). */
function releaseNear(releases: ReleaseJson[], point: number): string {
  const start = FROM.getTime() + (point === 0 ? 3 : point === 3 ? 15 : 27) * 3_600_000;
  const hit = releases.find((r) => {
    const t = Date.parse(r.date);
    return t >= start && t < start + 6 * 3_600_000;
  });
  if (!hit) throw new Error(`no release near point ${point}`);
  return hit.id;
}

/** Runs the engine on `source` until it is caught up (at most `maxRuns`). */
async function syncUntilDone(deps: EngineDeps, source: SourceId, maxRuns = 4): Promise<RunDoc[]> {
  const runs: RunDoc[] = [];
  while (runs.length < maxRuns) {
    const run = await runSync(deps, { source, trigger: "test" });
    runs.push(run);
    if (run.outcome === "caught-up") break;
  }
  return runs;
}

interface Case {
  readonly name: string;
  readonly fault: Fault;
  readonly source?: SourceId;
  /** Requests it hits (default 1). */
  readonly times?: number;
  /**
   * `absorbed`: the run gets past the fault itself. `resumed`: the run fails with a record of
   * why, and a later run resumes from the cursor. `either`: which one depends on where the
   * fault lands (a loop back to a first page is indistinguishable from a fresh page).
   */
  readonly runs: "absorbed" | "resumed" | "either";
  /** What the run record says. */
  readonly record: (runs: RunDoc[]) => void;
  /** Releases that end in quarantine instead of `contracts`. */
  readonly quarantined?: number;
}

const retried = (runs: RunDoc[]) => assert(runs[0].retries >= 1, "the run retried");
const failedWith = (pattern: RegExp) => (runs: RunDoc[]) => {
  for (const run of runs.slice(0, -1)) {
    assertEquals(run.outcome, "error");
    assertMatch(run.error ?? "", pattern);
  }
};
const warned = (pattern: RegExp) => (runs: RunDoc[]) =>
  assert(runs[0].warnings.some((w) => pattern.test(w)), runs[0].warnings.join("\n"));

const CASES: Case[] = [
  {
    name: "429 without Retry-After",
    fault: { kind: "status", status: 429 },
    times: 2,
    runs: "absorbed",
    record: retried,
  },
  {
    name: "429 with Retry-After",
    fault: { kind: "status", status: 429, retryAfter: "7" },
    times: 2,
    runs: "absorbed",
    record: (runs) => assert(runs[0].waitedSeconds >= 14, `waited ${runs[0].waitedSeconds}s`),
  },
  {
    name: "CF's 403 rate-limit page",
    source: "cf",
    fault: { kind: "throttle-html" },
    runs: "absorbed",
    record: retried,
  },
  { name: "500", fault: { kind: "status", status: 500 }, runs: "absorbed", record: retried },
  { name: "502", fault: { kind: "status", status: 502 }, runs: "absorbed", record: retried },
  {
    name: "503",
    fault: { kind: "status", status: 503 },
    times: 2,
    runs: "absorbed",
    record: retried,
  },
  { name: "504", fault: { kind: "status", status: 504 }, runs: "absorbed", record: retried },
  {
    name: "503 beyond every attempt",
    fault: { kind: "status", status: 503 },
    times: 3,
    runs: "resumed",
    record: failedWith(/failed 3 times.*HTTP 503.*resumes from the same position/),
  },
  {
    name: "slow answer past the timeout",
    fault: { kind: "slow", delayMs: 1_000 },
    runs: "absorbed",
    record: retried,
  },
  { name: "connection reset", fault: { kind: "reset" }, runs: "absorbed", record: retried },
  {
    name: "invalid JSON numbers",
    fault: { kind: "invalid-numbers" },
    runs: "absorbed",
    record: warned(/repaired|1e9999/i),
  },
  {
    name: "truncated body",
    fault: { kind: "truncate" },
    runs: "absorbed",
    record: warned(/unreadable/),
  },
  {
    name: "truncated every time",
    fault: { kind: "truncate", fraction: 0.3 },
    times: 6,
    runs: "resumed",
    record: failedWith(/cannot be read even one release at a time/),
  },
  {
    name: "missing next on a full page",
    fault: { kind: "no-next" },
    runs: "absorbed",
    record: warned(/without links\.next/),
  },
  {
    name: "a next loop",
    fault: { kind: "next-loop" },
    runs: "either",
    record: failedWith(/leads back to a page already read/),
  },
  {
    name: "a next to another host",
    fault: { kind: "foreign-next" },
    runs: "resumed",
    record: failedWith(/never followed/),
  },
  {
    name: "non-UTF-8 bytes",
    source: "cf",
    fault: { kind: "windows-1252" },
    runs: "absorbed",
    record: () => {},
  },
  {
    name: "an unparseable release",
    fault: { kind: "bad-release", broken: "content" },
    times: Infinity,
    runs: "absorbed",
    quarantined: 1,
    record: (runs) => assertEquals(runs[0].quarantined, 1),
  },
  {
    name: "a release that breaks the page's structure",
    fault: { kind: "bad-release", broken: "structure" },
    times: Infinity,
    runs: "absorbed",
    quarantined: 1,
    record: warned(/unreadable/),
  },
];

/** Requests at which faults are injected: the first, one in the middle, one near the end. */
const POINTS = [0, 3, 7];

for (const c of CASES) {
  Deno.test({
    name: `fault matrix: ${c.name}`,
    // the shared test MongoDB (jongodb process, pooled client) outlives this test
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async (t) => {
      const source = c.source ?? "fts";
      const releases = releasesOf(source);
      for (const point of POINTS) {
        await t.step(`at request ${point + 1}`, async () => {
          await using server = startReplayServer({
            rateLimit: { fts: false, cf: false },
            releases: { [source]: releases },
          });
          // a standalone server: these are faults of the sources, and the 60 backfills of this
          // matrix would take many minutes with jongodb's transactions (pages in transactions
          // have their own crash and fault tests: engine_test, crash_resume_transactions_test)
          await using fresh = await freshDb("faults", { replicaSet: false });
          const db = fresh.db;
          await ensureIndexes(db);
          using kv = await Deno.openKv(":memory:");
          const deps = engineDeps(
            loadConfig({ ...ENV, FTS_BASE_URL: server.url, CF_BASE_URL: server.url }),
            {
              db,
              kv,
              clock: manualClock(NOW),
            },
          );
          // a broken release is one well inside a window (not in an overlap), at this point
          const bad = c.fault.kind === "bad-release" ? releaseNear(releases, point) : undefined;
          let seen = 0;
          server.inject({
            fault: c.fault.kind === "bad-release" ? { ...c.fault, releaseId: bad } : c.fault,
            source,
            times: c.times ?? 1,
            match: () => bad !== undefined || seen++ >= point,
          });
          const runs = await syncUntilDone(deps, source);
          const story = runs.map((r) => `${r.outcome}: ${r.error}`).join("\n");
          assertEquals(runs.at(-1)!.outcome, "caught-up", story);
          if (c.runs === "absorbed") assertEquals(runs.length, 1, story);
          if (c.runs === "resumed") assert(runs.length >= 2, story);
          c.record(runs);
          for (let i = 1; i < runs.length; i++) {
            // a failed run leaves the cursor at the page that failed; the next starts there
            assertEquals(runs[i].from, runs[i - 1].to, "resumed where it stopped");
          }
          const stored = await contractsCollection(db).find({}).toArray();
          const ids = stored.map((d) => d.releaseId);
          assertEquals(new Set(ids).size, ids.length, "each release stored once");
          const quarantined = await quarantineCollection(db).find({}).toArray();
          assertEquals(quarantined.length, c.quarantined ?? 0);
          for (const q of quarantined) assert(q.raw.includes(bad!), "the bad release, raw");
          const expected = releases.map((r) => r.id).filter((id) => id !== bad);
          assertEquals(ids.sort(), expected.sort(), "every good release stored");
          const state = await loadState(db, source);
          assertEquals([state?.window, state?.status, state?.lastError], [null, "ok", null]);
        });
      }
    },
  });
}

Deno.test({
  name:
    "fault matrix: MongoDB going away mid-run fails cleanly; the next run resumes, nothing lost",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const releases = releasesOf("fts");
    await using server = startReplayServer({
      rateLimit: { fts: false, cf: false },
      releases: { fts: releases },
    });
    const config = loadConfig({ ...ENV, FTS_BASE_URL: server.url, CF_BASE_URL: server.url });
    // A standalone server: a replica set names its members by their own address, and the
    // driver would go there, around the proxy.
    const uri = await testMongoUri({ replicaSet: false });
    const target = new URL(uri.replace(/^mongodb:/, "http:"));
    await using proxy = startTcpProxy(Number(target.port));
    const client = new MongoClient(`mongodb://127.0.0.1:${proxy.port}`, {
      ...CLIENT_OPTIONS,
      serverSelectionTimeoutMS: 1_000,
    });
    const name = freshDbName("outage");
    const db = client.db(name);
    await using _drop = dropping(getMongoClient(uri).db(name));
    await ensureIndexes(db);
    using kv = await Deno.openKv(":memory:");
    const base = engineDeps(config, { db, kv, clock: manualClock(NOW) });

    const failed = await runSync({
      ...base,
      checkpoint: (step, page) => {
        if (step === "stored" && page === 3) proxy.cut();
      },
    }, { source: "fts", trigger: "test" });
    assertEquals(failed.outcome, "error");
    assert(failed.pages === 2, `pages committed before the outage: ${failed.pages}`);
    assertMatch(failed.error ?? "", /Mongo|connect|closed|selection/i);

    await proxy.restore();
    const resumed = await runSync(base, { source: "fts", trigger: "test" });
    assertEquals(resumed.outcome, "caught-up");
    assertEquals(resumed.from, failed.to, "resumed at the last committed page");
    // the failed run could not be recorded during the outage: it was kept, then written
    const recorded = await runsCollection(db).findOne({ _id: failed._id });
    assertEquals([recorded?.outcome, recorded?.pages], ["error", 2]);

    // the same as a run that never saw an outage
    await using ref = await freshDb("outage_ref", { replicaSet: false });
    const reference = ref.db;
    await ensureIndexes(reference);
    using kv2 = await Deno.openKv(":memory:");
    const clean = await runSync(
      engineDeps(config, { db: reference, kv: kv2, clock: manualClock(NOW) }),
      {
        source: "fts",
        trigger: "test",
      },
    );
    assertEquals(clean.outcome, "caught-up");
    const a = await snapshot(db, ["contracts", "buyers", "procurements"]);
    const b = await snapshot(reference, ["contracts", "buyers", "procurements"]);
    assertEquals(a, b);
    assertEquals(a.contracts.length, 120);
    await client.close();
  },
});
