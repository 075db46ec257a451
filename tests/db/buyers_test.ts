import { assertEquals } from "@std/assert";
import { MongoClient } from "mongodb";
import {
  buyerDeltas,
  buyersCollection,
  countBuyerNotices,
  countContracts,
  procurementDeltas,
} from "../../src/db/buyers.ts";
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

Deno.test("procurementDeltas: a buyer gains an ocid when the first notice naming it arrives", () => {
  const n = (noticeId: string, ocid: string, buyerOrgs: string[]) => ({
    source: "fts" as const,
    noticeId,
    ocid,
    buyerOrgs,
  });
  // a second notice of a known procurement: only the new buyer gains it
  assertEquals(
    procurementDeltas([n("1", "o", ["a"])], [n("1", "o", ["a"]), n("2", "o", ["a", "b"])]),
    new Map([["b", 1]]),
  );
  // a notice moving from ocid o to p: o keeps "a" through notice 2, p gains "a"
  assertEquals(
    procurementDeltas(
      [n("1", "o", ["a"]), n("2", "o", ["a"])],
      [n("1", "p", ["a"]), n("2", "o", ["a"])],
    ),
    new Map([["a", 1]]),
  );
  // the same ocid in two sources is two procurements
  assertEquals(
    procurementDeltas([], [n("1", "o", ["a"]), { ...n("2", "o", ["a"]), source: "cf" as const }]),
    new Map([["a", 2]]),
  );
});

for (const replicaSet of [true, false]) {
  mongoTest(
    `procurementCount stays exact under replays and notices moving between ocids (${
      replicaSet ? "deltas in transactions" : "recount"
    })`,
    async (db) => {
      await ensureIndexes(db);
      const later = new Date("2027-01-01T00:00:00Z");
      const pages = [
        [
          aContract({ noticeId: "1", ocid: "o1", buyerOrg: "a" }),
          aContract({ noticeId: "2", ocid: "o1", buyerOrg: "a" }),
          aContract({ noticeId: "3", ocid: "o2", buyerOrg: "b" }),
        ],
        [
          // notice 2 moves to o2 (o1 keeps "a" through notice 1), notice 3 moves to o3
          aContract({ noticeId: "2", ocid: "o2", buyerOrg: "a", releaseDate: later }),
          aContract({ noticeId: "3", ocid: "o3", buyerOrg: "b", releaseDate: later }),
          aContract({ noticeId: "4", ocid: "o1", buyerOrg: "b" }),
        ],
        // notice 1 moves away from o1, which then has only notice 4 ("b")
        [aContract({ noticeId: "1", ocid: "o4", buyerOrg: "a", releaseDate: later })],
      ];
      for (const page of pages) {
        for (let replay = 0; replay < 2; replay++) {
          await writePage(db, page, [aBuyer({ orgId: "a" }), aBuyer({ orgId: "b" })], T0);
        }
        const exact = await countBuyerNotices(db, ["a", "b"]);
        for (const orgId of ["a", "b"]) {
          const doc = await buyersCollection(db).findOne({ orgId });
          assertEquals(doc?.procurementCount, exact.procurements.get(orgId), orgId);
          assertEquals(doc?.contractCount, exact.contracts.get(orgId), orgId);
        }
      }
      const a = await buyersCollection(db).findOne({ orgId: "a" });
      assertEquals([a?.contractCount, a?.procurementCount], [2, 2]); // o2, o4
    },
    { replicaSet },
  );
}
