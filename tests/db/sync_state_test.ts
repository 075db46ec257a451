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
    notices: 0,
  });
});

mongoTest(
  "days move with the cursor and old days can be forgotten in the same write",
  async (db) => {
    await saveState(db, "fts", 1, {}, { notices: 3, days: { "2026-11-01": 1, "2026-11-02": 2 } });
    await saveState(db, "fts", 1, {}, { notices: 1, days: { "2026-11-02": 1 } });
    assertEquals((await loadState(db, "fts"))?.days, { "2026-11-01": 1, "2026-11-02": 3 });
    await saveState(db, "fts", 1, {}, { forgetDays: ["2026-11-01"] });
    const state = await loadState(db, "fts");
    assertEquals(state?.days, { "2026-11-02": 3 });
    assertEquals(state?.totals.notices, 4);
    // a lost lease writes no days either
    assertEquals(await saveState(db, "fts", 0, {}, { days: { "2026-11-02": 5 } }), false);
    assertEquals((await loadState(db, "fts"))?.days, { "2026-11-02": 3 });
  },
);
