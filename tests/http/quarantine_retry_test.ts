import { assertEquals } from "@std/assert";
import { contractsCollection } from "../../src/db/contracts.ts";
import { quarantine, quarantineCollection } from "../../src/db/quarantine.ts";
import { mongoTest } from "../support/mongo.ts";
import { fixtureReleases } from "../support/replay_data.ts";
import { startHarness, TOKEN } from "./harness.ts";

mongoTest(
  "POST /quarantine/retry stores what maps now, keeps the rest, and is idempotent",
  async (db) => {
    await using h = await startHarness({ db });
    const good = fixtureReleases("fts")[0];
    const now = new Date();
    const item = {
      source: "fts" as const,
      kind: "release" as const,
      position: null,
      mappingVersion: 0,
    };
    await quarantine(db, [
      // set aside by an older mapper; today's maps it
      {
        ...item,
        releaseId: good.id,
        reason: "invalid-field",
        error: "old bug",
        raw: JSON.stringify(good),
      },
      // still not mappable: no ocid
      {
        ...item,
        releaseId: "bad-1",
        reason: "missing-ocid",
        error: "no ocid",
        raw: '{"id":"bad-1"}',
      },
      // not JSON at all
      { ...item, releaseId: "bad-2", reason: "invalid-field", error: "?", raw: "{not json" },
    ], now);

    const res = await h.fetch("/quarantine/retry?source=fts", { method: "POST", token: TOKEN });
    assertEquals(res.status, 200);
    const result = await res.json();
    assertEquals(
      [result.tried, result.resolved, result.stillFailing, result.unreadable, result.inserted],
      [3, 1, 1, 1, 1],
    );
    assertEquals(
      await contractsCollection(db).countDocuments({ source: "fts", noticeId: good.id }),
      1,
    );
    const left = await quarantineCollection(db).find({}).sort({ _id: 1 }).toArray();
    assertEquals(left.map((e) => e.releaseId), ["bad-1", "bad-2"]);
    const bad1 = left.find((e) => e.releaseId === "bad-1")!;
    assertEquals([bad1.attempts, bad1.reason, bad1.mappingVersion > 0], [2, "missing-ocid", true]);

    const again = await (await h.fetch("/quarantine/retry", { method: "POST", token: TOKEN }))
      .json();
    assertEquals([again.tried, again.resolved, again.inserted], [2, 0, 0]);
    assertEquals(await contractsCollection(db).countDocuments({}), 1);
  },
);
