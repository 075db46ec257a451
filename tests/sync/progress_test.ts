/**
 * One "share done": the sync CLI's progress line (the engine's `onProgress`) and `GET /status`
 * (the dashboard reads the same report) show the same figure for the same stream.
 */
import { assert, assertEquals } from "@std/assert";
import { manualClock } from "../../src/clock.ts";
import { loadConfig } from "../../src/config.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { recentRuns } from "../../src/db/runs.ts";
import { readStatus } from "../../src/http/status.ts";
import type { Progress } from "../../src/sync/engine.ts";
import { runSync } from "../../src/sync/engine.ts";
import { engineDeps } from "../../src/sync/wiring.ts";
import { mongoTest } from "../support/mongo.ts";
import { startReplayServer } from "../support/replay_server.ts";
import { syntheticReleases } from "../support/replay_data.ts";

const NOW = Date.parse("2026-11-24T00:00:00Z");
const FROM = new Date("2026-11-20T00:00:00Z");

mongoTest(
  "the CLI's progress and /status show the same share done, mid-backfill and after",
  async (db) => {
    const server = startReplayServer({
      rateLimit: { fts: false, cf: false },
      releases: { fts: syntheticReleases("fts", 120, { from: FROM, to: new Date(NOW) }), cf: [] },
    });
    const kv = await Deno.openKv(":memory:");
    try {
      await ensureIndexes(db);
      const config = loadConfig({
        FTS_BASE_URL: server.url,
        FTS_RATE_LIMIT: "10000/1s",
        FTS_PAGE_SIZE: "25",
        FTS_START_DATE: "2026-11-20",
        HTTP_MAX_ATTEMPTS: "2",
      }, NOW);
      const seen: Progress[] = [];
      const deps = {
        ...engineDeps(config, { db: db, kv, clock: manualClock(NOW) }),
        onProgress: (p: Progress) => seen.push(p),
      };
      const status = async (now: number) =>
        (await readStatus({ db: db, kv }, {
          sources: ["fts"],
          schedule: config.cron.schedule,
          intervalMs: config.cron.intervalMs,
          now,
        })).sources[0].main!.progress;

      // a few pages: part of the backfill is done
      await runSync(deps, { source: "fts", trigger: "manual", maxPages: 3 });
      const [run] = await recentRuns(db, "fts", 1);
      const mid = seen.at(-1)!.done;
      assert(mid > 0 && mid < 1, `part done: ${mid}`);
      assertEquals(await status(run.startedAt.getTime()), mid);

      // to the end: both say done
      seen.length = 0;
      await runSync(deps, { source: "fts", trigger: "manual" });
      assertEquals(seen.at(-1)!.done, 1);
      assertEquals(await status(NOW), 1);
    } finally {
      kv.close();
      await server.close();
    }
  },
);
