/**
 * Every MongoDB operation the product relies on, exercised on its own. Run the suite with
 * MONGODB_URI pointing at a real MongoDB to prove that jongodb and MongoDB agree on them.
 * Where jongodb lacks what a test checks (projections, partial inserts, explain), the test is
 * listed as ignored with "(needs a real MongoDB: set MONGODB_URI)" in its name.
 */
import { assert, assertEquals, assertRejects } from "@std/assert";
import type { Collection, Db, Document } from "mongodb";
import { mongoTest, realMongoTest } from "./support/mongo.ts";
import { ensureIndexes } from "../src/db/indexes.ts";
import { contentHash, contractsCollection } from "../src/db/contracts.ts";
import { buyersCollection } from "../src/db/buyers.ts";
import { quarantineCollection } from "../src/db/quarantine.ts";
import { runsCollection } from "../src/db/runs.ts";
import { aContract } from "./support/contracts.ts";

mongoTest("unique compound index rejects a duplicate with code 11000", async (db) => {
  const c = db.collection("c");
  await c.createIndexes([{ key: { source: 1, noticeId: 1 }, name: "k", unique: true }]);
  await c.createIndexes([{ key: { source: 1, noticeId: 1 }, name: "k", unique: true }]); // idempotent
  await c.insertOne({ source: "fts", noticeId: "1" });
  const error = await assertRejects(() => c.insertOne({ source: "fts", noticeId: "1" }));
  assertEquals((error as { code?: number }).code, 11000);
});

mongoTest("find with $or of $in, async iteration, sort, skip, limit", async (db) => {
  const c = db.collection("c");
  await c.insertMany([
    { source: "fts", noticeId: "a", n: 1 },
    { source: "fts", noticeId: "b", n: 2 },
    { source: "cf", noticeId: "a", n: 3 },
  ]);
  const seen: number[] = [];
  for await (
    const d of c.find({
      $or: [{ source: "fts", noticeId: { $in: ["a"] } }, {
        source: "cf",
        noticeId: { $in: ["a"] },
      }],
    })
  ) seen.push(d.n);
  assertEquals(seen.sort(), [1, 3]);
  const page = await c.find({}).sort({ n: -1 }).skip(1).limit(1).toArray();
  assertEquals(page.map((d) => d.n), [2]);
});

mongoTest(
  "bulkWrite: upsert with $setOnInsert repeating the filter's fields, guarded $set",
  async (db) => {
    const c = db.collection("c");
    const when = new Date("2026-01-01T00:00:00Z");
    const res = await c.bulkWrite([
      {
        updateOne: {
          filter: { source: "fts", noticeId: "1" },
          update: { $setOnInsert: { source: "fts", noticeId: "1", releaseDate: when, v: 1 } },
          upsert: true,
        },
      },
    ], { ordered: false });
    assertEquals(res.upsertedCount, 1);
    // a guard on the stored releaseDate: matches once, then no longer
    const guarded = {
      updateOne: {
        filter: { source: "fts", noticeId: "1", releaseDate: when },
        update: { $set: { releaseDate: new Date("2026-02-01T00:00:00Z"), v: 2 } },
      },
    };
    assertEquals((await c.bulkWrite([guarded], { ordered: false })).modifiedCount, 1);
    assertEquals((await c.bulkWrite([guarded], { ordered: false })).matchedCount, 0);
    const doc = await c.findOne({ noticeId: "1" });
    assertEquals([doc?.v, doc?.releaseDate], [2, new Date("2026-02-01T00:00:00Z")]);
  },
);

mongoTest("aggregate: $match $in on an array, $unwind, $group with $sum", async (db) => {
  const c = db.collection("c");
  await c.insertMany([{ b: ["x"] }, { b: ["x", "y"] }, { b: ["z", "w"] }, { b: [] }]);
  const rows = await c.aggregate<{ _id: string; n: number }>([
    { $match: { b: { $in: ["x", "y"] } } },
    { $unwind: "$b" },
    { $match: { b: { $in: ["x", "y"] } } },
    { $group: { _id: "$b", n: { $sum: 1 } } },
  ]).toArray();
  assertEquals(rows.sort((a, b) => a._id.localeCompare(b._id)), [{ _id: "x", n: 2 }, {
    _id: "y",
    n: 1,
  }]);
});

mongoTest("bulkWrite upsert: $set + $setOnInsert + $addToSet $each (also empty)", async (db) => {
  const c = db.collection("c");
  const op = (sources: string[], name: string) => ({
    updateOne: {
      filter: { orgId: "o1" },
      update: {
        $set: { count: sources.length },
        $setOnInsert: { orgId: "o1", name },
        $addToSet: { sources: { $each: sources } },
      },
      upsert: true,
    },
  });
  await c.bulkWrite([op(["fts"], "First")], { ordered: false });
  await c.bulkWrite([op(["cf", "fts"], "Second")], { ordered: false });
  await c.bulkWrite([op([], "Third")], { ordered: false });
  const doc = await c.findOne({ orgId: "o1" });
  assertEquals(doc?.name, "First");
  assertEquals([...doc?.sources].sort(), ["cf", "fts"]);
  assertEquals(doc?.count, 0);
});

mongoTest(
  "fenced upsert: $lte guard, dotted $inc, a stale token collides with 11000",
  async (db) => {
    const c = db.collection<{ _id: string; fence: number; cursor: string }>("s");
    const write = (fence: number, cursor: string, pages: number) =>
      c.updateOne(
        { _id: "fts", fence: { $lte: fence } },
        {
          $set: { fence, cursor },
          $setOnInsert: { createdAt: new Date() },
          $inc: { "totals.pages": pages, "totals.releases": 0 },
        },
        { upsert: true },
      );
    assertEquals((await write(1, "a", 1)).upsertedCount, 1);
    assertEquals((await write(2, "b", 1)).matchedCount, 1);
    const error = await assertRejects(() => write(1, "stale", 1));
    assertEquals((error as { code?: number }).code, 11000);
    const doc = await c.findOne({ _id: "fts" }) as Record<string, unknown> | null;
    assertEquals(doc?.cursor, "b");
    assertEquals(doc?.totals, { pages: 2, releases: 0 });
  },
);

mongoTest("insertOne, countDocuments, deleteMany with $lt on dates", async (db) => {
  const c = db.collection("r");
  for (let i = 0; i < 5; i++) {
    await c.insertOne({ source: "fts", startedAt: new Date(Date.UTC(2026, 0, 1 + i)) });
  }
  assertEquals(await c.countDocuments({ source: "fts" }), 5);
  await c.deleteMany({ source: "fts", startedAt: { $lt: new Date(Date.UTC(2026, 0, 3)) } });
  assertEquals(await c.countDocuments({}), 3);
});

mongoTest("dates, nulls and nested arrays of objects round-trip unchanged", async (db) => {
  const c = db.collection("c");
  const doc = {
    a: null,
    d: new Date("2026-03-29T01:00:00Z"),
    awards: [{ id: "1", suppliers: [{ id: null, name: "Ünïcødé Ltd" }], value: { amount: 1.5 } }],
    tags: ["award", "contract"],
  };
  await c.insertOne({ ...doc });
  const back = await c.findOne({}, { projection: { _id: 0 } });
  const { _id: _, ...rest } = back as Record<string, unknown>;
  assertEquals(rest, doc);
});

mongoTest("insertMany ordered:false with a duplicate fails with code 11000", async (db) => {
  // writeContracts relies on the code (not on writeErrors) to fall back to upserts
  const c = db.collection("c");
  await c.createIndexes([{ key: { k: 1 }, name: "k", unique: true }]);
  await c.insertMany([{ k: 1 }]);
  const error = await assertRejects(() => c.insertMany([{ k: 2 }, { k: 1 }], { ordered: false }));
  assertEquals((error as { code?: number }).code, 11000);
});

mongoTest("bulk updates without upsert leave absent documents absent", async (db) => {
  const c = db.collection("c");
  await c.insertOne({ orgId: "a", n: 0 });
  const res = await c.bulkWrite([
    { updateOne: { filter: { orgId: "a" }, update: { $set: { n: 3 } } } },
    { updateOne: { filter: { orgId: "gone" }, update: { $set: { n: 1 } } } },
  ], { ordered: false });
  assertEquals([res.matchedCount, res.upsertedCount], [1, 0]);
  assertEquals(await c.countDocuments({}), 1);
});

mongoTest("aggregate: $group collects distinct values with $addToSet", async (db) => {
  const c = db.collection("c");
  await c.insertMany([
    { buyerOrgs: ["x", "y"], ocid: "a" },
    { buyerOrgs: ["x"], ocid: "a" },
    { buyerOrgs: ["x"], ocid: "b" },
  ]);
  const groups = await c.aggregate<{ _id: string; n: number; ocids: string[] }>([
    { $match: { buyerOrgs: { $in: ["x", "y"] } } },
    { $unwind: "$buyerOrgs" },
    { $group: { _id: "$buyerOrgs", n: { $sum: 1 }, ocids: { $addToSet: "$ocid" } } },
  ]).toArray();
  const seen = groups.map((g) => [g._id, g.n, [...g.ocids].sort()]).sort();
  assertEquals(seen, [["x", 3, ["a", "b"]], ["y", 1, ["a"]]]);
});

mongoTest(
  "bulkWrite: replaceOne upserts by string _id (taken from the filter), deleteMany by _id range and $nin",
  async (db) => {
    const c = db.collection<{ _id: string; v: number }>("c");
    const put = (id: string, v: number) => ({
      replaceOne: { filter: { _id: id }, replacement: { v }, upsert: true },
    });
    const first = await c.bulkWrite([put("fts:a", 1), put("fts:b", 1), put("cf:a", 1)], {
      ordered: false,
    });
    assertEquals(first.upsertedCount, 3);
    const second = await c.bulkWrite([
      put("fts:a", 2),
      { deleteMany: { filter: { _id: { $gt: "fts:", $lt: "fts;", $nin: ["fts:a"] } } } },
    ], { ordered: false });
    assertEquals([second.upsertedCount, second.modifiedCount, second.deletedCount], [0, 1, 1]);
    const left = await c.find({}).sort({ _id: 1 }).toArray();
    assertEquals(left, [{ _id: "cf:a", v: 1 }, { _id: "fts:a", v: 2 }]);
  },
);

mongoTest(
  "find: range on one field, sort, limit, projection of one field (a slice walk)",
  async (db) => {
    const c = db.collection("c");
    await c.insertMany(["c", "a", "b", "d"].map((ocid) => ({ source: "fts", ocid })));
    await c.createIndexes([{ key: { source: 1, ocid: 1 }, name: "source_ocid" }]);
    const slice = await c.find({ source: "fts", ocid: { $gt: "a" } }, {
      projection: { _id: 0, ocid: 1 },
    }).sort({ source: 1, ocid: 1 }).limit(2).toArray();
    assertEquals(slice.map((d) => d.ocid), ["b", "c"]);
  },
);

realMongoTest("partial insertMany reports insertedCount", async (db) => {
  // ordered:false goes on past a duplicate: the others are stored, and the error says how
  // many (insertNewContracts counts its inserts from it)
  const c = db.collection("c");
  await c.createIndexes([{ key: { k: 1 }, name: "k", unique: true }]);
  await c.insertOne({ k: 1 });
  const error = await assertRejects(() =>
    c.insertMany([{ k: 2 }, { k: 1 }, { k: 3 }], { ordered: false })
  ) as { code?: number; result?: { insertedCount: number; getWriteErrorCount(): number } };
  assertEquals(error.code, 11000);
  assertEquals(error.result?.insertedCount, 2);
  assertEquals(error.result?.getWriteErrorCount(), 1);
  assertEquals(await c.countDocuments({}), 3);
});

realMongoTest("projection is honoured", async (db) => {
  // the page's read-back asks for six fields of notices that can hold 100 KB each
  const c = db.collection("c");
  await c.insertOne({ a: 1, b: { big: "x".repeat(1000) }, c: [1, 2] });
  const doc = await c.findOne({}, { projection: { _id: 0, a: 1, c: 1 } });
  assertEquals(doc, { a: 1, c: [1, 2] });
  const [agg] = await c.aggregate([{ $project: { _id: 0, a: 1 } }]).toArray();
  assertEquals(agg, { a: 1 });
});

mongoTest("concurrent upserts of one buyer", async (db) => {
  // two sources naming a new buyer at once: one document, every increment kept (MongoDB
  // retries an upsert that lost the race on the unique key by itself)
  const c = db.collection("buyers");
  await c.createIndexes([{ key: { orgId: 1 }, name: "orgId", unique: true }]);
  const upsert = (i: number) =>
    c.bulkWrite([{
      updateOne: {
        filter: { orgId: "GB-NEW" },
        update: {
          $inc: { contractCount: 1 },
          $setOnInsert: { name: `writer ${i}` },
          $addToSet: { sources: { $each: [i % 2 ? "fts" : "cf"] } },
        },
        upsert: true,
      },
    }], { ordered: false });
  await Promise.all(Array.from({ length: 20 }, (_, i) => upsert(i)));
  const docs = await c.find({ orgId: "GB-NEW" }).toArray();
  assertEquals(docs.length, 1);
  assertEquals(docs[0].contractCount, 20);
  assertEquals([...docs[0].sources].sort(), ["cf", "fts"]);
});

mongoTest("transactions: snapshot reads, nothing visible before the commit", async (db) => {
  const c = db.collection<{ _id: string; n: number }>("c");
  await c.insertOne({ _id: "a", n: 0 });
  const session = db.client.startSession();
  try {
    session.startTransaction({
      readConcern: { level: "snapshot" },
      writeConcern: { w: "majority" },
    });
    assertEquals((await c.findOne({ _id: "a" }, { session }))?.n, 0);
    await c.insertOne({ _id: "b", n: 1 }, { session });
    await c.updateOne({ _id: "a" }, { $inc: { n: 1 } }, { session });
    assertEquals(await c.countDocuments({}), 1, "the insert is invisible outside");
    assertEquals((await c.findOne({ _id: "a" }))?.n, 0, "so is the update");
    await session.commitTransaction();
  } finally {
    await session.endSession();
  }
  assertEquals(await c.find({}).sort({ _id: 1 }).toArray(), [{ _id: "a", n: 1 }, {
    _id: "b",
    n: 1,
  }]);
});

/** Every `stage` of the winning plans in an explain output (classic and SBE shapes alike). */
function planStages(explain: unknown, inPlan = false): string[] {
  if (Array.isArray(explain)) return explain.flatMap((e) => planStages(e, inPlan));
  if (!explain || typeof explain !== "object") return [];
  return Object.entries(explain as Record<string, unknown>).flatMap(([key, value]) => {
    const plan = inPlan || key === "winningPlan";
    if (key === "rejectedPlans") return [];
    const own = plan && key === "stage" && typeof value === "string" ? [value] : [];
    return [...own, ...planStages(value, plan)];
  });
}

async function assertIndexed(what: string, explain: Promise<Document>): Promise<void> {
  const stages = planStages(await explain);
  assert(stages.length > 0, `${what}: no plan in the explain output`);
  assert(!stages.includes("COLLSCAN"), `${what} scans the collection: ${stages.join(" → ")}`);
  assert(!stages.includes("SORT"), `${what} sorts in memory: ${stages.join(" → ")}`);
}

const countExplain = (db: Db, c: Collection<never>, query: Document) =>
  db.command({ explain: { count: c.collectionName, query }, verbosity: "queryPlanner" });

realMongoTest("explain shows no collection scan and no in-memory sort", async (db) => {
  await ensureIndexes(db);
  const now = new Date("2026-11-30T00:00:00Z");
  const docs = await Promise.all(Array.from({ length: 50 }, async (_, i) => {
    const c = aContract({ noticeId: `n${i}`, buyerOrg: `b${i % 5}` });
    return {
      ...c,
      contentHash: await contentHash(c),
      firstSeenAt: now,
      updatedAt: now,
      firstSeenPage: null,
      searchTokens: [],
    };
  }));
  await contractsCollection(db).insertMany(docs);
  await buyersCollection(db).insertMany(Array.from({ length: 5 }, (_, i) => ({
    orgId: `b${i}`,
    name: null,
    identifiers: [],
    address: null,
    url: null,
    sources: ["fts"],
    contractCount: 10,
    procurementCount: 10,
    firstSeenAt: now,
    countedAt: now,
  })));
  const contracts = contractsCollection(db);
  const at = (d: string) => new Date(d);
  await assertIndexed(
    "the page's read-back",
    contracts.find({ $or: [{ source: "fts", noticeId: { $in: ["n1", "n2"] } }] }).explain(),
  );
  await assertIndexed(
    "the buyers' recount",
    contracts.aggregate([
      { $match: { buyerOrgs: { $in: ["b1"] } } },
      { $project: { _id: 0, buyerOrgs: 1 } },
      { $unwind: "$buyerOrgs" },
      { $group: { _id: "$buyerOrgs", n: { $sum: 1 } } },
    ]).explain(),
  );
  await assertIndexed(
    "notices past RETAIN_NOTICES",
    contracts.find({ releaseDate: { $lt: at("2026-01-01") } }).limit(1000).explain(),
  );
  await assertIndexed(
    "the newest notices",
    contracts.find({}).sort({ releaseDate: -1 }).limit(12).explain(),
  );
  await assertIndexed(
    "notices per day",
    countExplain(db, contracts as never, {
      releaseDate: { $gte: at("2026-11-01"), $lt: at("2026-11-02") },
      source: "fts",
    }),
  );
  await assertIndexed(
    "notices per source",
    countExplain(db, contracts as never, { source: "fts" }),
  );
  await assertIndexed(
    "a recount batch of buyers",
    buyersCollection(db).find({ orgId: { $gt: "b1" } }).sort({ orgId: 1 }).limit(200).explain(),
  );
  const quarantine = quarantineCollection(db);
  await assertIndexed(
    "a quarantine retry batch",
    quarantine.find({
      kind: "release",
      mappingVersion: { $lt: 3 },
      firstSeenAt: { $gte: at("2026-11-01") },
      $or: [{ firstSeenAt: { $gt: at("2026-11-01") } }, { _id: { $gt: "fts:release:1" } }],
    }).sort({ firstSeenAt: 1, _id: 1 }).limit(100).explain(),
  );
  await assertIndexed(
    "quarantine past RETAIN_QUARANTINE",
    quarantine.find({ kind: { $in: ["release", "page"] }, firstSeenAt: { $lt: now } }).explain(),
  );
  await assertIndexed(
    "quarantine per source",
    countExplain(db, quarantine as never, { source: "fts" }),
  );
  const runs = runsCollection(db);
  await assertIndexed(
    "the last runs",
    runs.find({ source: "fts" }).sort({ startedAt: -1 }).limit(10).explain(),
  );
  await assertIndexed(
    "runs past SYNC_RUNS_KEPT",
    runs.find({ source: "fts" }).sort({ startedAt: -1 }).skip(499).limit(1).explain(),
  );
  await assertIndexed(
    "runs past RETAIN_RUNS",
    runs.find({ source: { $in: ["fts", "cf"] }, startedAt: { $lt: now } }).explain(),
  );
  // sync_state holds one document per stream (a handful): scanning it is the cheapest plan.
});
