/**
 * The dashboard's data at constant cost: the same few MongoDB commands at any size, one
 * gathering for a burst of loads, figures equal to counts over the stored notices.
 */
import { assert, assertEquals } from "@std/assert";
import { MongoClient } from "mongodb";
import { CLIENT_OPTIONS } from "../../src/db/client.ts";
import { contractsCollection } from "../../src/db/contracts.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { dashboardGatherer, gatherDashboard, newestSince } from "../../src/http/dashboard_data.ts";
import { freshDbName, startTestServerFirst, testMongoUri } from "../support/mongo.ts";
import { storeNotices, syntheticNotices } from "../support/notices.ts";

// the test server is this file's, not any one test's (see startTestServerFirst)
startTestServerFirst();

const NOW = Date.parse("2026-11-30T12:00:00Z");
const OPTIONS = { sources: ["fts", "cf"] as const, schedule: "0 * * * *", intervalMs: 3_600_000 };

Deno.test({
  name:
    "a dashboard load costs 7 MongoDB commands at 0, 100 and 1,000 notices; a burst costs one load",
  // jongodb prints a line for each client connection that closes (see mongoTest)
  sanitizeOps: false,
  fn: async () => {
    const client = new MongoClient(await testMongoUri(), {
      ...CLIENT_OPTIONS,
      monitorCommands: true,
    });
    let commands = 0;
    client.on("commandStarted", () => commands++);
    using kv = await Deno.openKv(":memory:");
    for (const size of [0, 100, 1000]) {
      const db = client.db(freshDbName(`dashboard_${size}`));
      await ensureIndexes(db);
      const notices = syntheticNotices(size, 3, NOW);
      await storeNotices(db, notices, NOW, 250);
      const before = commands;
      const facts = await gatherDashboard(
        { db, kv },
        { ...OPTIONS, firstRunDueAt: NOW + 60_000 },
        NOW,
      );
      assertEquals(commands - before, 7, `commands at ${size} notices`);
      for (const s of facts.report.sources) {
        assertEquals(
          s.contracts,
          await contractsCollection(db).countDocuments({ source: s.source }),
        );
      }
      const charted = facts.days.reduce((n, d) => n + (d.counts.fts ?? 0) + (d.counts.cf ?? 0), 0);
      const since = Date.parse(facts.days[0].day);
      assertEquals(charted, notices.filter((n) => n.releaseDate.getTime() >= since).length);
      const newest = [...notices].sort((a, b) => b.releaseDate.getTime() - a.releaseDate.getTime())
        .slice(0, 12).map((n) => n.noticeId);
      assertEquals(
        facts.notices.map((n) => n.noticeId),
        newest,
        "the newest notices, bounded read",
      );
      if (size === 0) {
        assertEquals(facts.firstRunDueAt, NOW + 60_000);
        assertEquals(facts.report.verdict, "waiting");
      } else {
        assertEquals(facts.firstRunDueAt, null);
      }

      const gather = dashboardGatherer({ ...OPTIONS, ttlMs: 5_000 });
      const burst = commands;
      await Promise.all(Array.from({ length: 10 }, () => gather({ db, kv }, NOW)));
      await gather({ db, kv }, NOW + 4_000);
      assertEquals(commands - burst, 7, "ten loads at once and one 4 s later: one gathering");
      await gather({ db, kv }, NOW + 6_000);
      assertEquals(commands - burst, 14, "after the cache time: gathered again");
    }
    await client.close();
  },
});

Deno.test("newestSince: the most recent day from which the figures reach n notices", () => {
  const states: { days: Record<string, number> }[] = [
    { days: { "2026-11-30": 5, "2026-11-29": 4 } },
    { days: { "2026-11-28": 10 } },
  ];
  assertEquals(newestSince(states, 9, NOW)?.toISOString(), "2026-11-28T00:00:00.000Z");
  assertEquals(newestSince(states, 12, NOW)?.toISOString(), "2026-11-27T00:00:00.000Z");
  assertEquals(newestSince(states, 100, NOW), null);
  assert(newestSince([], 1, NOW) === null);
});
