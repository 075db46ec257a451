import { assertEquals } from "@std/assert";
import { loadState, saveState } from "../../src/db/sync_state.ts";
import { mongoTest } from "../support/mongo.ts";

mongoTest("totals move with the cursor; an older fencing token can write nothing", async (db) => {
  assertEquals(await saveState(db, "fts", 1, { cursor: "a" }, { pages: 1, releases: 100 }), true);
  assertEquals(await saveState(db, "fts", 2, { cursor: "b" }, { pages: 1, releases: 50 }), true);
  assertEquals(await saveState(db, "fts", 1, { cursor: "stale" }, { pages: 1 }), false);
  const state = await loadState(db, "fts");
  assertEquals(state?.cursor, "b");
  assertEquals(state?.fence, 2);
  assertEquals(state?.totals, {
    pages: 2,
    releases: 150,
    quarantined: 0,
  });
});
