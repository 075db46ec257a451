import { assertEquals } from "@std/assert";
import type { Db } from "mongodb";
import { buyersCollection, countContracts } from "../../src/db/buyers.ts";
import { recountAllBuyers } from "../../src/db/buyer_recount.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { writePage } from "../../src/db/page_write.ts";
import { transactionsSupported } from "../../src/db/transactions.ts";
import { mongoTest } from "../support/mongo.ts";
import { aBuyer, aContract } from "../support/contracts.ts";

const T0 = new Date("2026-11-01T00:00:00Z");
const ORGS = ["a", "b", "c", "d", "e"];

async function fill(db: Db): Promise<void> {
  await ensureIndexes(db);
  const contracts = Array.from({ length: 40 }, (_, i) =>
    aContract({
      noticeId: `n${i}`,
      buyerOrg: ORGS[i % 4], // "e" names no notice
      buyerOrgs: i % 10 === 0 ? [ORGS[i % 4], "b"] : [ORGS[i % 4]],
    }));
  await writePage(db, contracts, ORGS.map((orgId) => aBuyer({ orgId })), T0);
}

async function storedCounts(db: Db): Promise<Record<string, number>> {
  const docs = await buyersCollection(db).find({}).sort({ orgId: 1 }).toArray();
  return Object.fromEntries(docs.map((b) => [b.orgId, b.contractCount]));
}

for (const replicaSet of [true, false]) {
  const kind = replicaSet ? "in transactions" : "without transactions";
  mongoTest(`the full recount corrects wrong counts and only those (${kind})`, async (db) => {
    await fill(db);
    const exact = Object.fromEntries(await countContracts(db, ORGS));
    assertEquals(await storedCounts(db), exact, "pages keep counts exact by themselves");
    assertEquals((await recountAllBuyers(db, { now: T0 })).corrected, 0);

    await buyersCollection(db).updateOne({ orgId: "a" }, { $set: { contractCount: 999 } });
    await buyersCollection(db).updateOne({ orgId: "e" }, { $inc: { contractCount: 3 } });
    const later = new Date("2026-11-02T00:00:00Z");
    const batches: number[] = [];
    const result = await recountAllBuyers(db, {
      now: later,
      batchSize: 2,
      onBatch: (p) => batches.push(p.buyers),
    });
    const transactional = await transactionsSupported(db); // MONGODB_URI may name either kind
    assertEquals(result, { buyers: 5, corrected: 2, batches: 3, transactional });
    assertEquals(batches, [2, 4, 5]);
    assertEquals(await storedCounts(db), { ...exact, e: 0 });
    const a = await buyersCollection(db).findOne({ orgId: "a" });
    assertEquals(a?.countedAt, later, "a corrected count says when it was counted");
  }, { replicaSet });
}

mongoTest("a recount of an empty database does nothing", async (db) => {
  await ensureIndexes(db);
  assertEquals(await recountAllBuyers(db, { now: T0 }), {
    buyers: 0,
    corrected: 0,
    batches: 0,
    transactional: await transactionsSupported(db),
  });
});
