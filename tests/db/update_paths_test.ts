/**
 * MongoDB rejects an update whose operators touch the same field, or a field and one inside it
 * (`{$set: {a: 1}, $inc: {"a.b": 1}}`: "Updating the path 'a.b' would create a conflict at
 * 'a'"); jongodb accepts some of these. So every update document the product sends is
 * collected (driver command monitoring, on both server kinds: with transactions and
 * without) while it syncs, retries the quarantine, recounts buyers and applies retention, and
 * each is checked here.
 */
import { assert, assertEquals } from "@std/assert";
import { type Db, type Document, MongoClient } from "mongodb";
import { manualClock } from "../../src/clock.ts";
import { loadConfig } from "../../src/config.ts";
import { CLIENT_OPTIONS } from "../../src/db/client.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { quarantine } from "../../src/db/quarantine.ts";
import { recountAllBuyers } from "../../src/db/buyer_recount.ts";
import { applyRetention } from "../../src/db/retention.ts";
import { writePage } from "../../src/db/page_write.ts";
import { recordRun, runRecord } from "../../src/db/runs.ts";
import { retryQuarantine } from "../../src/sync/quarantine_retry.ts";
import { engineDeps, syncSources } from "../../src/sync/wiring.ts";
import { dropTestDb, freshDbName, startTestServerFirst, testMongoUri } from "../support/mongo.ts";
import { startReplayServer } from "../support/replay_server.ts";
import { fixtureReleases, syntheticReleases } from "../support/replay_data.ts";
import { aBuyer, aContract } from "../support/contracts.ts";

// the test server is this file's, not any one test's (see startTestServerFirst)
startTestServerFirst();
startTestServerFirst({ replicaSet: false });

/** The paths an update document touches, with their operator. */
export function updatePaths(update: Document): { op: string; path: string }[] {
  return Object.entries(update).flatMap(([op, fields]) =>
    op.startsWith("$") && fields && typeof fields === "object"
      ? Object.keys(fields).map((path) => ({ op, path }))
      : []
  );
}

/** Pairs of paths in one update that MongoDB would reject as conflicting. */
export function conflictingPaths(update: Document): string[] {
  const paths = updatePaths(update);
  const conflicts: string[] = [];
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      const [a, b] = [paths[i].path, paths[j].path];
      if (a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`)) {
        conflicts.push(`${paths[i].op} ${a} / ${paths[j].op} ${b}`);
      }
    }
  }
  return conflicts;
}

Deno.test("conflictingPaths finds the same path, a parent and a child, across operators", () => {
  assertEquals(conflictingPaths({ $set: { a: 1 }, $inc: { b: 1 } }), []);
  assertEquals(conflictingPaths({ $set: { a: 1 }, $inc: { a: 1 } }), ["$set a / $inc a"]);
  assertEquals(conflictingPaths({ $set: { a: 1 }, $inc: { "a.b": 1 } }), ["$set a / $inc a.b"]);
  assertEquals(conflictingPaths({ $set: { "a.b": 1, a: {} } }), ["$set a.b / $set a"]);
  assertEquals(conflictingPaths({ $set: { ab: 1 }, $inc: { "a.b": 1 } }), []);
});

/** Runs every writing path of the product against `db`, as seen by the monitored client. */
async function exerciseEverything(db: Db): Promise<void> {
  const from = new Date("2026-11-20T00:00:00Z");
  const now = Date.parse("2026-11-22T00:00:00Z");
  await using server = startReplayServer({ rateLimit: { fts: false, cf: false } });
  server.setReleases("fts", [
    ...syntheticReleases("fts", 60, { from, to: new Date(now), seed: 3 }),
    { id: "no-ocid-1", date: "2026-11-21T10:00:00Z" }, // quarantined
  ]);
  server.setReleases("cf", syntheticReleases("cf", 60, { from, to: new Date(now), seed: 4 }));
  await ensureIndexes(db);
  using kv = await Deno.openKv(":memory:");
  const config = loadConfig({
    FTS_BASE_URL: server.url,
    CF_BASE_URL: server.url,
    FTS_RATE_LIMIT: "10000/1s",
    CF_RATE_LIMIT: "10000/1s",
    FTS_START_DATE: "2026-11-20",
    CF_START_DATE: "2026-11-20",
    FTS_PAGE_SIZE: "20",
    CF_PAGE_SIZE: "20",
  });
  const deps = engineDeps(config, { db, kv, clock: manualClock(now) });
  const runs = await syncSources(deps, ["fts", "cf"], "test");
  assert(runs.every((r) => r.outcome === "caught-up"), JSON.stringify(runs.map((r) => r.error)));
  // a notice that moves to another buyer (a count goes down), and a stale repeat
  const moved = aContract({ noticeId: "m", buyerOrg: "b-old" });
  await writePage(db, [moved], [aBuyer({ orgId: "b-old" })], new Date(now));
  const later = { ...moved, buyerOrg: "b-new", buyerOrgs: ["b-new"], title: "moved" };
  await writePage(db, [{ ...later, releaseDate: new Date("2026-12-01T00:00:00Z") }], [
    aBuyer({ orgId: "b-new" }),
  ], new Date(now));
  const good = fixtureReleases("fts")[0];
  await quarantine(db, [{
    source: "fts",
    kind: "release",
    releaseId: good.id,
    reason: "invalid-field",
    error: "old bug",
    raw: JSON.stringify(good),
    position: null,
    mappingVersion: 0,
  }], new Date(now));
  await retryQuarantine(db, { limit: 10, now: new Date(now) });
  await db.collection("buyers").updateOne({ orgId: "b-new" }, { $set: { contractCount: 7 } });
  await recountAllBuyers(db, { now: new Date(now), batchSize: 10 });
  await recordRun(
    db,
    runRecord({
      _id: "old-run",
      source: "fts",
      streamId: "fts",
      trigger: "test",
      startedAt: new Date("2020-01-01T00:00:00Z"),
      endedAt: new Date("2020-01-01T00:00:00Z"),
      outcome: "caught-up",
    }),
    500,
  );
  await applyRetention(db, {
    RETAIN_NOTICES: 86_400_000,
    RETAIN_RELEASES: 86_400_000,
    RETAIN_QUARANTINE: 86_400_000,
    RETAIN_RUNS: 86_400_000,
  }, { now: new Date(now + 86_400_000 * 3), batchSize: 25 });
}

for (const replicaSet of [true, false]) {
  Deno.test({
    name: `no conflicting update paths (${replicaSet ? "with" : "without"} transactions)`,
    // jongodb prints a line for each client connection that closes (see mongoTest)
    sanitizeOps: false,
    fn: async () => {
      const client = new MongoClient(await testMongoUri({ replicaSet }), {
        ...CLIENT_OPTIONS,
        monitorCommands: true,
      });
      const seen: { collection: string; u: Document }[] = [];
      client.on("commandStarted", (e) => {
        if (e.commandName !== "update") return;
        for (const statement of e.command.updates as { u: Document }[]) {
          seen.push({ collection: String(e.command.update), u: statement.u });
        }
      });
      const db = client.db(freshDbName("update_paths"));
      try {
        await exerciseEverything(db);
      } finally {
        await dropTestDb(db);
        await client.close();
      }
      const collections = new Set(seen.map((s) => s.collection));
      for (const c of ["contracts", "buyers", "sync_state", "quarantine"]) {
        assert(collections.has(c), `no update of ${c} was seen: ${[...collections]}`);
      }
      const shapes = new Set<string>();
      for (const { collection, u } of seen) {
        assert(!Array.isArray(u), `${collection}: pipeline updates are not used`);
        assertEquals(conflictingPaths(u), [], `${collection}: ${JSON.stringify(u)}`);
        shapes.add(`${collection} ${updatePaths(u).map((p) => p.op).sort().join(",")}`);
      }
      // the kinds of update seen, so a new kind shows up in review
      assert(shapes.size >= 6, [...shapes].join("\n"));
    },
  });
}
