/**
 * MongoDB round trips per page, counted with the driver's command monitoring: a few per page,
 * whatever the page size — never one per release. Keeping raw releases costs one more.
 */
import { assert, assertEquals } from "@std/assert";
import { MongoClient } from "mongodb";
import { manualClock } from "../../src/clock.ts";
import { loadConfig } from "../../src/config.ts";
import { CLIENT_OPTIONS } from "../../src/db/client.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { runSync } from "../../src/sync/engine.ts";
import { engineDeps } from "../../src/sync/wiring.ts";
import { dropping, freshDbName, testMongoUri } from "../support/mongo.ts";
import { startReplayServer } from "../support/replay_server.ts";
import { syntheticReleases } from "../support/replay_data.ts";

Deno.test({
  name: "a backfill costs at most 9 MongoDB commands per page with raw releases, 8 without",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const from = new Date("2026-11-20T00:00:00Z");
    const now = Date.parse("2026-11-22T00:00:00Z");
    await using server = startReplayServer({ rateLimit: { fts: false, cf: false } });
    server.setReleases("fts", syntheticReleases("fts", 300, { from, to: new Date(now), seed: 8 }));
    const client = new MongoClient(await testMongoUri(), {
      ...CLIENT_OPTIONS,
      monitorCommands: true,
    });
    const perPage: Record<string, number> = {};
    for (
      const [pageSize, keepRaw] of [["10", "true"], ["100", "true"], ["10", "false"], [
        "100",
        "false",
      ]]
    ) {
      const db = client.db(freshDbName("round_trips"));
      await using _drop = dropping(db);
      await ensureIndexes(db);
      using kv = await Deno.openKv(":memory:");
      const config = loadConfig({
        FTS_BASE_URL: server.url,
        CF_BASE_URL: server.url,
        FTS_RATE_LIMIT: "10000/1s",
        FTS_PAGE_SIZE: pageSize,
        FTS_START_DATE: "2026-11-20",
        KEEP_RAW_RELEASES: keepRaw,
      });
      let commands = 0;
      const count = () => commands++;
      client.on("commandStarted", count);
      const run = await runSync(engineDeps(config, { db, kv, clock: manualClock(now) }), {
        source: "fts",
        trigger: "test",
      });
      client.off("commandStarted", count);
      assertEquals(run.outcome, "caught-up");
      perPage[`${pageSize} releases, raw ${keepRaw}`] = commands / run.pages;
      // Every release read is kept (overlapping windows read some twice), or none.
      const kept = await db.collection("releases").countDocuments();
      assertEquals(kept, keepRaw === "true" ? 300 : 0);
    }
    const shown = JSON.stringify(perPage);
    // releases bulk + find (notices and their ocids) + insert + buyers (a recount on a
    // standalone, deltas and a commit in a transaction) + procurements insert (and replace, when
    // a page touches known ocids) + state save, plus the run's own bookkeeping: within the page
    // budget of 9 shared by every issue
    for (const [k, n] of Object.entries(perPage)) {
      assert(n <= (k.endsWith("true") ? 9 : 8), `commands per page: ${shown}`);
    }
    console.log(`commands per page: ${shown}`);
    await client.close();
  },
});
