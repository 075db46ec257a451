/**
 * `deno task bench:memory [--sizes 2500,10000] [--huge-mb 100]` — peak memory of the engine
 * during replay backfills of different sizes, side by side. The replay server runs in a
 * subprocess, so this process holds only the engine (and its MongoDB client): if pages are
 * processed and dropped, peak memory stays flat as the backfill grows.
 *
 * With `--huge-mb N`, one backfill of 500 releases where one release carries N MB (streamed by
 * the replay server, no `content-length`): the page is never held whole, so peak RSS stays
 * far below the ~512 MB of a Deploy isolate (before issue 11, 100 MB took RSS to 636 MB).
 * @module
 */
import { manualClock } from "../../src/clock.ts";
import { flagsOrExit } from "../../src/cli/flags.ts";
import { loadConfig } from "../../src/config.ts";
import { getMongoClient } from "../../src/db/client.ts";
import { dropTestDb } from "../support/mongo.ts";
import { startEmbeddedMongo } from "../../src/db/embedded.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { runSync } from "../../src/sync/engine.ts";
import { engineDeps } from "../../src/sync/wiring.ts";
import { projectPath } from "../support/process.ts";

const flags = flagsOrExit(
  Deno.args,
  { sizes: "value", "huge-mb": "value" },
  "Usage: deno task bench:memory [--sizes 2500,10000] [--huge-mb 100]",
);
const hugeMb = flags.has("huge-mb") ? Number(flags.get("huge-mb")) : null;
const sizes = hugeMb !== null && !flags.has("sizes")
  ? [500]
  : (flags.get("sizes") || "2500,10000").split(",").map(Number);
const NOW = Date.parse("2026-11-24T00:00:00Z");
/** 200 releases a day (50 per 6 h window) at every size, so pages are alike and only their
 * number grows. */
const fromFor = (n: number) => new Date(NOW - Math.max(1, n / 200) * 86_400_000);

const embedded = Deno.env.get("MONGODB_URI") ? null : await startEmbeddedMongo();
const uri = Deno.env.get("MONGODB_URI") ?? embedded!.uri;

async function replay(n: number, from: Date): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      projectPath("tests/support/replay_server.ts"),
      "--port",
      "0",
      "--releases",
      String(n),
      "--from",
      from.toISOString(),
      "--to",
      new Date(NOW).toISOString(),
      "--no-rate-limit",
      ...(hugeMb === null ? [] : ["--huge-release-mb", String(hugeMb)]),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/on (http:\/\/\S+)/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`replay server exited: ${text}`);
    text += value;
  }
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  return {
    url: /on (http:\/\/\S+)/.exec(text)![1],
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

for (const n of sizes) {
  const from = fromFor(n);
  const server = await replay(n, from);
  const config = loadConfig({
    FTS_BASE_URL: server.url,
    CF_BASE_URL: server.url,
    FTS_RATE_LIMIT: "100000/1s",
    FTS_START_DATE: from.toISOString().slice(0, 10),
    LOG_LEVEL: "warning",
    // off: on jongodb raw-release upserts grow with the collection and would swamp the figure
    KEEP_RAW_RELEASES: "false",
  });
  const db = getMongoClient(uri).db(`bench_memory_${n}_${Date.now()}`);
  await ensureIndexes(db);
  using kv = await Deno.openKv(":memory:");
  // settle, then measure from a common baseline
  (globalThis as { gc?: () => void }).gc?.();
  const base = Deno.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sample = () => {
    const m = Deno.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 50);
  const started = performance.now();
  const run = await runSync(
    engineDeps(config, { db, kv, clock: manualClock(NOW), onProgress: sample }),
    { source: "fts", trigger: "test", budgetMs: 24 * 3_600_000 },
  );
  clearInterval(timer);
  await server.stop();
  (globalThis as { gc?: () => void }).gc?.();
  const retained = Deno.memoryUsage().heapUsed - base.heapUsed;
  const mb = (b: number) => (b / 1_048_576).toFixed(1);
  console.log(
    (hugeMb === null ? "" : `one release of ${hugeMb} MB, ${run.quarantined} quarantined; `) +
      `${n} releases (${run.releases} read, ${run.pages} pages, ${run.outcome}) in ` +
      `${((performance.now() - started) / 1000).toFixed(0)} s: peak heap ${mb(peakHeap)} MB ` +
      `(+${mb(peakHeap - base.heapUsed)}), peak RSS ${mb(peakRss)} MB (+${
        mb(peakRss - base.rss)
      }), ` +
      `heap retained after GC +${mb(retained)} MB`,
  );
  await dropTestDb(db);
}
await getMongoClient(uri).close();
await embedded?.stop();
