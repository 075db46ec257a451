import { assertEquals } from "@std/assert";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { buyersCollection, writeBuyers } from "../../src/db/buyers.ts";
import { writeContracts } from "../../src/db/contracts.ts";
import { mongoTest } from "../support/mongo.ts";
import { aBuyer, aContract } from "../support/contracts.ts";

const T0 = new Date("2026-11-01T00:00:00Z");

mongoTest("buyer counts are exact however often a page is replayed", async (db) => {
  await ensureIndexes(db);
  const page = [1, 2, 3].map((i) => aContract({ noticeId: `n${i}`, buyerOrg: "b1" }));
  for (let replay = 0; replay < 4; replay++) {
    const res = await writeContracts(db, page, T0);
    await writeBuyers(db, [aBuyer({ orgId: "b1" })], res.touchedBuyers, T0);
  }
  assertEquals((await buyersCollection(db).findOne({ orgId: "b1" }))?.contractCount, 3);
});

mongoTest(
  "known buyer fields are never overwritten; sources and identifiers are merged",
  async (db) => {
    await ensureIndexes(db);
    await writeBuyers(db, [aBuyer({ orgId: "b", name: "First name", sources: ["fts"] })], [], T0);
    await writeBuyers(
      db,
      [aBuyer({ orgId: "b", name: "Other", sources: ["cf"], identifiers: ["X:1"] })],
      [],
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
  let res = await writeContracts(db, [aContract({ noticeId: "m", buyerOrg: "a" })], T0);
  await writeBuyers(db, [aBuyer({ orgId: "a" })], res.touchedBuyers, T0);
  res = await writeContracts(
    db,
    [aContract({ noticeId: "m", buyerOrg: "b", releaseDate: new Date("2027-01-01T00:00:00Z") })],
    T0,
  );
  await writeBuyers(db, [aBuyer({ orgId: "b" })], res.touchedBuyers, T0);
  assertEquals((await buyersCollection(db).findOne({ orgId: "a" }))?.contractCount, 0);
  assertEquals((await buyersCollection(db).findOne({ orgId: "b" }))?.contractCount, 1);
});
