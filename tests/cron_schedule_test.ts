import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
} from "@std/assert";
import { checkCron, cronIntervalMs, parseCron } from "../src/cron_schedule.ts";
import { loadConfig } from "../src/config.ts";
import { contractsCollection } from "../src/db/contracts.ts";
import { ensureIndexes } from "../src/db/indexes.ts";
import { getMongoClient } from "../src/db/client.ts";
import { recentRuns, recordRun, type RunDoc, runRecord } from "../src/db/runs.ts";
import {
  createCronHandler,
  CRON_BACKOFF,
  CRON_NAME,
  CronRunError,
} from "../src/sync/cron_handler.ts";
import { engineDeps } from "../src/sync/wiring.ts";
import { dropping, freshDb, freshDbName, mongoTest, testMongoUri } from "./support/mongo.ts";
import { startMain } from "./support/process.ts";
import { startReplayServer } from "./support/replay_server.ts";
import { snapshot } from "./support/snapshot.ts";
import { compileTarget, rebuildStateCollection } from "../src/sync/procurement_rebuild.ts";
import { syntheticReleases } from "./support/replay_data.ts";
import { quarantine, quarantineCollection } from "../src/db/quarantine.ts";
import { MAPPING_VERSION } from "../src/ocds/documents.ts";
import { fastEnv, replayData, startHarness } from "./http/harness.ts";

Deno.test("parseCron reads the 5-field forms Deno.cron takes, and refuses the rest", () => {
  assertEquals(parseCron("0 * * * *")?.minutes, new Set([0]));
  assertEquals(parseCron("*/20 1-3 * * *")?.minutes, new Set([0, 20, 40]));
  assertEquals(parseCron("*/20 1-3 * * *")?.hours, new Set([1, 2, 3]));
  // Deno reads day of week 1-7 with 1 = Sunday (measured: "* * * * 2" fires on Mondays)
  assertEquals(parseCron("0 0 * * 1")?.daysOfWeek, new Set([0]), "1 is Sunday");
  assertEquals(parseCron("0 0 * * 7")?.daysOfWeek, new Set([6]), "7 is Saturday");
  assertEquals(parseCron("5,35 */6 1 1,7 *")?.months, new Set([1, 7]));
  for (
    const bad of [
      "",
      "* * * *",
      "* * * * * *",
      "60 * * * *",
      "0 24 * * *",
      "0 0 0 * *",
      "*/0 * * * *",
      "@hourly",
      "0 * * JAN *",
      "5-1 * * * *",
      "0 0 * * 0",
    ]
  ) {
    assertEquals(parseCron(bad), null, bad);
  }
});

Deno.test("cronIntervalMs is the shortest gap between two ticks", () => {
  const gap = (e: string) => cronIntervalMs(parseCron(e)!) / 60_000;
  assertEquals(gap("* * * * *"), 1);
  assertEquals(gap("0 * * * *"), 60);
  assertEquals(gap("0,50 * * * *"), 10);
  assertEquals(gap("0 */6 * * *"), 360);
  assertEquals(gap("0 0 * * 2"), 7 * 1440);
  assertEquals(gap("0 23,1 * * *"), 120, "across midnight");
});

Deno.test("checkCron refuses what Deno.cron panics or throws on, saying why", () => {
  // Each of these passed validation before and then made Deno panic (InvalidCron) or throw
  // an uncaught TypeError at start-up (issue 11); the set was checked against Deno 2.9.6.
  const problems: Record<string, RegExp> = {
    "0 0 31 2 *": /never fires/,
    "0 0 30 2 *": /never fires/,
    "0 0 31 4 *": /never fires/,
    "0 0 30,31 2 *": /never fires/,
    "*/99 * * * *": /minute field "\*\/99" has a step outside 1-59/,
    "*/60 * * * *": /step outside 1-59/,
    "0 */24 * * *": /hour field .* step outside 1-23/,
    "0 0 */31 * *": /day of month field .* step outside 1-30/,
    "0 0 1 */12 *": /month field .* step outside 1-11/,
    "0 0 * * 0": /day of week field "0" is outside 1-7/,
    "0 0 * * 0-6": /outside 1-7/,
    "30 2": /has 2 fields, not 5/,
  };
  for (const [expression, why] of Object.entries(problems)) {
    const check = checkCron(expression);
    assertMatch(check.ok ? "accepted" : check.problem, why, expression);
  }
  // and what Deno accepts stays accepted
  for (
    const fine of [
      "0 0 29 2 *",
      "0 0 31 2 1",
      "0 0 31 2,3 *",
      "*/59 * * * *",
      "0-10/20 * * * *",
      "5/15 * * * *",
      "0 0 * * */6",
      "0 0 * * 7",
      "0 0 1-31/30 * *",
    ]
  ) {
    assert(checkCron(fine).ok, fine);
  }
});

Deno.test("the cron's name and backoff fit Deno Deploy's limits", () => {
  assert(CRON_NAME.length <= 64 && /^[A-Za-z0-9 _-]+$/.test(CRON_NAME), CRON_NAME);
  assert(CRON_BACKOFF.length <= 5 && CRON_BACKOFF.every((ms) => ms > 0 && ms <= 3_600_000));
});

function byOutcome(runs: RunDoc[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of runs) (out[r.source] ??= []).push(r.outcome);
  for (const k in out) out[k].sort();
  return out;
}

mongoTest(
  "two deliveries of one tick at once: one does the work, the other finds the lease held",
  async (db) => {
    await using h = await startHarness({ db });
    const tick = createCronHandler({ config: h.config, ready: () => Promise.resolve(h.engine) });
    const [a, b] = await Promise.all([tick(), tick()]);
    assertEquals(byOutcome([...a, ...b]), {
      fts: ["caught-up", "lease-held"],
      cf: ["caught-up", "lease-held"],
    });
    const held = [...a, ...b].find((r) => r.outcome === "lease-held")!;
    assertStringIncludes(held.error ?? "", "lease is held by run");
    assertEquals((await recentRuns(db, "fts", 10)).length, 2, "both deliveries are recorded");

    // the data equals what a single delivery stores
    await using single = await freshDb("cron-single");
    const other = single.db;
    await ensureIndexes(other);
    const kv = await Deno.openKv(":memory:");
    try {
      const single = createCronHandler({
        config: h.config,
        ready: () => Promise.resolve(engineDeps(h.config, { db: other, kv })),
      });
      await single();
      const parts = ["contracts", "buyers", "procurements"] as const;
      assertEquals(await snapshot(db, parts), await snapshot(other, parts));
      assertEquals(await contractsCollection(db).countDocuments({}), 80);
      // the ticks also rebuilt the procurements for today's rules (one that met the other's
      // lease leaves the rest to the next tick, which finds nothing left to do)
      await tick();
      const rebuilt = await rebuildStateCollection(db).findOne({ _id: "procurements" });
      assertEquals([rebuilt?.target, rebuilt?.done], [compileTarget(), true]);
      assertEquals(await snapshot(db, parts), await snapshot(other, parts));
    } finally {
      kv.close();
    }
  },
);

mongoTest("the same tick delivered again afterwards changes nothing", async (db) => {
  await using h = await startHarness({ db });
  const tick = createCronHandler({ config: h.config, ready: () => Promise.resolve(h.engine) });
  const first = await tick();
  assertEquals(first.map((r) => r.outcome), ["caught-up", "caught-up"]);
  const hashes = async () =>
    (await contractsCollection(db).find({}).toArray()).map((c) => `${c.noticeId}:${c.contentHash}`)
      .sort();
  const before = await hashes();
  const again = await tick();
  assertEquals(again.map((r) => [r.outcome, r.inserted, r.updated]), [
    ["caught-up", 0, 0],
    ["caught-up", 0, 0],
  ]);
  assertEquals(await hashes(), before);
  assertEquals(before.length, 80);
});

mongoTest("a failed run is logged, recorded, and thrown so Deno.cron retries it", async (db) => {
  await using h = await startHarness({ db, env: { HTTP_MAX_ATTEMPTS: "1" } });
  h.replay.inject({ fault: { kind: "status", status: 503 }, source: "fts", times: 3 });
  const tick = createCronHandler({ config: h.config, ready: () => Promise.resolve(h.engine) });
  const error = await assertRejects(() => tick(), CronRunError);
  assertStringIncludes(error.message, "fts: error");
  assertStringIncludes(error.message, "resumes from its saved cursor");
  const [fts] = await recentRuns(db, "fts", 1);
  assertEquals([fts.outcome, fts.trigger], ["error", "cron"]);
  const [cf] = await recentRuns(db, "cf", 1);
  assertEquals(cf.outcome, "caught-up", "the other source is not held back");
});

Deno.test("without a database the handler logs and throws a message saying what to check", async () => {
  const tick = createCronHandler({
    config: loadConfig({ SYNC_SOURCES: "fts" }),
    ready: () => Promise.reject(new Error("Cannot reach MongoDB at db.example.net")),
  });
  const error = await assertRejects(() => tick(), CronRunError);
  assertStringIncludes(error.message, "database is not available");
  assertStringIncludes(error.message, "Check MONGODB_URI");
});

Deno.test({
  name: "main.ts's Deno.cron fires (DENO_CRON_TEST_SCHEDULE_OFFSET) and syncs every source",
  // jongodb prints a line for each client connection that closes (see mongoTest)
  sanitizeOps: false,
  fn: async () => {
    await using replay = startReplayServer({
      rateLimit: { fts: false, cf: false },
      releases: replayData(),
    });
    const dbName = freshDbName("cron-main");
    await using _drop = dropping(getMongoClient(await testMongoUri()).db(dbName));
    const kvDir = await Deno.makeTempDir();
    try {
      await using app = await startMain({
        ...fastEnv(replay.url),
        MONGODB_URI: await testMongoUri(),
        MONGODB_DB: dbName,
        KV_PATH: `${kvDir}/kv.sqlite`,
        DENO_CRON_TEST_SCHEDULE_OFFSET: "1500",
      });
      const line = await app.waitFor(/The cron sync finished/, 30_000);
      assertStringIncludes(line, "fts: caught-up");
      assertStringIncludes(line, "cf: caught-up");
      const status = await (await fetch(`${app.url}/status`)).json();
      for (const s of status.sources) {
        assertEquals(s.verdict, "ok", JSON.stringify(s));
        assertEquals(s.runs.at(-1).trigger, "cron");
        assertEquals(s.contracts, 40);
      }
      assertEquals(await app.stop(), 0);
    } finally {
      await Deno.remove(kvDir, { recursive: true });
    }
  },
});

mongoTest("a tick re-tries releases quarantined under an older mapping version", async (db) => {
  await using h = await startHarness({ db });
  const [release] = syntheticReleases("fts", 1, {
    from: new Date("2026-01-01T00:00:00Z"),
    to: new Date("2026-01-02T00:00:00Z"),
    seed: 77,
  });
  // as if an older mapper had refused it; today's maps it
  await quarantine(db, [{
    source: "fts",
    kind: "release",
    releaseId: release.id,
    reason: "invalid-field",
    error: "refused by mapping version 0",
    raw: JSON.stringify(release),
    position: null,
    mappingVersion: MAPPING_VERSION - 1,
  }], new Date());
  const tick = createCronHandler({ config: h.config, ready: () => Promise.resolve(h.engine) });
  await tick();
  assertEquals(await quarantineCollection(db).countDocuments({}), 0);
  assertEquals(
    (await contractsCollection(db).findOne({ noticeId: release.id }))?.releaseId,
    release.id,
  );
});

mongoTest("after a good tick the RETAIN_* settings remove what is past its age", async (db) => {
  await using h = await startHarness({ db, env: { RETAIN_RUNS: "30d" } });
  const old = new Date(Date.now() - 400 * 86_400_000);
  await recordRun(
    db,
    runRecord({
      _id: "a-year-ago",
      source: "fts",
      streamId: "fts",
      trigger: "cron",
      startedAt: old,
      endedAt: old,
      outcome: "caught-up",
    }),
    500,
  );
  const tick = createCronHandler({ config: h.config, ready: () => Promise.resolve(h.engine) });
  await tick();
  const runs = await recentRuns(db, "fts", 10);
  assertEquals(runs.map((r) => r.trigger), ["cron"], "the old run went, this tick's stayed");
  assertEquals(await contractsCollection(db).countDocuments({}), 80, "notices: RETAIN_NOTICES off");
});
