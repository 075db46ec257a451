import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { judgeStorage, readStorage } from "../../src/db/storage.ts";
import { mongoTest, usingJongodb } from "../support/mongo.ts";

const MB = 1024 * 1024;

Deno.test("storage is ok below 80 %, a warning from 80 %, full at the limit", () => {
  const at = (mb: number) => judgeStorage({ dataSize: mb * MB, indexSize: 0 }, 512 * MB);
  assertEquals(at(100).level, "ok");
  assertEquals(at(409).level, "ok");
  assertEquals(at(410).level, "warning");
  assertStringIncludes(at(410).message, "RETAIN_NOTICES");
  assertEquals(at(512).level, "full");
  const r = judgeStorage(
    { dataSize: 300 * MB, indexSize: 20 * MB, storageSize: 90 * MB },
    512 * MB,
  );
  assertEquals([r.usedBytes, r.storageSize, r.share], [320 * MB, 90 * MB, 320 / 512]);
  assertStringIncludes(r.message, "320.0 MB of 512.0 MB used (62.5 %");
  assertEquals(judgeStorage({}, 512 * MB).level, "unknown");
});

mongoTest("storage is read with dbStats, or unknown where the server has none", async (db) => {
  await db.collection("c").insertOne({ x: "y".repeat(1000) });
  const storage = await readStorage(db, 512 * MB);
  if (usingJongodb()) {
    assertEquals(storage.level, "unknown");
    assertStringIncludes(storage.message, "dbStats");
  } else {
    assertEquals(storage.level, "ok");
    assert((storage.usedBytes ?? 0) > 1000, JSON.stringify(storage));
  }
});
