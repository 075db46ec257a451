/**
 * A deployment upgraded from before the dashboard figures: the main stream's first run counts
 * what is stored once, then the figures move with the cursor as usual.
 */
import { assertEquals } from "@std/assert";
import { manualClock } from "../../src/clock.ts";
import { loadConfig } from "../../src/config.ts";
import { contractsCollection } from "../../src/db/contracts.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { loadState, syncStateCollection } from "../../src/db/sync_state.ts";
import { runSync } from "../../src/sync/engine.ts";
import { engineDeps } from "../../src/sync/wiring.ts";
import { mongoTest } from "../support/mongo.ts";
import { startReplayServer } from "../support/replay_server.ts";
import { syntheticReleases } from "../support/replay_data.ts";

mongoTest("a state without figures starts them from the stored notices, once", async (db) => {
  const now = Date.parse("2026-11-22T00:00:00Z");
  const from = new Date("2026-11-20T00:00:00Z");
  await using server = startReplayServer({ rateLimit: { fts: false, cf: false } });
  server.setReleases("fts", syntheticReleases("fts", 60, { from, to: new Date(now), seed: 4 }));
  await ensureIndexes(db);
  using kv = await Deno.openKv(":memory:");
  const config = loadConfig({
    FTS_BASE_URL: server.url,
    CF_BASE_URL: server.url,
    FTS_RATE_LIMIT: "10000/1s",
    FTS_START_DATE: "2026-11-20",
  });
  const clock = manualClock(now);
  const deps = engineDeps(config, { db, kv, clock });
  assertEquals((await runSync(deps, { source: "fts", trigger: "test" })).outcome, "caught-up");
  // as an older version left it: no notice figures at all
  await syncStateCollection(db).updateOne({ _id: "fts" }, {
    $unset: { "totals.notices": "", days: "" },
  });
  clock.advance(3_600_000);
  assertEquals((await runSync(deps, { source: "fts", trigger: "test" })).outcome, "caught-up");
  const state = await loadState(db, "fts");
  const stored = await contractsCollection(db).find({ source: "fts" }).toArray();
  const byDay: Record<string, number> = {};
  for (const c of stored) {
    const day = c.releaseDate.toISOString().slice(0, 10);
    byDay[day] = (byDay[day] ?? 0) + 1;
  }
  assertEquals(state?.totals.notices, stored.length);
  assertEquals(state?.days, byDay);
});
