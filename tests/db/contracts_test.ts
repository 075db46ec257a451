import { assert, assertEquals } from "@std/assert";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { contractsCollection, insertNewContracts, writeContracts } from "../../src/db/contracts.ts";
import type { Contract } from "../../src/ocds/documents.ts";
import { compareReleases } from "../../src/ocds/map_page.ts";
import { mongoTest } from "../support/mongo.ts";
import { aContract } from "../support/contracts.ts";

const T0 = new Date("2026-11-01T00:00:00Z");
const T1 = new Date("2026-11-02T00:00:00Z");

mongoTest("a page inserts new notices, then a replay changes nothing", async (db) => {
  await ensureIndexes(db);
  const page = [
    aContract({ noticeId: "1" }),
    aContract({ noticeId: "2" }),
    aContract({ source: "cf", noticeId: "1" }),
  ];
  const first = await writeContracts(db, page, T0);
  assertEquals([first.inserted, first.updated, first.unchanged, first.stale], [3, 0, 0, 0]);
  const before = await contractsCollection(db).find({}).sort({ source: 1, noticeId: 1 }).toArray();
  const replay = await writeContracts(db, page, T1);
  assertEquals([replay.inserted, replay.updated, replay.unchanged, replay.stale], [0, 0, 3, 0]);
  const after = await contractsCollection(db).find({}).sort({ source: 1, noticeId: 1 }).toArray();
  assertEquals(after, before, "a replay leaves every document as it was, timestamps included");
  assertEquals(after[0].firstSeenAt, T0);
});

mongoTest("newer wins: an older release never overwrites, a newer one does", async (db) => {
  await ensureIndexes(db);
  const older = aContract({
    noticeId: "n",
    releaseId: "n",
    title: "old",
    releaseDate: new Date("2026-01-01T00:00:00Z"),
  });
  const newer = aContract({
    noticeId: "n",
    releaseId: "n",
    title: "new",
    releaseDate: new Date("2026-02-01T00:00:00Z"),
  });
  assertEquals((await writeContracts(db, [newer], T0)).inserted, 1);
  const stale = await writeContracts(db, [older], T1);
  assertEquals([stale.stale, stale.updated], [1, 0]);
  assertEquals((await contractsCollection(db).findOne({ noticeId: "n" }))?.title, "new");
  const newest = aContract({
    ...newer,
    title: "newest",
    releaseDate: new Date("2026-03-01T00:00:00Z"),
  });
  const up = await writeContracts(db, [newest], T1);
  assertEquals(up.updated, 1);
  const doc = await contractsCollection(db).findOne({ noticeId: "n" });
  assertEquals([doc?.title, doc?.firstSeenAt, doc?.updatedAt], ["newest", T0, T1]);
});

mongoTest(
  "same release date: the higher sequence of a CF notice wins, compared as numbers",
  async (db) => {
    await ensureIndexes(db);
    const at = new Date("2026-01-01T00:00:00Z");
    const r99 = aContract({
      source: "cf",
      noticeId: "g",
      releaseId: "g-99",
      title: "99",
      releaseDate: at,
    });
    const r100 = aContract({
      source: "cf",
      noticeId: "g",
      releaseId: "g-100",
      title: "100",
      releaseDate: at,
    });
    await writeContracts(db, [r100], T0);
    assertEquals((await writeContracts(db, [r99], T1)).stale, 1);
    assertEquals((await contractsCollection(db).findOne({ noticeId: "g" }))?.title, "100");
    assert(compareReleases(r100, r99) > 0);
  },
);

mongoTest(
  "touched buyers include the previous buyer of a notice that changed buyer",
  async (db) => {
    await ensureIndexes(db);
    await writeContracts(db, [aContract({ noticeId: "m", buyerOrg: "old-buyer" })], T0);
    const moved = aContract({
      noticeId: "m",
      buyerOrg: "new-buyer",
      releaseDate: new Date("2027-01-01T00:00:00Z"),
    });
    const res = await writeContracts(db, [moved], T1);
    assertEquals([...res.touchedBuyers].sort(), ["new-buyer", "old-buyer"]);
  },
);

mongoTest(
  "two writers storing the same new notices at once leave one document each",
  async (db) => {
    await ensureIndexes(db);
    const page = [aContract({ noticeId: "r1" }), aContract({ noticeId: "r2" })];
    // whichever way the race goes (both insert, or one already sees the other's documents)
    const [a, b] = await Promise.all([writeContracts(db, page, T0), writeContracts(db, page, T1)]);
    assertEquals(a.inserted + b.inserted + a.unchanged + b.unchanged, 4);
    assertEquals(a.inserted + b.inserted, 2, "each notice is counted inserted exactly once");
    assertEquals(await contractsCollection(db).countDocuments({}), 2);
    assertEquals((await writeContracts(db, page, T1)).unchanged, 2);
  },
);

mongoTest(
  "an insert meeting a notice stored meanwhile keeps it and counts only what it stored",
  async (db) => {
    await ensureIndexes(db);
    const doc = (c: Contract, at: Date) => ({
      ...c,
      contentHash: "h",
      firstSeenAt: at,
      updatedAt: at,
      firstSeenPage: null,
      searchTokens: [],
    });
    await insertNewContracts(db, [doc(aContract({ noticeId: "x", title: "stored first" }), T0)]);
    // a writer that read before "x" was stored believes both new; it stored only "y"
    const inserted = await insertNewContracts(db, [
      doc(aContract({ noticeId: "x", title: "late copy" }), T1),
      doc(aContract({ noticeId: "y" }), T1),
    ]);
    assertEquals(inserted, 1, "a notice another writer stored first is not counted as inserted");
    const stored = await contractsCollection(db).find({}).sort({ noticeId: 1 }).toArray();
    assertEquals(stored.map((d) => [d.noticeId, d.title, d.firstSeenAt]), [
      ["x", "stored first", T0],
      ["y", "Road maintenance", T1],
    ]);
  },
);

mongoTest(
  "new notices by day are exact when a page is stored again before its cursor moved",
  async (db) => {
    await ensureIndexes(db);
    const day1 = new Date("2026-11-01T10:00:00Z"), day2 = new Date("2026-11-02T10:00:00Z");
    const page = [
      aContract({ noticeId: "a", releaseId: "a", releaseDate: day1 }),
      aContract({ noticeId: "b", releaseId: "b", releaseDate: day2 }),
      aContract({ noticeId: "c", releaseId: "c", releaseDate: day2 }),
    ];
    const first = await writeContracts(db, page, T0, { pageKey: "fts@1#0" });
    assertEquals(first.newByDay, { "2026-11-01": 1, "2026-11-02": 2 });
    // the process died before the cursor moved: the same page, same key, counts the same
    const retried = await writeContracts(db, page, T1, { pageKey: "fts@1#0" });
    assertEquals(retried.newByDay, { "2026-11-01": 1, "2026-11-02": 2 });
    assertEquals(retried.inserted, 0);
    // the cursor moved: the same releases read again on a later page add nothing
    const later = await writeContracts(db, page, T1, { pageKey: "fts@1#1" });
    assertEquals(later.newByDay, {});
    // free text is indexed words of the notice, kept by the write
    const stored = await contractsCollection(db).findOne({ noticeId: "a" });
    assert(stored?.searchTokens.includes("road"), `tokens: ${stored?.searchTokens}`);
    assertEquals(stored?.firstSeenPage, "fts@1#0");
  },
);
