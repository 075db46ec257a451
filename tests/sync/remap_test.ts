/**
 * Re-mapping from stored raw releases, end to end: replay server + MongoDB + Deno KV + the
 * real engine for the sync, then `runRemap` with no source at all. The result must equal a
 * fresh sync of the same releases (canonical snapshot), whatever was deleted or stale before.
 */
import { assert, assertEquals } from "@std/assert";
import type { Db } from "mongodb";
import { Binary } from "mongodb";
import { type Clock, manualClock } from "../../src/clock.ts";
import { loadConfig, type SourceId } from "../../src/config.ts";
import { buyersCollection } from "../../src/db/buyers.ts";
import { contractsCollection } from "../../src/db/contracts.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { quarantineCollection } from "../../src/db/quarantine.ts";
import { markMapped, releasesCollection } from "../../src/db/releases.ts";
import { loadRemapJob } from "../../src/db/remap_state.ts";
import { MAPPING_VERSION } from "../../src/ocds/documents.ts";
import { runSync } from "../../src/sync/engine.ts";
import { type RemapDeps, remapJobId, remapProgress, runRemap } from "../../src/sync/remap.ts";
import { engineDeps } from "../../src/sync/wiring.ts";
import { freshDb } from "../support/mongo.ts";
import { startReplayServer } from "../support/replay_server.ts";
import { type ReleaseJson, syntheticReleases, ukDate } from "../support/replay_data.ts";
import { snapshot } from "../support/snapshot.ts";

const NOW = Date.parse("2026-11-24T00:00:00Z");
const FROM = new Date("2026-11-20T00:00:00Z");
const TO = new Date("2026-11-23T00:00:00Z");

/** CF notices with a tender and a later amendment sharing the notice GUID (newest wins). */
function withAmendments(releases: ReleaseJson[]): ReleaseJson[] {
  const amendments = releases.slice(0, 5).map((r, i) => {
    const a = structuredClone(r) as ReleaseJson & { tag: string[]; tender?: { title?: string } };
    const [guid, seq] = [
      r.id.slice(0, r.id.lastIndexOf("-")),
      r.id.slice(r.id.lastIndexOf("-") + 1),
    ];
    a.id = `${guid}-${Number(seq) + 500_000}`;
    a.date = ukDate(new Date(Date.parse(r.date) + (i + 1) * 60_000));
    a.tag = ["tenderAmendment"];
    if (a.tender) a.tender.title = `${a.tender.title ?? "notice"} (amended)`;
    return a;
  });
  return [...releases, ...amendments];
}

const RELEASES = {
  fts: syntheticReleases("fts", 150, { from: FROM, to: TO, seed: 21 }),
  cf: withAmendments(syntheticReleases("cf", 80, { from: FROM, to: TO, seed: 22 })),
};

/** Syncs both sources of a fresh database to the end, keeping raw releases. */
async function syncedWorld(label: string) {
  const server = startReplayServer({ rateLimit: { fts: false, cf: false }, releases: RELEASES });
  const { db } = await freshDb(label);
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
  });
  for (const source of ["fts", "cf"] as const) {
    const run = await runSync(engineDeps(config, { db, kv, clock }), { source, trigger: "test" });
    assertEquals(run.outcome, "caught-up", run.error ?? "");
  }
  const remapDeps = (extra: Partial<RemapDeps> = {}): RemapDeps => ({
    db,
    kv,
    clock,
    sync: config.sync,
    ...extra,
  });
  return {
    server,
    db,
    kv,
    clock,
    remapDeps,
    async [Symbol.asyncDispose]() {
      kv.close();
      await server.close();
    },
  };
}

const data = (db: Db) => snapshot(db, ["contracts", "buyers"]);

async function remapAll(deps: RemapDeps, batchSize = 40) {
  const results = [];
  for (const source of ["fts", "cf"] as const) {
    results.push(await runRemap(deps, { source, kind: "cli", batchSize }));
  }
  return results;
}

/** Damage: deleted contracts and buyers, and contracts left by an "older mapping". */
async function damage(db: Db): Promise<{ deleted: number; stale: number }> {
  const all = await contractsCollection(db).find({}).sort({ noticeId: 1 }).toArray();
  const doomed = all.filter((_, i) => i % 3 === 0).map((c) => c._id);
  const aged = all.filter((_, i) => i % 3 === 1).map((c) => c._id);
  await contractsCollection(db).deleteMany({ _id: { $in: doomed } });
  await contractsCollection(db).updateMany({ _id: { $in: aged } }, {
    $set: { title: "mapped by an older version", mappingVersion: 1, contentHash: "old" },
  });
  await buyersCollection(db).deleteMany({});
  return { deleted: doomed.length, stale: aged.length };
}

Deno.test({
  name: "remap rebuilds deleted and stale documents: equal to a fresh sync, no API request",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await using fresh = await syncedWorld("remap_fresh");
    await using world = await syncedWorld("remap_damaged");
    const expected = await data(fresh.db);
    assertEquals(await data(world.db), expected); // two fresh syncs agree
    const kept = await releasesCollection(world.db).countDocuments();
    assertEquals(kept, RELEASES.fts.length + RELEASES.cf.length);

    const { deleted, stale } = await damage(world.db);
    const requests = world.server.log.length;
    const results = await remapAll(world.remapDeps());
    assertEquals(world.server.log.length, requests, "remap asked the API");
    assertEquals(results.map((r) => r.outcome), ["done", "done"]);
    assertEquals(await data(world.db), expected);

    // Exact counts: every release read once; rebuilt = deleted, updated = aged; the five
    // CF tenders superseded by their amendments are stale.
    const sum = (k: "releases" | "inserted" | "updated" | "stale" | "quarantined") =>
      results.reduce((n, r) => n + r.counts[k], 0);
    assertEquals(sum("releases"), kept);
    assertEquals([sum("inserted"), sum("updated"), sum("quarantined")], [deleted, stale, 0]);
    assertEquals(sum("stale"), 5);

    // Remapping again writes nothing new.
    const again = await remapAll(world.remapDeps());
    assertEquals(again.map((r) => r.counts.inserted + r.counts.updated), [0, 0]);
    assertEquals(await data(world.db), expected);
  },
});

Deno.test({
  name: "remap killed after any batch resumes from its cursor to the same result",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await using fresh = await syncedWorld("remap_kill_fresh");
    await using world = await syncedWorld("remap_kill");
    const expected = await data(fresh.db);
    await damage(world.db);
    let kills = 0;
    for (const source of ["fts", "cf"] as const) {
      // Crash after batches 1 and 3 of each run; every restart resumes.
      for (let attempt = 0;; attempt++) {
        const result = await runRemap(
          world.remapDeps({
            checkpoint: (batch) => {
              if (attempt < 2 && batch === 1 + attempt * 2) {
                kills++;
                throw new Error("killed");
              }
            },
          }),
          { source, kind: "cli", batchSize: 20 },
        );
        if (result.outcome === "done") break;
        assertEquals(result.outcome, "error");
        assert(attempt < 5, "never finished");
      }
      const job = await loadRemapJob(world.db, remapJobId({ source, kind: "cli" }));
      assertEquals(job?.done, true);
    }
    assertEquals(kills, 4);
    assertEquals(await data(world.db), expected);
  },
});

Deno.test({
  name: "a corrupted stored release goes to quarantine with a reason; the rest is re-mapped",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await using world = await syncedWorld("remap_corrupt");
    const victim = await releasesCollection(world.db).findOne({ source: "fts" });
    if (victim === null) throw new Error("no stored release");
    const bytes = victim.body.value().slice();
    bytes[bytes.length >> 1] ^= 0x5a;
    await releasesCollection(world.db).updateOne({ _id: victim._id }, {
      $set: { body: new Binary(bytes) },
    });
    await contractsCollection(world.db).deleteMany({ source: "fts" });
    const result = await runRemap(world.remapDeps(), { source: "fts", kind: "cli" });
    assertEquals(result.outcome, "done");
    assertEquals(result.counts.quarantined, 1);
    assertEquals(result.counts.inserted, RELEASES.fts.length - 1);
    const q = await quarantineCollection(world.db).findOne({ releaseId: victim.releaseId });
    assertEquals(q?.reason, "corrupt-release");
    assert(q?.error.includes(victim._id), q?.error);
    assert(q?.raw.startsWith("base64:"), "what is left of the body is kept");
  },
});

/** A clock that moves 1 s each time it is read, so time budgets end. */
function tickingClock(start: number): Clock {
  let t = start;
  return { now: () => (t += 1_000), sleep: () => Promise.resolve() };
}

Deno.test({
  name: "the background job re-maps only older-version releases, in budgeted slices, with an ETA",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await using world = await syncedWorld("remap_auto");
    const auto = { source: "fts" as SourceId, kind: "auto" as const, batchSize: 40 };
    // Everything was mapped by this version: nothing to do.
    const idle = await runRemap(world.remapDeps(), auto);
    assertEquals([idle.outcome, idle.job?.total, idle.counts.releases], ["done", 0, 0]);

    // As if stored by the previous version: the next version's job takes them all.
    const ids = (await releasesCollection(world.db).find({ source: "fts" }).toArray()).map((d) =>
      d._id
    );
    await markMapped(world.db, ids, MAPPING_VERSION - 1);
    await world.db.collection("remap_state").deleteMany({});
    const slices = [];
    for (let i = 0; i < 20; i++) {
      const r = await runRemap(world.remapDeps({ clock: tickingClock(NOW + i * 3_600_000) }), {
        ...auto,
        budgetMs: 4_500, // about one batch per slice on the ticking clock
      });
      slices.push(r);
      if (r.outcome === "done") break;
      assertEquals(r.outcome, "budget");
      const p = remapProgress(r.job!);
      assert(
        p.share > 0 && p.share < 1 && p.etaSeconds !== null && p.etaSeconds > 0,
        JSON.stringify(p),
      );
    }
    assert(slices.length > 2, `${slices.length} slices`);
    const job = slices.at(-1)!.job!;
    assertEquals([job.done, job.total, job.counts.releases], [true, ids.length, ids.length]);
    assertEquals(remapProgress(job).etaSeconds, 0);
    assertEquals(
      await releasesCollection(world.db).countDocuments({ mappingVersion: MAPPING_VERSION }),
      await releasesCollection(world.db).countDocuments(),
    );
  },
});

Deno.test({
  name: "remap waits for a source whose lease is held",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await using world = await syncedWorld("remap_lease");
    const { acquireLease } = await import("../../src/sync/lease.ts");
    const held = await acquireLease(world.kv, "cf", {
      owner: "a sync",
      ttlMs: 60_000,
      now: world.clock.now(),
    });
    assert(held.ok);
    const result = await runRemap(world.remapDeps(), { source: "cf", kind: "cli" });
    assertEquals(result.outcome, "lease-held");
    assert(result.error?.includes("a sync"), result.error ?? "");
  },
});
