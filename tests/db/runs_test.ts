import { assertEquals } from "@std/assert";
import { recentRuns, recordRun, type RunDoc, runRecord } from "../../src/db/runs.ts";
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
