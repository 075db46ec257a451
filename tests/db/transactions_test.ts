import { assert, assertEquals, assertRejects } from "@std/assert";
import { MongoClient } from "mongodb";
import { CLIENT_OPTIONS } from "../../src/db/client.ts";
import {
  inTransaction,
  TransactionConflict,
  TransactionRetriesExhausted,
  transactionsSupported,
} from "../../src/db/transactions.ts";
import {
  dropTestDb,
  freshDbName,
  mongoTest,
  realMongoTest,
  testMongoUri,
} from "../support/mongo.ts";

mongoTest("transactionsSupported: yes on a replica set", async (db) => {
  assertEquals(await transactionsSupported(db), true);
});

mongoTest(
  "transactionsSupported: no on a standalone server",
  async (db) => {
    assertEquals(await transactionsSupported(db), Deno.env.get("MONGODB_URI") !== undefined);
  },
  { replicaSet: false },
);

mongoTest("a transaction is all or nothing", async (db) => {
  const c = db.collection<{ _id: string; n: number }>("c");
  await c.insertOne({ _id: "k", n: 0 });
  await assertRejects(
    () =>
      inTransaction(db, async (session) => {
        await c.insertOne({ _id: "new", n: 1 }, { session });
        await c.updateOne({ _id: "k" }, { $inc: { n: 1 } }, { session });
        throw new Error("crash after the writes, before the commit");
      }),
    Error,
    "crash after the writes",
  );
  assertEquals(await c.find({}).toArray(), [{ _id: "k", n: 0 }]);
  await inTransaction(db, async (session) => {
    await c.insertOne({ _id: "new", n: 1 }, { session });
    await c.updateOne({ _id: "k" }, { $inc: { n: 1 } }, { session });
  });
  assertEquals(await c.find({}).sort({ _id: 1 }).toArray(), [{ _id: "k", n: 1 }, {
    _id: "new",
    n: 1,
  }]);
});

mongoTest("a conflict found by the work redoes the transaction from its reads", async (db) => {
  const c = db.collection<{ _id: string; n: number }>("c");
  await c.insertOne({ _id: "k", n: 0 });
  let attempts = 0;
  const result = await inTransaction(db, async (session) => {
    attempts++;
    const doc = await c.findOne({ _id: "k" }, { session });
    await c.updateOne({ _id: "k" }, { $set: { n: doc!.n + 1 } }, { session });
    if (attempts < 3) throw new TransactionConflict("what was read changed");
    return doc!.n;
  }, { retryBaseMs: 1 });
  assertEquals([attempts, result], [3, 0]);
  assertEquals((await c.findOne({ _id: "k" }))?.n, 1, "aborted attempts left nothing");
  const error = await assertRejects(
    () =>
      inTransaction(db, () => Promise.reject(new TransactionConflict("always")), {
        what: "Writing 3 notices",
        maxAttempts: 2,
        retryBaseMs: 1,
      }),
    TransactionRetriesExhausted,
  );
  assert(error.message.startsWith("Writing 3 notices: the transaction conflicted"), error.message);
});

mongoTest("other errors are not retried", async (db) => {
  let attempts = 0;
  await assertRejects(() =>
    inTransaction(db, () => {
      attempts++;
      return Promise.reject(new TypeError("a bug"));
    }), TypeError);
  assertEquals(attempts, 1);
});

realMongoTest(
  "transactions of two clients incrementing one buyer conflict, and both land",
  async (db) => {
    // Two clients do not share the in-process turn-taking of inTransaction, so only the
    // server's write-conflict detection keeps both increments (jongodb has none).
    const uri = await testMongoUri();
    const other = new MongoClient(uri, CLIENT_OPTIONS);
    try {
      const c = db.collection<{ _id: string; n: number }>("buyers");
      await c.insertOne({ _id: "b", n: 0 });
      const bump = (database: typeof db) =>
        inTransaction(database, async (session) => {
          const col = database.collection<{ _id: string; n: number }>("buyers");
          await col.findOne({ _id: "b" }, { session });
          await new Promise((r) => setTimeout(r, 20)); // both hold a snapshot
          await col.updateOne({ _id: "b" }, { $inc: { n: 1 } }, { session });
        });
      const mine = db, theirs = other.db(db.databaseName);
      await Promise.all(Array.from({ length: 10 }, (_, i) => bump(i % 2 ? mine : theirs)));
      assertEquals((await c.findOne({ _id: "b" }))?.n, 10);
    } finally {
      await other.close();
    }
  },
);

Deno.test({
  name: "inTransaction needs no database of its own: a fresh name is enough",
  // jongodb prints a line for each client connection that closes (see mongoTest)
  sanitizeOps: false,
  fn: async () => {
    const client = new MongoClient(await testMongoUri(), CLIENT_OPTIONS);
    const db = client.db(freshDbName("txn_fresh"));
    try {
      // a collection that does not exist yet is created inside the transaction (MongoDB ≥ 4.4)
      await inTransaction(db, (session) => db.collection("new").insertOne({ x: 1 }, { session }));
      assertEquals(await db.collection("new").countDocuments({}), 1);
    } finally {
      await dropTestDb(db);
      await client.close();
    }
  },
});
