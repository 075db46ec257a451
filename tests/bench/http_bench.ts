/**
 * `deno task bench:http`: the dashboard, the read API (notices and procurements) and the
 * explorer at two database sizes (default 1,000 and 50,000 notices), side by side — MongoDB
 * commands per request (driver command monitoring) and the median time of 5 requests. The
 * notices are synthetic mapped notices inserted directly (the documents `writeContracts`
 * writes, in batches of `--batch`, see `insertNotices`), and their procurements (two notices
 * per ocid) compiled and inserted the same way (`insertProcurements`): a replay sync of 50,000
 * releases on the embedded server would take hours (its inserts slow down as a collection
 * grows) and measure the sync, not the reads. The embedded server is a standalone jongodb
 * (`MONGODB_URI` wins): the requests only read and need no transaction. `--only` measures some groups of rows (`dashboard`, `notices`, `procurements`,
 * `explore`), for a size where the whole run would take too long; every row is also printed
 * to stderr as soon as it is measured, so a run stopped early still leaves its figures.
 *
 *     deno task bench:http [--sizes 1000,50000] [--runs 5] [--batch 1000] [--only dashboard,notices]
 */
import { MongoClient } from "mongodb";
import { flagsOrExit } from "../../src/cli/flags.ts";
import { loadConfig } from "../../src/config.ts";
import { CLIENT_OPTIONS } from "../../src/db/client.ts";
import { ensureIndexes } from "../../src/db/indexes.ts";
import { createApp } from "../../src/http/app.ts";
import { engineDeps } from "../../src/sync/wiring.ts";
import { freshDbName, testMongoUri } from "../support/mongo.ts";
import { insertNotices, insertProcurements, syntheticNotices } from "../support/notices.ts";

const flags = flagsOrExit(
  Deno.args,
  { sizes: "value", runs: "value", batch: "value", only: "value" },
  "Usage: deno task bench:http [--sizes 1000,50000] [--runs 5] [--batch 1000] " +
    "[--only dashboard,notices,procurements,explore]",
);
const GROUPS = ["dashboard", "notices", "procurements", "explore"] as const;
type Group = typeof GROUPS[number];
const sizes = (flags.get("sizes") || "1000,50000").split(",").map(Number);
const runs = Number(flags.get("runs") || 5);
const batch = Number(flags.get("batch") || 1000);
const only = new Set((flags.get("only") || GROUPS.join(",")).split(","));
if (
  sizes.some((n, i) => !Number.isInteger(n) || n < 2 || n % 2 !== 0 || n <= (sizes[i - 1] ?? 0)) ||
  !(runs >= 1) || !Number.isInteger(batch) || batch < 1
) {
  // even sizes: a procurement's two notices (one ocid for 2k and 2k + 1) land in the same size
  console.error(
    "--sizes takes rising even numbers (1000,50000), --runs and --batch counts of at least 1.",
  );
  Deno.exit(2);
}
const unknown = [...only].filter((g) => !(GROUPS as readonly string[]).includes(g));
if (unknown.length > 0) {
  console.error(`--only takes some of ${GROUPS.join(",")}; unknown: ${unknown.join(",")}.`);
  Deno.exit(2);
}
const want = (group: Group) => only.has(group);
const NOW = Date.now();

// On the embedded server one insert of 1,000 notices took 86 s with 27,000 stored, and a read of
// every notice there sorts without an index: longer than the product's 60 s socket timeout,
// which the benchmark would otherwise report as a failure instead of a time.
const client = new MongoClient(await testMongoUri({ replicaSet: false }), {
  ...CLIENT_OPTIONS,
  socketTimeoutMS: 900_000,
  monitorCommands: true,
});
let commands = 0;
client.on("commandStarted", () => commands++);

type Row = { route: string; bySize: Map<number, { commands: number; ms: number }> };
const rows = new Map<string, Row>();
const record = (route: string, size: number, cmds: number, ms: number) => {
  const row = rows.get(route) ?? { route, bySize: new Map() };
  row.bySize.set(size, { commands: cmds, ms });
  rows.set(route, row);
  console.error(`  ${size}: ${route}: ${cmds} commands, ${ms.toFixed(1)} ms`);
};
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

// One database, grown size by size: the generator is seeded, so the notices of a smaller size
// are the first of a larger one, and a run to 50,000 stores each notice once.
const all = syntheticNotices(sizes[sizes.length - 1], 77, NOW);
const db = client.db(freshDbName("bench_http"));
await ensureIndexes(db);
let stored = 0;
for (const size of sizes) {
  const notices = all.slice(0, size);
  const added = all.slice(stored, size);
  const t0 = performance.now();
  const progress = (what: string, before: number) => (n: number) =>
    console.error(`  ${before + n} ${what} stored at ${seconds(t0)} s`);
  await insertNotices(db, added, NOW, { batch, onBatch: progress("notices", stored) });
  console.error(`${size} notices stored (${added.length} added in ${seconds(t0)} s)`);
  using kv = await Deno.openKv(":memory:");
  const config = loadConfig({});
  const engine = engineDeps(config, { db, kv });
  const uncached = createApp({ config, ready: () => Promise.resolve(engine), dashboardTtlMs: 0 });
  const cached = createApp({ config, ready: () => Promise.resolve(engine) });
  const get = async (app: typeof cached, path: string) => {
    const res = await app.handler(new Request(`http://bench${path}`));
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res;
  };
  const measure = async (route: string, path: string, app = uncached) => {
    await (await get(app, path)).arrayBuffer(); // warm
    const times: number[] = [];
    let cmds = 0;
    for (let i = 0; i < runs; i++) {
      const before = commands;
      const t = performance.now();
      await (await get(app, path)).arrayBuffer();
      times.push(performance.now() - t);
      cmds = commands - before;
    }
    times.sort((a, b) => a - b);
    record(route, size, cmds, times[Math.floor(times.length / 2)]);
  };
  const sample = notices[Math.floor(size / 2)];
  if (want("dashboard")) {
    await measure("GET / (dashboard, uncached)", "/?refresh=60");
    {
      const before = commands;
      const t = performance.now();
      await Promise.all(
        Array.from({ length: 20 }, async () => (await get(cached, "/?refresh=60")).arrayBuffer()),
      );
      record(
        "GET / × 20 concurrent (shared cache)",
        size,
        commands - before,
        performance.now() - t,
      );
    }
  }
  // The dashboard reads no procurement, so its rows come before the procurements are stored.
  if (want("notices") || want("procurements") || want("explore")) {
    const t1 = performance.now();
    const procurementCount = await insertProcurements(db, added, {
      batch,
      onBatch: progress("procurements", 0),
    });
    console.error(`${procurementCount} procurements added in ${seconds(t1)} s`);
  }
  if (want("notices")) {
    await measure("GET /api/v1/notices", "/api/v1/notices");
    await measure("GET /api/v1/notices?limit=100&q=road", "/api/v1/notices?limit=100&q=road");
    await measure(
      "…?sector=it-services&sort=-value&limit=50",
      "/api/v1/notices?sector=it-services&sort=-value&limit=50",
    );
    await measure(
      "…?cpv=45&region=UKI&status=active",
      "/api/v1/notices?cpv=45&region=UKI&status=active",
    );
    {
      let path = "/api/v1/notices?limit=100";
      for (let i = 0; i < 5; i++) {
        const body = await (await get(uncached, path)).json();
        path = `/api/v1/notices?limit=100&cursor=${body.next}`;
      }
      await measure("GET /api/v1/notices, 6th page of 100", path);
    }
    await measure(
      "GET /api/v1/notices/{source}/{id}",
      `/api/v1/notices/${sample.source}/${sample.noticeId}`,
    );
    await measure("GET /api/v1/buyers/{orgId}", `/api/v1/buyers/${sample.buyerOrg}`);
    {
      const before = commands;
      const t = performance.now();
      await (await get(uncached, "/api/v1/sectors")).arrayBuffer();
      record(
        "GET /api/v1/sectors (first, then cached 60 s)",
        size,
        commands - before,
        performance.now() - t,
      );
    }
    {
      const before = commands;
      const t = performance.now();
      await (await get(uncached, "/api/v1/notices.ndjson")).arrayBuffer();
      record("GET /api/v1/notices.ndjson (all)", size, commands - before, performance.now() - t);
    }
  }
  if (want("procurements")) {
    await measure("GET /api/v1/procurements", "/api/v1/procurements");
    await measure(
      "GET /api/v1/procurements?limit=100&q=road",
      "/api/v1/procurements?limit=100&q=road",
    );
    await measure(
      "…?phase=open&sector=construction-works&sort=deadline",
      "/api/v1/procurements?phase=open&sector=construction-works&sort=deadline",
    );
    await measure(
      "…?cpv=45&region=UKI&minValue=1000000&sort=-value",
      "/api/v1/procurements?cpv=45&region=UKI&minValue=1000000&sort=-value",
    );
    {
      let path = "/api/v1/procurements?limit=100";
      for (let i = 0; i < 5; i++) {
        const body = await (await get(uncached, path)).json();
        path = `/api/v1/procurements?limit=100&cursor=${body.next}`;
      }
      await measure("GET /api/v1/procurements, 6th page of 100", path);
    }
    await measure(
      "GET /api/v1/procurements/{source}/{ocid}",
      `/api/v1/procurements/${sample.source}/${sample.ocid}`,
    );
    {
      const before = commands;
      const t = performance.now();
      await (await get(uncached, "/api/v1/procurements.ndjson")).arrayBuffer();
      record(
        "GET /api/v1/procurements.ndjson (all)",
        size,
        commands - before,
        performance.now() - t,
      );
    }
  }
  if (want("explore")) {
    await measure("GET /explore?q=road (procurements)", "/explore?q=road");
    await measure("GET /explore/notices?q=road", "/explore/notices?q=road");
    await measure(
      "GET /explore/procurements/{source}/{ocid}",
      `/explore/procurements/${sample.source}/${sample.ocid}`,
    );
  }
  stored = size;
}

const header = ["route", ...sizes.flatMap((s) => [`${s} cmds`, `${s} ms`])];
console.log(`| ${header.join(" | ")} |`);
console.log(`| ${header.map(() => "---").join(" | ")} |`);
for (const row of rows.values()) {
  const cells = sizes.flatMap((s) => {
    const v = row.bySize.get(s);
    return v ? [String(v.commands), v.ms.toFixed(1)] : ["", ""];
  });
  console.log(`| ${row.route} | ${cells.join(" | ")} |`);
}
await client.close();
Deno.exit(0);
