import { assertEquals } from "@std/assert";
import {
  countQuarantine,
  quarantine,
  quarantineCollection,
  type QuarantineItem,
  quarantineToRetry,
  RAW_LIMIT,
} from "../../src/db/quarantine.ts";
import { mongoTest } from "../support/mongo.ts";

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
    assertEquals((await quarantineToRetry(db, { belowVersion: 2, limit: 10 })).length, 1);
    assertEquals((await quarantineToRetry(db, { belowVersion: 1, limit: 10 })).length, 0);
  },
);
