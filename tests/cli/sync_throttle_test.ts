/**
 * The proof of issue 11's lease finding, as the issue states it: `deno task sync --source cf`
 * against the replay server with a CF 403 throttle page in the middle and
 * `SYNC_LEASE_TTL=10s CF_THROTTLE_WAIT=62s HTTP_TIMEOUT=5s` ends caught up, exit 0, with every
 * notice stored. The wait must outlast KV's own expiry of the lease key (twice the TTL, at
 * least 60 s): before the heartbeat, the run then ended `lease-lost` with exit 1. 62 s (plus
 * 0–20 % jitter) is the shortest wait that does; the test takes about 70 s.
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { getMongoClient } from "../../src/db/client.ts";
import { contractsCollection } from "../../src/db/contracts.ts";
import { freshDbName, testMongoUri } from "../support/mongo.ts";
import { childEnv, projectPath } from "../support/process.ts";
import { syntheticReleases } from "../support/replay_data.ts";
import { startReplayServer } from "../support/replay_server.ts";

Deno.test({
  name: "deno task sync: a 62 s CF throttle wait with a 10 s lease TTL ends caught up, exit 0",
  // the shared test MongoDB (jongodb process, pooled client) outlives this test
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const now = Date.now();
    await using server = startReplayServer({ rateLimit: { fts: false, cf: false } });
    const releases = syntheticReleases("cf", 30, {
      from: new Date(now - 2 * 86_400_000),
      to: new Date(now - 60_000),
      seed: 21,
    });
    server.setReleases("cf", releases);
    let cfRequests = 0;
    server.inject({
      fault: { kind: "throttle-html" },
      source: "cf",
      match: () => ++cfRequests === 2, // the second page: in the middle of the backfill
    });
    const uri = await testMongoUri();
    const dbName = freshDbName("cli_throttle");
    const kvDir = await Deno.makeTempDir();
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["task", "sync", "--source", "cf"],
        cwd: projectPath(""),
        env: childEnv({
          MONGODB_URI: uri,
          MONGODB_DB: dbName,
          KV_PATH: `${kvDir}/kv.sqlite`,
          FTS_BASE_URL: server.url,
          CF_BASE_URL: server.url,
          CF_START_DATE: "3d",
          CF_PAGE_SIZE: "10",
          SYNC_LEASE_TTL: "10s",
          CF_THROTTLE_WAIT: "62s",
          HTTP_TIMEOUT: "5s",
        }),
        clearEnv: true,
      }).output();
      const stdout = new TextDecoder().decode(out.stdout);
      const stderr = new TextDecoder().decode(out.stderr);
      assertEquals(out.code, 0, stdout + stderr);
      assertStringIncludes(stdout, "cf: caught-up");
      assertStringIncludes(stdout, "30 new");
      assertEquals(server.log.filter((r) => r.status === 403).length, 1, "it was throttled once");
      const stored = await contractsCollection(getMongoClient(uri).db(dbName)).countDocuments({});
      assertEquals(stored, new Set(releases.map((r) => r.id.replace(/-\d+$/, ""))).size);
    } finally {
      await Deno.remove(kvDir, { recursive: true });
    }
  },
});
