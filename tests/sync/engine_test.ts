/**
 * End to end: replay server (real HTTP) + MongoDB + Deno KV + the real sources and engine.
 */
import { assert, assertEquals, assertNotEquals, assertStringIncludes } from "@std/assert";
import type { Db } from "mongodb";
import { manualClock } from "../../src/clock.ts";
import { loadConfig, type SourceId } from "../../src/config.ts";
import { buyersCollection } from "../../src/db/buyers.ts";
import { contractsCollection } from "../../src/db/contracts.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { procurementsCollection } from "../../src/db/procurements.ts";
import { recentRuns } from "../../src/db/runs.ts";
import { loadState, syncStateCollection } from "../../src/db/sync_state.ts";
import { type EngineDeps, type EngineStep, runSync } from "../../src/sync/engine.ts";
import { engineDeps } from "../../src/sync/wiring.ts";
import { planWindows } from "../../src/sources/windows.ts";
import { freshDb } from "../support/mongo.ts";
import { startReplayServer } from "../support/replay_server.ts";
import { type ReleaseJson, syntheticReleases, ukDate } from "../support/replay_data.ts";
import { snapshot } from "../support/snapshot.ts";

const NOW = Date.parse("2026-11-24T00:00:00Z");
const FROM = new Date("2026-11-20T00:00:00Z");
const TO = new Date("2026-11-23T00:00:00Z");

/** A world: one replay server, one database, one KV, one clock; engines built on demand. */
async function world(
  releases: { fts?: ReleaseJson[]; cf?: ReleaseJson[] },
  env: Record<string, string> = {},
) {
  const server = startReplayServer({
    rateLimit: { fts: false, cf: false },
    releases: { fts: releases.fts ?? [], cf: releases.cf ?? [] },
  });
  const fresh = await freshDb("engine");
  const db = fresh.db;
  await ensureIndexes(db);
  const kv = await Deno.openKv(":memory:");
  const clock = manualClock(NOW);
  const config = loadConfig({
    FTS_BASE_URL: server.url,
    CF_BASE_URL: server.url,
    FTS_RATE_LIMIT: "10000/1s",
    CF_RATE_LIMIT: "10000/1s",
    FTS_PAGE_SIZE: "25",
    CF_PAGE_SIZE: "25",
    FTS_START_DATE: "2026-11-20",
    CF_START_DATE: "2026-11-20",
    CF_WINDOW: "1d",
    HTTP_MAX_ATTEMPTS: "2",
    ...env,
  });
  const deps = (extra: Partial<EngineDeps> = {}): EngineDeps => ({
    ...engineDeps(config, { db, kv, clock }),
    ...extra,
  });
  return {
    server,
    db,
    kv,
    clock,
    config,
    deps,
    async [Symbol.asyncDispose]() {
      kv.close();
      await server.close();
      await fresh[Symbol.asyncDispose]();
    },
  };
}

async function assertBuyerCountsExact(db: Db): Promise<number> {
  const buyers = await buyersCollection(db).find({}).toArray();
  assert(buyers.length > 0, "some buyers were stored");
  for (const buyer of buyers) {
    const n = await contractsCollection(db).countDocuments({ buyerOrgs: buyer.orgId });
    assertEquals(buyer.contractCount, n, `contractCount of ${buyer.orgId}`);
    // counted from contracts, it must match the procurements the sync compiled
    const p = await procurementsCollection(db).countDocuments({ buyerOrgs: buyer.orgId });
    assertEquals(buyer.procurementCount, p, `procurementCount of ${buyer.orgId}`);
  }
  return buyers.length;
}

function withoutTotals(snap: Record<string, unknown[]>): Record<string, unknown[]> {
  const states = snap.sync_state.map((s) => ({ ...(s as object), totals: null }));
  return { ...snap, sync_state: states };
}

function distinctNotices(source: SourceId, releases: ReleaseJson[]): number {
  return new Set(releases.map((r) => source === "cf" ? r.id.replace(/-\d+$/, "") : r.id)).size;
}

Deno.test({
  name: "a backfill over many windows stores every release once, then turns incremental",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const fts = syntheticReleases("fts", 400, { from: FROM, to: TO, seed: 11 });
    const cf = syntheticReleases("cf", 200, { from: FROM, to: TO, seed: 12 });
    await using w = await world({ fts, cf });
    const [ftsRun, cfRun] = await Promise.all([
      runSync(w.deps(), { source: "fts", trigger: "test" }),
      runSync(w.deps(), { source: "cf", trigger: "test" }),
    ]);
    assertEquals(
      [ftsRun.outcome, cfRun.outcome],
      ["caught-up", "caught-up"],
      ftsRun.error ?? cfRun.error ?? "",
    );
    assertEquals(
      await contractsCollection(w.db).countDocuments({ source: "fts" }),
      distinctNotices("fts", fts),
    );
    assertEquals(
      await contractsCollection(w.db).countDocuments({ source: "cf" }),
      distinctNotices("cf", cf),
    );
    // every window was read: 4 days of 6 h windows overlapping by 30 min
    const windows = planWindows(FROM, new Date(NOW), 6 * 3_600_000, 1_800_000).length;
    assert(windows >= 17 && ftsRun.pages >= windows, `FTS pages: ${ftsRun.pages}`);
    assertEquals(ftsRun.inserted, 400);
    assertEquals(ftsRun.quarantined, 0);
    const state = await loadState(w.db, "fts");
    assertEquals(state?.mode, "incremental");
    assertEquals(state?.window, null);
    assertEquals(state?.watermark, new Date(NOW));
    assertEquals(state?.status, "ok");
    assertEquals(state?.totals.pages, ftsRun.pages);
    await assertBuyerCountsExact(w.db);
    const runs = await recentRuns(w.db, "fts", 5);
    assertEquals(runs[0]._id, ftsRun._id);
    assertEquals(runs[0].requests, ftsRun.pages, "one request per page, no retries");

    // An hour later the incremental run re-reads only the lookback and changes nothing.
    w.clock.advance(3_600_000);
    const again = await runSync(w.deps(), { source: "fts", trigger: "test" });
    assertEquals(again.outcome, "caught-up");
    assertEquals([again.inserted, again.updated], [0, 0]);
    assert(
      again.from!.window!.from.getTime() === NOW - 2 * 3_600_000,
      "starts at watermark − lookback",
    );
    assert(again.pages <= 2, `incremental pages: ${again.pages}`);
  },
});

Deno.test({
  name: "replaying pages changes nothing: contracts, procurements and buyer counts stay exact",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const cf = syntheticReleases("cf", 150, { from: FROM, to: TO, seed: 21 });
    await using w = await world({ cf });
    assertEquals((await runSync(w.deps(), { source: "cf", trigger: "test" })).outcome, "caught-up");
    const before = await snapshot(w.db, ["contracts", "buyers", "procurements"]);
    // replay everything through a range backfill, twice, and the main stream from its start
    for (let i = 0; i < 2; i++) {
      const replay = await runSync(w.deps(), {
        source: "cf",
        trigger: "test",
        range: { from: FROM, to: TO },
      });
      assertEquals(replay.outcome, "caught-up");
      assertEquals([replay.inserted, replay.updated], [0, 0]);
      assert(replay.unchanged > 0);
    }
    await syncStateCollection(w.db).updateOne({ _id: "cf" }, {
      $set: { window: null, watermark: null, mode: "backfill" },
    });
    assertEquals((await runSync(w.deps(), { source: "cf", trigger: "test" })).inserted, 0);
    assertEquals(await snapshot(w.db, ["contracts", "buyers", "procurements"]), before);
    await assertBuyerCountsExact(w.db);
  },
});

Deno.test({
  name: "a run that fails between any two steps resumes to the same final database",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    // small enough that 4 crash points × every page stay quick on jongodb's transactions (each
    // crash point runs a whole sync twice), large enough for several windows and pages
    const fts = syntheticReleases("fts", 60, {
      from: FROM,
      to: new Date("2026-11-21T00:00:00Z"),
      seed: 31,
    });
    const env = { FTS_START_DATE: "2026-11-20", FTS_WINDOW: "12h", FTS_PAGE_SIZE: "12" };
    const reference = await (async () => {
      await using w = await world({ fts }, env);
      const run = await runSync(w.deps(), { source: "fts", trigger: "test" });
      assertEquals(run.outcome, "caught-up");
      // the dashboard's figures: new notices by release day, moved with the cursor
      const state = await loadState(w.db, "fts");
      const stored = await contractsCollection(w.db).find({}).toArray();
      const byDay: Record<string, number> = {};
      for (const c of stored) {
        const day = c.releaseDate.toISOString().slice(0, 10);
        byDay[day] = (byDay[day] ?? 0) + 1;
      }
      assertEquals(state?.days, byDay);
      assertEquals(state?.totals.notices, stored.length);
      return { snap: await snapshot(w.db), pages: run.pages };
    })();
    assert(reference.pages >= 6, `pages: ${reference.pages}`);
    const steps: EngineStep[] = ["fetched", "stored", "saved", "renewed"];
    for (let page = 1; page <= reference.pages; page++) {
      for (const step of steps) {
        await t.step(`crash after "${step}" of page ${page}`, async () => {
          await using w = await world({ fts }, env);
          const crash = (s: EngineStep, n: number) => {
            if (s === step && n === page) throw new Error(`injected crash after ${s} of page ${n}`);
          };
          const failed = await runSync(w.deps({ checkpoint: crash }), {
            source: "fts",
            trigger: "test",
          });
          if (failed.outcome === "caught-up") return; // the last page has no "renewed" step
          assertEquals(failed.outcome, "error");
          assertStringIncludes(failed.error ?? "", "injected crash");
          assertEquals((await loadState(w.db, "fts"))?.status, "error");
          const caughtUpBeforeCrash = (await loadState(w.db, "fts"))?.window === null;
          const resumed = await runSync(w.deps(), { source: "fts", trigger: "test" });
          assertEquals(resumed.outcome, "caught-up");
          const after = await snapshot(w.db);
          if (caughtUpBeforeCrash) {
            // The crash came after the last cursor save: the restart is an ordinary
            // incremental run, whose re-read of the lookback adds to the page totals only.
            assertEquals(withoutTotals(after), withoutTotals(reference.snap));
          } else {
            assertEquals(after, reference.snap);
          }
        });
      }
    }
  },
});

Deno.test({
  name: "two engines started together: exactly one works, the other names the holder",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const fts = syntheticReleases("fts", 100, { from: FROM, to: TO, seed: 41 });
    await using w = await world({ fts });
    const runs = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        runSync(w.deps(), { source: "fts", trigger: "test", runId: `engine-${i}` })
      ),
    );
    const worked = runs.filter((r) => r.outcome === "caught-up");
    const held = runs.filter((r) => r.outcome === "lease-held");
    assertEquals([worked.length, held.length], [1, 4]);
    for (const r of held) {
      assertStringIncludes(r.error ?? "", `held by run ${worked[0]._id}`);
      assertEquals(r.pages, 0);
    }
    assertEquals(await contractsCollection(w.db).countDocuments({}), 100);
  },
});

Deno.test({
  name: "a holder that lost its lease cannot move the cursor; the new holder's work stands",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const fts = syntheticReleases("fts", 150, { from: FROM, to: TO, seed: 51 });
    await using w = await world({ fts }, { SYNC_LEASE_TTL: "1m" });
    let newcomer: Awaited<ReturnType<typeof runSync>> | null = null;
    const stall = async (step: EngineStep, page: number) => {
      if (step !== "stored" || page !== 2) return;
      w.clock.advance(120_000); // the stalled holder's lease expires…
      newcomer = await runSync(w.deps(), { source: "fts", trigger: "test", runId: "newcomer" });
    };
    const stalled = await runSync(w.deps({ checkpoint: stall }), {
      source: "fts",
      trigger: "test",
      runId: "stalled",
    });
    assertEquals(newcomer!.outcome, "caught-up");
    assertEquals(stalled.outcome, "lease-lost");
    assertEquals(stalled.pages, 1, "the page after the stall was never committed");
    const state = await loadState(w.db, "fts");
    assertEquals([state?.window, state?.mode, state?.lastRunId], [null, "incremental", "newcomer"]);
    assertNotEquals(state?.fence, undefined);
    assertEquals(await contractsCollection(w.db).countDocuments({}), 150);
  },
});

Deno.test({
  name: "an older release of a notice never overwrites a newer one, even when replayed",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const [template] = syntheticReleases("cf", 1, { from: FROM, to: TO, seed: 61 });
    const guid = template.id.replace(/-\d+$/, "");
    const release = (seq: number, at: string, title: string): ReleaseJson => ({
      ...structuredClone(template),
      id: `${guid}-${seq}`,
      date: ukDate(new Date(at)),
      tender: { ...(template.tender as Record<string, unknown>), title },
    });
    const cf = [
      release(2, "2026-11-22T10:00:00Z", "amended title"),
      release(1, "2026-11-20T10:00:00Z", "first title"),
    ];
    await using w = await world({ cf });
    assertEquals((await runSync(w.deps(), { source: "cf", trigger: "test" })).outcome, "caught-up");
    const replay = await runSync(w.deps(), {
      source: "cf",
      trigger: "test",
      range: { from: FROM, to: new Date("2026-11-21T00:00:00Z") },
    });
    assertEquals(replay.stale, 1);
    const stored = await contractsCollection(w.db).findOne({ noticeId: guid });
    assertEquals([stored?.title, stored?.releaseId], ["amended title", `${guid}-2`]);
  },
});
