/**
 * The cron's background re-mapping after a mapping change, seen from outside: a tick syncs,
 * then re-maps stored releases that an older mapping version read, and `/status` shows it.
 */
import { assert, assertEquals } from "@std/assert";
import { markMapped, releasesCollection } from "../../src/db/releases.ts";
import { MAPPING_VERSION } from "../../src/ocds/documents.ts";
import { createCronHandler } from "../../src/sync/cron_handler.ts";
import { mongoTest } from "../support/mongo.ts";
import { startHarness } from "./harness.ts";

mongoTest(
  "a cron tick re-maps releases of an older mapping version; /status shows it",
  async (db) => {
    await using h = await startHarness({ db });
    const tick = createCronHandler({ config: h.config, ready: () => Promise.resolve(h.engine) });
    await tick();
    const stored = await releasesCollection(db).countDocuments({ source: "fts" });
    assert(stored > 0, "the sync kept its raw releases");
    // Nothing to re-map yet: the job of this version finds every release already read by it.
    let status = await (await h.fetch("/status")).json();
    const fts = () => status.sources.find((s: { source: string }) => s.source === "fts");
    assertEquals([fts().remap.job, fts().remap.done, fts().remap.total], [
      `auto:v${MAPPING_VERSION}:fts`,
      true,
      0,
    ]);

    // As if the releases had been read by the previous version (a deploy bumped the version).
    const ids = (await releasesCollection(db).find({ source: "fts" }).toArray()).map((d) => d._id);
    await markMapped(db, ids, MAPPING_VERSION - 1);
    await db.collection("remap_state").deleteMany({});
    await tick();
    status = await (await h.fetch("/status")).json();
    const remap = fts().remap;
    assertEquals([remap.done, remap.releases, remap.total, remap.share], [true, stored, stored, 1]);
    assertEquals(remap.counts.unchanged, stored - remap.counts.stale); // same mapping: no change
    assertEquals(remap.etaSeconds, 0);
    assertEquals(
      await releasesCollection(db).countDocuments({ mappingVersion: { $lt: MAPPING_VERSION } }),
      0,
    );
  },
);
