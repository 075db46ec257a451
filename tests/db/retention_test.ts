import { assert, assertEquals } from "@std/assert";
import { buyersCollection, countContracts } from "../../src/db/buyers.ts";
import { contractsCollection } from "../../src/db/contracts.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { writePage } from "../../src/db/page_write.ts";
import { quarantine, quarantineCollection } from "../../src/db/quarantine.ts";
import { applyRetention } from "../../src/db/retention.ts";
import { recordRun, runRecord, runsCollection } from "../../src/db/runs.ts";
import { writeReleases } from "../../src/db/releases.ts";
import { RETENTION_RULES } from "../../src/retention_rules.ts";
import {
  compileProcurements,
  procurementsCollection,
  writePageProcurements,
} from "../../src/db/procurements.ts";
import { compileProcurement } from "../../src/db/procurement_search.ts";
import { mongoTest } from "../support/mongo.ts";
import { aBuyer, aContract } from "../support/contracts.ts";

const DAY = 86_400_000;
const NOW = new Date("2026-11-30T00:00:00Z");
const OFF = {
  RETAIN_NOTICES: null,
  RETAIN_RELEASES: null,
  RETAIN_QUARANTINE: null,
  RETAIN_RUNS: null,
};

for (const replicaSet of [true, false]) {
  const kind = replicaSet ? "in transactions" : "without transactions";
  mongoTest(`RETAIN_NOTICES removes old notices and buyer counts follow (${kind})`, async (db) => {
    await ensureIndexes(db);
    const contracts = Array.from({ length: 30 }, (_, i) =>
      aContract({
        noticeId: `n${i}`,
        buyerOrg: `b${i % 3}`,
        buyerOrgs: [`b${i % 3}`, "shared"],
        releaseDate: new Date(NOW.getTime() - i * 10 * DAY), // 0 … 290 days old
      }));
    await writePage(
      db,
      contracts,
      ["b0", "b1", "b2", "shared"].map((orgId) => aBuyer({ orgId })),
      NOW,
    );

    assertEquals(await applyRetention(db, OFF, { now: NOW }), [], "off by default");
    const first = await applyRetention(db, { ...OFF, RETAIN_NOTICES: 95 * DAY }, {
      now: NOW,
      batchSize: 7,
      maxBatches: 2,
    });
    assertEquals(first.map((r) => [r.collection, r.removed, r.more]), [["contracts", 14, true]]);
    const rest = await applyRetention(db, { ...OFF, RETAIN_NOTICES: 95 * DAY }, {
      now: NOW,
      batchSize: 7,
    });
    assertEquals(rest.map((r) => [r.removed, r.more]), [[6, false]]);
    // notices 0–9 are at most 90 days old: they stay
    assertEquals(await contractsCollection(db).countDocuments({}), 10);
    const exact = await countContracts(db, ["b0", "b1", "b2", "shared"]);
    for (const b of await buyersCollection(db).find({}).toArray()) {
      assertEquals(b.contractCount, exact.get(b.orgId), b.orgId);
    }
    assertEquals(exact.get("shared"), 10);
  }, { replicaSet });
}

for (const replicaSet of [true, false]) {
  const kind = replicaSet ? "in transactions" : "without transactions";
  mongoTest(
    `RETAIN_NOTICES: procurements follow, even after a crash mid-batch (${kind})`,
    async (db) => {
      await ensureIndexes(db);
      const at = (days: number) => new Date(NOW.getTime() - days * DAY);
      const notices = [
        aContract({ noticeId: "keep-old", ocid: "ocds-keep", buyerOrg: "b", releaseDate: at(200) }),
        aContract({ noticeId: "keep-new", ocid: "ocds-keep", buyerOrg: "b", releaseDate: at(1) }),
        aContract({ noticeId: "gone", ocid: "ocds-gone", buyerOrg: "b", releaseDate: at(300) }),
      ];
      await writePage(db, notices, [aBuyer({ orgId: "b" })], NOW, {
        beforeWrite: async (plan) => {
          await writePageProcurements(db, "fts", plan);
        },
      });
      assertEquals(await procurementsCollection(db).countDocuments({}), 2);
      // a batch that died after compiling the procurements and before deleting its notices
      await compileProcurements(db, "fts", ["ocds-keep", "ocds-gone"], {
        removing: ["keep-old", "gone"],
      });
      assertEquals(await contractsCollection(db).countDocuments({}), 3);
      // the next tick removes them all the same, and everything agrees
      const done = await applyRetention(db, { ...OFF, RETAIN_NOTICES: 95 * DAY }, { now: NOW });
      assertEquals(done.map((r) => [r.collection, r.removed]), [["contracts", 2]]);
      const stored = await procurementsCollection(db).find({}).toArray();
      assertEquals(stored.map((p) => p._id), ["fts:ocds-keep"]);
      const left = await contractsCollection(db).find({ ocid: "ocds-keep" }).toArray();
      const { _id: _, ...doc } = stored[0];
      assertEquals(doc, compileProcurement({ source: "fts", ocid: "ocds-keep" }, left));
      assertEquals(doc.timeline.map((t) => t.noticeId), ["keep-new"]);
      const buyer = await buyersCollection(db).findOne({ orgId: "b" });
      assertEquals([buyer?.contractCount, buyer?.procurementCount], [1, 1]);
    },
    { replicaSet },
  );
}

mongoTest("RETAIN_QUARANTINE and RETAIN_RUNS remove old entries and runs only", async (db) => {
  await ensureIndexes(db);
  const item = (releaseId: string) => ({
    source: "fts" as const,
    kind: "release" as const,
    releaseId,
    reason: "missing-ocid",
    error: "no ocid",
    raw: "{}",
    position: null,
    mappingVersion: 1,
  });
  await quarantine(db, [item("old")], new Date(NOW.getTime() - 40 * DAY));
  await quarantine(db, [item("new")], new Date(NOW.getTime() - DAY));
  for (const [id, age] of [["r-old", 400], ["r-new", 2]] as const) {
    const at = new Date(NOW.getTime() - age * DAY);
    await recordRun(
      db,
      runRecord({
        _id: id,
        source: "cf",
        streamId: "cf",
        trigger: "test",
        startedAt: at,
        endedAt: at,
        outcome: "caught-up",
      }),
      500,
    );
  }
  const results = await applyRetention(db, {
    RETAIN_NOTICES: null,
    RETAIN_RELEASES: null,
    RETAIN_QUARANTINE: 30 * DAY,
    RETAIN_RUNS: 365 * DAY,
  }, { now: NOW });
  assertEquals(results.map((r) => [r.setting, r.removed]), [
    ["RETAIN_QUARANTINE", 1],
    ["RETAIN_RUNS", 1],
  ]);
  assertEquals((await quarantineCollection(db).find({}).toArray()).map((e) => e.releaseId), [
    "new",
  ]);
  assertEquals((await runsCollection(db).find({}).toArray()).map((r) => r._id), ["r-new"]);
});

Deno.test("every retention rule names a RETAIN_ setting, a collection and a date field", () => {
  const settings = RETENTION_RULES.map((r) => r.setting);
  assertEquals(new Set(settings).size, settings.length);
  for (const rule of RETENTION_RULES) {
    assert(/^RETAIN_[A-Z_]+$/.test(rule.setting), rule.setting);
    assert(rule.collection.length > 0 && rule.field.length > 0, rule.setting);
  }
});

mongoTest(
  "RETAIN_RELEASES removes raw releases older than the age, by release date",
  async (db) => {
    await ensureIndexes(db);
    const release = (id: string, date: string) => ({
      id,
      ocid: `ocds-h6vhtk-${id}`,
      date,
      tag: ["tender"],
    });
    await writeReleases(db, "fts", [
      release("000001-2026", "2026-01-01T00:00:00Z"), // 333 days old
      release("000002-2026", "2026-11-20T00:00:00Z"), // 10 days old
    ], NOW);
    const results = await applyRetention(db, { ...OFF, RETAIN_RELEASES: 90 * DAY }, { now: NOW });
    assertEquals(results.map((r) => [r.setting, r.collection, r.removed]), [
      ["RETAIN_RELEASES", "releases", 1],
    ]);
    const left = await db.collection("releases").find({}).toArray();
    assertEquals(left.map((r) => r.releaseId), ["000002-2026"]);
  },
);
