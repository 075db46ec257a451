/**
 * `deno task bench:sync [--releases 10000] [--source fts|cf] [--rounds 2] [--raw] [--replica-set]`
 * — a replay backfill end to end against its floor, side by side in one process:
 *
 * - **engine**: `runSync` over the replay server into a fresh database (fetch, decode, map,
 *   contracts, buyers, quarantine, cursor, lease);
 * - **floor**: the same pages fetched by the same source client, their releases bulk-inserted
 *   unmapped into a fresh database, nothing else.
 *
 * Prints releases/s of both, their ratio, and MongoDB round trips per page (counted with the
 * driver's command monitoring), alternating the two for `--rounds` rounds so machine noise
 * hits both alike. Needs MONGODB_URI or the embedded jongodb: standalone (buyers recounted per
 * page) unless `--replica-set` (pages in transactions, which jongodb makes slow past a few
 * thousand notices). Its databases are dropped afterwards where the server can. Raw releases
 * are off unless `--raw` is given (jongodb applies each update in time linear in the
 * collection's size, so on jongodb their upserts dominate; on a real MongoDB they are one
 * indexed bulk write a page).
 * @module
 */
import { MongoClient } from "mongodb";
import { flagsOrExit } from "../../src/cli/flags.ts";
import { manualClock } from "../../src/clock.ts";
import { loadConfig, type SourceId } from "../../src/config.ts";
import { CLIENT_OPTIONS } from "../../src/db/client.ts";
import { startEmbeddedMongo } from "../../src/db/embedded.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { runSync } from "../../src/sync/engine.ts";
import { engineDeps } from "../../src/sync/wiring.ts";
import { createSources } from "../../src/sources/mod.ts";
import type { Position } from "../../src/sources/source.ts";
import { firstWindow, nextWindow } from "../../src/sources/windows.ts";
import { dropTestDb } from "../support/mongo.ts";
import { startReplayServer } from "../support/replay_server.ts";
import { syntheticReleases } from "../support/replay_data.ts";

const flags = flagsOrExit(
  Deno.args,
  { releases: "value", source: "value", rounds: "value", raw: "switch", "replica-set": "switch" },
  "Usage: deno task bench:sync [--releases 10000] [--source fts|cf] [--rounds 2] [--raw] " +
    "[--replica-set]",
);
const arg = (name: string, def: string): string => flags.get(name) || def;

const n = Number(arg("releases", "10000"));
const source = arg("source", "fts") as SourceId;
const rounds = Number(arg("rounds", "2"));
const NOW = Date.parse("2026-11-24T00:00:00Z");
const FROM = new Date(NOW - 20 * 86_400_000);

const embedded = Deno.env.get("MONGODB_URI")
  ? null
  : await startEmbeddedMongo({ replicaSet: flags.has("replica-set") });
const uri = Deno.env.get("MONGODB_URI") ?? embedded!.uri;
let commands = 0;
const client = new MongoClient(uri, { ...CLIENT_OPTIONS, monitorCommands: true });
client.on("commandStarted", () => commands++);
const server = startReplayServer({ rateLimit: { fts: false, cf: false } });
server.setReleases(
  source,
  syntheticReleases(source, n, { from: FROM, to: new Date(NOW), seed: 99 }),
);
const config = loadConfig({
  FTS_BASE_URL: server.url,
  CF_BASE_URL: server.url,
  FTS_RATE_LIMIT: "100000/1s",
  CF_RATE_LIMIT: "100000/1s",
  FTS_START_DATE: FROM.toISOString().slice(0, 10),
  CF_START_DATE: FROM.toISOString().slice(0, 10),
  LOG_LEVEL: "warning",
  KEEP_RAW_RELEASES: flags.has("raw") ? "true" : "false",
});

async function engineRound(round: number) {
  const db = client.db(`bench_engine_${Date.now()}_${round}`);
  await ensureIndexes(db);
  using kv = await Deno.openKv(":memory:");
  const deps = engineDeps(config, { db, kv, clock: manualClock(NOW) });
  const before = commands;
  const started = performance.now();
  const run = await runSync(deps, { source, trigger: "test", budgetMs: 3_600_000 });
  const ms = performance.now() - started;
  await dropTestDb(db);
  if (run.outcome !== "caught-up") throw new Error(`engine run ended ${run.outcome}: ${run.error}`);
  // the run's own bookkeeping (lease-free reads of state, run record) counted in, per page
  return { ms, releases: run.releases, pages: run.pages, commands: commands - before };
}

async function floorRound(round: number) {
  const db = client.db(`bench_floor_${Date.now()}_${round}`);
  const sink = db.collection("raw");
  const src = createSources(config, { clock: manualClock(NOW) })[source];
  const started = performance.now();
  let releases = 0;
  let pages = 0;
  let position: Position | null = {
    window: firstWindow(FROM, new Date(NOW), src.windowMs, src.overlapMs),
    cursor: null,
  };
  while (position) {
    const page = await src.fetchPage(position, Number.MAX_SAFE_INTEGER);
    if (page.kind !== "page") throw new Error("floor ran out of time");
    pages++;
    releases += page.releases.length;
    if (page.releases.length > 0) {
      await sink.insertMany(page.releases.map((r) => ({ raw: r })), { ordered: false });
    }
    const after: Position | null = page.next ??
      (() => {
        const w = nextWindow(position!.window, new Date(NOW), src.windowMs, src.overlapMs);
        return w ? { window: w, cursor: null } : null;
      })();
    position = after;
  }
  const ms = performance.now() - started;
  await dropTestDb(db);
  return { ms, releases, pages };
}

const results: { engine: number[]; floor: number[]; rtPerPage: number[] } = {
  engine: [],
  floor: [],
  rtPerPage: [],
};
for (let round = 0; round < rounds; round++) {
  const floor = await floorRound(round);
  const engine = await engineRound(round);
  results.floor.push(floor.releases / (floor.ms / 1000));
  results.engine.push(engine.releases / (engine.ms / 1000));
  results.rtPerPage.push(engine.commands / engine.pages);
  console.log(
    `round ${round + 1}: engine ${engine.releases} releases, ${engine.pages} pages in ` +
      `${engine.ms.toFixed(0)} ms; floor ${floor.releases} releases, ${floor.pages} pages in ` +
      `${floor.ms.toFixed(0)} ms; ${engine.commands} MongoDB commands ` +
      `(${(engine.commands / engine.pages).toFixed(2)} per page)`,
  );
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const e = median(results.engine);
const f = median(results.floor);
console.log(
  `\n${source}, ${n} releases: engine ${e.toFixed(0)} releases/s, floor ${
    f.toFixed(0)
  } releases/s, ` +
    `engine/floor = ${(e / f).toFixed(2)}; MongoDB round trips per page ${
      median(results.rtPerPage).toFixed(2)
    }`,
);
await client.close();
await server.close();
await embedded?.stop();
