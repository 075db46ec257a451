import { assertEquals } from "@std/assert";
import { MongoClient } from "mongodb";
import { buyerDeltas, buyersCollection, countContracts } from "../../src/db/buyers.ts";
import { CLIENT_OPTIONS } from "../../src/db/client.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { writePage } from "../../src/db/page_write.ts";
import { dropTestDb, freshDbName, mongoTest, testMongoUri } from "../support/mongo.ts";
import { aBuyer, aContract } from "../support/contracts.ts";

const T0 = new Date("2026-11-01T00:00:00Z");

mongoTest("buyer counts are exact however often a page is replayed", async (db) => {
  await ensureIndexes(db);
  const page = [1, 2, 3].map((i) => aContract({ noticeId: `n${i}`, buyerOrg: "b1" }));
  for (let replay = 0; replay < 4; replay++) {
    await writePage(db, page, [aBuyer({ orgId: "b1" })], T0);
  }
  assertEquals((await buyersCollection(db).findOne({ orgId: "b1" }))?.contractCount, 3);
});

mongoTest(
  "known buyer fields are never overwritten; sources and identifiers are merged",
  async (db) => {
    await ensureIndexes(db);
    await writePage(db, [], [aBuyer({ orgId: "b", name: "First name", sources: ["fts"] })], T0);
    await writePage(
      db,
      [],
      [aBuyer({ orgId: "b", name: "Other", sources: ["cf"], identifiers: ["X:1"] })],
      T0,
    );
    const doc = await buyersCollection(db).findOne({ orgId: "b" });
    assertEquals(doc?.name, "First name");
    assertEquals([...doc!.sources].sort(), ["cf", "fts"]);
    assertEquals([...doc!.identifiers].sort(), ["GB-PPON:AAAA-0001-BBBB", "X:1"]);
  },
);

mongoTest("a notice moving to another buyer recounts both", async (db) => {
  await ensureIndexes(db);
  await writePage(db, [aContract({ noticeId: "m", buyerOrg: "a" })], [aBuyer({ orgId: "a" })], T0);
  await writePage(
    db,
    [aContract({ noticeId: "m", buyerOrg: "b", releaseDate: new Date("2027-01-01T00:00:00Z") })],
    [aBuyer({ orgId: "b" })],
    T0,
  );
  assertEquals((await buyersCollection(db).findOne({ orgId: "a" }))?.contractCount, 0);
  assertEquals((await buyersCollection(db).findOne({ orgId: "b" }))?.contractCount, 1);
});

Deno.test("buyerDeltas: +1 for a buyer gained, −1 for one lost, unchanged buyers left out", () => {
  assertEquals(
    buyerDeltas([
      { from: null, to: ["a", "b"] },
      { from: ["a"], to: ["b"] },
      { from: ["c", "d"], to: ["d", "c"] },
    ]),
    new Map([["b", 2]]),
  );
  assertEquals(buyerDeltas([{ from: ["x"], to: [] }]), new Map([["x", -1]]));
});

mongoTest(
  "without transactions the page's buyers are recounted: exact under replay and moves",
  async (db) => {
    await ensureIndexes(db);
    const page = [1, 2, 3].map((i) => aContract({ noticeId: `n${i}`, buyerOrg: "b1" }));
    for (let replay = 0; replay < 3; replay++) {
      await writePage(db, page, [aBuyer({ orgId: "b1" })], T0);
    }
    const moved = { ...page[0], buyerOrg: "b2", buyerOrgs: ["b2"], title: "moved" };
    await writePage(db, [{ ...moved, releaseDate: new Date("2027-01-01T00:00:00Z") }], [
      aBuyer({ orgId: "b2" }),
    ], T0);
    const counts = await buyersCollection(db).find({}).sort({ orgId: 1 }).toArray();
    assertEquals(counts.map((b) => [b.orgId, b.contractCount]), [["b1", 2], ["b2", 1]]);
  },
  { replicaSet: false },
);

mongoTest("pages of two sources sharing buyers, written at once, keep counts exact", async (db) => {
  await ensureIndexes(db);
  const shared = ["s1", "s2", "s3"];
  const page = (source: "fts" | "cf", n: number) =>
    Array.from({ length: 10 }, (_, i) =>
      aContract({
        source,
        noticeId: `${source}-${n}-${i}`,
        buyerOrg: shared[i % 3],
        buyerOrgs: [shared[i % 3], `${source}-only`],
      }));
  const buyers = [...shared, "fts-only", "cf-only"].map((orgId) => aBuyer({ orgId }));
  await Promise.all(
    [0, 1, 2, 3].flatMap((n) => [
      writePage(db, page("fts", n), buyers, T0),
      writePage(db, page("cf", n), buyers, T0),
      writePage(db, page("fts", n), buyers, T0), // a replay racing its original
    ]),
  );
  const counts = await countContracts(db, [...shared, "fts-only", "cf-only"]);
  const stored = await buyersCollection(db).find({}).toArray();
  for (const b of stored) assertEquals(b.contractCount, counts.get(b.orgId), b.orgId);
  assertEquals(counts.get("fts-only"), 40);
  assertEquals(counts.get("s1"), 2 * 4 * 4);
});

Deno.test({
  name: "a page's buyer counts cost the same commands whatever the buyers' history",
  // jongodb prints a line for each client connection that closes (see mongoTest)
  sanitizeOps: false,
  fn: async () => {
    const client = new MongoClient(await testMongoUri(), {
      ...CLIENT_OPTIONS,
      monitorCommands: true,
    });
    const heavy = client.db(freshDbName("buyers_heavy"));
    const empty = client.db(freshDbName("buyers_empty"));
    try {
      for (const db of [heavy, empty]) {
        await ensureIndexes(db);
      }
      const history = Array.from(
        { length: 300 },
        (_, i) => aContract({ noticeId: `h${i}`, buyerOrg: `b${i % 3}` }),
      );
      await writePage(heavy, history, [0, 1, 2].map((i) => aBuyer({ orgId: `b${i}` })), T0);
      const commandsOf = async (db: typeof heavy) => {
        const names: string[] = [];
        const listen = (e: { commandName: string }) => names.push(e.commandName);
        client.on("commandStarted", listen);
        const page = Array.from(
          { length: 30 },
          (_, i) => aContract({ noticeId: `p${i}`, buyerOrg: `b${i % 3}` }),
        );
        await writePage(db, page, [0, 1, 2].map((i) => aBuyer({ orgId: `b${i}` })), T0);
        client.off("commandStarted", listen);
        return names;
      };
      const [h, e] = [await commandsOf(heavy), await commandsOf(empty)];
      assertEquals(h, e);
      assertEquals(h.filter((n) => n === "aggregate"), [], "no buyer is recounted");
      assertEquals((await buyersCollection(heavy).findOne({ orgId: "b0" }))?.contractCount, 110);
    } finally {
      await Promise.all([dropTestDb(heavy), dropTestDb(empty)]);
      await client.close();
    }
  },
});
