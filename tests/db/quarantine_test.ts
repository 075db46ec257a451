import { assertEquals } from "@std/assert";
import {
  countQuarantine,
  quarantine,
  quarantineBatches,
  quarantineCollection,
  type QuarantineItem,
  RAW_LIMIT,
  type RetryBatchOptions,
} from "../../src/db/quarantine.ts";
import { mongoTest } from "../support/mongo.ts";
import type { Db } from "mongodb";

async function retryIds(db: Db, options: RetryBatchOptions): Promise<string[][]> {
  const batches: string[][] = [];
  for await (const batch of quarantineBatches(db, options)) {
    batches.push(batch.map((e) => e.releaseId ?? ""));
  }
  return batches;
}

const item = (over: Partial<QuarantineItem> = {}): QuarantineItem => ({
  source: "fts",
  kind: "release",
  releaseId: "r1",
  reason: "missing-ocid",
  error: "no ocid",
  raw: "{}",
  position: null,
  mappingVersion: 1,
  ...over,
});

mongoTest(
  "meeting an item again counts an attempt instead of a duplicate; raw is capped",
  async (db) => {
    const now = new Date("2026-11-01T00:00:00Z");
    await quarantine(db, [
      item(),
      item({ releaseId: null, kind: "page", raw: "x".repeat(RAW_LIMIT + 10) }),
    ], now);
    await quarantine(db, [item()], now);
    assertEquals(await countQuarantine(db, "fts"), 2);
    const doc = await quarantineCollection(db).findOne({ releaseId: "r1" });
    assertEquals(doc?.attempts, 2);
    const page = await quarantineCollection(db).findOne({ kind: "page" });
    assertEquals([page?.raw.length, page?.truncated], [RAW_LIMIT, true]);
    assertEquals(await retryIds(db, { belowVersion: 2, limit: 10 }), [["r1"]]);
    assertEquals(await retryIds(db, { belowVersion: 1, limit: 10 }), []);
  },
);

mongoTest(
  "the quarantine retry reads in batches, oldest first, every entry once, up to its limit",
  async (db) => {
    const t0 = new Date("2026-11-01T00:00:00Z");
    const t1 = new Date("2026-11-02T00:00:00Z");
    // a page's failures share their firstSeenAt: ties are broken by _id
    await quarantine(db, ["c", "a", "b"].map((id) => item({ releaseId: id })), t1);
    await quarantine(db, ["z", "y"].map((id) => item({ releaseId: id })), t0);
    await quarantine(db, [item({ releaseId: "p", kind: "page" })], t0); // pages are not retried
    assertEquals(await retryIds(db, { limit: 100, batchSize: 2 }), [["y", "z"], ["a", "b"], [
      "c",
    ]]);
    assertEquals(await retryIds(db, { limit: 3, batchSize: 2 }), [["y", "z"], ["a"]]);
    // entries removed while the batches are read shift nothing
    const seen: string[] = [];
    for await (const batch of quarantineBatches(db, { limit: 100, batchSize: 2 })) {
      seen.push(...batch.map((e) => e.releaseId ?? ""));
      await quarantineCollection(db).deleteMany({ _id: { $in: batch.map((e) => e._id) } });
    }
    assertEquals(seen, ["y", "z", "a", "b", "c"]);
  },
);
