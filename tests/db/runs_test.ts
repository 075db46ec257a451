import { assert, assertEquals } from "@std/assert";
import { CLIENT_OPTIONS } from "../../src/db/client.ts";
import { MongoClient } from "mongodb";
import {
  flushPendingRuns,
  recentRuns,
  recordRun,
  recordRunOrKeep,
  type RunDoc,
  runRecord,
} from "../../src/db/runs.ts";
import { mongoTest } from "../support/mongo.ts";

function aRun(i: number, source: "fts" | "cf" = "fts"): RunDoc {
  const at = new Date(Date.UTC(2026, 10, 1, i));
  return runRecord({
    _id: `${source}-${i}`,
    source,
    streamId: source,
    trigger: "test",
    startedAt: at,
    endedAt: at,
    outcome: "caught-up",
    pages: i,
  });
}

mongoTest("retention keeps the newest runs per source only", async (db) => {
  for (let i = 0; i < 7; i++) await recordRun(db, aRun(i), 3);
  await recordRun(db, aRun(0, "cf"), 3);
  const runs = await recentRuns(db, "fts", 10);
  assertEquals(runs.map((r) => r._id), ["fts-6", "fts-5", "fts-4"]);
  assertEquals((await recentRuns(db, "cf", 10)).length, 1);
});

mongoTest("a run MongoDB cannot take waits in KV until the next flush writes it", async (db) => {
  // a real driver against a port nothing listens on: every write fails fast
  const away = new MongoClient("mongodb://127.0.0.1:1/?directConnection=true", {
    ...CLIENT_OPTIONS,
    serverSelectionTimeoutMS: 200,
  });
  const kv = await Deno.openKv(":memory:");
  try {
    const kept = await recordRunOrKeep(away.db("x"), kv, aRun(1), 10);
    assertEquals(kept.in, "kv");
    assert(kept.in === "kv" && kept.error instanceof Error, "the MongoDB error is given back");
    assertEquals((await recentRuns(db, "fts", 10)).length, 0);

    // an earlier flush wrote it but could not forget it: the duplicate is fine
    await recordRun(db, aRun(2), 10);
    await kv.set(["pending_runs", "fts-2"], aRun(2));
    await flushPendingRuns(db, kv, 10);
    assertEquals((await recentRuns(db, "fts", 10)).map((r) => r._id), ["fts-2", "fts-1"]);
    assertEquals((await Array.fromAsync(kv.list({ prefix: ["pending_runs"] }))).length, 0);

    assertEquals((await recordRunOrKeep(db, kv, aRun(3), 10)).in, "mongodb");
  } finally {
    kv.close();
    await away.close();
  }
});

mongoTest("a flush that MongoDB refuses keeps the records in KV", async (db) => {
  const away = new MongoClient("mongodb://127.0.0.1:1/?directConnection=true", {
    ...CLIENT_OPTIONS,
    serverSelectionTimeoutMS: 200,
  });
  const kv = await Deno.openKv(":memory:");
  try {
    await kv.set(["pending_runs", "fts-4"], aRun(4));
    let failed = false;
    await flushPendingRuns(away.db("x"), kv, 10).catch(() => failed = true);
    assert(failed, "the flush says it failed");
    assertEquals((await Array.fromAsync(kv.list({ prefix: ["pending_runs"] }))).length, 1);
    await flushPendingRuns(db, kv, 10);
    assertEquals((await recentRuns(db, "fts", 10)).map((r) => r._id), ["fts-4"]);
  } finally {
    kv.close();
    await away.close();
  }
});
