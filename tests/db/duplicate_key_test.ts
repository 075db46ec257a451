import { assert, assertEquals, assertRejects } from "@std/assert";
import { isDuplicateKeyError } from "../../src/db/duplicate_key.ts";
import { mongoTest } from "../support/mongo.ts";

mongoTest("isDuplicateKeyError tells a unique key stored twice from other failures", async (db) => {
  const things = db.collection<{ _id: string; n: number }>("things");
  await things.insertOne({ _id: "a", n: 1 });
  const single = await assertRejects(() => things.insertOne({ _id: "a", n: 2 }));
  assert(isDuplicateKeyError(single), `insertOne: ${single}`);
  const bulk = await assertRejects(() =>
    things.insertMany([{ _id: "b", n: 1 }, { _id: "a", n: 3 }], { ordered: false })
  );
  assert(isDuplicateKeyError(bulk), `insertMany: ${bulk}`);
  const other = await assertRejects(() =>
    things.updateOne({ _id: "a" }, { $inc: { n: "x" as unknown as number } })
  );
  assertEquals(isDuplicateKeyError(other), false, `a type error is not a duplicate: ${other}`);
  for (const value of [new Error("E11000 in the text only"), { code: "11000" }, null, 11000]) {
    assertEquals(isDuplicateKeyError(value), false, String(value));
  }
  assertEquals(isDuplicateKeyError({ code: 11000 }), true);
});
