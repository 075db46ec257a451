/**
 * The background rebuild of `procurements` after a compile or mapping version change: bounded
 * per tick, resumable, starting over when the rules change again, one read once done.
 */
import { assert, assertEquals, assertRejects } from "@std/assert";
import type { Db } from "mongodb";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { procurementsCollection } from "../../src/db/procurements.ts";
import {
  compileTarget,
  rebuildProcurements,
  rebuildStateCollection,
  rebuildStep,
} from "../../src/sync/procurement_rebuild.ts";
import { acquireLease, releaseLease } from "../../src/sync/lease.ts";
import { storePage } from "../../src/sync/store_page.ts";
import { CHAIN_SHAPES, ftsChain } from "../support/chains.ts";
import { mongoTest } from "../support/mongo.ts";
import { snapshot } from "../support/snapshot.ts";

async function seed(db: Db, chains: number): Promise<void> {
  await ensureIndexes(db);
  const releases = Array.from(
    { length: chains },
    (_, i) => ftsChain(i, CHAIN_SHAPES[i % CHAIN_SHAPES.length], new Date("2026-02-01")),
  ).flat();
  await storePage(db, "fts", { releases, rejected: [] }, null, new Date("2026-06-01"));
}

/** The lease part of the rebuild's options. */
function leases(kv: Deno.Kv) {
  return { kv, leaseTtlMs: 60_000 };
}

/** A clock that moves 100 ms each time it is read (each slice reads it a few times). */
function steppingClock(): () => number {
  let t = 0;
  return () => (t += 100);
}

mongoTest("a version change rebuilds every procurement, a bounded share per tick", async (db) => {
  using kv = await Deno.openKv(":memory:");
  await seed(db, 40);
  const built = await snapshot(db, ["procurements"]);
  // procurements compiled under older rules, some lost: what a version bump finds
  await rebuildStateCollection(db).insertOne({
    _id: "procurements",
    target: "compile 0",
    source: "fts",
    after: null,
    done: true,
    compiled: 0,
    startedAt: new Date(0),
    updatedAt: new Date(0),
  });
  await procurementsCollection(db).deleteMany({});
  const ticks: { done: boolean; compiled: number }[] = [];
  for (let i = 0; i < 20; i++) {
    // each tick has room for a few slices of 20 notices
    const step = await rebuildStep(db, {
      ...leases(kv),
      now: steppingClock(),
      budgetMs: 700,
      sliceNotices: 20,
    });
    if (!step.ran) break;
    ticks.push({ done: step.done, compiled: step.compiled });
    if (step.done) break;
  }
  assert(ticks.length >= 3, `finished in ${ticks.length} ticks: not bounded`);
  assertEquals(ticks.at(-1)?.done, true);
  assertEquals(ticks.reduce((s, t) => s + t.compiled, 0), 40);
  assertEquals(await snapshot(db, ["procurements"]), built);
  const state = await rebuildStateCollection(db).findOne({ _id: "procurements" });
  assertEquals([state?.target, state?.done, state?.compiled], [compileTarget(), true, 40]);
  // once built for today's rules, a tick only reads the state
  const idle = await rebuildStep(db, { ...leases(kv), now: steppingClock(), budgetMs: 2500 });
  assertEquals([idle.ran, idle.done], [false, true]);
});

mongoTest(
  "a database without any rebuild state (first start) gets its procurements built",
  async (db) => {
    using kv = await Deno.openKv(":memory:");
    await seed(db, 7);
    const built = await snapshot(db, ["procurements"]);
    await procurementsCollection(db).deleteMany({});
    const step = await rebuildStep(db, { ...leases(kv), now: () => 0, budgetMs: 60_000 });
    assertEquals([step.ran, step.done, step.compiled], [true, true, 7]);
    assertEquals(await snapshot(db, ["procurements"]), built);
  },
);

mongoTest("a rebuild interrupted mid-way resumes after the last slice it saved", async (db) => {
  using kv = await Deno.openKv(":memory:");
  await seed(db, 12);
  await procurementsCollection(db).deleteMany({});
  const first = await rebuildStep(db, {
    ...leases(kv),
    now: steppingClock(),
    budgetMs: 450,
    sliceNotices: 10,
  });
  assertEquals(first.done, false);
  const state = await rebuildStateCollection(db).findOne({ _id: "procurements" });
  assert(state !== null && state.after !== null);
  const before = await procurementsCollection(db).countDocuments({});
  assert(before > 0 && before < 12, `${before} built after one slice`);
  const rest = await rebuildStep(db, {
    ...leases(kv),
    now: () => 0,
    budgetMs: 60_000,
    sliceNotices: 10,
  });
  assertEquals(rest.done, true);
  assertEquals(first.compiled + rest.compiled, 12);
  assertEquals(await procurementsCollection(db).countDocuments({}), 12);
});

mongoTest("a rebuild waits while a sync holds the source's lease, then continues", async (db) => {
  using kv = await Deno.openKv(":memory:");
  await seed(db, 5);
  await procurementsCollection(db).deleteMany({});
  const sync = await acquireLease(kv, "fts", { owner: "run-1", ttlMs: 60_000, now: Date.now() });
  if (!sync.ok) throw new Error("the test could not take the lease");
  const waiting = await rebuildStep(db, { ...leases(kv), now: Date.now, budgetMs: 60_000 });
  assertEquals([waiting.done, waiting.compiled, waiting.waitingFor?.owner], [false, 0, "run-1"]);
  assertEquals(await procurementsCollection(db).countDocuments({}), 0);
  await assertRejects(
    () => rebuildProcurements(db, { sources: ["fts"], ...leases(kv), now: Date.now }),
    Error,
    "The fts lease is held by run-1",
  );
  await releaseLease(kv, sync.lease);
  const after = await rebuildStep(db, { ...leases(kv), now: Date.now, budgetMs: 60_000 });
  assertEquals([after.done, after.compiled], [true, 5]);
});
