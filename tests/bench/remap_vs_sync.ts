/**
 * `deno task bench:remap [--releases 1000] [--source fts|cf] [--rounds 2]` — re-mapping from
 * stored raw releases against a fresh replay sync of the same releases, side by side in one
 * process. Each round:
 *
 * - **sync**: `runSync` over the replay server (rate limits off) into a fresh database,
 *   keeping raw releases — the cost of getting the same contracts by fetching again, without
 *   the real APIs' rate limits (FTS allows 12 requests per 2 minutes: 1,000 releases a
 *   minute at best);
 * - **sync without raw**: the same into another fresh database with `KEEP_RAW_RELEASES=false`
 *   (on jongodb, whose updates take time linear in the collection's size, the raw upserts
 *   dominate the sync above; this one shows the sync's own pace);
 * - **remap (rebuild)**: contracts and buyers deleted, then `runRemap` of every stored release;
 * - **remap (unchanged)**: `runRemap` again over the rebuilt documents (reads, maps, compares,
 *   writes nothing).
 *
 * Prints releases/s of each and the ratios to the sync. Needs MONGODB_URI or the embedded
 * jongodb.
 * @module
 */
import { MongoClient } from "mongodb";
import { manualClock } from "../../src/clock.ts";
import { loadConfig, type SourceId } from "../../src/config.ts";
import { CLIENT_OPTIONS } from "../../src/db/client.ts";
import { startEmbeddedMongo } from "../../src/db/embedded.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { runSync } from "../../src/sync/engine.ts";
import { runRemap } from "../../src/sync/remap.ts";
import { engineDeps } from "../../src/sync/wiring.ts";
import { startReplayServer } from "../support/replay_server.ts";
import { syntheticReleases } from "../support/replay_data.ts";

function arg(name: string, def: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && Deno.args[i + 1] ? Deno.args[i + 1] : def;
}

const n = Number(arg("releases", "1000"));
const source = arg("source", "fts") as SourceId;
const rounds = Number(arg("rounds", "2"));
const NOW = Date.parse("2026-11-24T00:00:00Z");
const FROM = new Date(NOW - 10 * 86_400_000);

const embedded = Deno.env.get("MONGODB_URI") ? null : await startEmbeddedMongo();
const uri = Deno.env.get("MONGODB_URI") ?? embedded!.uri;
const client = new MongoClient(uri, CLIENT_OPTIONS);
const server = startReplayServer({ rateLimit: { fts: false, cf: false } });
server.setReleases(
  source,
  syntheticReleases(source, n, { from: FROM, to: new Date(NOW), seed: 7 }),
);
const env = {
  FTS_BASE_URL: server.url,
  CF_BASE_URL: server.url,
  FTS_RATE_LIMIT: "100000/1s",
  CF_RATE_LIMIT: "100000/1s",
  FTS_START_DATE: FROM.toISOString().slice(0, 10),
  CF_START_DATE: FROM.toISOString().slice(0, 10),
  LOG_LEVEL: "warning",
};
const config = loadConfig(env);
const bare = loadConfig({ ...env, KEEP_RAW_RELEASES: "false" });

const rates: Record<"sync" | "bare" | "rebuild" | "unchanged", number[]> = {
  sync: [],
  bare: [],
  rebuild: [],
  unchanged: [],
};
for (let round = 0; round < rounds; round++) {
  const bareDb = client.db(`bench_remap_bare_${Date.now()}_${round}`);
  await ensureIndexes(bareDb);
  {
    using kv = await Deno.openKv(":memory:");
    const t = performance.now();
    const run = await runSync(engineDeps(bare, { db: bareDb, kv, clock: manualClock(NOW) }), {
      source,
      trigger: "test",
      budgetMs: 3_600_000,
    });
    rates.bare.push(run.releases / ((performance.now() - t) / 1000));
  }
  const db = client.db(`bench_remap_${Date.now()}_${round}`);
  await ensureIndexes(db);
  using kv = await Deno.openKv(":memory:");
  const clock = manualClock(NOW);
  let t = performance.now();
  const run = await runSync(engineDeps(config, { db, kv, clock }), {
    source,
    trigger: "test",
    budgetMs: 3_600_000,
  });
  const syncMs = performance.now() - t;
  if (run.outcome !== "caught-up") throw new Error(`sync ended ${run.outcome}: ${run.error}`);
  await db.collection("contracts").deleteMany({});
  await db.collection("buyers").deleteMany({});
  const deps = { db, kv, clock, sync: config.sync };
  t = performance.now();
  const rebuild = await runRemap(deps, { source, kind: "cli" });
  const rebuildMs = performance.now() - t;
  t = performance.now();
  const unchanged = await runRemap(deps, { source, kind: "cli" });
  const unchangedMs = performance.now() - t;
  if (rebuild.outcome !== "done" || unchanged.outcome !== "done") {
    throw new Error(`remap ended ${rebuild.outcome} / ${unchanged.outcome}`);
  }
  rates.sync.push(run.releases / (syncMs / 1000));
  rates.rebuild.push(rebuild.counts.releases / (rebuildMs / 1000));
  rates.unchanged.push(unchanged.counts.releases / (unchangedMs / 1000));
  console.log(
    `round ${round + 1}: sync ${run.releases} releases read (${run.pages} pages) in ` +
      `${syncMs.toFixed(0)} ms; remap rebuild ${rebuild.counts.releases} releases ` +
      `(${rebuild.counts.inserted} contracts rebuilt) in ${rebuildMs.toFixed(0)} ms; remap ` +
      `unchanged ${unchanged.counts.releases} (${unchanged.counts.unchanged} unchanged) in ` +
      `${unchangedMs.toFixed(0)} ms`,
  );
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [s, b] = [median(rates.sync), median(rates.bare)];
const [r, u] = [median(rates.rebuild), median(rates.unchanged)];
console.log(
  `\n${source}, ${n} releases: fresh replay sync ${s.toFixed(0)} releases/s ` +
    `(${b.toFixed(0)} without raw releases); remap rebuild ${r.toFixed(0)} releases/s ` +
    `(${(r / s).toFixed(2)}× the sync, ${(r / b).toFixed(2)}× the sync without raw); remap ` +
    `unchanged ${u.toFixed(0)} releases/s (${(u / s).toFixed(2)}×, ${(u / b).toFixed(2)}×)`,
);
await client.close();
await server.close();
await embedded?.stop();
