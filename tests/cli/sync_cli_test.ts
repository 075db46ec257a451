import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { endedWell, parseSyncArgs, progressLine, summaryLine } from "../../src/cli/sync.ts";
import { runRecord } from "../../src/db/runs.ts";
import { contractsCollection } from "../../src/db/contracts.ts";
import { dropping, freshDbName, testMongoUri } from "../support/mongo.ts";
import { getMongoClient } from "../../src/db/client.ts";
import { childEnv, projectPath } from "../support/process.ts";
import { startReplayServer } from "../support/replay_server.ts";
import { syntheticReleases } from "../support/replay_data.ts";

const NOW = new Date("2026-11-28T00:00:00Z");

Deno.test("sync arguments: defaults, ranges, limits, and clear errors", () => {
  assertEquals(parseSyncArgs([], NOW), {
    sources: ["fts", "cf"],
    range: null,
    maxPages: undefined,
    budgetMs: undefined,
  });
  const a = parseSyncArgs([
    "--source=cf",
    "--from",
    "2026-01-01",
    "--max-pages",
    "3",
    "--budget",
    "90s",
  ], NOW);
  assertEquals(a, {
    sources: ["cf"],
    range: { from: new Date("2026-01-01T00:00:00Z"), to: null },
    maxPages: 3,
    budgetMs: 90_000,
  });
  assertThrows(
    () => parseSyncArgs(["--source", "ted"], NOW),
    Error,
    "--source must be fts, cf or all",
  );
  assertThrows(() => parseSyncArgs(["--to", "2026-01-01"], NOW), Error, "--to needs --from");
  assertThrows(
    () => parseSyncArgs(["--from", "2026-02-01", "--to", "2026-01-01"], NOW),
    Error,
    "before",
  );
  assertThrows(() => parseSyncArgs(["--max-pages", "0"], NOW), Error, "positive integer");
  assertThrows(() => parseSyncArgs(["--budget", "soon"], NOW), Error, "duration");
  assertThrows(() => parseSyncArgs(["--verbose"], NOW), Error, 'Unknown flag "--verbose"');
});

Deno.test("the summary line makes upstream control characters and bidi overrides visible", () => {
  // Before issue 11 an error quoting upstream text reached the terminal raw: BEL rang, ESC
  // sequences and U+202E rewrote what was shown.
  const line = summaryLine(runRecord({
    _id: "r",
    source: "cf",
    streamId: "cf",
    trigger: "cli",
    startedAt: NOW,
    endedAt: NOW,
    outcome: "throttled",
    throttledUntil: new Date("2026-01-01T01:00:00Z"),
    error: "HTTP 500: \u0007\u001b[2J\u202Eevil\rover",
  }));
  assertStringIncludes(line, "cf: throttled until 2026-01-01T01:00:00.000Z — 0 pages");
  assertStringIncludes(line, "HTTP 500: ␇␛[2J�evil␍over");
  for (const raw of ["\u0007", "\u001b", "\u202E", "\r"]) assert(!line.includes(raw), line);
});

Deno.test("the progress line shows pages, releases, rate, position, share and ETA", () => {
  const line = progressLine({
    runId: "r",
    source: "fts",
    pages: 10,
    releases: 1000,
    elapsedMs: 20_000,
    window: { from: new Date("2026-01-01T06:00:00Z"), to: new Date("2026-01-01T12:00:00Z") },
    done: 0.25,
  });
  assertEquals(line, "fts  pages 10  releases 1000  50.0/s  at 2026-01-01T06:00  25.0%  ETA 60s");
});

Deno.test({
  name: "deno task sync runs a range backfill against a server and prints a summary",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await using server = startReplayServer({ rateLimit: { fts: false, cf: false } });
    server.setReleases(
      "fts",
      syntheticReleases("fts", 60, {
        from: new Date("2026-11-01"),
        to: new Date("2026-11-02"),
        seed: 3,
      }),
    );
    const uri = await testMongoUri();
    const dbName = freshDbName("cli");
    await using _drop = dropping(getMongoClient(uri).db(dbName));
    const kvDir = await Deno.makeTempDir();
    const run = (args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", projectPath("src/cli/sync.ts"), ...args],
        env: childEnv({
          MONGODB_URI: uri,
          MONGODB_DB: dbName,
          KV_PATH: `${kvDir}/kv.sqlite`,
          FTS_BASE_URL: server.url,
          CF_BASE_URL: server.url,
          FTS_RATE_LIMIT: "1000/1s",
        }),
        clearEnv: true,
      }).output();
    const ok = await run(["--source", "fts", "--from", "2026-11-01", "--to", "2026-11-02"]);
    const out = new TextDecoder().decode(ok.stdout);
    const err = new TextDecoder().decode(ok.stderr);
    assertEquals(ok.code, 0, out + err);
    assertStringIncludes(out, "fts: caught-up");
    assertStringIncludes(out, "(60 new, 0 updated");
    assertStringIncludes(err, "fts  pages 1");
    assertEquals(await contractsCollection(getMongoClient(uri).db(dbName)).countDocuments({}), 60);
    const bad = await run(["--source", "nope"]);
    assertEquals(bad.code, 2);
    assertStringIncludes(new TextDecoder().decode(bad.stderr), "--source must be fts, cf or all");
    await Deno.remove(kvDir, { recursive: true });
  },
});

Deno.test("a run ends well when caught up or stopped by its budget, page limit or throttling", () => {
  const run = (outcome: string) => ({ outcome }) as Parameters<typeof endedWell>[0];
  assert(endedWell(run("caught-up")) && endedWell(run("budget")) && endedWell(run("page-limit")));
  assert(endedWell(run("throttled")), "the next run continues after the API's wait");
  assert(
    !endedWell(run("error")) && !endedWell(run("lease-held")) && !endedWell(run("lease-lost")),
  );
});
