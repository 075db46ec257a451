import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { parseRecountArgs } from "../../src/cli/recount.ts";
import { buyersCollection } from "../../src/db/buyers.ts";
import { getMongoClient } from "../../src/db/client.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { writePage } from "../../src/db/page_write.ts";
import { aBuyer, aContract } from "../support/contracts.ts";
import { dropping, freshDbName, testMongoUri } from "../support/mongo.ts";
import { childEnv, projectPath } from "../support/process.ts";

Deno.test("deno task recount arguments: --batch N, nothing else", () => {
  assertEquals(parseRecountArgs([]), { batchSize: 200 });
  assertEquals(parseRecountArgs(["--batch", "50"]), { batchSize: 50 });
  assertEquals(parseRecountArgs(["--batch=7"]), { batchSize: 7 });
  for (const bad of [["--batch", "0"], ["--batch"], ["--batch", "x"], ["--all"]]) {
    assertThrows(() => parseRecountArgs(bad), Error, undefined, bad.join(" "));
  }
});

Deno.test({
  name: "deno task recount corrects a wrong count and says how many it corrected",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const uri = await testMongoUri();
    const dbName = freshDbName("recount_cli");
    const db = getMongoClient(uri).db(dbName);
    await using _drop = dropping(db);
    await ensureIndexes(db);
    const contracts = [1, 2, 3].map((i) => aContract({ noticeId: `n${i}`, buyerOrg: "b" }));
    await writePage(db, contracts, [aBuyer({ orgId: "b" }), aBuyer({ orgId: "c" })], new Date());
    await buyersCollection(db).updateOne({ orgId: "b" }, { $set: { contractCount: 1 } });
    const run = () =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", projectPath("src/cli/recount.ts"), "--batch", "1"],
        env: childEnv({ MONGODB_URI: uri, MONGODB_DB: dbName }),
        clearEnv: true,
      }).output();
    const first = await run();
    const out = new TextDecoder().decode(first.stdout);
    assertEquals(first.code, 0, out + new TextDecoder().decode(first.stderr));
    assertStringIncludes(out, "Recounted 2 buyers in 2 batches");
    assertStringIncludes(out, "1 counts corrected");
    assertEquals((await buyersCollection(db).findOne({ orgId: "b" }))?.contractCount, 3);
    const again = new TextDecoder().decode((await run()).stdout);
    assertStringIncludes(again, "0 counts corrected");
  },
});
