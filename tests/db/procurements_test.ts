/**
 * The `procurements` collection as the sync keeps it: compiled after every page from the
 * stored notices of the ocids the page touched, the same whatever the order, page split or
 * replays; buyers' exact `procurementCount`.
 */
import { assert, assertEquals } from "@std/assert";
import type { Db } from "mongodb";
import { buyersCollection } from "../../src/db/buyers.ts";
import { contractsCollection, writeContracts } from "../../src/db/contracts.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { writePage } from "../../src/db/page_write.ts";
import {
  compileProcurements,
  procurementId,
  procurementsCollection,
  writePageProcurements,
} from "../../src/db/procurements.ts";
import { mapPage } from "../../src/ocds/map_page.ts";
import { compileProcurement } from "../../src/db/procurement_search.ts"; // as stored: with searchTokens
import { rebuildProcurements } from "../../src/sync/procurement_rebuild.ts";
import { storePage } from "../../src/sync/store_page.ts";
import { CHAIN_SHAPES, ftsChain, ftsRelease } from "../support/chains.ts";
import { freshDb, mongoTest, realMongoTest } from "../support/mongo.ts";
import { prng } from "../support/random.ts";
import { snapshot } from "../support/snapshot.ts";

const FROM = new Date("2026-02-01T00:00:00Z");
const NOW = new Date("2026-06-01T00:00:00Z");

async function store(db: Db, releases: readonly unknown[]): Promise<void> {
  await storePage(db, "fts", { releases, rejected: [] }, null, NOW);
}

/** Every stored procurement without `_id`, by id. */
async function procurements(db: Db): Promise<Map<string, unknown>> {
  const docs = await procurementsCollection(db).find({}).toArray();
  return new Map(docs.map(({ _id, ...rest }) => [_id, rest]));
}

mongoTest(
  "a chain stored page by page compiles to what its stored notices compile to",
  async (db) => {
    await ensureIndexes(db);
    const chain = ftsChain(1, ["UK1", "UK2", "UK4", "UK6", "UK7", "UK10"], FROM);
    for (const release of chain) await store(db, [release]);
    const ocid = chain[0].ocid as string;
    const stored = await procurementsCollection(db).findOne({ _id: procurementId("fts", ocid) });
    if (stored === null) throw new Error("no procurement stored");
    assertEquals(stored.phase, "changed");
    assertEquals(stored.timeline.length, 6);
    const notices = await contractsCollection(db).find({ ocid }).toArray();
    const { _id: _, ...doc } = stored;
    assertEquals(doc, compileProcurement({ source: "fts", ocid }, notices));

    const before = await snapshot(db, ["contracts", "buyers", "procurements"]);
    await store(db, chain); // a replay of everything at once
    await store(db, [chain[2]]);
    assertEquals(await snapshot(db, ["contracts", "buyers", "procurements"]), before);
  },
);

mongoTest("buyers count procurements exactly: distinct ocids of their notices", async (db) => {
  await ensureIndexes(db);
  const buyer = { id: "GB-PPON-BUYR-0042", name: "Buyer 42" };
  const other = { id: "GB-PPON-BUYR-0043", name: "Buyer 43" };
  const releases = [
    ftsRelease("000001-2026", "ocds-h6vhtk-a", "UK4", FROM, buyer, 1),
    ftsRelease("000002-2026", "ocds-h6vhtk-a", "UK6", new Date("2026-03-01T00:00:00Z"), buyer, 1),
    ftsRelease("000003-2026", "ocds-h6vhtk-b", "UK4", FROM, buyer, 2),
    ftsRelease("000004-2026", "ocds-h6vhtk-c", "UK4", FROM, other, 3),
  ];
  const counts = async () =>
    (await buyersCollection(db).find({}).sort({ orgId: 1 }).toArray()).map((b) => [
      b.orgId,
      b.contractCount,
      b.procurementCount,
    ]);
  await store(db, releases.slice(0, 2));
  await store(db, releases.slice(2));
  const expected = [["GB-PPON-BUYR-0042", 3, 2], ["GB-PPON-BUYR-0043", 1, 1]];
  assertEquals(await counts(), expected);
  await store(db, releases.reverse()); // replayed in another order
  assertEquals(await counts(), expected);
  // a notice that moves to the other buyer's procurement leaves both counts exact
  const moved = ftsRelease("000003-2026", "ocds-h6vhtk-c", "UK4", NOW, other, 2);
  await store(db, [moved]);
  assertEquals(await counts(), [["GB-PPON-BUYR-0042", 2, 1], ["GB-PPON-BUYR-0043", 2, 1]]);
});

mongoTest(
  "a crash between the procurements and the contracts of a page: its replay repairs it",
  async (db) => {
    await ensureIndexes(db);
    const [tender, award] = ftsChain(3, ["UK4", "UK6"], FROM);
    await store(db, [tender]);
    const reference = (await freshDb("procurement_crash_ref")).db;
    await ensureIndexes(reference);
    await store(reference, [tender]);
    await store(reference, [award]);
    // the page with the award dies right after its procurement step
    const crash = new Error("killed");
    const mapped = mapPage("fts", [award]).mapped.map((m) => m.contract);
    const died = await writeContracts(db, mapped, NOW, {
      withOcids: true,
      beforeWrite: async (plan) => {
        await writePageProcurements(db, "fts", plan);
        throw crash;
      },
    }).catch((e) => e);
    assertEquals(died, crash);
    assertEquals(await contractsCollection(db).countDocuments({}), 1); // the award is not stored
    await store(db, [award]); // the replay
    const parts = ["contracts", "buyers", "procurements"] as const;
    assertEquals(await snapshot(db, parts), await snapshot(reference, parts));
  },
);

mongoTest("a page of unchanged notices writes no procurement", async (db) => {
  await ensureIndexes(db);
  const chain = ftsChain(5, ["UK4", "UK6"], FROM);
  await store(db, chain);
  let writes = 0;
  const count = (e: { command: Record<string, unknown> }) => {
    if (e.command.insert === "procurements" || e.command.update === "procurements") writes++;
  };
  db.client.on("commandStarted", count);
  try {
    await store(db, chain);
  } finally {
    db.client.off("commandStarted", count);
  }
  assertEquals(writes, 0);
});

mongoTest(
  "a new ocid whose procurement exists all the same is replaced, not duplicated",
  async (db) => {
    await ensureIndexes(db);
    const [first, second] = ftsChain(4, ["UK4", "UK6"], FROM);
    await store(db, [first]);
    const stale = await procurementsCollection(db).findOne({});
    // an orphan left behind: the procurement exists, its notice does not
    await contractsCollection(db).deleteMany({});
    await store(db, [first, second]); // both notices new: the procurement is inserted → 11000
    const now = await procurementsCollection(db).find({}).toArray();
    assertEquals(now.length, 1);
    assertEquals([stale?.timeline.length, now[0].timeline.length], [1, 2]);
    assertEquals(now[0].phase, "awarded");
  },
);

mongoTest("a notice that moves to another ocid leaves its old procurement", async (db) => {
  await ensureIndexes(db);
  const buyer = { id: "GB-PPON-BUYR-0001", name: "Buyer 1" };
  await store(db, [ftsRelease("000010-2026", "ocds-h6vhtk-old", "UK4", FROM, buyer, 1)]);
  assertEquals([...(await procurements(db)).keys()], ["fts:ocds-h6vhtk-old"]);
  await store(db, [ftsRelease("000010-2026", "ocds-h6vhtk-new", "UK4", NOW, buyer, 1)]);
  assertEquals([...(await procurements(db)).keys()], ["fts:ocds-h6vhtk-new"]);
  // and compiling an ocid with no notice at all removes nothing else
  const none = await compileProcurements(db, "fts", ["ocds-h6vhtk-none"]);
  assertEquals([none.compiled, none.removed, none.notices], [0, 0, 0]);
});

mongoTest(
  "notices leaving ocids: their old procurements are right once the page's write commits",
  async (db) => {
    await ensureIndexes(db);
    const buyer = { id: "GB-PPON-BUYR-0001", name: "Buyer 1" };
    await store(db, [
      ftsRelease("000010-2026", "ocds-h6vhtk-old", "UK4", FROM, buyer, 1),
      ftsRelease("000011-2026", "ocds-h6vhtk-old", "UK6", FROM, buyer, 1),
      ftsRelease("000012-2026", "ocds-h6vhtk-gone", "UK4", FROM, buyer, 2),
    ]);
    // The page moves 000010 and 000012 to another ocid and the process dies right after its
    // write commits: nothing may be left for a later step, since a replay finds the notices
    // unchanged and would never see the move again.
    const page = [
      ftsRelease("000010-2026", "ocds-h6vhtk-new", "UK4", NOW, buyer, 1),
      ftsRelease("000012-2026", "ocds-h6vhtk-new", "UK6", NOW, buyer, 2),
    ];
    const moved = mapPage("fts", page);
    await writePage(db, moved.mapped.map((m) => m.contract), moved.buyers, NOW, {
      beforeWrite: async (plan) => {
        await writePageProcurements(db, "fts", plan);
      },
    });
    const all = await procurements(db);
    assertEquals([...all.keys()].sort(), ["fts:ocds-h6vhtk-new", "fts:ocds-h6vhtk-old"]);
    for (const ocid of ["ocds-h6vhtk-new", "ocds-h6vhtk-old"]) {
      const notices = await contractsCollection(db).find({ ocid }).toArray();
      assertEquals(
        all.get(procurementId("fts", ocid)),
        compileProcurement({ source: "fts", ocid }, notices),
      );
    }
    const timelines = (await procurementsCollection(db).find({}).sort({ _id: 1 }).toArray())
      .map((p) => p.timeline.map((t) => t.noticeId));
    assertEquals(timelines, [["000010-2026", "000012-2026"], ["000011-2026"]]);
    const before = await snapshot(db, ["contracts", "buyers", "procurements"]);
    await store(db, page); // the replay changes nothing
    assertEquals(await snapshot(db, ["contracts", "buyers", "procurements"]), before);
  },
);

/** The README's query: open opportunities in sector X closing after date Y, soonest first. */
function openIn(db: Db, sector: string, after: Date) {
  return procurementsCollection(db)
    .find({ phase: "open", sectors: sector, tenderDeadline: { $gt: after } })
    .sort({ tenderDeadline: 1 });
}

mongoTest("open opportunities in a sector closing after a date: exactly those", async (db) => {
  await ensureIndexes(db);
  const day = (n: number) => new Date(FROM.getTime() + n * 86_400_000);
  // even chains are construction works (CPV 45), odd ones IT services (CPV 72); tenders close
  // 30 days after they are published
  await store(db, [
    ...ftsChain(0, ["UK4"], day(0)), // closes day 30
    ...ftsChain(2, ["UK4"], day(20)), // closes day 50
    ...ftsChain(4, ["UK4", "UK12"], day(20)), // cancelled
    ...ftsChain(6, ["UK4", "UK6"], day(20)), // awarded
    ...ftsChain(1, ["UK4"], day(20)), // another sector
  ]);
  const ids = async (after: Date) =>
    (await openIn(db, "construction-works", after).toArray()).map((p) => p._id);
  assertEquals(await ids(day(10)), ["fts:ocds-h6vhtk-c00000", "fts:ocds-h6vhtk-c00002"]);
  assertEquals(await ids(day(40)), ["fts:ocds-h6vhtk-c00002"]);
  assertEquals(await ids(day(60)), []);
  assertEquals(
    (await openIn(db, "it-services", day(10)).toArray()).map((p) => p._id),
    ["fts:ocds-h6vhtk-c00001"],
  );
});

realMongoTest("the open-opportunities query is served by its index, in order", async (db) => {
  await ensureIndexes(db);
  await store(db, Array.from({ length: 40 }, (_, i) => ftsChain(i, ["UK4"], FROM)).flat());
  const plan = await openIn(db, "construction-works", FROM).explain("queryPlanner");
  const winning = JSON.stringify(
    (plan as { queryPlanner: { winningPlan: unknown } }).queryPlanner.winningPlan,
  );
  assert(winning.includes("phase_sectors_tenderDeadline_v1"), winning);
  assert(!winning.includes("COLLSCAN") && !winning.includes('"SORT"'), winning);
});

mongoTest("the two sources are never merged, even with the same ocid and notice id", async (db) => {
  await ensureIndexes(db);
  const buyer = { id: "GB-PPON-BUYR-0001", name: "Buyer 1" };
  const fts = ftsRelease("000020-2026", "ocds-b5fd17-shared", "UK4", FROM, buyer, 1);
  const cf = {
    id: "000020-2026-1", // notice id 000020-2026, as the FTS notice's
    ocid: fts.ocid,
    date: fts.date,
    tag: ["award"],
    buyer,
    parties: [{ ...buyer, roles: ["buyer"] }],
  };
  await storePage(db, "fts", { releases: [fts], rejected: [] }, null, NOW);
  await storePage(db, "cf", { releases: [cf], rejected: [] }, null, NOW);
  const all = await procurements(db);
  assertEquals([...all.keys()].sort(), ["cf:ocds-b5fd17-shared", "fts:ocds-b5fd17-shared"]);
  const phases = (await procurementsCollection(db).find({}).sort({ _id: 1 }).toArray())
    .map((p) => [p.source, p.phase, p.timeline.length]);
  assertEquals(phases, [["cf", "awarded", 1], ["fts", "open", 1]]);
  const ids = (await procurementsCollection(db).find({}).sort({ _id: 1 }).toArray())
    .map((p) => p.timeline[0].noticeId);
  assertEquals(ids, ["000020-2026", "000020-2026"]);
});

Deno.test({
  name: "property: 200 chains in random orders, page splits and replays give identical documents",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const chains = Array.from(
      { length: 200 },
      (_, i) => ftsChain(i, CHAIN_SHAPES[i % CHAIN_SHAPES.length], FROM),
    );
    const releases = chains.flat();
    const random = prng(2026);
    let reference: Awaited<ReturnType<typeof snapshot>> | null = null;
    for (let round = 0; round < 3; round++) {
      const { db } = await freshDb(`procurement_property_${round}`);
      await ensureIndexes(db);
      const order = round === 0 ? releases : [...releases].sort(() => random() - 0.5);
      let at = 0;
      while (at < order.length) {
        const size = 1 + Math.floor(random() * 60);
        const page = order.slice(at, at + size);
        await store(db, page);
        // now and then a page is delivered twice (a crash before its cursor was saved)
        if (random() < 0.2) await store(db, page);
        at += size;
      }
      const snap = await snapshot(db, ["contracts", "buyers", "procurements"]);
      assertEquals(snap.procurements.length, 200);
      // what the pages compiled from their reads equals a compile from the stored notices
      using kv = await Deno.openKv(":memory:");
      await rebuildProcurements(db, { sources: ["fts"], kv, leaseTtlMs: 60_000, now: Date.now });
      assertEquals(await snapshot(db, ["contracts", "buyers", "procurements"]), snap);
      if (reference === null) reference = snap;
      else assertEquals(snap, reference, `round ${round}`);
    }
    const phases = new Map<string, number>();
    for (const p of reference!.procurements as { phase: string }[]) {
      phases.set(p.phase, (phases.get(p.phase) ?? 0) + 1);
    }
    // every shape's phase is represented (see CHAIN_SHAPES)
    assertEquals([...phases.keys()].sort(), [
      "awarded",
      "cancelled",
      "changed",
      "contracted",
      "planned",
      "terminated",
    ]);
  },
});
