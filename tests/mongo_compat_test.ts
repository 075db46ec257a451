/**
 * Every MongoDB operation the product relies on, exercised on its own. Run the suite with
 * MONGODB_URI pointing at a real MongoDB to prove that jongodb and MongoDB agree on them.
 */
import { assertEquals, assertRejects } from "@std/assert";
import { mongoTest } from "./support/mongo.ts";

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
