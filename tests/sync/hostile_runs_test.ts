/**
 * Runs that meet hostile or broken input (issue 11), end to end: replay server (real HTTP),
 * MongoDB, Deno KV, the real sources and engine. The lease is held through long waits; a run
 * stopped by the API's throttling says so; failed runs count what they cost; a stream whose
 * position is in the future starts again; open-ended range backfills do not multiply.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { type Clock, manualClock, systemClock } from "../../src/clock.ts";
import { loadConfig } from "../../src/config.ts";
import { contractsCollection } from "../../src/db/contracts.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { recentRuns } from "../../src/db/runs.ts";
import { loadState, saveState } from "../../src/db/sync_state.ts";
import { readStatus } from "../../src/http/status.ts";
import { type EngineDeps, runSync } from "../../src/sync/engine.ts";
import { acquireLease } from "../../src/sync/lease.ts";
import { engineDeps } from "../../src/sync/wiring.ts";
import { freshDb } from "../support/mongo.ts";
import { startReplayServer } from "../support/replay_server.ts";
import { type ReleaseJson, syntheticReleases } from "../support/replay_data.ts";

const DAY = 86_400_000;

async function world(options: {
  releases: { fts?: ReleaseJson[]; cf?: ReleaseJson[] };
  env?: Record<string, string>;
  clock?: Clock;
}) {
  const clock = options.clock ?? systemClock;
  const server = startReplayServer({
    clock,
    rateLimit: { fts: false, cf: false },
    releases: { fts: options.releases.fts ?? [], cf: options.releases.cf ?? [] },
  });
  const { db } = await freshDb("hostile");
  await ensureIndexes(db);
  const kv = await Deno.openKv(":memory:");
  const config = loadConfig({
    FTS_BASE_URL: server.url,
    CF_BASE_URL: server.url,
    FTS_RATE_LIMIT: "10000/1s",
    CF_RATE_LIMIT: "10000/1s",
    FTS_PAGE_SIZE: "10",
    CF_PAGE_SIZE: "10",
    FTS_START_DATE: "3d",
    CF_START_DATE: "3d",
    CF_WINDOW: "2d",
    FTS_WINDOW: "2d",
    ...options.env,
  }, clock.now());
  const deps: EngineDeps = engineDeps(config, { db, kv, clock });
  return {
    server,
    db,
    kv,
    clock,
    config,
    deps,
    async [Symbol.asyncDispose]() {
      kv.close();
      await server.close();
    },
  };
}

const recent = (source: "fts" | "cf", n: number, now: number) =>
  syntheticReleases(source, n, { from: new Date(now - 2 * DAY), to: new Date(now - 60_000) });

Deno.test({
  name: "lease: held through a throttle wait 3× its TTL; a taker during the wait is refused",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    // Before issue 11 the lease was renewed only after each page: a CF throttle wait longer
    // than SYNC_LEASE_TTL let any other run take it, and this run then ended `lease-lost`.
    const cf = recent("cf", 30, Date.now());
    await using w = await world({
      releases: { cf },
      env: { SYNC_LEASE_TTL: "1s", CF_THROTTLE_WAIT: "3s" },
    });
    let requests = 0;
    w.server.inject({
      fault: { kind: "throttle-html" },
      source: "cf",
      match: () => ++requests === 2,
    });
    const run = runSync(w.deps, { source: "cf", trigger: "test" });
    while (!w.server.log.some((r) => r.status === 403)) await systemClock.sleep(20);
    const attempts = [];
    for (const after of [1_500, 1_200]) {
      await systemClock.sleep(after); // 1.5 s and 2.7 s into the wait: the TTL is 1 s
      attempts.push(
        await acquireLease(w.kv, "cf", { owner: "intruder", ttlMs: 1_000, now: Date.now() }),
      );
    }
    const done = await run;
    assertEquals(attempts.map((a) => a.ok), [false, false], "the lease stayed held");
    assertEquals(done.outcome, "caught-up", done.error ?? "");
    assertEquals(done.retries, 1);
    assert(done.waitedSeconds >= 3, `waited ${done.waitedSeconds}s`);
    assertEquals(await contractsCollection(w.db).countDocuments({ source: "cf" }), 30);
  },
});

Deno.test({
  name: "lease: a run that really loses it to another holder during a wait still stops",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const cf = recent("cf", 30, Date.now());
    await using w = await world({
      releases: { cf },
      env: { SYNC_LEASE_TTL: "1s", CF_THROTTLE_WAIT: "2s" },
    });
    let requests = 0;
    w.server.inject({
      fault: { kind: "throttle-html" },
      source: "cf",
      match: () => ++requests === 2,
    });
    const run = runSync(w.deps, { source: "cf", trigger: "test" });
    while (!w.server.log.some((r) => r.status === 403)) await systemClock.sleep(20);
    // another holder took it (as after a pause longer than the TTL): a newer token
    await w.kv.set(["lease", "cf"], {
      owner: "other",
      token: 1_000,
      acquiredAt: Date.now(),
      expiresAt: Date.now() + 60_000,
    });
    const done = await run;
    assertEquals(done.outcome, "lease-lost");
    assertEquals(done.pages, 1, "the page read during the wait was not stored");
    assertEquals(await contractsCollection(w.db).countDocuments({ source: "cf" }), 10);
  },
});

Deno.test({
  name:
    "throttled: Retry-After 999999 stops the run as throttled (capped), not budget, and says so",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    // Before issue 11: the source paused for 11.6 days; later runs ended `budget` with 0
    // requests and no error, and the verdict stayed ok.
    const now = Date.parse("2026-11-24T00:00:00Z");
    const clock = manualClock(now);
    await using w = await world({
      clock,
      releases: { fts: recent("fts", 25, now) },
      env: { SYNC_BUDGET: "10m" },
    });
    w.server.inject({
      fault: { kind: "status", status: 429, retryAfter: "999999" },
      source: "fts",
      match: (r) => r.params.cursor !== undefined, // the second page
    });
    const first = await runSync(w.deps, { source: "fts", trigger: "test" });
    assertEquals(first.outcome, "throttled");
    assertEquals(first.throttledUntil?.getTime(), clock.now() + 3_600_000, "cut to 1 h");
    assertEquals([first.pages, first.requests], [1, 2]);
    const statusOptions = () => ({
      sources: ["fts" as const],
      schedule: "0 * * * *",
      intervalMs: 3_600_000,
      now: clock.now(),
    });
    const report = await readStatus(w.deps, statusOptions());
    const fts = report.sources[0];
    assertEquals(fts.verdict, "lagging");
    assertStringIncludes(fts.reason, "throttled by the API until 2026-11-24T01:00:00Z");
    assertEquals(fts.throttledUntil?.getTime(), first.throttledUntil?.getTime());

    clock.advance(60_000);
    const second = await runSync(w.deps, { source: "fts", trigger: "test" });
    assertEquals([second.outcome, second.requests], ["throttled", 0], "not `budget`");

    clock.advance(3_600_000);
    const third = await runSync(w.deps, { source: "fts", trigger: "test" });
    assertEquals(third.outcome, "caught-up", third.error ?? "");
    assertEquals(await contractsCollection(w.db).countDocuments({ source: "fts" }), 25);
    assertEquals((await loadState(w.db, "fts"))?.throttledUntil, null);
    assertEquals((await readStatus(w.deps, statusOptions())).sources[0].verdict, "ok");
  },
});

Deno.test({
  name: "a failed run records the requests, retries and waits it made",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    // Before issue 11: 5 requests to a failing API were recorded as 0 requests, 0 retries.
    const now = Date.parse("2026-11-24T00:00:00Z");
    const clock = manualClock(now);
    await using w = await world({
      clock,
      releases: { fts: recent("fts", 5, now) },
      env: { HTTP_MAX_ATTEMPTS: "5", HTTP_RETRY_BASE: "2s" },
    });
    w.server.inject({ fault: { kind: "status", status: 503 }, source: "fts", times: 5 });
    const run = await runSync(w.deps, { source: "fts", trigger: "test" });
    assertEquals(run.outcome, "error");
    assertEquals([run.requests, run.retries], [5, 4]);
    assert(run.waitedSeconds >= 15, `waited ${run.waitedSeconds}s`); // ≥ 1 + 2 + 4 + 8
    const [stored] = await recentRuns(w.db, "fts", 1);
    assertEquals(stored.requests, 5);
  },
});

Deno.test({
  name: "a stored position in the future: /status is never ok, and the next run starts again",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    // Before issue 11: FTS_START_DATE=9999-12-31 left a state that said "ok, caught up" with
    // a lag of −251,606,199,267 s, forever, even after the variable was removed.
    const now = Date.parse("2026-11-24T00:00:00Z");
    const clock = manualClock(now);
    await using w = await world({ clock, releases: { fts: recent("fts", 12, now) } });
    const future = new Date("9999-12-31T00:00:00Z");
    await saveState(
      w.db,
      "fts",
      1,
      {
        source: "fts",
        kind: "main",
        mode: "incremental",
        rangeFrom: future,
        rangeTo: null,
        window: null,
        cursor: null,
        watermark: future,
        status: "ok",
        lastError: null,
        lastRunId: null,
        lastSuccessAt: new Date(now - 60_000),
      },
      {},
      new Date(now - 60_000),
    );
    const options = {
      sources: ["fts" as const],
      schedule: "0 * * * *",
      intervalMs: 3_600_000,
      now,
    };
    const before = (await readStatus(w.deps, options)).sources[0];
    assertEquals(before.verdict, "failing");
    assertStringIncludes(before.reason, "9999-12-31T00:00:00Z) is in the future");
    const run = await runSync(w.deps, { source: "fts", trigger: "test" });
    assertEquals(run.outcome, "caught-up", run.error ?? "");
    assert(run.warnings.some((x) => x.includes("starts again from its start date")));
    assertEquals(await contractsCollection(w.db).countDocuments({ source: "fts" }), 12);
    const state = await loadState(w.db, "fts");
    assertEquals(state?.rangeFrom.getTime(), now - 3 * DAY);
    const after = (await readStatus(w.deps, { ...options, now: clock.now() })).sources[0];
    assertEquals(after.verdict, "ok", after.reason);
  },
});

Deno.test({
  name: "range backfills without an end reuse one stream; finished ones leave /status in time",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    // Before issue 11 every /backfill without `to` made a new stream, listed forever.
    const now = Date.parse("2026-11-24T00:00:00Z");
    const clock = manualClock(now);
    await using w = await world({ clock, releases: { cf: recent("cf", 12, now) } });
    const range = { from: new Date(now - 2 * DAY), to: null };
    for (let i = 0; i < 3; i++) {
      const run = await runSync(w.deps, { source: "cf", trigger: "test", range });
      assertEquals(run.outcome, "caught-up", run.error ?? "");
      clock.advance(3_600_000);
    }
    const options = (shownMs: number) => ({
      sources: ["cf" as const],
      schedule: "0 * * * *",
      intervalMs: 3_600_000,
      now: clock.now(),
      finishedBackfillsShownMs: shownMs,
    });
    const shown = (await readStatus(w.deps, options(7 * DAY))).sources[0].backfills;
    assertEquals(shown.length, 1, "one stream, not three");
    assertEquals(shown[0].stream, `cf:range:${range.from.toISOString()}:now`);
    assertEquals(shown[0].progress, 1);
    const later = (await readStatus(w.deps, options(30 * 60_000))).sources[0].backfills;
    assertEquals(later.length, 0, "finished more than 30 min ago: no longer listed");
  },
});
